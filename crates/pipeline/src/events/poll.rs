//! Events of the poll stage.

use chrono::{DateTime, Utc};
use newswire_feeds::{FeedPoll, FetchOutcome};

use crate::stage::stats::Stats;
use crate::telemetry::{FeedLabels, FeedStateLabels, StageLabels};

/// One feed was polled (any outcome).
pub struct FeedPolled<'a> {
    /// What the poll found.
    pub poll: &'a FeedPoll,
}

/// Where a feed stands after a poll, for `newswire_feed_state`.
fn feed_state(poll: &FeedPoll) -> &'static str {
    match poll.outcome {
        FetchOutcome::Gone => "dead",
        _ if poll.consecutive_failures > 0 => "backoff",
        _ => "ok",
    }
}

fn unix_seconds(at: DateTime<Utc>) -> f64 {
    at.timestamp_millis() as f64 / 1000.0
}

impl FeedPolled<'_> {
    /// Logs the outcome (and each warning of the feed); counts the fetch, its articles and
    /// duplicates; sets the feed's gauges (with `metrics.per_feed`).
    pub fn emit(self, stats: &Stats) {
        let poll = self.poll;
        for warning in &poll.warnings {
            tracing::warn!(stage = "poll", feed = %poll.feed_id, "{warning}");
        }
        tracing::info!(stage = "poll", feed = %poll.feed_id, outcome = poll.outcome.label(),
            articles = poll.articles.len(), elapsed_ms = poll.elapsed.as_millis() as u64, "polled");
        stats.feed_polled(poll);
        let m = &stats.metrics;
        let outcome = poll.outcome.label();
        m.feed_fetches
            .get_or_create(&crate::telemetry::FetchLabels {
                feed: m.feed_label(&poll.feed_id),
                outcome,
            })
            .inc();
        m.feed_fetch_duration.observe(poll.elapsed.as_secs_f64());
        let n = poll.articles.len() as u64;
        m.feed_items.inc_by(n);
        m.feed_duplicates.inc_by(poll.duplicates.len() as u64);
        // Entries delivered by an earlier poll are dropped on purpose.
        m.records_discarded
            .get_or_create(&StageLabels { stage: "poll" })
            .inc_by(poll.already_seen as u64);
        stats.received("poll", n);
        if m.per_feed() {
            self.feed_gauges(stats);
        }
    }

    fn feed_gauges(&self, stats: &Stats) {
        let (poll, m) = (self.poll, &stats.metrics);
        let feed = FeedLabels {
            feed: poll.feed_id.clone(),
        };
        if poll.outcome.is_success() {
            m.feed_last_success
                .get_or_create(&feed)
                .set(unix_seconds(Utc::now()));
        }
        match poll.next_poll_at {
            Some(at) => {
                m.feed_next_poll.get_or_create(&feed).set(unix_seconds(at));
            }
            None => {
                m.feed_next_poll.remove(&feed);
            }
        }
        let now = feed_state(poll);
        for state in ["ok", "backoff", "dead"] {
            let labels = FeedStateLabels {
                feed: poll.feed_id.clone(),
                state,
            };
            m.feed_state
                .get_or_create(&labels)
                .set(i64::from(state == now));
        }
    }
}

/// Articles of a feed were acknowledged downstream (they now count as seen).
pub struct ArticlesDelivered<'a> {
    /// The feed.
    pub feed: &'a str,
    /// How many.
    pub articles: u64,
}

impl ArticlesDelivered<'_> {
    /// Counts them as sent by the poll stage.
    pub fn emit(self, stats: &Stats) {
        tracing::debug!(
            stage = "poll",
            feed = self.feed,
            articles = self.articles,
            "delivered"
        );
        Stats::add(&stats.articles_delivered, self.articles);
        stats.sent("poll", self.articles);
    }
}

/// An article could not be sent, or the broker did not acknowledge it: it is polled again.
pub struct ArticleNotDelivered<'a> {
    /// The feed.
    pub feed: &'a str,
    /// The article id, when the send got that far.
    pub article: Option<&'a str>,
    /// Why.
    pub error: &'a dyn std::fmt::Display,
}

impl ArticleNotDelivered<'_> {
    /// Logs a warning and counts `newswire_records_errors_total{stage="poll", error_code="not_delivered"}`.
    pub fn emit(self, stats: &Stats) {
        tracing::warn!(stage = "poll", feed = self.feed, article = self.article.unwrap_or(""),
            error = %self.error, error_code = "not_delivered",
            "article not delivered; it will be polled again");
        stats.error("poll", "not_delivered");
    }
}

/// A feed's state could not be saved after its articles were delivered.
pub struct FeedStateNotSaved<'a> {
    /// The feed.
    pub feed: &'a str,
    /// Why.
    pub error: &'a dyn std::fmt::Display,
}

impl FeedStateNotSaved<'_> {
    /// Logs an error and counts `newswire_records_errors_total{stage="poll", error_code="state_save"}`.
    pub fn emit(self, stats: &Stats) {
        tracing::error!(stage = "poll", feed = self.feed, error = %self.error,
            error_code = "state_save", "saving feed state failed");
        stats.error("poll", "state_save");
    }
}
