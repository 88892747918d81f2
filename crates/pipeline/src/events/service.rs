//! Telemetry as named events, the way Vector's `internal_events` do it: one struct per thing
//! that happens, whose `emit()` both logs it and counts it, so the log and the metrics cannot
//! drift apart.

use newswire_model::topics;

use crate::health::ServiceState;
use crate::stage::stats::Stats;

/// A component of the service changed state (see [`crate::health`]).
pub struct ComponentStateChanged<'a> {
    /// The component (`kafka`, `sinks`, `poller`, `consumer/<group>`, ...).
    pub component: &'a str,
    /// Its state before, if it had one.
    pub from: Option<&'a ServiceState>,
    /// Its state now.
    pub to: &'a ServiceState,
}

impl ComponentStateChanged<'_> {
    /// Logs the change: a warning when the component is degraded, else at info level.
    pub fn emit(self) {
        let from = self.from.map(ToString::to_string);
        let from = from.as_deref().unwrap_or("none");
        match self.to {
            ServiceState::Degraded(reason) => tracing::warn!(
                component = self.component,
                from,
                state = "degraded",
                reason = reason.as_str(),
                "{} degraded: {reason}",
                self.component
            ),
            state => tracing::info!(
                component = self.component,
                from,
                state = %state,
                "{} {state}",
                self.component
            ),
        }
    }
}

/// The periodic progress line of a long-running service: per stage it runs, records in, out
/// and failed since start, and the consumer lag last measured (`[log] progress_secs`).
pub struct Progress<'a> {
    /// The service's counters.
    pub stats: &'a Stats,
}

/// The topic a stage consumes over Kafka, whose lag its progress line shows.
fn consumed_topic(stage: &str) -> Option<&'static str> {
    match stage {
        "enrich" => Some(topics::RAW),
        "sink" => Some(topics::ENRICHED),
        _ => None,
    }
}

impl Progress<'_> {
    /// Logs one info line per stage.
    pub fn emit(self) {
        let stats = self.stats;
        let lags = stats.lag.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for &stage in &stats.stages {
            let Some(counts) = stats.stage(stage) else {
                continue;
            };
            let (records_in, records_out, errors) = (
                Stats::get(&counts.received),
                Stats::get(&counts.sent),
                Stats::get(&counts.errors),
            );
            let lag = consumed_topic(stage).and_then(|t| lags.get(t).copied());
            let lag_text = lag.map(|l| format!(", lag {l}")).unwrap_or_default();
            tracing::info!(
                stage,
                records_in,
                records_out,
                errors,
                lag,
                "progress: {stage} {records_in} in, {records_out} out, {errors} errors{lag_text}"
            );
        }
    }
}

/// What a command did, at its end: one event whose message is the summary a person reads and
/// whose fields are the totals a machine reads.
pub struct Summary<'a> {
    /// The command (`newswire run`, `newswire poll`, ...).
    pub command: &'static str,
    /// The summary text (without the command).
    pub text: &'a str,
    /// The service's counters.
    pub stats: &'a Stats,
    /// Where the output went (files, database, stdout).
    pub outputs: &'a [String],
}

impl Summary<'_> {
    /// Logs the summary at info level, with every total as a field.
    pub fn emit(self) {
        let s = self.stats;
        let get = Stats::get;
        let outputs = self.outputs.join(", ");
        let output_text = if outputs.is_empty() {
            String::new()
        } else {
            format!("; output: {outputs}")
        };
        tracing::info!(
            summary = self.command,
            feeds_polled = get(&s.feeds_polled),
            feeds_failed = get(&s.feeds_failed),
            articles_new = get(&s.articles_polled),
            articles_delivered = get(&s.articles_delivered),
            enriched = get(&s.enriched),
            undecodable = get(&s.decode_errors),
            written = get(&s.written),
            sink_errors = get(&s.sink_errors),
            country_tags = get(&s.countries),
            weapons = get(&s.weapons),
            sanctions = get(&s.sanctions),
            outputs = outputs.as_str(),
            "{}: {}{output_text}",
            self.command,
            self.text
        );
    }
}
