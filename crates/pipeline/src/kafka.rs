//! Running stages over Kafka: the `[kafka]` config section, topic creation, statistics.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use newswire_bus::kafka::admin::{describe_cluster, ensure_topics, ClusterSummary, TopicSpec};
use newswire_bus::kafka::{ConsumerOptions, KafkaSettings};
use newswire_bus::BusError;
use newswire_model::topics;
use serde::Deserialize;

use crate::failure::Failure;
use crate::health::Health;
use crate::telemetry::Metrics;

/// `[kafka]`: how the services reach Kafka. Used by `newswire poll|enrich --serve|sink` and by
/// `newswire run` when `bus.kind = "kafka"`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KafkaConfig {
    /// `host:port[,host:port...]`; `--brokers` and `NEWSWIRE_KAFKA_BROKERS` win.
    pub brokers: String,
    /// Consumer group prefix: the enrich stage joins `<group>-enrich`, the sink `<group>-sink`
    /// (`--group` names the group of a single service exactly).
    pub group: String,
    /// Create missing topics at start (and again if a broker lost them). Turn off where the
    /// cluster's topics are managed elsewhere.
    pub create_topics: bool,
    /// How long a service waits at start for the brokers to answer; then it exits 69
    /// (EX_UNAVAILABLE) naming them.
    pub startup_timeout_ms: u64,
    /// Partitions of topics created by newswire.
    pub partitions: i32,
    /// Replication factor of topics created by newswire.
    pub replication: i32,
    /// Exactly-once enrich: transactions with the input offsets, read_committed readers.
    pub exactly_once: bool,
    /// `transactional.id` of this enrich replica when `exactly_once` (stable per replica).
    pub transactional_id: Option<String>,
    /// How long revoke and shutdown wait for in-flight records (default: a third of the
    /// session timeout, at most 10 s).
    pub drain_timeout_ms: Option<u64>,
    /// librdkafka statistics interval when the HTTP listener is on (`newswire_kafka_*`
    /// metrics); 0 turns them off. `client."statistics.interval.ms"` wins when set.
    pub statistics_interval_ms: u64,
    /// librdkafka settings for every client, passed through verbatim (`security.protocol`,
    /// `sasl.mechanism`, `sasl.password`, `ssl.ca.location`, ...). From the environment,
    /// `NEWSWIRE_KAFKA__CLIENT__SASL_PASSWORD=...` sets `sasl.password` (`_` becomes `.`).
    pub client: BTreeMap<String, ClientValue>,
    /// librdkafka settings for producers only.
    pub producer: BTreeMap<String, ClientValue>,
    /// librdkafka settings for consumers only.
    pub consumer: BTreeMap<String, ClientValue>,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            brokers: String::new(),
            group: "newswire".into(),
            create_topics: true,
            startup_timeout_ms: 15_000,
            partitions: 6,
            replication: 1,
            exactly_once: false,
            transactional_id: None,
            drain_timeout_ms: None,
            statistics_interval_ms: 15_000,
            client: BTreeMap::new(),
            producer: BTreeMap::new(),
            consumer: BTreeMap::new(),
        }
    }
}

/// A librdkafka setting's value as written in TOML.
#[derive(Clone, Deserialize)]
#[serde(untagged)]
pub enum ClientValue {
    /// A string, passed as is.
    Text(String),
    /// An integer, passed in decimal.
    Integer(i64),
    /// A float, passed in decimal.
    Float(f64),
    /// A boolean, passed as `true`/`false`.
    Bool(bool),
}

impl fmt::Display for ClientValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientValue::Text(s) => f.write_str(s),
            ClientValue::Integer(i) => write!(f, "{i}"),
            ClientValue::Float(x) => write!(f, "{x}"),
            ClientValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

fn client_map(map: &BTreeMap<String, ClientValue>) -> BTreeMap<String, String> {
    // librdkafka keys have dots and no underscores; environment overrides can only spell `_`.
    map.iter()
        .map(|(k, v)| (k.replace('_', "."), v.to_string()))
        .collect()
}

impl fmt::Debug for KafkaConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never prints secret values: the settings' Debug redacts them.
        f.debug_struct("KafkaConfig")
            .field("group", &self.group)
            .field("create_topics", &self.create_topics)
            .field("partitions", &self.partitions)
            .field("replication", &self.replication)
            .field("exactly_once", &self.exactly_once)
            .field("settings", &self.settings_with(self.brokers.clone()))
            .finish()
    }
}

impl KafkaConfig {
    /// Problems with this section, as (key, reason).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.partitions < 1 {
            out.push(("kafka.partitions".into(), "must be at least 1".into()));
        }
        if self.replication < 1 {
            out.push(("kafka.replication".into(), "must be at least 1".into()));
        }
        if self.startup_timeout_ms == 0 {
            out.push((
                "kafka.startup_timeout_ms".into(),
                "must be at least 1".into(),
            ));
        }
        if self.group.trim().is_empty() {
            out.push(("kafka.group".into(), "must not be empty".into()));
        }
        for (key, _) in self
            .client
            .iter()
            .chain(&self.producer)
            .chain(&self.consumer)
        {
            if key.replace('_', ".") == "enable.auto.offset.store" {
                out.push((
                    format!("kafka.client.{key}"),
                    "newswire stores offsets itself, after acknowledgement".into(),
                ));
            }
        }
        out
    }

    fn settings_with(&self, brokers: String) -> KafkaSettings {
        let mut settings = KafkaSettings {
            brokers,
            client: client_map(&self.client),
            producer: client_map(&self.producer),
            consumer: client_map(&self.consumer),
            stats: None,
            events: None,
        };
        if let Some(health) = HEALTH_TO.get() {
            let health = health.clone();
            settings.events = Some(Arc::new(move |event| health.kafka_event(event)));
        }
        if let Some(metrics) = STATISTICS_TO
            .get()
            .filter(|_| self.statistics_interval_ms > 0)
        {
            let metrics = metrics.clone();
            settings.stats = Some(Arc::new(move |stats| metrics.kafka_client(stats)));
            settings
                .client
                .entry("statistics.interval.ms".into())
                .or_insert_with(|| self.statistics_interval_ms.to_string());
        }
        settings
    }

    /// Client settings; `brokers` (from `--brokers` or `NEWSWIRE_KAFKA_BROKERS`) wins over the
    /// config's.
    pub fn settings(&self, brokers: Option<&str>) -> anyhow::Result<KafkaSettings> {
        let env = std::env::var("NEWSWIRE_KAFKA_BROKERS").ok();
        let brokers = brokers
            .or(env.as_deref())
            .map(str::to_string)
            .filter(|b| !b.trim().is_empty())
            .unwrap_or_else(|| self.brokers.clone());
        if brokers.trim().is_empty() {
            return Err(Failure::config("no Kafka brokers: pass --brokers HOST:PORT, set NEWSWIRE_KAFKA_BROKERS, or kafka.brokers in the config").into());
        }
        let settings = self.settings_with(brokers);
        tracing::info!(settings = ?settings, "kafka client settings");
        Ok(settings)
    }

    /// Consumer tuning from this section.
    pub fn consumer_options(&self) -> ConsumerOptions {
        ConsumerOptions {
            drain_timeout: self.drain_timeout_ms.map(Duration::from_millis),
            ..ConsumerOptions::default()
        }
    }

    /// The topics newswire reads and writes; feed state is compacted (key = feed id).
    pub fn topics(&self) -> Vec<TopicSpec> {
        let mut specs: Vec<TopicSpec> = [topics::RAW, topics::ENRICHED, topics::DLQ]
            .into_iter()
            .map(|t| TopicSpec::new(t, self.partitions, self.replication))
            .collect();
        specs.push(
            TopicSpec::new(topics::FEED_STATE, self.partitions, self.replication).compacted(),
        );
        specs
    }

    /// Waits (up to `startup_timeout_ms`) for the brokers to answer, then creates missing topics
    /// (unless turned off) and keeps checking them every 10 s in the background, so a broker
    /// that lost its topics (non-durable storage) gets them back. Unreachable brokers are a
    /// [`FailureKind::Unavailable`](crate::failure::FailureKind) naming their address.
    pub async fn prepare(&self, settings: &KafkaSettings) -> anyhow::Result<()> {
        self.reach(settings).await?;
        if !self.create_topics {
            return Ok(());
        }
        let specs = self.topics();
        ensure_topics(settings, &specs).await.map_err(|e| match e {
            BusError::Config(_) => anyhow::Error::new(e),
            other => Failure::unavailable(format!(
                "cannot create the Kafka topics on {} (set kafka.create_topics = false if they are managed elsewhere): {other}",
                settings.brokers
            ))
            .into(),
        })?;
        let settings = settings.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(10)).await;
                if let Err(err) = ensure_topics(&settings, &specs).await {
                    tracing::debug!(error = %err, "checking topics failed");
                }
            }
        });
        Ok(())
    }

    /// Asks the brokers for the cluster's metadata, within `startup_timeout_ms`.
    pub async fn reach(&self, settings: &KafkaSettings) -> anyhow::Result<ClusterSummary> {
        let timeout = Duration::from_millis(self.startup_timeout_ms);
        describe_cluster(settings, timeout).await.map_err(|e| match e {
            BusError::Config(_) => anyhow::Error::new(e),
            other => Failure::unavailable(format!(
                "the Kafka brokers {} did not answer within {} ms (kafka.startup_timeout_ms): {other}",
                settings.brokers, self.startup_timeout_ms
            ))
            .into(),
        })
    }

    /// The group of a stage: `--group` as given, else `<kafka.group>-<stage>`.
    pub fn group_for(&self, explicit: Option<&str>, stage: &str) -> String {
        explicit
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}-{stage}", self.group))
    }
}

/// Where Kafka clients created from now on report their statistics: set once per process by a
/// service that exports metrics (the HTTP listener is on). Process-wide because every service
/// builds its client settings through [`KafkaConfig::settings`].
static STATISTICS_TO: OnceLock<Arc<Metrics>> = OnceLock::new();

/// Kafka clients created after this call export librdkafka statistics into `metrics`.
pub fn export_statistics(metrics: Arc<Metrics>) {
    let _ = STATISTICS_TO.set(metrics);
}

/// Where Kafka clients created from now on report their health events (brokers down, fatal
/// errors, rebalances): the service's [`Health`], set once per process by
/// [`Service::start`](crate::service::Service::start).
static HEALTH_TO: OnceLock<Arc<Health>> = OnceLock::new();

/// Kafka clients created after this call report their health events to `health`.
pub fn report_health_to(health: Arc<Health>) {
    let _ = HEALTH_TO.set(health);
}
