//! The Kafka transport (rdkafka over a bundled librdkafka).
//!
//! - [`KafkaProducer`]: idempotent, `acks=all`; `send` waits while librdkafka's queue is full
//!   (backpressure) and the [`Receipt`](crate::Receipt) resolves on the broker's delivery report.
//! - [`KafkaConsumer`]: a consumer-group member on its own thread. Every [`Delivery`](crate::Delivery)
//!   carries an [`Ack`](crate::Ack); offsets are stored (`enable.auto.offset.store=false` +
//!   `store_offsets`) only up to the first record of a partition that is not yet acknowledged, so
//!   a crash re-delivers, never skips. A nacked record rewinds its partition to that record. On
//!   revoke and shutdown the consumer waits for in-flight records up to a drain deadline (shorter
//!   than the session timeout), commits what is done, and lets the rest be re-delivered.
//! - [`admin::ensure_topics`]: creates missing topics at start.
//! - [`eos`]: optional exactly-once consume-transform-produce with transactions.
//! - [`lag::LagProbe`]: consumer lag per partition, for the lag metric.
//! - [`events`]: what clients report for health (brokers down, fatal errors, rebalances), and
//!   the log level of librdkafka's errors (a partition EOF is not an error).
//!
//! Client settings pass through verbatim ([`KafkaSettings::client`]); values of secret keys
//! (passwords, private keys, secrets) are never printed ([`KafkaSettings::redacted`]). With
//! `statistics.interval.ms` set, every client hands a summary of librdkafka's statistics to
//! [`KafkaSettings::stats`] ([`stats`]).

pub mod admin;
mod consumer;
pub mod eos;
pub mod events;
pub mod lag;
mod producer;
pub mod stats;
pub mod table;

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use rdkafka::ClientConfig;

pub use consumer::{ConsumerHandle, ConsumerOptions, KafkaConsumer};
pub use producer::KafkaProducer;
/// The rdkafka crate this transport is built on, for callers that need it directly (benchmarks).
pub use rdkafka;
pub use stats::{KafkaStats, StatsSink};

/// How to reach the cluster and which librdkafka settings to pass through.
#[derive(Clone, Default)]
pub struct KafkaSettings {
    /// `bootstrap.servers`: `host:port[,host:port...]`.
    pub brokers: String,
    /// Any librdkafka setting for every client (`security.protocol`, `sasl.*`, `ssl.*`, ...).
    pub client: BTreeMap<String, String>,
    /// Settings for producers only (applied after `client`).
    pub producer: BTreeMap<String, String>,
    /// Settings for consumers only (applied after `client`).
    pub consumer: BTreeMap<String, String>,
    /// Receives each client's statistics every `statistics.interval.ms` (when that is set).
    pub stats: Option<StatsSink>,
    /// Receives every client's health events: brokers down, fatal errors, rebalances.
    pub events: Option<events::EventSink>,
}

/// Keys whose values are never printed.
pub fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "password",
        "secret",
        "ssl.key.pem",
        "private",
        "credential",
        "token",
        "sasl.jaas.config",
    ]
    .iter()
    .any(|s| key.contains(s))
        || key.ends_with(".pem") && key.contains("key")
}

fn redact(map: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    map.iter()
        .map(|(k, v)| {
            let v = if is_secret_key(k) {
                "<redacted>".to_string()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

impl KafkaSettings {
    /// Settings for these bootstrap servers (`host:port[,...]`) with newswire's defaults.
    pub fn new(brokers: impl Into<String>) -> Self {
        KafkaSettings {
            brokers: brokers.into(),
            ..Default::default()
        }
    }

    /// Adds a pass-through setting for every client (builder style).
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.client.insert(key.into(), value.into());
        self
    }

    /// The settings with secret values replaced, for logs.
    pub fn redacted(&self) -> String {
        format!("{self:?}")
    }

    /// `session.timeout.ms` as configured, else librdkafka's default (45 s).
    pub fn session_timeout(&self) -> Duration {
        self.consumer
            .get("session.timeout.ms")
            .or_else(|| self.client.get("session.timeout.ms"))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis)
            .unwrap_or(Duration::from_secs(45))
    }

    fn base(&self, defaults: &[(&str, &str)], role: &BTreeMap<String, String>) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", &self.brokers);
        for (k, v) in defaults {
            config.set(*k, *v);
        }
        for (k, v) in self.client.iter().chain(role.iter()) {
            config.set(k, v);
        }
        config
    }

    pub(crate) fn producer_config(&self) -> ClientConfig {
        self.base(
            &[
                ("enable.idempotence", "true"),
                ("acks", "all"),
                ("linger.ms", "5"),
                ("client.id", "newswire"),
            ],
            &self.producer,
        )
    }

    pub(crate) fn consumer_config(&self, group: &str) -> ClientConfig {
        let mut config = self.base(
            &[
                ("group.id", group),
                ("client.id", "newswire"),
                ("enable.auto.commit", "true"),
                ("auto.commit.interval.ms", "1000"),
                ("auto.offset.reset", "earliest"),
                ("isolation.level", "read_committed"),
            ],
            &self.consumer,
        );
        // Not negotiable: offsets are stored only once a record's successors are safe.
        config.set("enable.auto.offset.store", "false");
        config
    }

    /// What hands `client`'s statistics to [`KafkaSettings::stats`].
    pub(crate) fn reporter(&self, client: impl Into<String>) -> stats::StatsReporter {
        stats::StatsReporter::new(
            client,
            self.stats.clone(),
            self.events.clone(),
            self.brokers.clone(),
        )
    }

    /// The context of a helper client (admin, table reader, lag probe): its errors are
    /// logged and reported, its statistics are not exported.
    pub(crate) fn helper_context(&self, client: &str) -> stats::StatsContext {
        stats::StatsContext {
            reporter: stats::StatsReporter::new(
                client,
                None,
                self.events.clone(),
                self.brokers.clone(),
            ),
        }
    }

    pub(crate) fn admin_config(&self) -> ClientConfig {
        self.base(&[("client.id", "newswire-admin")], &BTreeMap::new())
    }
}

impl fmt::Debug for KafkaSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KafkaSettings")
            .field("brokers", &self.brokers)
            .field("client", &redact(&self.client))
            .field("producer", &redact(&self.producer))
            .field("consumer", &redact(&self.consumer))
            .field("stats", &self.stats.is_some())
            .field("events", &self.events.is_some())
            .finish()
    }
}

pub(crate) fn transport(err: impl fmt::Display) -> crate::BusError {
    crate::BusError::Transport(err.to_string())
}

/// A client that could not be created: librdkafka refused a setting (a config error), or
/// something else went wrong (a transport error).
pub(crate) fn creating(err: rdkafka::error::KafkaError) -> crate::BusError {
    match err {
        rdkafka::error::KafkaError::ClientCreation(reason) => {
            crate::BusError::Config(format!("cannot create a Kafka client: {reason}"))
        }
        other => transport(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        let s = KafkaSettings::new("127.0.0.1:9092")
            .with("sasl.password", "hunter2")
            .with("ssl.key.password", "k3y")
            .with("sasl.oauthbearer.client.secret", "s3cret")
            .with("ssl.key.pem", "-----BEGIN")
            .with("security.protocol", "SASL_SSL");
        let text = s.redacted();
        for secret in ["hunter2", "k3y", "s3cret", "BEGIN"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("SASL_SSL"));
    }

    #[test]
    fn auto_offset_store_cannot_be_turned_on() {
        let s = KafkaSettings::new("x:1").with("enable.auto.offset.store", "true");
        assert_eq!(
            s.consumer_config("g").get("enable.auto.offset.store"),
            Some("false")
        );
        assert_eq!(s.producer_config().get("enable.idempotence"), Some("true"));
    }

    #[test]
    fn session_timeout_from_settings() {
        let s = KafkaSettings::new("x:1").with("session.timeout.ms", "6000");
        assert_eq!(s.session_timeout(), Duration::from_secs(6));
    }
}

/// Fast checks against librdkafka's in-process mock cluster; the real-broker tests live in
/// crates/testkit/tests and crates/newswire/tests.
#[cfg(test)]
mod mock_tests {
    use std::time::Duration;

    use rdkafka::consumer::{BaseConsumer, Consumer as _};
    use rdkafka::mocking::MockCluster;
    use rdkafka::{Offset, TopicPartitionList};

    use super::*;
    use crate::{Consumer as _, Producer as _, Record};

    fn committed(settings: &KafkaSettings, group: &str, topic: &str) -> i64 {
        let consumer: BaseConsumer = settings.consumer_config(group).create().unwrap();
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition(topic, 0);
        let got = consumer
            .committed_offsets(tpl, Duration::from_secs(5))
            .unwrap();
        match got.elements()[0].offset() {
            Offset::Offset(o) => o,
            _ => -1,
        }
    }

    /// Waits (bounded) until a summary of `client` satisfies `ok`; panics with the last seen.
    async fn stats_until(
        seen: &std::sync::Mutex<Vec<KafkaStats>>,
        client: &str,
        ok: impl Fn(&KafkaStats) -> bool,
    ) -> KafkaStats {
        for _ in 0..300 {
            let found = seen
                .lock()
                .unwrap()
                .iter()
                .rev()
                .find(|s| s.client == client && ok(s))
                .cloned();
            if let Some(stats) = found {
                return stats;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let all = seen.lock().unwrap();
        panic!("no statistics of {client} as expected in 30 s; got {all:#?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn clients_report_statistics_to_the_sink() {
        let cluster = MockCluster::new(1).unwrap();
        cluster.create_topic("s", 2, 1).unwrap();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let mut settings = KafkaSettings::new(cluster.bootstrap_servers())
            .with("statistics.interval.ms", "100")
            .with("session.timeout.ms", "6000");
        settings.stats = Some(std::sync::Arc::new(move |s: &KafkaStats| {
            sink.lock().unwrap().push(s.clone())
        }));
        let producer = KafkaProducer::new(&settings).unwrap();
        for i in 0..20 {
            let record = Record::new(format!("k{i}"), vec![b'x'; 1000]);
            producer
                .send("s", record)
                .await
                .unwrap()
                .wait()
                .await
                .unwrap();
        }
        let p = stats_until(&seen, "producer", |s| s.sent_bytes > 20_000).await;
        assert!(p.instance.contains("producer"), "{p:?}");
        assert!(p.rebalances.is_none() && p.partitions.is_empty(), "{p:?}");
        assert!(!p.brokers.is_empty(), "a broker answered requests: {p:?}");

        let mut consumer =
            KafkaConsumer::subscribe(&settings, "g", &["s"], ConsumerOptions::default()).unwrap();
        let first = tokio::time::timeout(Duration::from_secs(30), consumer.recv())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        first.ack.ack();
        let c = stats_until(&seen, "consumer/g", |s| s.partitions.len() == 2).await;
        assert!(c.received_bytes > 0, "{c:?}");
        assert!(c.rebalances.is_some_and(|n| n >= 1), "{c:?}");
        assert!(c.partitions.iter().all(|p| p.topic == "s"), "{c:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn acked_prefix_is_committed_and_the_rest_redelivered() {
        let cluster = MockCluster::new(1).unwrap();
        cluster.create_topic("t", 1, 1).unwrap();
        let settings =
            KafkaSettings::new(cluster.bootstrap_servers()).with("session.timeout.ms", "6000");
        let producer = KafkaProducer::new(&settings).unwrap();
        let mut receipts = Vec::new();
        for i in 0..10 {
            let record =
                Record::new(format!("k{i}"), format!("v{i}").into_bytes()).with_header("h", "x");
            receipts.push(producer.send("t", record).await.unwrap());
        }
        for r in receipts {
            r.wait().await.unwrap();
        }

        let mut consumer =
            KafkaConsumer::subscribe(&settings, "g", &["t"], ConsumerOptions::default()).unwrap();
        let handle = consumer.handle();
        let mut held = Vec::new();
        for i in 0..10 {
            let d = tokio::time::timeout(Duration::from_secs(30), consumer.recv())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            assert_eq!(d.record.key, format!("k{i}"));
            assert_eq!(d.record.header("h"), Some("x"));
            assert_eq!(d.origin.offset, i);
            // Ack everything but offset 6; 7.. are acked but must not be committed past 6.
            if i == 6 {
                held.push(d);
            } else {
                d.ack.ack();
            }
        }
        handle.shutdown();
        drop(consumer);
        // Still unresolved: the drain deadline passes, offset 6 is the resume point.
        tokio::time::timeout(Duration::from_secs(30), handle.closed())
            .await
            .unwrap();
        drop(held);
        assert_eq!(committed(&settings, "g", "t"), 6);

        let mut again =
            KafkaConsumer::subscribe(&settings, "g", &["t"], ConsumerOptions::default()).unwrap();
        let d = tokio::time::timeout(Duration::from_secs(30), again.recv())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(d.origin.offset, 6);
        assert_eq!(d.record.key, "k6");
    }
}
