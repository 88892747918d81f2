//! Consumer lag per partition, read every 15 s with [`LagProbe`] (a client of its own in the
//! bus that joins no group) and published as `newswire_consumer_lag_records`; the total per
//! topic goes into the progress line.

use std::sync::Arc;
use std::time::Duration;

use newswire_bus::kafka::lag::LagProbe;
use newswire_bus::kafka::KafkaSettings;

use crate::shutdown::Shutdown;
use crate::stage::stats::Stats;
use crate::telemetry::PartitionLabels;

const EVERY: Duration = Duration::from_secs(15);
const TIMEOUT: Duration = Duration::from_secs(5);

/// Publishes `newswire_consumer_lag_records{topic, partition}` for `group` on `topic` until
/// shutdown. Failures are logged at debug level and retried next round: lag is advisory.
pub fn spawn(
    settings: &KafkaSettings,
    group: &str,
    topic: &'static str,
    stats: Arc<Stats>,
    shutdown: Shutdown,
) {
    let probe = match LagProbe::new(settings, group) {
        Ok(p) => Arc::new(p),
        Err(err) => {
            tracing::warn!(error = %err, "consumer lag metric disabled: cannot create a client");
            return;
        }
    };
    tokio::spawn(async move {
        loop {
            let p = probe.clone();
            let round = tokio::task::spawn_blocking(move || p.measure(topic, TIMEOUT)).await;
            match round {
                Ok(Ok(lags)) => publish(&stats, topic, &lags),
                Ok(Err(err)) => {
                    tracing::debug!(topic, error = %err, "consumer lag not measured this round")
                }
                Err(_) => {}
            }
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = shutdown.requested() => break,
            }
        }
    });
}

fn publish(stats: &Stats, topic: &'static str, lags: &[newswire_bus::kafka::lag::PartitionLag]) {
    let total = lags.iter().map(|l| l.records).sum();
    stats
        .lag
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(topic, total);
    let metrics = &stats.metrics;
    for lag in lags {
        let labels = PartitionLabels {
            topic: topic.to_string(),
            partition: lag.partition.to_string(),
        };
        metrics.consumer_lag.get_or_create(&labels).set(lag.records);
    }
}
