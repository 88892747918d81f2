//! The enrich stage: raw articles in, enriched articles out.
//!
//! A raw record is acknowledged only after the enriched record made from it is acknowledged
//! downstream. A record that cannot be decoded goes to [`DeadLetters`] (the DLQ over Kafka),
//! so one poison record never stops the stream.

use std::sync::Arc;
use std::time::Instant;

use newswire_bus::{Ack, Consumer, Producer};
use newswire_enrich::Enricher;
use newswire_model::{topics, Article};

use super::codec::{decode_article, encode_enriched};
use super::dead_letter::DeadLetters;
use super::stats::Stats;

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
                tracing::error!(stage = "enrich", error = %err, "receiving from the bus failed");
                continue;
            }
        };
        stats.enrich_received();
        let article = match decode_article(&delivery.record) {
            Ok(a) => a,
            Err(err) => {
                dead_letters.reject("enrich", &stats, delivery, err).await;
                continue;
            }
        };
        if let Some(wait) = process(delivery.ack, article, output.as_ref(), &enricher, &stats).await
        {
            pending.spawn(wait);
        }
        // Reap finished acknowledgements so the set stays small on long runs.
        while pending.try_join_next().is_some() {}
    }
    while pending.join_next().await.is_some() {}
}

/// Enriches one decoded delivery and returns the future that acknowledges it once downstream
/// has.
async fn process(
    ack: Ack,
    article: Article,
    output: &dyn Producer,
    enricher: &Enricher,
    stats: &Arc<Stats>,
) -> Option<impl std::future::Future<Output = ()> + Send + 'static> {
    let started = Instant::now();
    let enriched = enricher.enrich(article);
    stats.enriched(&enriched, started.elapsed());
    let stats = stats.clone();
    match output
        .send(topics::ENRICHED, encode_enriched(&enriched))
        .await
    {
        Ok(receipt) => Some(async move {
            match receipt.wait().await {
                Ok(()) => {
                    stats.enrich_sent();
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
