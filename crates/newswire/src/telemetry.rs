//! Metrics, one struct per kind of event, exported in Prometheus text format on `/metrics`.
//!
//! Names carry the `newswire_` prefix and their unit; labels are low-cardinality (`stage`,
//! `outcome`, `error_code`, `sink`), except `feed` on the per-feed fetch counter, which
//! `[metrics] per_feed = false` folds into `feed="all"` for deployments with many feeds.
//! Every family is registered at start; a labelled family shows samples from its first event
//! on (the per-stage counters are created at zero at start).
//! README "Deploy" documents what each means and which alerts to set.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StageLabels {
    pub stage: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    pub stage: &'static str,
    pub error_code: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FetchLabels {
    pub feed: String,
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SinkLabels {
    pub sink: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PartitionLabels {
    pub topic: String,
    pub partition: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NameLabels {
    pub name: String,
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
    pub feed_fetch_duration: Histogram,
    /// New articles the poller emitted.
    pub feed_items: Counter,
    /// Near or exact duplicates the poller noticed.
    pub feed_duplicates: Counter,
    pub enrich_duration: Histogram,
    pub sink_batch_size: Family<SinkLabels, Histogram>,
    pub sink_batch_duration: Family<SinkLabels, Histogram>,
    /// Consumer lag in records per topic partition (Kafka).
    pub consumer_lag: Family<PartitionLabels, Gauge>,
    /// Selected librdkafka statistics (Kafka), by statistic name.
    pub kafka_stats: Family<NameLabels, Gauge>,
    /// 1 while the service is ready (same as /readyz).
    pub ready: Gauge,
}

impl Metrics {
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
            kafka_stats: Family::default(),
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
            "newswire_kafka_stat",
            "librdkafka statistics (see README)",
            m.kafka_stats.clone(),
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

    pub fn received(&self, stage: &'static str, n: u64) {
        self.records_received
            .get_or_create(&StageLabels { stage })
            .inc_by(n);
    }

    pub fn sent(&self, stage: &'static str, n: u64) {
        self.records_sent
            .get_or_create(&StageLabels { stage })
            .inc_by(n);
    }

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
