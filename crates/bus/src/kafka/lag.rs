//! Consumer lag as operators graph it: a partition's high watermark minus the group's
//! committed offset. The probe is a client of its own that joins no group, so measuring never
//! disturbs the service's assignment.

use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer as _};
use rdkafka::{Offset, TopicPartitionList};

use super::stats::StatsContext;
use super::{creating, transport, KafkaSettings};
use crate::BusError;

/// Reads the committed offsets of one consumer group and the watermarks of its topics.
pub struct LagProbe {
    consumer: BaseConsumer<StatsContext>,
}

/// The lag of one partition of the probed group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionLag {
    /// The partition number.
    pub partition: i32,
    /// Records between the committed offset (or the low watermark without one) and the high
    /// watermark; never negative.
    pub records: i64,
}

impl LagProbe {
    /// A probe for `group`, with the settings' client and consumer pass-through settings.
    pub fn new(settings: &KafkaSettings, group: &str) -> Result<LagProbe, BusError> {
        let mut config = rdkafka::ClientConfig::new();
        config.set("bootstrap.servers", &settings.brokers);
        for (key, value) in settings.client.iter().chain(settings.consumer.iter()) {
            config.set(key, value);
        }
        config
            .set("group.id", group)
            .set("enable.auto.commit", "false");
        Ok(LagProbe {
            consumer: config
                .create_with_context(settings.helper_context("lag"))
                .map_err(creating)?,
        })
    }

    /// The lag of every partition of `topic` (blocking; each broker call waits up to
    /// `timeout`).
    pub fn measure(&self, topic: &str, timeout: Duration) -> Result<Vec<PartitionLag>, BusError> {
        let metadata = self
            .consumer
            .fetch_metadata(Some(topic), timeout)
            .map_err(transport)?;
        let mut list = TopicPartitionList::new();
        for t in metadata.topics() {
            for p in t.partitions() {
                list.add_partition(topic, p.id());
            }
        }
        let committed = self
            .consumer
            .committed_offsets(list, timeout)
            .map_err(transport)?;
        let mut out = Vec::new();
        for element in committed.elements() {
            let partition = element.partition();
            let (low, high) = self
                .consumer
                .fetch_watermarks(topic, partition, timeout)
                .map_err(transport)?;
            let position = match element.offset() {
                Offset::Offset(offset) => offset,
                _ => low,
            };
            out.push(PartitionLag {
                partition,
                records: (high - position).max(0),
            });
        }
        Ok(out)
    }
}
