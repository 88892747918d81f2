//! What the stages count: totals for the end-of-run summary, and the Prometheus metrics.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use newswire_feeds::FeedPoll;
use newswire_model::EnrichedArticle;

use crate::failure::Failure;
use crate::telemetry::{Metrics, StageLabels};

/// Counters shared by the stages of one process.
pub struct Stats {
    /// The Prometheus metrics the counters also feed.
    pub metrics: Arc<Metrics>,
    /// Feeds polled (every outcome).
    pub feeds_polled: AtomicU64,
    /// Feed polls that failed.
    pub feeds_failed: AtomicU64,
    /// New articles the polls found.
    pub articles_polled: AtomicU64,
    /// New articles acknowledged downstream.
    pub articles_delivered: AtomicU64,
    /// Articles enriched.
    pub enriched: AtomicU64,
    /// Records no stage could decode.
    pub decode_errors: AtomicU64,
    /// Country tags found.
    pub countries: AtomicU64,
    /// Weapons systems found.
    pub weapons: AtomicU64,
    /// Sanctions events found.
    pub sanctions: AtomicU64,
    /// Records written to every sink.
    pub written: AtomicU64,
    /// Batches a sink failed to write.
    pub sink_errors: AtomicU64,
    /// Feeds whose latest poll failed, with the reason (one entry per feed, so bounded).
    pub failing_feeds: Mutex<BTreeMap<String, String>>,
}

impl Stats {
    /// Counters at zero; the per-stage series are created at zero too.
    pub fn new(metrics: Arc<Metrics>) -> Arc<Stats> {
        for stage in ["poll", "enrich", "sink"] {
            metrics.received(stage, 0);
            metrics.sent(stage, 0);
        }
        Arc::new(Stats {
            metrics,
            feeds_polled: AtomicU64::new(0),
            feeds_failed: AtomicU64::new(0),
            articles_polled: AtomicU64::new(0),
            articles_delivered: AtomicU64::new(0),
            enriched: AtomicU64::new(0),
            decode_errors: AtomicU64::new(0),
            countries: AtomicU64::new(0),
            weapons: AtomicU64::new(0),
            sanctions: AtomicU64::new(0),
            written: AtomicU64::new(0),
            sink_errors: AtomicU64::new(0),
            failing_feeds: Mutex::new(BTreeMap::new()),
        })
    }

    /// Adds `n` to `counter`.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// The value of `counter`.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// One feed was polled.
    pub fn feed_polled(&self, poll: &FeedPoll) {
        Self::add(&self.feeds_polled, 1);
        let label = poll.outcome.label();
        let failed = !matches!(label, "ok" | "not_modified");
        if failed {
            Self::add(&self.feeds_failed, 1);
        }
        if let Ok(mut failing) = self.failing_feeds.lock() {
            if failed {
                failing.insert(poll.feed_id.clone(), poll.outcome.to_string());
            } else {
                failing.remove(&poll.feed_id);
            }
        }
        self.metrics
            .feed_fetched(&poll.feed_id, label, poll.elapsed);
        let n = poll.articles.len() as u64;
        Self::add(&self.articles_polled, n);
        self.metrics.feed_items.inc_by(n);
        self.metrics
            .feed_duplicates
            .inc_by(poll.duplicates.len() as u64);
        // Entries delivered by an earlier poll are dropped on purpose.
        self.metrics
            .records_discarded
            .get_or_create(&StageLabels { stage: "poll" })
            .inc_by(poll.already_seen as u64);
        self.metrics.received("poll", n);
    }

    /// Articles of a poll were acknowledged downstream.
    pub fn articles_delivered(&self, n: u64) {
        Self::add(&self.articles_delivered, n);
        self.metrics.sent("poll", n);
    }

    /// A stage could not decode a record.
    pub fn decode_error(&self, stage: &'static str, error_code: &'static str) {
        Self::add(&self.decode_errors, 1);
        self.metrics.error(stage, error_code);
    }

    /// The enrich stage took a record in.
    pub fn enrich_received(&self) {
        self.metrics.received("enrich", 1);
    }

    /// One article was enriched.
    pub fn enriched(&self, enriched: &EnrichedArticle, took: Duration) {
        Self::add(&self.enriched, 1);
        Self::add(&self.countries, enriched.countries.len() as u64);
        Self::add(&self.weapons, enriched.weapons.len() as u64);
        Self::add(&self.sanctions, enriched.sanctions.len() as u64);
        self.metrics.enrich_duration.observe(took.as_secs_f64());
    }

    /// An enriched record was acknowledged downstream.
    pub fn enrich_sent(&self) {
        self.metrics.sent("enrich", 1);
    }

    /// The sink stage took `n` records in.
    pub fn sink_received(&self, n: u64) {
        self.metrics.received("sink", n);
    }

    /// A batch went to one sink.
    pub fn batch_written(&self, sink: &'static str, n: usize, took: Duration) {
        self.metrics.sink_batch(sink, n, took);
    }

    /// A batch went to every sink.
    pub fn sink_written(&self, n: u64) {
        Self::add(&self.written, n);
        self.metrics.sent("sink", n);
    }

    /// A batch failed in a sink.
    pub fn sink_failed(&self) {
        Self::add(&self.sink_errors, 1);
        self.metrics.error("sink", "sink_write");
    }

    /// How the polls so far went, as a failure of the command: every feed failed (nothing
    /// could be fetched: [`Failure::unavailable`]), or some did ([`Failure::temporary`]: they
    /// are polled again next time); `None` when none failed.
    pub fn poll_failure(&self) -> Option<Failure> {
        let (polled, failed) = (Self::get(&self.feeds_polled), Self::get(&self.feeds_failed));
        if failed == 0 {
            return None;
        }
        let failing = self.failing_feeds.lock().unwrap_or_else(|e| e.into_inner());
        let mut which: Vec<String> = failing
            .iter()
            .take(5)
            .map(|(feed, why)| format!("{feed}: {why}"))
            .collect();
        if failing.len() > 5 {
            which.push(format!("and {} more", failing.len() - 5));
        }
        let which = which.join("; ");
        Some(if failed >= polled {
            Failure::unavailable(format!("every feed failed ({failed} of {polled}): {which}"))
        } else {
            Failure::temporary(format!("{failed} of {polled} feeds failed: {which}"))
        })
    }
}
