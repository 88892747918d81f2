//! Metrics, declared once in the `metrics!` table below, exported in Prometheus text format
//! on `/metrics`. What changes them is [`crate::events`]: each named event logs and counts.
//!
//! Names carry the `newswire_` prefix and their unit; labels are low-cardinality (`stage`,
//! `outcome`, `error_code`, `sink`), except `feed` on the per-feed series, which
//! `[metrics] per_feed = false` folds into `feed="all"` (the fetch counter) or leaves out (the
//! per-feed gauges) for deployments with many feeds. Each service registers only the families
//! of the stages it runs ([`Exports`]) and creates its own stages' counters at zero; a labelled
//! family shows samples from its first event on. `process_*` come from the process itself at
//! each scrape ([`process`]). docs/operations.md (Metrics, Alerts) documents what each means and which alerts to set.

mod kafka;
pub mod process;

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

/// The stage a series counts.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StageLabels {
    /// `poll`, `enrich` or `sink`.
    pub stage: &'static str,
}

/// A stage and why a record failed there.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    /// `poll`, `enrich` or `sink`.
    pub stage: &'static str,
    /// `invalid_json`, `sink_write`, ...
    pub error_code: &'static str,
}

/// A feed and how its fetch ended.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FetchLabels {
    /// The feed id, or `all` with `metrics.per_feed = false`.
    pub feed: String,
    /// `ok`, `not_modified`, `http_5xx`, ...
    pub outcome: &'static str,
}

/// One feed.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FeedLabels {
    /// The feed id.
    pub feed: String,
}

/// One feed and one of the states it can be in.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FeedStateLabels {
    /// The feed id.
    pub feed: String,
    /// `ok`, `backoff` (failing, polled less often) or `dead` (gone: 410, no longer polled).
    pub state: &'static str,
}

/// Which sink a batch went to.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SinkLabels {
    /// `postgres`, `jsonl` or `stdout`.
    pub sink: &'static str,
}

/// A topic partition.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PartitionLabels {
    /// The topic name.
    pub topic: String,
    /// The partition number.
    pub partition: String,
}

/// A Kafka client of this process: `producer`, `consumer/<group>`, `tx-producer`, ...
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ClientLabels {
    /// `producer`, `consumer/<group>`, ...
    pub client: String,
}

/// A Kafka client and one broker it talks to.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BrokerLabels {
    /// As in [`ClientLabels`].
    pub client: String,
    /// `host:port/node-id`.
    pub broker: String,
}

/// A Kafka client and one partition assigned to it.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ClientPartitionLabels {
    /// As in [`ClientLabels`].
    pub client: String,
    /// The topic name.
    pub topic: String,
    /// The partition number.
    pub partition: String,
}

/// What a service runs, and so which families it exports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exports {
    /// The poll stage.
    pub poll: bool,
    /// The enrich stage.
    pub enrich: bool,
    /// The sink stage.
    pub sink: bool,
    /// Over Kafka (client statistics; consumer lag for enrich and sink).
    pub kafka: bool,
}

impl Exports {
    /// `newswire poll`.
    pub const POLL: Exports = Exports {
        poll: true,
        enrich: false,
        sink: false,
        kafka: true,
    };
    /// `newswire enrich --serve`.
    pub const ENRICH: Exports = Exports {
        poll: false,
        enrich: true,
        sink: false,
        kafka: true,
    };
    /// `newswire sink`.
    pub const SINK: Exports = Exports {
        poll: false,
        enrich: false,
        sink: true,
        kafka: true,
    };

    /// `newswire run`: every stage, over Kafka or in memory.
    pub fn every_stage(kafka: bool) -> Exports {
        Exports {
            poll: true,
            enrich: true,
            sink: true,
            kafka,
        }
    }

    /// The stages, as their `stage` label.
    pub fn stages(&self) -> Vec<&'static str> {
        [
            (self.poll, "poll"),
            (self.enrich, "enrich"),
            (self.sink, "sink"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }
}

/// Which services export a family.
type Scope = fn(&Exports) -> bool;
const ALL: Scope = |_| true;
const POLL: Scope = |e| e.poll;
const ENRICH: Scope = |e| e.enrich;
const SINK: Scope = |e| e.sink;
const DLQ: Scope = |e| e.enrich || e.sink;
const KAFKA: Scope = |e| e.kafka;
const LAG: Scope = |e| e.kafka && (e.enrich || e.sink);

/// A family's unit, which Prometheus appends to its name.
const NO_UNIT: Option<Unit> = None;
const SECONDS: Option<Unit> = Some(Unit::Seconds);

fn seconds_buckets() -> Histogram {
    // 1 ms .. ~33 s
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

fn micro_seconds_buckets() -> Histogram {
    // 10 us .. ~0.3 s
    Histogram::new(exponential_buckets(0.000_01, 2.0, 16))
}

fn batch_buckets() -> Histogram {
    Histogram::new(exponential_buckets(1.0, 2.0, 12))
}

/// The commit the binary was built from, for `newswire_build_info` (set once by the binary).
static BUILD_COMMIT: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Names the commit the running binary was built from in `newswire_build_info{commit}`.
pub fn set_build_commit(commit: &'static str) {
    let _ = BUILD_COMMIT.set(commit);
}

/// A gauge of seconds (timestamps, round-trip times).
pub type SecondsGauge = Gauge<f64, AtomicU64>;

/// Declares every metric once: its field (type and doc comment, which is also its HELP), its
/// name, its unit, which services export it, and how it is made. Generates [`Metrics`] and
/// its registration.
macro_rules! metrics {
    ($( $(#[doc = $doc:literal])+ $field:ident : $ty:ty = $name:literal, $unit:ident, $scope:ident, $make:expr; )+) => {
        /// Every metric newswire exports (see the table in `telemetry/mod.rs`).
        pub struct Metrics {
            registry: Registry,
            per_feed: bool,
            kafka_seen: Mutex<kafka::KafkaSeen>,
            $( $(#[doc = $doc])+ pub $field: $ty, )+
        }

        impl Metrics {
            /// Every family of `exports` registered, none with a series yet.
            pub fn with_exports(per_feed: bool, exports: Exports) -> Arc<Metrics> {
                let mut registry = Registry::default();
                let info = Info::new(vec![
                    ("version", env!("CARGO_PKG_VERSION")),
                    ("commit", BUILD_COMMIT.get().copied().unwrap_or("unknown")),
                ]);
                registry.register("newswire_build", "Build information", info);
                $(
                    let $field: $ty = $make;
                    if ($scope)(&exports) {
                        let help = [$($doc),+].map(str::trim).join(" ");
                        // The exposition adds the final full stop.
                        let help = help.trim_end_matches('.');
                        match $unit {
                            Some(unit) => registry.register_with_unit($name, help, unit, $field.clone()),
                            None => registry.register($name, help, $field.clone()),
                        }
                    }
                )+
                registry.register_collector(Box::new(process::ProcessCollector::new()));
                Arc::new(Metrics {
                    registry,
                    per_feed,
                    kafka_seen: Mutex::default(),
                    $( $field, )+
                })
            }
        }
    };
}

metrics! {
    /// 1 when the service is ready (same as /readyz).
    ready: Gauge = "newswire_ready", NO_UNIT, ALL, Gauge::default();
    /// Records a stage took in.
    records_received: Family<StageLabels, Counter> = "newswire_records_received", NO_UNIT, ALL, Family::default();
    /// Records a stage handed on, acknowledged downstream.
    records_sent: Family<StageLabels, Counter> = "newswire_records_sent", NO_UNIT, ALL, Family::default();
    /// Records a stage could not process.
    records_errors: Family<ErrorLabels, Counter> = "newswire_records_errors", NO_UNIT, ALL, Family::default();
    /// Records skipped on purpose (poll: entries an earlier poll delivered).
    records_discarded: Family<StageLabels, Counter> = "newswire_records_discarded", NO_UNIT, ALL, Family::default();
    /// Records sent to the dead-letter topic.
    dlq_records: Family<ErrorLabels, Counter> = "newswire_dlq_records", NO_UNIT, DLQ, Family::default();
    /// Feed fetches by feed and outcome.
    feed_fetches: Family<FetchLabels, Counter> = "newswire_feed_fetches", NO_UNIT, POLL, Family::default();
    /// Time to fetch and parse a feed.
    feed_fetch_duration: Histogram = "newswire_feed_fetch_duration", SECONDS, POLL, seconds_buckets();
    /// New articles emitted by the poller.
    feed_items: Counter = "newswire_feed_items", NO_UNIT, POLL, Counter::default();
    /// Duplicate articles the poller noticed (still emitted, with duplicate_of).
    feed_duplicates: Counter = "newswire_feed_duplicates", NO_UNIT, POLL, Counter::default();
    /// When a feed was last fetched successfully (Unix time).
    feed_last_success: Family<FeedLabels, SecondsGauge> = "newswire_feed_last_success_timestamp", SECONDS, POLL, Family::default();
    /// When a feed is polled next (Unix time).
    feed_next_poll: Family<FeedLabels, SecondsGauge> = "newswire_feed_next_poll_timestamp", SECONDS, POLL, Family::default();
    /// 1 for the state a feed is in (ok, backoff, dead), 0 for the others.
    feed_state: Family<FeedStateLabels, Gauge> = "newswire_feed_state", NO_UNIT, POLL, Family::default();
    /// Enrichment time per article.
    enrich_duration: Histogram = "newswire_enrich_duration", SECONDS, ENRICH, micro_seconds_buckets();
    /// Records per sink batch.
    sink_batch_size: Family<SinkLabels, Histogram> = "newswire_sink_batch_size", NO_UNIT, SINK, Family::new_with_constructor(batch_buckets);
    /// Time to write one batch.
    sink_batch_duration: Family<SinkLabels, Histogram> = "newswire_sink_batch_duration", SECONDS, SINK, Family::new_with_constructor(seconds_buckets);
    /// Records behind the partition's high watermark.
    consumer_lag: Family<PartitionLabels, Gauge> = "newswire_consumer_lag_records", NO_UNIT, LAG, Family::default();
    /// Records in the Kafka producer queue, not yet acknowledged by the broker.
    kafka_queue_messages: Family<ClientLabels, Gauge> = "newswire_kafka_queue_messages", NO_UNIT, KAFKA, Family::default();
    /// Bytes of the records in the Kafka producer queue.
    kafka_queue_bytes: Family<ClientLabels, Gauge> = "newswire_kafka_queue_bytes", NO_UNIT, KAFKA, Family::default();
    /// librdkafka events waiting to be served (delivery reports, statistics).
    kafka_reply_queue: Family<ClientLabels, Gauge> = "newswire_kafka_reply_queue_events", NO_UNIT, KAFKA, Family::default();
    /// Bytes sent to Kafka brokers.
    kafka_sent_bytes: Family<ClientLabels, Counter> = "newswire_kafka_sent_bytes", NO_UNIT, KAFKA, Family::default();
    /// Bytes received from Kafka brokers.
    kafka_received_bytes: Family<ClientLabels, Counter> = "newswire_kafka_received_bytes", NO_UNIT, KAFKA, Family::default();
    /// 99th percentile of request round-trip times to a broker, last statistics window.
    kafka_broker_rtt: Family<BrokerLabels, SecondsGauge> = "newswire_kafka_broker_rtt_p99", SECONDS, KAFKA, Family::default();
    /// Records fetched from an assigned partition, not yet taken by the stage.
    kafka_fetch_queue: Family<ClientPartitionLabels, Gauge> = "newswire_kafka_fetch_queue_messages", NO_UNIT, KAFKA, Family::default();
    /// Consumer-group rebalances.
    kafka_rebalances: Family<ClientLabels, Counter> = "newswire_kafka_rebalances", NO_UNIT, KAFKA, Family::default();
}

impl Metrics {
    /// Every family of every stage, in memory (what `newswire run` exports); for tests.
    pub fn new(per_feed: bool) -> Arc<Metrics> {
        Metrics::with_exports(per_feed, Exports::every_stage(false))
    }

    /// Whether series are labelled by feed id.
    pub fn per_feed(&self) -> bool {
        self.per_feed
    }

    /// The `feed` label of the fetch counter: the id, or `all` without per-feed series.
    pub fn feed_label(&self, feed: &str) -> String {
        if self.per_feed {
            feed.to_string()
        } else {
            "all".to_string()
        }
    }

    /// Counts `n` records `stage` took in.
    pub fn received(&self, stage: &'static str, n: u64) {
        self.records_received
            .get_or_create(&StageLabels { stage })
            .inc_by(n);
    }

    /// Counts `n` records `stage` handed on (acknowledged).
    pub fn sent(&self, stage: &'static str, n: u64) {
        self.records_sent
            .get_or_create(&StageLabels { stage })
            .inc_by(n);
    }

    /// Counts one record `stage` could not process.
    pub fn error(&self, stage: &'static str, error_code: &'static str) {
        self.records_errors
            .get_or_create(&ErrorLabels { stage, error_code })
            .inc();
    }

    /// The Prometheus text exposition of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_service_exports_only_its_own_stages_families() {
        // A labelled family shows in the exposition once it has a series: give every one a
        // series, whether the service registered it or not.
        let names = |exports| {
            let m = Metrics::with_exports(true, exports);
            let sink = SinkLabels { sink: "jsonl" };
            m.sink_batch_size.get_or_create(&sink).observe(1.0);
            m.feed_fetches
                .get_or_create(&FetchLabels {
                    feed: "f".into(),
                    outcome: "ok",
                })
                .inc();
            let partition = PartitionLabels {
                topic: "t".into(),
                partition: "0".into(),
            };
            m.consumer_lag.get_or_create(&partition).set(1);
            let client = ClientLabels {
                client: "producer".into(),
            };
            m.kafka_queue_messages.get_or_create(&client).set(0);
            let text = m.encode();
            text.lines()
                .filter_map(|l| l.strip_prefix("# TYPE "))
                .filter_map(|l| l.split_whitespace().next().map(str::to_string))
                .collect::<Vec<_>>()
        };
        let poll = names(Exports::POLL);
        assert!(
            poll.iter().any(|n| n == "newswire_feed_fetches"),
            "{poll:?}"
        );
        assert!(
            !poll.iter().any(|n| n.starts_with("newswire_sink_")),
            "{poll:?}"
        );
        assert!(
            !poll.iter().any(|n| n == "newswire_consumer_lag_records"),
            "{poll:?}"
        );
        let sink = names(Exports::SINK);
        assert!(
            sink.iter().any(|n| n == "newswire_sink_batch_size"),
            "{sink:?}"
        );
        assert!(
            sink.iter().any(|n| n == "newswire_consumer_lag_records"),
            "{sink:?}"
        );
        assert!(
            !sink.iter().any(|n| n.starts_with("newswire_feed_")),
            "{sink:?}"
        );
        let memory = names(Exports::every_stage(false));
        assert!(
            !memory.iter().any(|n| n.starts_with("newswire_kafka_")),
            "{memory:?}"
        );
        for all in [&poll, &sink, &memory] {
            assert!(all.iter().any(|n| n == "process_cpu_seconds"), "{all:?}");
            assert!(all.iter().any(|n| n == "newswire_ready"), "{all:?}");
        }
    }
}
