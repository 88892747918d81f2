//! Scoring newswire's enrichment against the labelled dev sets in `crates/enrich/dev/`.
//!
//! This crate reads files, so it lives outside the enrich library (which does no I/O).
//! `cargo run --release -p newswire-eval` prints every report; `-- sanctions-news --misses`
//! one report with what was missed. Tests in `tests/` hold floors on the same numbers so
//! that quality only goes up.
//!
//! # Layout
//! - [`countries`]: countries and primaries against `countries.jsonl` and its held-out file.
//! - [`weapons`]: named systems and classes against `weapons_sanctions*.jsonl`.
//! - [`sanctions`]: sanctions relations against the same hand-written files (regression set).
//! - [`sanctions_news`]: sanctions events against `sanctions-news/batch-*.jsonl`, passages
//!   modelled on real published news.
//! - [`entities`]: the target-entity recogniser against the `target_entities` of the same
//!   batches.
//! - [`weapons_news`]: named systems against `weapons-news/batch-*.jsonl` (modelled on real
//!   published text), and false alarms on business and sports copy in `weapons-false-alarms/`.
//! - [`countries_news`]: countries, primaries and salience order against
//!   `countries-news/batch-*.jsonl`.
//! - [`jsonl`]: the one strict JSON Lines loader the `*-news` sets share (errors name the file,
//!   the line and the field).

use std::path::PathBuf;

pub mod countries;
pub mod countries_news;
pub mod entities;
pub mod jsonl;
pub mod sanctions;
pub mod sanctions_news;
pub mod weapons;
pub mod weapons_news;

/// The labelled dev sets of the enrich crate.
pub fn dev_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../enrich/dev"))
}

/// True positives, false positives and false negatives of one measurement.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Found and labelled.
    pub tp: usize,
    /// Found, not labelled.
    pub fp: usize,
    /// Labelled, not found.
    pub fn_: usize,
}

impl Counts {
    /// tp / (tp + fp).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// tp / (tp + fn).
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// The harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// Adds the comparison of one expected set with one predicted set.
    pub fn add_sets<T: Ord + Clone>(&mut self, expected: &[T], predicted: &[T]) {
        use std::collections::BTreeSet;
        let e: BTreeSet<_> = expected.iter().cloned().collect();
        let p: BTreeSet<_> = predicted.iter().cloned().collect();
        self.tp += e.intersection(&p).count();
        self.fp += p.difference(&e).count();
        self.fn_ += e.difference(&p).count();
    }
}

/// An empty denominator scores 1.0: nothing expected and nothing found is not an error.
fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

/// One line of a report: a named measurement.
pub fn format_line(name: &str, counts: &Counts) -> String {
    format!(
        "{name:<28} precision {:.3}  recall {:.3}  F1 {:.3}  (tp {}, fp {}, fn {})",
        counts.precision(),
        counts.recall(),
        counts.f1(),
        counts.tp,
        counts.fp,
        counts.fn_
    )
}
