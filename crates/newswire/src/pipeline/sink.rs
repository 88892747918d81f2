//! The sink stage: enriched articles in, written to every configured sink in batches.
//!
//! Records are acknowledged only after every sink took the batch; a failed batch is
//! negatively acknowledged so its records are delivered again (duplicates are allowed, loss is
//! not). Batches close at `max_batch` records or after `linger` without a new record.

use std::sync::Arc;
use std::time::{Duration, Instant};

use newswire_bus::{Ack, Consumer, Delivery};
use newswire_model::EnrichedArticle;
use newswire_sinks::{JsonlSink, SinkError, StdoutSink};

use super::codec::decode_enriched;
use super::stats::Stats;

/// Every configured sink; a batch goes to all of them.
#[derive(Default)]
pub struct SinkSet {
    pub jsonl: Option<JsonlSink>,
    pub stdout: Option<StdoutSink>,
}

impl SinkSet {
    pub fn write_batch(
        &mut self,
        batch: &[EnrichedArticle],
        stats: &Stats,
    ) -> Result<(), SinkError> {
        if let Some(sink) = self.jsonl.as_mut() {
            let started = Instant::now();
            sink.write_batch(batch)?;
            stats.batch_written("jsonl", batch.len(), started.elapsed());
        }
        if let Some(sink) = self.stdout.as_mut() {
            let started = Instant::now();
            sink.write_batch(batch)?;
            stats.batch_written("stdout", batch.len(), started.elapsed());
        }
        Ok(())
    }

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
        out
    }
}

/// Batch limits.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    pub max_batch: usize,
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

/// Runs until the input topic ends; returns the sinks so the caller can report and close them.
pub async fn run(
    mut input: impl Consumer,
    mut sinks: SinkSet,
    batching: Batching,
    stats: Arc<Stats>,
) -> SinkSet {
    loop {
        let Some(first) = next_delivery(&mut input).await else {
            break;
        };
        let mut deliveries = vec![first];
        while deliveries.len() < batching.max_batch {
            match tokio::time::timeout(batching.linger, next_delivery(&mut input)).await {
                Ok(Some(d)) => deliveries.push(d),
                Ok(None) | Err(_) => break,
            }
        }
        write(&mut sinks, deliveries, &stats);
    }
    if let Err(err) = sinks.close() {
        tracing::error!(stage = "sink", error = %err, "closing sinks failed");
    }
    sinks
}

async fn next_delivery(input: &mut impl Consumer) -> Option<Delivery> {
    loop {
        match input.recv().await? {
            Ok(d) => return Some(d),
            Err(err) => {
                tracing::error!(stage = "sink", error = %err, "receiving from the bus failed")
            }
        }
    }
}

fn write(sinks: &mut SinkSet, deliveries: Vec<Delivery>, stats: &Stats) {
    let mut batch = Vec::with_capacity(deliveries.len());
    let mut acks: Vec<Ack> = Vec::with_capacity(deliveries.len());
    stats.sink_received(deliveries.len() as u64);
    for Delivery {
        record,
        origin,
        ack,
    } in deliveries
    {
        match decode_enriched(&record) {
            Ok(article) => {
                batch.push(article);
                acks.push(ack);
            }
            Err(err) => {
                stats.decode_error("sink", err.code);
                tracing::error!(stage = "sink", topic = %origin.topic, partition = origin.partition,
                    offset = origin.offset, key = %record.key, error_code = err.code, error = %err.message,
                    "undecodable record skipped");
                ack.ack();
            }
        }
    }
    match sinks.write_batch(&batch, stats) {
        Ok(()) => {
            stats.sink_written(batch.len() as u64);
            acks.into_iter().for_each(Ack::ack);
        }
        Err(err) => {
            stats.sink_failed();
            tracing::error!(stage = "sink", error = %err, records = batch.len(), "writing a batch failed; it will be redelivered");
            let reason = err.to_string();
            acks.into_iter().for_each(|a| a.nack(reason.clone()));
        }
    }
}
