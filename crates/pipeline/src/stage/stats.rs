//! What the stages count: totals for the end-of-run summary and the progress line, beside
//! the Prometheus metrics. Both change only through the named events of [`crate::events`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use newswire_feeds::FeedPoll;

use crate::failure::Failure;
use crate::telemetry::Metrics;

/// Records in, out and failed of one stage, for the progress line.
#[derive(Default)]
pub struct StageCounts {
    /// Records the stage took in.
    pub received: AtomicU64,
    /// Records it handed on, acknowledged downstream.
    pub sent: AtomicU64,
    /// Records it could not process.
    pub errors: AtomicU64,
}

/// Counters shared by the stages of one process.
pub struct Stats {
    /// The stages this process runs.
    pub stages: Vec<&'static str>,
    /// Per stage (poll, enrich, sink): records in, out, failed.
    pub poll: StageCounts,
    /// See [`Stats::poll`].
    pub enrich: StageCounts,
    /// See [`Stats::poll`].
    pub sink: StageCounts,
    /// The consumer lag last measured, per topic (Kafka).
    pub lag: Mutex<BTreeMap<&'static str, i64>>,
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
    /// Counters at zero; the per-stage series of `stages` (the stages this process runs) are
    /// created at zero too.
    pub fn new(metrics: Arc<Metrics>, stages: &[&'static str]) -> Arc<Stats> {
        for &stage in stages {
            metrics.received(stage, 0);
            metrics.sent(stage, 0);
        }
        Arc::new(Stats {
            stages: stages.to_vec(),
            poll: StageCounts::default(),
            enrich: StageCounts::default(),
            sink: StageCounts::default(),
            lag: Mutex::default(),
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

    /// The counts of `stage` (`poll`, `enrich` or `sink`).
    pub fn stage(&self, stage: &str) -> Option<&StageCounts> {
        match stage {
            "poll" => Some(&self.poll),
            "enrich" => Some(&self.enrich),
            "sink" => Some(&self.sink),
            _ => None,
        }
    }

    /// `n` records `stage` took in: the metric and the progress count.
    pub fn received(&self, stage: &'static str, n: u64) {
        if let Some(counts) = self.stage(stage) {
            Self::add(&counts.received, n);
        }
        self.metrics.received(stage, n);
    }

    /// `n` records `stage` handed on (acknowledged): the metric and the progress count.
    pub fn sent(&self, stage: &'static str, n: u64) {
        if let Some(counts) = self.stage(stage) {
            Self::add(&counts.sent, n);
        }
        self.metrics.sent(stage, n);
    }

    /// One record `stage` could not process, by `error_code`: the metric and the progress
    /// count.
    pub fn error(&self, stage: &'static str, error_code: &'static str) {
        if let Some(counts) = self.stage(stage) {
            Self::add(&counts.errors, 1);
        }
        self.metrics.error(stage, error_code);
    }

    /// The totals of one feed poll (its metrics are [`FeedPolled`](crate::events::FeedPolled)'s).
    pub fn feed_polled(&self, poll: &FeedPoll) {
        Self::add(&self.feeds_polled, 1);
        let failed = !poll.outcome.is_success();
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
        Self::add(&self.articles_polled, poll.articles.len() as u64);
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
