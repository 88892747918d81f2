//! The enrich stage: raw articles in, enriched articles out.
//!
//! A raw record is acknowledged only after the enriched record made from it is acknowledged
//! downstream. A record that cannot be decoded goes to [`DeadLetters`] (the DLQ over Kafka),
//! so one poison record never stops the stream. [`transform`] is the step both ways of running
//! the stage share: the streaming loop ([`run`]) and the exactly-once path ([`exactly_once`]),
//! which produces the same records inside Kafka transactions.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use newswire_bus::kafka::eos::{self, TransactionOptions, TransactionStats};
use newswire_bus::kafka::KafkaSettings;
use newswire_bus::{Ack, BusError, Consumer, Producer, Record};
use newswire_enrich::Enricher;
use newswire_model::topics;

use super::codec::{decode_article, encode_enriched, DecodeError};
use super::dead_letter::{self, DeadLetters};
use super::stats::Stats;
use crate::events::{ArticleEnriched, BusReceiveFailed, RecordsReceived, RecordsSent};

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

/// Enriches every record of `input` until it ends; each raw record is acknowledged once the
/// enriched record made from it is.
pub async fn run(
    mut input: impl Consumer,
    output: Arc<dyn Producer>,
    enricher: Arc<Enricher>,
    stats: Arc<Stats>,
    dead_letters: DeadLetters,
) {
    let mut pending = tokio::task::JoinSet::new();
    while let Some(next) = input.recv().await {
        let delivery = match next {
            Ok(d) => d,
            Err(err) => {
                BusReceiveFailed {
                    stage: "enrich",
                    error: &err,
                }
                .emit(&stats);
                continue;
            }
        };
        let enriched = match transform(&delivery.record, &enricher, &stats) {
            Ok(record) => record,
            Err(err) => {
                dead_letters.reject("enrich", &stats, delivery, err).await;
                continue;
            }
        };
        if let Some(wait) = send(delivery.ack, enriched, output.as_ref(), &stats).await {
            pending.spawn(wait);
        }
        // Reap finished acknowledgements so the set stays small on long runs.
        while pending.try_join_next().is_some() {}
    }
    while pending.join_next().await.is_some() {}
}

/// Sends one enriched record and returns the future that acknowledges its raw record once
/// downstream has.
async fn send(
    ack: Ack,
    enriched: Record,
    output: &dyn Producer,
    stats: &Arc<Stats>,
) -> Option<impl std::future::Future<Output = ()> + Send + 'static> {
    let stats = stats.clone();
    match output.send(topics::ENRICHED, enriched).await {
        Ok(receipt) => Some(async move {
            match receipt.wait().await {
                Ok(()) => {
                    SENT.emit(&stats);
                    ack.ack()
                }
                Err(err) => ack.nack(err.to_string()),
            }
        }),
        Err(err) => {
            ack.nack(err.to_string());
            None
        }
    }
}

/// The exactly-once enrich stage (blocking: run it on a thread of its own): [`transform`] for
/// each raw record, its enriched or dead-letter record produced in the transaction that also
/// commits the input offsets. Returns when `stop` is set, after the open transaction.
pub fn exactly_once(
    settings: &KafkaSettings,
    group: &str,
    options: &TransactionOptions,
    stop: &AtomicBool,
    stats: &Stats,
) -> Result<TransactionStats, BusError> {
    let enricher = Enricher::new();
    eos::run(
        settings,
        group,
        &[topics::RAW],
        options,
        stop,
        |record, origin| match transform(record, &enricher, stats) {
            Ok(enriched) => {
                SENT.emit(stats);
                vec![(topics::ENRICHED.to_string(), enriched)]
            }
            Err(err) => {
                let dead = dead_letter::letter("enrich", stats, record, origin, &err);
                vec![(topics::DLQ.to_string(), dead)]
            }
        },
    )
}
