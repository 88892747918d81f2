//! Counters the stages keep, for the end-of-run summary and progress lines.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Stats {
    pub feeds_polled: AtomicU64,
    pub feeds_failed: AtomicU64,
    pub articles_polled: AtomicU64,
    pub articles_delivered: AtomicU64,
    pub enriched: AtomicU64,
    pub decode_errors: AtomicU64,
    pub countries: AtomicU64,
    pub weapons: AtomicU64,
    pub sanctions: AtomicU64,
    pub written: AtomicU64,
    pub sink_errors: AtomicU64,
}

impl Stats {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}
