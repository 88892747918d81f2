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

use newswire_bus::kafka::{ConsumerHandle, KafkaProducer};

use crate::config::{Config, ConfigError};
use crate::http::{self, Health};
use crate::shutdown::{self, Shutdown};
use crate::stage::stats::Stats;
use crate::telemetry::Metrics;

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
    /// exporting Kafka statistics into the metrics when it is.
    pub async fn start(config: &Config, http_addr: Option<SocketAddr>) -> anyhow::Result<Service> {
        let metrics = Metrics::new(config.metrics.per_feed);
        let health = Health::new();
        let shutdown = Shutdown::from_signals();
        let http = match http_addr {
            Some(addr) => Some(http::serve(addr, health.clone(), metrics.clone()).await?),
            None => None,
        };
        if http.is_some() {
            crate::kafka::export_statistics(metrics.clone());
        }
        http::drain_on(&shutdown, health.clone());
        Ok(Service {
            shutdown,
            stats: Stats::new(metrics),
            health,
            deadline: Duration::from_secs(config.shutdown.deadline_secs),
            _http: http,
        })
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
        handle.shutdown();
        shutdown::with_deadline(self.deadline, "closing the consumer", handle.closed()).await;
        flush(producer, Duration::from_secs(5)).await;
        anyhow::bail!("the {stage} stage ended unexpectedly")
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
