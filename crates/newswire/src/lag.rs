//! Consumer lag per partition, as operators graph it: the partition's high watermark minus the
//! consumer group's committed offset, read every 15 s with a client of its own (it joins no
//! group, so it never disturbs the service's assignment).

use std::sync::Arc;
use std::time::Duration;

use newswire_bus::kafka::rdkafka::consumer::{BaseConsumer, Consumer as _};
use newswire_bus::kafka::rdkafka::{ClientConfig, Offset, TopicPartitionList};
use newswire_bus::kafka::KafkaSettings;

use crate::shutdown::Shutdown;
use crate::telemetry::{Metrics, PartitionLabels};

const EVERY: Duration = Duration::from_secs(15);
const TIMEOUT: Duration = Duration::from_secs(5);

/// Publishes `newswire_consumer_lag_records{topic, partition}` for `group` on `topic` until
/// shutdown. Failures are logged at debug level and retried next round: lag is advisory.
pub fn spawn(
    settings: &KafkaSettings,
    group: &str,
    topic: &'static str,
    metrics: Arc<Metrics>,
    shutdown: Shutdown,
) {
    let mut config = ClientConfig::new();
    config.set("bootstrap.servers", &settings.brokers);
    for (key, value) in settings.client.iter().chain(settings.consumer.iter()) {
        config.set(key, value);
    }
    config
        .set("group.id", group)
        .set("enable.auto.commit", "false");
    let consumer: BaseConsumer = match config.create() {
        Ok(c) => c,
        Err(err) => {
            tracing::warn!(error = %err, "consumer lag metric disabled: cannot create a client");
            return;
        }
    };
    let consumer = Arc::new(consumer);
    tokio::spawn(async move {
        loop {
            let c = consumer.clone();
            let metrics = metrics.clone();
            let round = tokio::task::spawn_blocking(move || measure(&c, topic, &metrics)).await;
            if let Ok(Err(err)) = round {
                tracing::debug!(topic, error = %err, "consumer lag not measured this round");
            }
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = shutdown.requested() => break,
            }
        }
    });
}

fn measure(consumer: &BaseConsumer, topic: &str, metrics: &Metrics) -> Result<(), String> {
    let metadata = consumer
        .fetch_metadata(Some(topic), TIMEOUT)
        .map_err(|e| e.to_string())?;
    let mut list = TopicPartitionList::new();
    for t in metadata.topics() {
        for p in t.partitions() {
            list.add_partition(topic, p.id());
        }
    }
    let committed = consumer
        .committed_offsets(list, TIMEOUT)
        .map_err(|e| e.to_string())?;
    for element in committed.elements() {
        let partition = element.partition();
        let (low, high) = consumer
            .fetch_watermarks(topic, partition, TIMEOUT)
            .map_err(|e| e.to_string())?;
        let position = match element.offset() {
            Offset::Offset(offset) => offset,
            _ => low,
        };
        let labels = PartitionLabels {
            topic: topic.to_string(),
            partition: partition.to_string(),
        };
        metrics
            .consumer_lag
            .get_or_create(&labels)
            .set((high - position).max(0));
    }
    Ok(())
}
