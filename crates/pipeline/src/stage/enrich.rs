//! The enrich stage: raw articles in, enriched articles out.
//!
//! A raw record is acknowledged only after the enriched record made from it is acknowledged
//! downstream. A record that cannot be decoded goes to [`DeadLetters`] (the DLQ over Kafka),
//! so one poison record never stops the stream. [`transform`] is the step both ways of running
//! the stage share: the streaming loop ([`run`]) and the exactly-once path ([`exactly_once`]),
//! which produces the same records inside Kafka transactions.
//!
//! Both enrich on [`Workers`], the threads of every core. The streaming loop takes the
//! records already waiting (up to [`BATCH`]) as one job, and sends the results in the order
//! the records came in, so each partition's order carries over to the enriched topic; at most
//! a few jobs per thread are in flight, so a slow producer stops the intake (backpressure).
//! Acknowledgements still go through each record's [`Ack`], so the consumer stores offsets
//! in order as before.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use futures::FutureExt;

use newswire_bus::kafka::eos::{self, TransactionOptions, TransactionStats};
use newswire_bus::kafka::KafkaSettings;
use newswire_bus::{Ack, BusError, Consumer, Delivery, Origin, Producer, Receipt, Record};
use newswire_enrich::Enricher;
use newswire_model::topics;

use super::codec::{decode_article, encode_enriched, DecodeError};
use super::dead_letter::{self, DeadLetters};
use super::stats::Stats;
use crate::events::{ArticleEnriched, BusReceiveFailed, RecordsReceived, RecordsSent};
use crate::workers::{Results, Submitter, Workers};

/// One enriched record acknowledged.
const SENT: RecordsSent = RecordsSent {
    stage: "enrich",
    records: 1,
};

/// Decodes one raw record and enriches it: the enriched record to send, or why the record
/// cannot be processed (it then goes to the dead letters).
pub fn transform(
    record: &Record,
    enricher: &Enricher,
    stats: &Stats,
) -> Result<Record, DecodeError> {
    RecordsReceived {
        stage: "enrich",
        records: 1,
    }
    .emit(stats);
    let article = decode_article(record)?;
    let started = Instant::now();
    let enriched = enricher.enrich(article);
    ArticleEnriched {
        enriched: &enriched,
        took: started.elapsed(),
    }
    .emit(stats);
    Ok(encode_enriched(&enriched))
}

/// [`transform`], with a panic in the enricher (a bug) turned into a dead letter, so one
/// record that trips it cannot stop the stream or come back for ever.
fn guarded(record: &Record, enricher: &Enricher, stats: &Stats) -> Result<Record, DecodeError> {
    catch_unwind(AssertUnwindSafe(|| transform(record, enricher, stats))).unwrap_or_else(|_| {
        Err(DecodeError {
            code: "enrich_failed",
            message: "enrichment failed on this record (a bug; the panic is logged)".into(),
        })
    })
}

/// Most records the streaming loop hands to a thread as one job.
pub const BATCH: usize = 32;
/// Jobs in flight per thread: enough to keep each busy while results are sent.
pub const JOBS_PER_WORKER: usize = 4;

/// One job's records with what became of each, in input order.
type Transformed = Vec<(Delivery, Result<Record, DecodeError>)>;

/// Enriches every record of `input` on `workers` until the input ends; each raw record is
/// acknowledged once the enriched record made from it is, and records are sent in input order.
pub async fn run(
    input: impl Consumer,
    output: Arc<dyn Producer>,
    enricher: Arc<Enricher>,
    workers: Workers,
    stats: Arc<Stats>,
    dead_letters: DeadLetters,
) {
    let (submit, results) = workers.ordered(workers.size() * JOBS_PER_WORKER);
    let intake = take_in(input, submit, enricher, stats.clone());
    tokio::join!(intake, send_out(results, output, stats, dead_letters));
}

/// Hands the input to the workers in batches until it ends (or nobody reads the results).
async fn take_in(
    mut input: impl Consumer,
    submit: Submitter<Transformed>,
    enricher: Arc<Enricher>,
    stats: Arc<Stats>,
) {
    while let Some(batch) = next_batch(&mut input, BATCH, &stats).await {
        let (enricher, stats) = (enricher.clone(), stats.clone());
        let job = move || {
            batch
                .into_iter()
                .map(|d| {
                    let out = guarded(&d.record, &enricher, &stats);
                    (d, out)
                })
                .collect()
        };
        if submit.submit(job).await.is_err() {
            return;
        }
    }
}

/// The next record, then those already waiting behind it, up to `max`; `None` at the end.
pub async fn next_batch(
    input: &mut impl Consumer,
    max: usize,
    stats: &Stats,
) -> Option<Vec<Delivery>> {
    let mut batch = Vec::new();
    while batch.len() < max.max(1) {
        let next = if batch.is_empty() {
            input.recv().await
        } else {
            // Only what is ready now: a batch never waits for records to fill it. The bus's
            // `recv` is a channel receive, so dropping it unready loses nothing.
            match input.recv().now_or_never() {
                Some(next) => next,
                None => break,
            }
        };
        match next {
            Some(Ok(delivery)) => batch.push(delivery),
            Some(Err(err)) => BusReceiveFailed {
                stage: "enrich",
                error: &err,
            }
            .emit(stats),
            None => break,
        }
    }
    (!batch.is_empty()).then_some(batch)
}

/// Sends the results in input order; acknowledges each raw record once its enriched record
/// is acknowledged, and hands undecodable ones to the dead letters.
async fn send_out(
    mut results: Results<Transformed>,
    output: Arc<dyn Producer>,
    stats: Arc<Stats>,
    dead_letters: DeadLetters,
) {
    let mut pending = tokio::task::JoinSet::new();
    while let Some(done) = results.next().await {
        let Ok(done) = done else {
            // Only a panic outside `guarded` gets here; the batch's acks were dropped with it,
            // which counts as a nack: the records are delivered again.
            tracing::error!(
                stage = "enrich",
                "a worker failed on a batch; it will be delivered again"
            );
            continue;
        };
        let mut receipts = Vec::with_capacity(done.len());
        for (delivery, out) in done {
            match out {
                Ok(record) => match output.send(topics::ENRICHED, record).await {
                    Ok(receipt) => receipts.push((delivery.ack, receipt)),
                    Err(err) => delivery.ack.nack(err.to_string()),
                },
                Err(err) => dead_letters.reject("enrich", &stats, delivery, err).await,
            }
        }
        pending.spawn(acknowledge(receipts, stats.clone()));
        // Reap finished acknowledgements so the set stays small on long runs.
        while pending.try_join_next().is_some() {}
    }
    while pending.join_next().await.is_some() {}
}

/// Acknowledges each raw record once the enriched record made from it is safe downstream.
async fn acknowledge(receipts: Vec<(Ack, Receipt)>, stats: Arc<Stats>) {
    for (ack, receipt) in receipts {
        match receipt.wait().await {
            Ok(()) => {
                SENT.emit(&stats);
                ack.ack()
            }
            Err(err) => ack.nack(err.to_string()),
        }
    }
}

/// The exactly-once enrich stage (blocking: run it on a thread of its own): [`transform`] for
/// each raw record on `workers`, its enriched or dead-letter record produced, in input order,
/// in the transaction that also commits the input offsets. Returns when `stop` is set, after
/// the open transaction.
pub fn exactly_once(
    settings: &KafkaSettings,
    group: &str,
    options: &TransactionOptions,
    stop: &AtomicBool,
    workers: &Workers,
    stats: Arc<Stats>,
) -> Result<TransactionStats, BusError> {
    let enricher = Arc::new(Enricher::new());
    let step = {
        let stats = stats.clone();
        Arc::new(move |(record, origin): (Record, Origin)| {
            outputs(
                guarded(&record, &enricher, &stats),
                &record,
                &origin,
                &stats,
            )
        })
    };
    eos::run(settings, group, &[topics::RAW], options, stop, |batch| {
        let chunk = batch.len().div_ceil(workers.size() * JOBS_PER_WORKER);
        workers
            .map_blocking(batch.to_vec(), chunk, step.clone())
            .into_iter()
            .zip(batch)
            .map(|(out, (record, origin))| {
                // Only a panic outside `guarded` gets here: a dead letter, as for a panic.
                out.unwrap_or_else(|_| {
                    let failed = Err(DecodeError {
                        code: "enrich_failed",
                        message: "a worker thread failed on this record".into(),
                    });
                    outputs(failed, record, origin, &stats)
                })
            })
            .collect()
    })
}

/// What the exactly-once path produces for one record: its enriched record, or its dead letter.
fn outputs(
    out: Result<Record, DecodeError>,
    record: &Record,
    origin: &Origin,
    stats: &Stats,
) -> Vec<(String, Record)> {
    match out {
        Ok(enriched) => {
            SENT.emit(stats);
            vec![(topics::ENRICHED.to_string(), enriched)]
        }
        Err(err) => {
            let dead = dead_letter::letter("enrich", stats, record, origin, &err);
            vec![(topics::DLQ.to_string(), dead)]
        }
    }
}
