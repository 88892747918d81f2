//! The poll stage: feeds in, raw articles out.
//!
//! The articles of every feed of one poll round are sent first, then the poller waits for
//! their receipts and marks as delivered only the ones acknowledged downstream; the rest are
//! polled again next time. Sending the whole round before waiting costs one broker round trip
//! per round instead of one per feed (the soak's poller spent its cycle waiting feed by feed).

use std::sync::Arc;

use futures::future::join_all;
use newswire_bus::{Producer, Receipt};
use newswire_feeds::{FeedPoll, Poller};
use newswire_model::topics;

use super::codec::encode_article;
use super::stats::Stats;
use crate::events::{ArticleNotDelivered, ArticlesDelivered, FeedPolled, FeedStateNotSaved};
use crate::health::{self, Health, ServiceState};

/// Sends every article of `polls` and records which were delivered; the poller is degraded
/// while every feed of its latest round failed.
pub async fn publish(
    poller: &mut Poller,
    polls: Vec<FeedPoll>,
    output: &dyn Producer,
    stats: &Arc<Stats>,
    health: &Health,
) {
    round_health(&polls, health);
    let mut sent = Vec::with_capacity(polls.len());
    for poll in polls {
        FeedPolled { poll: &poll }.emit(stats);
        let receipts = send_all(&poll, output, stats).await;
        sent.push((poll.feed_id, receipts));
    }
    for (feed_id, receipts) in sent {
        let delivered = acknowledged(&feed_id, receipts, stats).await;
        ArticlesDelivered {
            feed: &feed_id,
            articles: delivered.len() as u64,
        }
        .emit(stats);
        if let Err(err) = poller.mark_delivered(&feed_id, &delivered) {
            FeedStateNotSaved {
                feed: &feed_id,
                error: &err,
            }
            .emit(stats);
        }
    }
}

fn round_health(polls: &[FeedPoll], health: &Health) {
    let failed = polls.iter().filter(|p| !p.outcome.is_success()).count();
    if polls.is_empty() {
        return;
    }
    let state = if failed == polls.len() {
        ServiceState::Degraded(format!(
            "every feed of the last round failed ({failed} of {})",
            polls.len()
        ))
    } else {
        ServiceState::Ready
    };
    health.set(health::POLLER, state);
}

/// Sends the articles of one feed; returns a receipt per article the producer took.
async fn send_all(poll: &FeedPoll, output: &dyn Producer, stats: &Stats) -> Vec<(String, Receipt)> {
    let mut receipts = Vec::with_capacity(poll.articles.len());
    for article in &poll.articles {
        match output.send(topics::RAW, encode_article(article)).await {
            Ok(receipt) => receipts.push((article.id.clone(), receipt)),
            Err(err) => ArticleNotDelivered {
                feed: &poll.feed_id,
                article: Some(&article.id),
                error: &err,
            }
            .emit(stats),
        }
    }
    receipts
}

/// The ids whose receipts report the broker acknowledged them.
async fn acknowledged(
    feed_id: &str,
    receipts: Vec<(String, Receipt)>,
    stats: &Stats,
) -> Vec<String> {
    let results = join_all(
        receipts
            .into_iter()
            .map(|(id, r)| async move { (id, r.wait().await) }),
    )
    .await;
    results
        .into_iter()
        .filter_map(|(id, result)| match result {
            Ok(()) => Some(id),
            Err(err) => {
                ArticleNotDelivered {
                    feed: feed_id,
                    article: Some(&id),
                    error: &err,
                }
                .emit(stats);
                None
            }
        })
        .collect()
}
