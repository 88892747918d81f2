//! Metrics, one struct per kind of event, exported in Prometheus text format on `/metrics`.
//!
//! Names carry the `newswire_` prefix and their unit; labels are low-cardinality (`stage`,
//! `outcome`, `error_code`, `sink`), except `feed` on the per-feed fetch counter, which
//! `[metrics] per_feed = false` folds into `feed="all"` for deployments with many feeds.
//! Every family is registered at start; a labelled family shows samples from its first event
//! on (the per-stage counters are created at zero at start).
//! README "Deploy" documents what each means and which alerts to set.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use newswire_bus::kafka::KafkaStats;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
/// The stage a series counts.
pub struct StageLabels {
    /// `poll`, `enrich` or `sink`.
    pub stage: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
/// A stage and why a record failed there.
pub struct ErrorLabels {
    /// `poll`, `enrich` or `sink`.
    pub stage: &'static str,
    /// `invalid_json`, `sink_write`, ...
    pub error_code: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
/// A feed and how its fetch ended.
pub struct FetchLabels {
    /// The feed id, or `all` with `metrics.per_feed = false`.
    pub feed: String,
    /// `ok`, `not_modified`, `http_5xx`, ...
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
/// Which sink a batch went to.
pub struct SinkLabels {
    /// `postgres`, `jsonl` or `stdout`.
    pub sink: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
/// A topic partition.
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

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
/// A Kafka client and one broker it talks to.
pub struct BrokerLabels {
    /// As in [`ClientLabels`].
    pub client: String,
    /// `host:port/node-id`.
    pub broker: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
/// A Kafka client and one partition assigned to it.
pub struct ClientPartitionLabels {
    /// As in [`ClientLabels`].
    pub client: String,
    /// The topic name.
    pub topic: String,
    /// The partition number.
    pub partition: String,
}

/// Totals last reported by each librdkafka client instance, to turn them into counter increments.
#[derive(Default)]
struct KafkaSeen {
    /// Per instance: sent bytes, received bytes, rebalances.
    totals: HashMap<String, [u64; 3]>,
    /// Per client: the partitions of its last report (gauges of revoked ones are removed).
    partitions: HashMap<String, Vec<ClientPartitionLabels>>,
}

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

/// Every metric newswire exports.
pub struct Metrics {
    registry: Registry,
    per_feed: bool,
    /// Records a stage took in (`stage` = poll | enrich | sink).
    pub records_received: Family<StageLabels, Counter>,
    /// Records a stage handed on and had acknowledged.
    pub records_sent: Family<StageLabels, Counter>,
    /// Records a stage could not process, by error code.
    pub records_errors: Family<ErrorLabels, Counter>,
    /// Records dropped on purpose (duplicates), by stage.
    pub records_discarded: Family<StageLabels, Counter>,
    /// Records sent to the dead-letter topic, by error code.
    pub dlq_records: Family<ErrorLabels, Counter>,
    /// Feed fetches by feed and outcome.
    pub feed_fetches: Family<FetchLabels, Counter>,
    /// Time to fetch and parse one feed.
    pub feed_fetch_duration: Histogram,
    /// New articles the poller emitted.
    pub feed_items: Counter,
    /// Near or exact duplicates the poller noticed.
    pub feed_duplicates: Counter,
    /// Enrichment time per article.
    pub enrich_duration: Histogram,
    /// Records per sink batch, by sink.
    pub sink_batch_size: Family<SinkLabels, Histogram>,
    /// Time to write one batch, by sink.
    pub sink_batch_duration: Family<SinkLabels, Histogram>,
    /// Consumer lag in records per topic partition (Kafka).
    pub consumer_lag: Family<PartitionLabels, Gauge>,
    /// librdkafka statistics (Kafka), each `statistics.interval.ms`, by client:
    /// producer queue depth in messages and bytes,
    pub kafka_queue_messages: Family<ClientLabels, Gauge>,
    /// producer queue depth in bytes,
    pub kafka_queue_bytes: Family<ClientLabels, Gauge>,
    /// events waiting for the application to serve them,
    pub kafka_reply_queue: Family<ClientLabels, Gauge>,
    /// bytes to and from brokers,
    pub kafka_sent_bytes: Family<ClientLabels, Counter>,
    /// bytes received from brokers,
    pub kafka_received_bytes: Family<ClientLabels, Counter>,
    /// request round-trip time p99 per broker,
    pub kafka_broker_rtt: Family<BrokerLabels, Gauge<f64, AtomicU64>>,
    /// records fetched and not yet consumed per assigned partition,
    pub kafka_fetch_queue: Family<ClientPartitionLabels, Gauge>,
    /// consumer-group rebalances.
    pub kafka_rebalances: Family<ClientLabels, Counter>,
    kafka_seen: Mutex<KafkaSeen>,
    /// 1 while the service is ready (same as /readyz).
    pub ready: Gauge,
}

impl Metrics {
    /// Every family registered, none with a series yet.
    pub fn new(per_feed: bool) -> Arc<Metrics> {
        let mut registry = Registry::default();
        let m = Metrics {
            registry: Registry::default(),
            per_feed,
            records_received: Family::default(),
            records_sent: Family::default(),
            records_errors: Family::default(),
            records_discarded: Family::default(),
            dlq_records: Family::default(),
            feed_fetches: Family::default(),
            feed_fetch_duration: seconds_buckets(),
            feed_items: Counter::default(),
            feed_duplicates: Counter::default(),
            enrich_duration: micro_seconds_buckets(),
            sink_batch_size: Family::new_with_constructor(batch_buckets),
            sink_batch_duration: Family::new_with_constructor(seconds_buckets),
            consumer_lag: Family::default(),
            kafka_queue_messages: Family::default(),
            kafka_queue_bytes: Family::default(),
            kafka_reply_queue: Family::default(),
            kafka_sent_bytes: Family::default(),
            kafka_received_bytes: Family::default(),
            kafka_broker_rtt: Family::default(),
            kafka_fetch_queue: Family::default(),
            kafka_rebalances: Family::default(),
            kafka_seen: Mutex::default(),
            ready: Gauge::default(),
        };
        let info = Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]);
        registry.register("newswire_build", "Build information", info);
        registry.register(
            "newswire_records_received",
            "Records a stage took in",
            m.records_received.clone(),
        );
        registry.register(
            "newswire_records_sent",
            "Records a stage handed on, acknowledged downstream",
            m.records_sent.clone(),
        );
        registry.register(
            "newswire_records_errors",
            "Records a stage could not process",
            m.records_errors.clone(),
        );
        registry.register(
            "newswire_records_discarded",
            "Records dropped on purpose (duplicates)",
            m.records_discarded.clone(),
        );
        registry.register(
            "newswire_dlq_records",
            "Records sent to the dead-letter topic",
            m.dlq_records.clone(),
        );
        registry.register(
            "newswire_feed_fetches",
            "Feed fetches by feed and outcome",
            m.feed_fetches.clone(),
        );
        registry.register_with_unit(
            "newswire_feed_fetch_duration",
            "Time to fetch and parse a feed",
            Unit::Seconds,
            m.feed_fetch_duration.clone(),
        );
        registry.register(
            "newswire_feed_items",
            "New articles emitted by the poller",
            m.feed_items.clone(),
        );
        registry.register(
            "newswire_feed_duplicates",
            "Duplicate articles the poller noticed",
            m.feed_duplicates.clone(),
        );
        registry.register_with_unit(
            "newswire_enrich_duration",
            "Enrichment time per article",
            Unit::Seconds,
            m.enrich_duration.clone(),
        );
        registry.register(
            "newswire_sink_batch_size",
            "Records per sink batch",
            m.sink_batch_size.clone(),
        );
        registry.register_with_unit(
            "newswire_sink_batch_duration",
            "Time to write one batch",
            Unit::Seconds,
            m.sink_batch_duration.clone(),
        );
        registry.register(
            "newswire_consumer_lag_records",
            "Records behind the partition's high watermark",
            m.consumer_lag.clone(),
        );
        registry.register(
            "newswire_kafka_queue_messages",
            "Records in the Kafka producer queue, not yet acknowledged by the broker",
            m.kafka_queue_messages.clone(),
        );
        registry.register(
            "newswire_kafka_queue_bytes",
            "Bytes of the records in the Kafka producer queue",
            m.kafka_queue_bytes.clone(),
        );
        registry.register(
            "newswire_kafka_reply_queue_events",
            "librdkafka events waiting to be served (delivery reports, statistics)",
            m.kafka_reply_queue.clone(),
        );
        registry.register(
            "newswire_kafka_sent_bytes",
            "Bytes sent to Kafka brokers",
            m.kafka_sent_bytes.clone(),
        );
        registry.register(
            "newswire_kafka_received_bytes",
            "Bytes received from Kafka brokers",
            m.kafka_received_bytes.clone(),
        );
        registry.register_with_unit(
            "newswire_kafka_broker_rtt_p99",
            "99th percentile of request round-trip times to a broker, last statistics window",
            Unit::Seconds,
            m.kafka_broker_rtt.clone(),
        );
        registry.register(
            "newswire_kafka_fetch_queue_messages",
            "Records fetched from an assigned partition, not yet taken by the stage",
            m.kafka_fetch_queue.clone(),
        );
        registry.register(
            "newswire_kafka_rebalances",
            "Consumer-group rebalances",
            m.kafka_rebalances.clone(),
        );
        registry.register(
            "newswire_ready",
            "1 when the service is ready",
            m.ready.clone(),
        );
        Arc::new(Metrics { registry, ..m })
    }

    /// Counts one feed fetch.
    pub fn feed_fetched(&self, feed: &str, outcome: &'static str, elapsed: Duration) {
        let feed = if self.per_feed {
            feed.to_string()
        } else {
            "all".to_string()
        };
        self.feed_fetches
            .get_or_create(&FetchLabels { feed, outcome })
            .inc();
        self.feed_fetch_duration.observe(elapsed.as_secs_f64());
    }

    /// Counts one sink batch.
    pub fn sink_batch(&self, sink: &'static str, size: usize, elapsed: Duration) {
        let labels = SinkLabels { sink };
        self.sink_batch_size
            .get_or_create(&labels)
            .observe(size as f64);
        self.sink_batch_duration
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
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

    /// Publishes one Kafka client's statistics.
    pub fn kafka_client(&self, stats: &KafkaStats) {
        let client = ClientLabels {
            client: stats.client.clone(),
        };
        let as_gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        self.kafka_queue_messages
            .get_or_create(&client)
            .set(as_gauge(stats.queued_messages));
        self.kafka_queue_bytes
            .get_or_create(&client)
            .set(as_gauge(stats.queued_bytes));
        self.kafka_reply_queue
            .get_or_create(&client)
            .set(as_gauge(stats.reply_queue));
        for broker in &stats.brokers {
            let labels = BrokerLabels {
                client: stats.client.clone(),
                broker: broker.broker.clone(),
            };
            self.kafka_broker_rtt
                .get_or_create(&labels)
                .set(broker.rtt_p99.as_secs_f64());
        }
        let mut seen = self.kafka_seen.lock().unwrap_or_else(|e| e.into_inner());
        self.kafka_totals(&mut seen, stats, &client);
        self.kafka_partitions(&mut seen, stats);
    }

    /// Adds what each total grew by since the instance's previous report.
    fn kafka_totals(&self, seen: &mut KafkaSeen, stats: &KafkaStats, client: &ClientLabels) {
        let now = [
            stats.sent_bytes,
            stats.received_bytes,
            stats.rebalances.unwrap_or(0),
        ];
        let last = seen.totals.entry(stats.instance.clone()).or_default();
        let grown: Vec<u64> = now
            .iter()
            .zip(last.iter())
            .map(|(n, l)| n.saturating_sub(*l))
            .collect();
        *last = now;
        self.kafka_sent_bytes.get_or_create(client).inc_by(grown[0]);
        self.kafka_received_bytes
            .get_or_create(client)
            .inc_by(grown[1]);
        if stats.rebalances.is_some() {
            self.kafka_rebalances.get_or_create(client).inc_by(grown[2]);
        }
    }

    /// Sets the fetch queue of each assigned partition; drops partitions no longer assigned.
    fn kafka_partitions(&self, seen: &mut KafkaSeen, stats: &KafkaStats) {
        let current: Vec<ClientPartitionLabels> = stats
            .partitions
            .iter()
            .map(|p| ClientPartitionLabels {
                client: stats.client.clone(),
                topic: p.topic.clone(),
                partition: p.partition.to_string(),
            })
            .collect();
        for (labels, p) in current.iter().zip(&stats.partitions) {
            self.kafka_fetch_queue
                .get_or_create(labels)
                .set(i64::try_from(p.fetch_queue_messages).unwrap_or(i64::MAX));
        }
        let before = seen
            .partitions
            .insert(stats.client.clone(), current.clone())
            .unwrap_or_default();
        for gone in before.iter().filter(|l| !current.contains(l)) {
            self.kafka_fetch_queue.remove(gone);
        }
    }

    /// The Prometheus text exposition of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
