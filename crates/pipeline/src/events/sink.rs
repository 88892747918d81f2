//! Events of the sink stage.

use std::time::Duration;

use crate::stage::stats::Stats;
use crate::telemetry::SinkLabels;

/// One batch went to one sink.
pub struct BatchWritten {
    /// `postgres`, `jsonl` or `stdout`.
    pub sink: &'static str,
    /// Records in the batch.
    pub records: usize,
    /// How long writing (and committing) it took.
    pub took: Duration,
}

impl BatchWritten {
    /// Observes the batch's size and time.
    pub fn emit(self, stats: &Stats) {
        let labels = SinkLabels { sink: self.sink };
        let m = &stats.metrics;
        m.sink_batch_size
            .get_or_create(&labels)
            .observe(self.records as f64);
        m.sink_batch_duration
            .get_or_create(&labels)
            .observe(self.took.as_secs_f64());
    }
}

/// A batch failed in a sink (after the sink's own retries); its records are delivered again.
pub struct SinkWriteFailed<'a> {
    /// Records in the batch.
    pub records: usize,
    /// Why.
    pub error: &'a dyn std::fmt::Display,
}

impl SinkWriteFailed<'_> {
    /// Logs an error and counts `newswire_records_errors_total{stage="sink", error_code="sink_write"}`.
    pub fn emit(self, stats: &Stats) {
        tracing::error!(stage = "sink", error = %self.error, records = self.records,
            error_code = "sink_write", "writing a batch failed; it will be redelivered");
        Stats::add(&stats.sink_errors, 1);
        stats.error("sink", "sink_write");
    }
}

/// A sink refused one record it can never store; the others of its batch were written.
pub struct RecordRefusedBySink<'a> {
    /// The sink (`postgres`).
    pub sink: &'static str,
    /// The error code (`postgres_invalid_record`).
    pub error_code: &'static str,
    /// Why.
    pub error: &'a dyn std::fmt::Display,
}

impl RecordRefusedBySink<'_> {
    /// Logs an error and counts it under its code.
    pub fn emit(self, stats: &Stats) {
        tracing::error!(stage = "sink", sink = self.sink, error_code = self.error_code,
            error = %self.error, "record left out of the sink");
        stats.error("sink", self.error_code);
    }
}
