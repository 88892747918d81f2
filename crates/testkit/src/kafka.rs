//! Small Kafka clients for tests: produce records, read a whole topic back.

use std::time::{Duration, Instant};

use newswire_bus::kafka::rdkafka::consumer::{BaseConsumer, Consumer as _};
use newswire_bus::kafka::rdkafka::message::{Headers, Message};
use newswire_bus::kafka::rdkafka::{Offset, TopicPartitionList};
use newswire_bus::kafka::{KafkaProducer, KafkaSettings};
use newswire_bus::{Origin, Producer as _, Record};

/// Sends every record to `topic` and waits for all delivery reports.
pub async fn produce(
    settings: &KafkaSettings,
    topic: &str,
    records: impl IntoIterator<Item = Record>,
) -> anyhow::Result<usize> {
    let producer = KafkaProducer::new(settings)?;
    let mut receipts = Vec::new();
    for record in records {
        receipts.push(producer.send(topic, record).await?);
    }
    let n = receipts.len();
    for receipt in receipts {
        receipt.wait().await?;
    }
    Ok(n)
}

/// Reads `topic` from the beginning of every partition (read_committed, no group) until at
/// least `min` records arrived and nothing new came for `quiet`, or `timeout` passed.
/// Blocking: call it from `spawn_blocking` in async tests.
pub fn read_topic(
    settings: &KafkaSettings,
    topic: &str,
    min: usize,
    quiet: Duration,
    timeout: Duration,
) -> anyhow::Result<Vec<(Record, Origin)>> {
    let mut config = newswire_bus::kafka::rdkafka::ClientConfig::new();
    config
        .set("bootstrap.servers", &settings.brokers)
        .set("group.id", format!("testkit-reader-{}", std::process::id()))
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed")
        .set("enable.partition.eof", "false");
    let consumer: BaseConsumer = config.create()?;
    let deadline = Instant::now() + timeout;
    let partitions = loop {
        let metadata = consumer.fetch_metadata(Some(topic), Duration::from_secs(5));
        let count = metadata
            .ok()
            .and_then(|m| m.topics().first().map(|t| t.partitions().len()))
            .unwrap_or(0);
        if count > 0 {
            break count;
        }
        if Instant::now() > deadline {
            anyhow::bail!("topic {topic} has no partitions");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions as i32 {
        tpl.add_partition_offset(topic, p, Offset::Beginning)?;
    }
    consumer.assign(&tpl)?;
    let mut out = Vec::new();
    let mut last = Instant::now();
    while Instant::now() < deadline {
        if out.len() >= min && last.elapsed() >= quiet {
            break;
        }
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(100)) {
            {
                let mut record = Record::new(
                    m.key()
                        .map(|k| String::from_utf8_lossy(k).into_owned())
                        .unwrap_or_default(),
                    m.payload().map(<[u8]>::to_vec).unwrap_or_default(),
                );
                if let Some(headers) = m.headers() {
                    for h in headers.iter() {
                        let v = h
                            .value
                            .map(|v| String::from_utf8_lossy(v).into_owned())
                            .unwrap_or_default();
                        record.headers.push((h.key.to_string(), v));
                    }
                }
                out.push((
                    record,
                    Origin {
                        topic: m.topic().to_string(),
                        partition: m.partition(),
                        offset: m.offset(),
                    },
                ));
                last = Instant::now();
            }
        }
    }
    Ok(out)
}
