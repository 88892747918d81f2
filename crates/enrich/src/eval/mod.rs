//! Scoring the extractors against the labelled dev sets under `dev/`.
//!
//! `cargo run -p newswire-enrich --example eval` prints the report; tests hold floors on the
//! same numbers so that quality only goes up.
//!
//! Each extractor has a submodule with `report(dev_dir) -> String`; the example prints them
//! one after the other.

pub mod countries;
pub mod sanctions;
pub mod weapons;

/// True positives, false positives and false negatives of one measurement.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
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
