//! The sink stage: enriched articles in, written to every configured sink in batches.
//!
//! Records are acknowledged only after every sink took the batch; a failed batch is
//! negatively acknowledged so its records are delivered again (duplicates are allowed, loss is
//! not). Batches close at `max_batch` records or after `linger` without a new record.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use newswire_bus::{Ack, Consumer, Delivery};
use newswire_model::EnrichedArticle;
use newswire_sinks::postgres::{PostgresConfig, PostgresSink};
use newswire_sinks::{JsonlConfig, JsonlSink, SinkError, StdoutSink};

use crate::config::SinksConfig;
use crate::events::{
    BatchWritten, BusReceiveFailed, RecordRefusedBySink, RecordsReceived, RecordsSent,
    SinkWriteFailed,
};
use crate::failure::{Failure, FailureKind};
use crate::health::{self, Health, ServiceState};

use super::codec::decode_enriched;
use super::dead_letter::DeadLetters;
use super::stats::Stats;

/// Every configured sink; a batch goes to all of them.
#[derive(Default)]
pub struct SinkSet {
    /// `[sinks.jsonl]` / `--jsonl DIR`.
    pub jsonl: Option<JsonlSink>,
    /// `sinks.stdout` / `--stdout`.
    pub stdout: Option<StdoutSink>,
    /// `[sinks.postgres]` / `--postgres URL`.
    pub postgres: Option<PostgresSink>,
}

/// Command-line flags that add to or override `[sinks]`.
#[derive(Debug, Default, Clone)]
pub struct SinkOverrides {
    /// `--jsonl DIR`
    pub jsonl_dir: Option<std::path::PathBuf>,
    /// `--stdout`
    pub stdout: bool,
    /// `--postgres URL` / `NEWSWIRE_POSTGRES_URL`
    pub postgres_url: Option<String>,
}

impl SinkSet {
    /// Opens every sink of the config plus the command-line ones; PostgreSQL connects and
    /// applies (or checks) its migrations here, so a bad database is reported at start.
    pub async fn open(config: &SinksConfig, overrides: SinkOverrides) -> anyhow::Result<SinkSet> {
        let mut sinks = SinkSet::default();
        let jsonl = match (overrides.jsonl_dir, config.jsonl.clone()) {
            (Some(dir), configured) => Some(JsonlConfig {
                dir,
                ..configured.unwrap_or_default()
            }),
            (None, configured) => configured,
        };
        if let Some(jsonl) = jsonl {
            let dir = jsonl.dir.display().to_string();
            let sink = JsonlSink::new(jsonl).map_err(|e| {
                Failure::new(
                    FailureKind::CantCreate,
                    format!("cannot open the JSON Lines sink in {dir}: {e}"),
                )
            })?;
            sinks.jsonl = Some(sink);
        }
        if overrides.stdout || config.stdout {
            sinks.stdout = Some(StdoutSink);
        }
        let postgres = match (overrides.postgres_url, config.postgres.clone()) {
            (Some(url), Some(configured)) => Some(PostgresConfig { url, ..configured }),
            (Some(url), None) => Some(PostgresConfig::new(url)),
            (None, configured) => configured,
        };
        if let Some(pg) = postgres {
            let sink = PostgresSink::connect(&pg)
                .await
                .context("cannot start the PostgreSQL sink")?;
            sinks.postgres = Some(sink);
        }
        if sinks.describe().is_empty() {
            return Err(Failure::config(
                "no sink configured: set sinks.jsonl.dir, sinks.postgres.url or sinks.stdout = true \
                 (environment NEWSWIRE_SINKS__JSONL__DIR, NEWSWIRE_POSTGRES_URL, ...), or pass \
                 --jsonl DIR, --postgres URL or --stdout",
            )
            .into());
        }
        Ok(sinks)
    }

    /// Writes the batch to every sink; PostgreSQL first, as the sink most likely to fail.
    pub async fn write_batch(
        &mut self,
        batch: &[EnrichedArticle],
        stats: &Stats,
    ) -> Result<(), SinkError> {
        if let Some(sink) = self.postgres.as_mut() {
            let started = Instant::now();
            // A record PostgreSQL cannot hold must not block the batch forever: it is left
            // out (and counted); the other sinks still get it, and it stays on the topic.
            let refused = sink
                .write_batch_skipping_invalid(batch)
                .await
                .map_err(|e| SinkError::Other(format!("postgres: {e}")))?;
            for err in &refused {
                RecordRefusedBySink {
                    sink: "postgres",
                    error_code: "postgres_invalid_record",
                    error: err,
                }
                .emit(stats);
            }
            written("postgres", batch.len(), started, stats);
        }
        if let Some(sink) = self.jsonl.as_mut() {
            let started = Instant::now();
            sink.write_batch(batch)?;
            written("jsonl", batch.len(), started, stats);
        }
        if let Some(sink) = self.stdout.as_mut() {
            let started = Instant::now();
            sink.write_batch(batch)?;
            written("stdout", batch.len(), started, stats);
        }
        Ok(())
    }

    /// Whether the sinks can take a batch now: PostgreSQL answers (reconnecting if it was
    /// lost); files and stdout always can.
    pub async fn check(&mut self) -> ServiceState {
        match self.postgres.as_mut() {
            Some(sink) => match sink.check().await {
                Ok(()) => ServiceState::Ready,
                Err(err) => ServiceState::Degraded(format!("postgres: {err}")),
            },
            None => ServiceState::Ready,
        }
    }

    /// Closes what needs closing (the JSON Lines file).
    pub fn close(&mut self) -> Result<(), SinkError> {
        if let Some(sink) = self.jsonl.as_mut() {
            sink.close()?;
        }
        Ok(())
    }

    /// Where output went, for the summary.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(sink) = &self.jsonl {
            out.push(match sink.current_path() {
                Some(path) => path.display().to_string(),
                None => sink.describe(),
            });
        }
        if let Some(sink) = &self.stdout {
            out.push(sink.describe());
        }
        if let Some(sink) = &self.postgres {
            out.push(sink.describe());
        }
        out
    }
}

fn written(sink: &'static str, records: usize, started: Instant, stats: &Stats) {
    BatchWritten {
        sink,
        records,
        took: started.elapsed(),
    }
    .emit(stats);
}

/// Batch limits.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    /// A batch closes at this many records.
    pub max_batch: usize,
    /// ... or after this long without a new record.
    pub linger: Duration,
}

impl Default for Batching {
    fn default() -> Self {
        Batching {
            max_batch: 500,
            linger: Duration::from_millis(20),
        }
    }
}

/// How long the sink waits without a record before it checks that its sinks still work (a
/// database lost between batches shows in readiness, and so does its return).
const IDLE_CHECK: Duration = Duration::from_secs(5);

/// Runs until the input topic ends; returns the sinks so the caller can report and close them.
/// [`health::SINKS`] follows every batch (degraded when one failed after its retries) and,
/// while no record comes, a check of the sinks every few seconds.
pub async fn run(
    mut input: impl Consumer,
    mut sinks: SinkSet,
    batching: Batching,
    stats: Arc<Stats>,
    dead_letters: DeadLetters,
    health: Arc<Health>,
) -> SinkSet {
    loop {
        let first = match tokio::time::timeout(IDLE_CHECK, next_delivery(&mut input, &stats)).await
        {
            Ok(Some(first)) => first,
            Ok(None) => break,
            Err(_idle) => {
                health.set(health::SINKS, sinks.check().await);
                continue;
            }
        };
        let mut deliveries = vec![first];
        while deliveries.len() < batching.max_batch {
            match tokio::time::timeout(batching.linger, next_delivery(&mut input, &stats)).await {
                Ok(Some(d)) => deliveries.push(d),
                Ok(None) | Err(_) => break,
            }
        }
        let state = write(&mut sinks, deliveries, &stats, &dead_letters).await;
        health.set(health::SINKS, state);
    }
    if let Err(err) = sinks.close() {
        tracing::error!(stage = "sink", error = %err, "closing sinks failed");
    }
    sinks
}

async fn next_delivery(input: &mut impl Consumer, stats: &Stats) -> Option<Delivery> {
    loop {
        match input.recv().await? {
            Ok(d) => return Some(d),
            Err(err) => BusReceiveFailed {
                stage: "sink",
                error: &err,
            }
            .emit(stats),
        }
    }
}

/// Writes one batch and acknowledges it (or negatively, to have it delivered again); the
/// sinks' state after it.
async fn write(
    sinks: &mut SinkSet,
    deliveries: Vec<Delivery>,
    stats: &Stats,
    dead_letters: &DeadLetters,
) -> ServiceState {
    let mut batch = Vec::with_capacity(deliveries.len());
    let mut acks: Vec<Ack> = Vec::with_capacity(deliveries.len());
    RecordsReceived {
        stage: "sink",
        records: deliveries.len() as u64,
    }
    .emit(stats);
    for delivery in deliveries {
        match decode_enriched(&delivery.record) {
            Ok(article) => {
                batch.push(article);
                acks.push(delivery.ack);
            }
            Err(err) => dead_letters.reject("sink", stats, delivery, err).await,
        }
    }
    match sinks.write_batch(&batch, stats).await {
        Ok(()) => {
            RecordsSent {
                stage: "sink",
                records: batch.len() as u64,
            }
            .emit(stats);
            acks.into_iter().for_each(Ack::ack);
            ServiceState::Ready
        }
        Err(err) => {
            SinkWriteFailed {
                records: batch.len(),
                error: &err,
            }
            .emit(stats);
            let reason = err.to_string();
            acks.into_iter().for_each(|a| a.nack(reason.clone()));
            ServiceState::Degraded(reason)
        }
    }
}
