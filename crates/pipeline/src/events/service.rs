//! Telemetry as named events, the way Vector's `internal_events` do it: one struct per thing
//! that happens, whose `emit()` both logs it and counts it, so the log and the metrics cannot
//! drift apart.

use crate::health::ServiceState;

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
