//! Events of records moving through the enrich and sink stages.

use std::time::Duration;

use newswire_bus::Origin;
use newswire_model::EnrichedArticle;

use crate::logging::{RateLimit, Verdict};
use crate::stage::codec::DecodeError;
use crate::stage::stats::Stats;
use crate::telemetry::ErrorLabels;

/// A stage took records in.
pub struct RecordsReceived {
    /// `enrich` or `sink` (the poll stage's are counted by its feed polls).
    pub stage: &'static str,
    /// How many.
    pub records: u64,
}

impl RecordsReceived {
    /// Counts them.
    pub fn emit(self, stats: &Stats) {
        stats.received(self.stage, self.records);
    }
}

/// Records a stage handed on were acknowledged downstream (the sink: written to every sink).
pub struct RecordsSent {
    /// `enrich` or `sink`.
    pub stage: &'static str,
    /// How many.
    pub records: u64,
}

impl RecordsSent {
    /// Counts them (the sink's also in the end-of-run total of written records).
    pub fn emit(self, stats: &Stats) {
        if self.stage == "sink" {
            Stats::add(&stats.written, self.records);
        }
        stats.sent(self.stage, self.records);
    }
}

/// One article was enriched.
pub struct ArticleEnriched<'a> {
    /// The result.
    pub enriched: &'a EnrichedArticle,
    /// How long enriching it took.
    pub took: Duration,
}

impl ArticleEnriched<'_> {
    /// Counts the article and what was found in it; observes the enrichment time.
    pub fn emit(self, stats: &Stats) {
        Stats::add(&stats.enriched, 1);
        Stats::add(&stats.countries, self.enriched.countries.len() as u64);
        Stats::add(&stats.weapons, self.enriched.weapons.len() as u64);
        Stats::add(&stats.sanctions, self.enriched.sanctions.len() as u64);
        stats
            .metrics
            .enrich_duration
            .observe(self.took.as_secs_f64());
    }
}

/// A record no stage can decode was skipped (the in-memory bus has no dead-letter topic).
pub struct RecordUndecodable<'a> {
    /// The stage.
    pub stage: &'static str,
    /// Where the record was read.
    pub origin: &'a Origin,
    /// Its key.
    pub key: &'a str,
    /// Why it cannot be decoded.
    pub error: &'a DecodeError,
}

impl RecordUndecodable<'_> {
    /// Counts it as an error of its code; logs it, at most a few per second (the count is
    /// complete).
    pub fn emit(self, stats: &Stats) {
        static LIMIT: RateLimit = RateLimit::per_second(5);
        Stats::add(&stats.decode_errors, 1);
        stats.error(self.stage, self.error.code);
        if let Verdict::Log { suppressed_before } = LIMIT.check() {
            let (stage, origin, err) = (self.stage, self.origin, self.error);
            tracing::error!(stage, topic = %origin.topic, partition = origin.partition,
                offset = origin.offset, key = self.key, error_code = err.code, error = %err.message,
                suppressed_before, "undecodable record skipped");
        }
    }
}

/// A record no stage can decode was sent to the dead-letter topic (the streaming stages and
/// the exactly-once enrich path alike).
pub struct RecordDeadLettered<'a> {
    /// The stage.
    pub stage: &'static str,
    /// Where the record was read.
    pub origin: &'a Origin,
    /// Its key.
    pub key: &'a str,
    /// Why it cannot be decoded.
    pub error: &'a DecodeError,
}

impl RecordDeadLettered<'_> {
    /// Counts it as an error and as a dead letter of its code; logs a warning.
    pub fn emit(self, stats: &Stats) {
        let (stage, origin, err) = (self.stage, self.origin, self.error);
        Stats::add(&stats.decode_errors, 1);
        stats.error(stage, err.code);
        stats
            .metrics
            .dlq_records
            .get_or_create(&ErrorLabels {
                stage,
                error_code: err.code,
            })
            .inc();
        tracing::warn!(stage, topic = %origin.topic, partition = origin.partition,
            offset = origin.offset, key = self.key, error_code = err.code, error = %err.message,
            "poison record sent to the dead-letter queue");
    }
}

/// The bus could not hand a stage its next record.
pub struct BusReceiveFailed<'a> {
    /// The stage.
    pub stage: &'static str,
    /// Why.
    pub error: &'a dyn std::fmt::Display,
}

impl BusReceiveFailed<'_> {
    /// Logs an error and counts `newswire_records_errors_total{error_code="receive"}`.
    pub fn emit(self, stats: &Stats) {
        tracing::error!(stage = self.stage, error = %self.error, error_code = "receive",
            "receiving from the bus failed");
        stats.error(self.stage, "receive");
    }
}
