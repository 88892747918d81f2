//! What every service process shares, from start to exit: the config it loads, signals,
//! counters, health and the optional HTTP listener ([`Service`]), and the drain at the end.
//!
//! Each service stops on SIGTERM/SIGINT: the consumer stops taking records, what was handed
//! over is finished, in-flight records are waited for up to the drain deadline, offsets of
//! acknowledged records are committed, the producer is flushed, and the process exits within
//! `shutdown.deadline_secs`.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use newswire_bus::kafka::admin::describe_cluster;
use newswire_bus::kafka::{ConsumerHandle, KafkaProducer, KafkaSettings};

use crate::config::{Config, ConfigError};
use crate::events::Progress;
use crate::health::{self, Health, ServiceState};
use crate::http;
use crate::shutdown::{self, Shutdown};
use crate::stage::stats::Stats;
use crate::telemetry::{Exports, Metrics};

/// Loads `path` for a Kafka service, or the built-in defaults when no config is given.
pub fn load_config(path: Option<&Path>) -> Result<Config, ConfigError> {
    // A Kafka service is on the Kafka bus whatever the file says (the same file may also serve
    // `newswire run` in memory); without a file, the defaults with NEWSWIRE_* overrides.
    let env = std::env::vars().chain([("NEWSWIRE_BUS__KIND".to_string(), "kafka".to_string())]);
    Config::load_with_env(path.unwrap_or(Path::new("")), env)
}

/// What every service process has: signals, counters, health and the optional HTTP listener.
pub struct Service {
    /// Resolves once SIGTERM/SIGINT arrived.
    pub shutdown: Shutdown,
    /// The counters of this process's stages.
    pub stats: Arc<Stats>,
    /// Readiness of the service's components (`/readyz`).
    pub health: Arc<Health>,
    /// `shutdown.deadline_secs`: how long draining may take.
    pub deadline: Duration,
    _http: Option<(SocketAddr, tokio::task::JoinHandle<()>)>,
}

impl Service {
    /// Listens for signals, opens the HTTP listener (when `http_addr` is given) and starts
    /// exporting Kafka statistics into the metrics when it is; the metrics are those of the
    /// stages in `exports`.
    pub async fn start(
        config: &Config,
        http_addr: Option<SocketAddr>,
        exports: Exports,
    ) -> anyhow::Result<Service> {
        let metrics = Metrics::with_exports(config.metrics.per_feed, exports);
        let health = Health::new();
        let draining = health.clone();
        let shutdown = Shutdown::from_signals(move || draining.start_draining());
        let http = match http_addr {
            Some(addr) => Some(http::serve(addr, health.clone(), metrics.clone()).await?),
            None => None,
        };
        if http.is_some() {
            crate::kafka::export_statistics(metrics.clone());
        }
        crate::kafka::report_health_to(health.clone());
        let stats = Stats::new(metrics, &exports.stages());
        if config.log.progress_secs > 0 {
            let every = Duration::from_secs(config.log.progress_secs);
            tokio::spawn(progress(every, stats.clone(), shutdown.clone()));
        }
        Ok(Service {
            shutdown,
            stats,
            health,
            deadline: Duration::from_secs(config.shutdown.deadline_secs),
            _http: http,
        })
    }

    /// The Kafka client settings of this service (`brokers` from `--brokers` wins), once the
    /// brokers answered and the topics exist: then [`health::KAFKA`] is ready, and a watch
    /// brings it back to ready whenever a client reported the brokers down and they answer
    /// again.
    pub async fn connect_kafka(
        &self,
        config: &Config,
        brokers: Option<&str>,
    ) -> anyhow::Result<KafkaSettings> {
        self.health.set(health::KAFKA, ServiceState::Starting);
        let settings = config.kafka.settings(brokers)?;
        config.kafka.prepare(&settings).await?;
        self.health.set(health::KAFKA, ServiceState::Ready);
        tokio::spawn(watch_brokers(
            settings.clone(),
            self.health.clone(),
            self.shutdown.clone(),
        ));
        Ok(settings)
    }

    /// Declares the consumer of `group` (not ready until its first partition assignment).
    pub fn consumer_starting(&self, group: &str) {
        self.health
            .set(&format!("consumer/{group}"), ServiceState::Starting);
    }

    /// Waits for a shutdown request; true when the stage ended first (it should not).
    pub async fn stage_ended<T>(&self, stage: &mut tokio::task::JoinHandle<T>) -> bool {
        tokio::select! {
            _ = self.shutdown.requested() => false,
            _ = stage => true,
        }
    }

    /// Closes the consumer of a stage that ended on its own, flushes, and reports the failure.
    pub async fn stopped_early<T>(
        &self,
        handle: &ConsumerHandle,
        producer: &KafkaProducer,
        stage: &str,
    ) -> anyhow::Result<T> {
        self.health.set(stage, ServiceState::Stopped);
        handle.shutdown();
        shutdown::with_deadline(self.deadline, "closing the consumer", handle.closed()).await;
        flush(producer, Duration::from_secs(5)).await;
        anyhow::bail!("the {stage} stage ended unexpectedly")
    }
}

/// How often the broker watch looks at the Kafka connection's health.
const BROKER_WATCH_EVERY: Duration = Duration::from_secs(2);
/// How long one probe of the brokers waits for their metadata.
const BROKER_PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Decides whether the brokers are reachable whenever a client saw a connection fail or the
/// connection is degraded: it asks them for metadata itself. No answer: [`health::KAFKA`] is
/// degraded, naming the brokers; an answer: ready again.
async fn watch_brokers(settings: KafkaSettings, health: Arc<Health>, shutdown: Shutdown) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(BROKER_WATCH_EVERY) => {}
            _ = shutdown.requested() => return,
        }
        let degraded = matches!(health.state(health::KAFKA), Some(ServiceState::Degraded(_)));
        if !health.take_kafka_suspicion() && !degraded {
            continue;
        }
        let state = match describe_cluster(&settings, BROKER_PROBE_TIMEOUT).await {
            Ok(_) => ServiceState::Ready,
            Err(err) => {
                ServiceState::Degraded(format!("brokers {} unreachable ({err})", settings.brokers))
            }
        };
        health.set(health::KAFKA, state);
    }
}

/// Logs the progress line every `every` until shutdown.
async fn progress(every: Duration, stats: Arc<Stats>, shutdown: Shutdown) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => Progress { stats: &stats }.emit(),
            _ = shutdown.requested() => return,
        }
    }
}

/// Flushes the producer without blocking the runtime.
pub async fn flush(producer: &KafkaProducer, timeout: Duration) {
    let producer = producer.clone();
    let result = tokio::task::spawn_blocking(move || producer.flush(timeout)).await;
    if !matches!(result, Ok(Ok(()))) {
        tracing::warn!("not every record was delivered before the flush timeout");
    }
}

/// Stops a consumer and waits for its stage and for its final commit, within the deadline.
pub async fn drain<T>(
    deadline: Duration,
    what: &str,
    handle: &ConsumerHandle,
    stage: tokio::task::JoinHandle<T>,
) -> Option<T> {
    handle.shutdown();
    let result = shutdown::with_deadline(deadline, what, async {
        let out = stage.await.ok();
        handle.closed().await;
        out
    })
    .await;
    result.flatten()
}
