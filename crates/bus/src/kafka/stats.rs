//! librdkafka's statistics (`statistics.interval.ms`), summarised into a small typed record
//! and handed to a callback the application provides ([`KafkaSettings::stats`]). The bus knows
//! nothing of metrics: what becomes a gauge is the callback's business.
//!
//! [`KafkaSettings::stats`]: super::KafkaSettings::stats

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rdkafka::producer::{DeliveryResult, ProducerContext};
use rdkafka::statistics::Statistics;
use rdkafka::ClientContext;

/// Receives a summary from every client each `statistics.interval.ms`.
pub type StatsSink = Arc<dyn Fn(&KafkaStats) + Send + Sync>;

/// One client's statistics at one moment. Byte and rebalance counts are totals since the
/// client started; `instance` tells clients apart (a replaced producer starts again at 0).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KafkaStats {
    /// What the client is for: `producer`, `consumer/<group>`, `tx-producer`,
    /// `tx-consumer/<group>` (a small, fixed set per process).
    pub client: String,
    /// librdkafka's handle name (`newswire#producer-1`), unique per client in the process.
    pub instance: String,
    /// Messages waiting in the producer queue to be sent or acknowledged (`msg_cnt`).
    pub queued_messages: u64,
    /// Bytes of those messages (`msg_size`).
    pub queued_bytes: u64,
    /// Events waiting for the application to serve them (`replyq`).
    pub reply_queue: u64,
    /// Bytes sent to brokers (`tx_bytes`).
    pub sent_bytes: u64,
    /// Bytes received from brokers (`rx_bytes`).
    pub received_bytes: u64,
    /// Round-trip time per broker (brokers with requests in the last window only).
    pub brokers: Vec<BrokerStats>,
    /// Messages fetched and waiting to be consumed, per assigned partition (consumers only).
    pub partitions: Vec<PartitionStats>,
    /// Consumer-group rebalances (consumers only).
    pub rebalances: Option<u64>,
}

/// Request latency to one broker, from the last statistics window.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokerStats {
    /// `host:port/node-id`.
    pub broker: String,
    /// 99th percentile of request round-trip times in the last window.
    pub rtt_p99: Duration,
}

/// The fetch queue of one assigned partition.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionStats {
    /// Topic of the partition.
    pub topic: String,
    /// Partition number.
    pub partition: i32,
    /// `fetchq_cnt`: fetched, not yet handed to the application.
    pub fetch_queue_messages: u64,
}

fn unsigned(n: i64) -> u64 {
    n.max(0) as u64
}

impl KafkaStats {
    /// The summary of librdkafka's statistics of client `client`.
    pub fn from_statistics(client: &str, stats: &Statistics) -> KafkaStats {
        let mut brokers: Vec<BrokerStats> = stats
            .brokers
            .values()
            .filter(|b| b.nodeid >= 0)
            .filter_map(|b| {
                let rtt = b.rtt.as_ref().filter(|w| w.cnt > 0)?;
                Some(BrokerStats {
                    broker: b.name.clone(),
                    rtt_p99: Duration::from_micros(unsigned(rtt.p99)),
                })
            })
            .collect();
        brokers.sort_by(|a, b| a.broker.cmp(&b.broker));
        let mut partitions: Vec<PartitionStats> = stats
            .topics
            .iter()
            .flat_map(|(topic, t)| t.partitions.values().map(move |p| (topic, p)))
            .filter(|(_, p)| p.partition >= 0 && p.desired)
            .map(|(topic, p)| PartitionStats {
                topic: topic.clone(),
                partition: p.partition,
                fetch_queue_messages: unsigned(p.fetchq_cnt),
            })
            .collect();
        partitions.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        KafkaStats {
            client: client.to_string(),
            instance: stats.name.clone(),
            queued_messages: stats.msg_cnt,
            queued_bytes: stats.msg_size,
            reply_queue: unsigned(stats.replyq),
            sent_bytes: unsigned(stats.tx_bytes),
            received_bytes: unsigned(stats.rx_bytes),
            brokers,
            partitions,
            rebalances: stats.cgrp.as_ref().map(|g| unsigned(g.rebalance_cnt)),
        }
    }
}

/// Parses librdkafka's JSON and hands the summary to the sink, if there is one.
#[derive(Clone, Default)]
pub(crate) struct StatsReporter {
    client: String,
    sink: Option<StatsSink>,
    /// Where health events go, and the brokers they concern (see [`super::events`]).
    events: Option<super::events::EventSink>,
    brokers: String,
    /// Whether a parse failure was logged already (it would repeat every interval).
    complained: Arc<AtomicBool>,
}

impl fmt::Debug for StatsReporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatsReporter")
            .field("client", &self.client)
            .field("sink", &self.sink.is_some())
            .finish()
    }
}

impl StatsReporter {
    pub(crate) fn new(
        client: impl Into<String>,
        sink: Option<StatsSink>,
        events: Option<super::events::EventSink>,
        brokers: impl Into<String>,
    ) -> Self {
        StatsReporter {
            client: client.into(),
            sink,
            events,
            brokers: brokers.into(),
            complained: Arc::default(),
        }
    }

    /// librdkafka's error callback: logged at its level, reported to health.
    pub(crate) fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        super::events::client_error(
            &self.client,
            &self.brokers,
            self.events.as_ref(),
            error,
            reason,
        );
    }

    /// librdkafka's log callback (see [`super::events::client_log`]).
    pub(crate) fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, message: &str) {
        super::events::client_log(&self.client, level, fac, message);
    }

    /// A consumer's rebalance step, reported to health.
    pub(crate) fn rebalance(&self, kind: super::events::ClientEventKind) {
        super::events::rebalance(&self.client, self.events.as_ref(), kind);
    }

    pub(crate) fn report(&self, json: &[u8]) {
        let Some(sink) = &self.sink else {
            return;
        };
        match serde_json::from_slice::<Statistics>(json) {
            Ok(stats) => sink(&KafkaStats::from_statistics(&self.client, &stats)),
            Err(err) => {
                if !self.complained.swap(true, Ordering::Relaxed) {
                    tracing::warn!(client = %self.client, error = %err, "librdkafka statistics not understood; Kafka client gauges stay unset");
                }
            }
        }
    }
}

/// The context of clients that need nothing but statistics and the error callback
/// (producers, admin clients, the table reader, the lag probe).
#[derive(Clone, Default)]
pub struct StatsContext {
    pub(crate) reporter: StatsReporter,
}

impl ClientContext for StatsContext {
    fn stats_raw(&self, statistics: &[u8]) {
        self.reporter.report(statistics);
    }

    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        self.reporter.error(error, reason);
    }

    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, message: &str) {
        self.reporter.log(level, fac, message);
    }
}

impl rdkafka::consumer::ConsumerContext for StatsContext {}

impl ProducerContext for StatsContext {
    type DeliveryOpaque = ();

    fn delivery(&self, _result: &DeliveryResult<'_>, _opaque: Self::DeliveryOpaque) {}
}
