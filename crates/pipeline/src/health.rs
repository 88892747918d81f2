//! Readiness as a type: every component of a service (the Kafka connection, each consumer,
//! the sinks, the poller) is in a [`ServiceState`], fed by what the component itself sees:
//! librdkafka's callbacks (brokers down, fatal errors, rebalances), the sinks' writes and
//! checks, the poller's rounds. `/readyz`, the `newswire_ready` gauge and the
//! `NewswireNotReady` alert all derive from [`Health::check`]. Every change of state is logged
//! once, naming the component and the reason.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use newswire_bus::kafka::events::{ClientEvent, ClientEventKind};

/// Where one component of a service stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceState {
    /// Not yet able to work (connecting, waiting for its first partition assignment).
    Starting,
    /// Working.
    Ready,
    /// Running but not doing its job, and why (brokers unreachable, database lost, ...).
    Degraded(String),
    /// Finishing what it holds after a shutdown request.
    Draining,
    /// Ended.
    Stopped,
}

impl fmt::Display for ServiceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceState::Starting => f.write_str("starting"),
            ServiceState::Ready => f.write_str("ready"),
            ServiceState::Degraded(why) => write!(f, "degraded: {why}"),
            ServiceState::Draining => f.write_str("draining"),
            ServiceState::Stopped => f.write_str("stopped"),
        }
    }
}

/// The component that stands for the connection to the Kafka brokers.
pub const KAFKA: &str = "kafka";
/// The component of the sinks.
pub const SINKS: &str = "sinks";
/// The component of the poller.
pub const POLLER: &str = "poller";

/// The states of a service's components.
#[derive(Default)]
pub struct Health {
    draining: AtomicBool,
    /// A client saw a broker connection fail since the last check of the brokers.
    kafka_suspect: AtomicBool,
    components: Mutex<BTreeMap<String, ServiceState>>,
}

impl Health {
    /// A health with no components yet (reported as `starting`).
    pub fn new() -> Arc<Health> {
        Arc::new(Health::default())
    }

    /// Puts `component` in `state`, logging the change (nothing is logged when it stays).
    pub fn set(&self, component: &str, state: ServiceState) {
        let before = self
            .components
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(component.to_string(), state.clone());
        if before.as_ref() != Some(&state) {
            crate::events::ComponentStateChanged {
                component,
                from: before.as_ref(),
                to: &state,
            }
            .emit();
        }
    }

    /// The state of `component`, if it was ever set.
    pub fn state(&self, component: &str) -> Option<ServiceState> {
        self.components
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(component)
            .cloned()
    }

    /// From now on the service reports not ready: it is shutting down, every component is
    /// draining.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
        let names: Vec<String> = self
            .components
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect();
        for name in names {
            self.set(&name, ServiceState::Draining);
        }
    }

    /// `Ok` when every component is ready and the service is not draining; else the reasons,
    /// one per component that is not ready (`kafka degraded: ...`).
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut reasons = Vec::new();
        if self.draining.load(Ordering::SeqCst) {
            reasons.push("draining".to_string());
        }
        let components = self.components.lock().unwrap_or_else(|e| e.into_inner());
        if components.is_empty() {
            reasons.push("starting".to_string());
        }
        reasons.extend(
            components
                .iter()
                .filter(|(_, state)| !matches!(state, ServiceState::Ready | ServiceState::Draining))
                .map(|(name, state)| format!("{name} {state}")),
        );
        if reasons.is_empty() {
            Ok(())
        } else {
            Err(reasons)
        }
    }

    /// Whether a client saw a broker connection fail since the last call (the service's
    /// broker watch then asks the brokers itself before it calls them unreachable).
    pub fn take_kafka_suspicion(&self) -> bool {
        self.kafka_suspect.swap(false, Ordering::SeqCst)
    }

    /// What a Kafka client reported: all brokers down degrades [`KAFKA`], a failed connection
    /// makes it suspect (the service's broker watch decides, and brings it back); a fatal
    /// error degrades the client for good; a consumer is ready once it has its assignment
    /// again after a rebalance.
    pub fn kafka_event(&self, event: &ClientEvent) {
        match &event.kind {
            ClientEventKind::BrokerTrouble { .. } => {
                self.kafka_suspect.store(true, Ordering::SeqCst);
            }
            ClientEventKind::BrokersDown { brokers, reason } => self.set(
                KAFKA,
                ServiceState::Degraded(format!("brokers {brokers} unreachable ({reason})")),
            ),
            ClientEventKind::Fatal { reason } => self.set(
                &event.client,
                ServiceState::Degraded(format!("fatal Kafka error: {reason}")),
            ),
            ClientEventKind::Revoked => self.set(
                &event.client,
                ServiceState::Degraded("partitions revoked, waiting for a new assignment".into()),
            ),
            ClientEventKind::Assigned { .. } => self.set(&event.client, ServiceState::Ready),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_only_when_every_component_is() {
        let health = Health::new();
        assert_eq!(health.check(), Err(vec!["starting".to_string()]));
        health.set(KAFKA, ServiceState::Ready);
        health.set("consumer/g", ServiceState::Starting);
        assert_eq!(health.check(), Err(vec!["consumer/g starting".to_string()]));
        health.kafka_event(&ClientEvent {
            client: "consumer/g".into(),
            kind: ClientEventKind::Assigned { partitions: 0 },
        });
        assert_eq!(health.check(), Ok(()));
        health.kafka_event(&ClientEvent {
            client: "producer".into(),
            kind: ClientEventKind::BrokersDown {
                brokers: "127.0.0.1:9092".into(),
                reason: "1/1 brokers are down".into(),
            },
        });
        let reasons = health.check().unwrap_err();
        assert_eq!(
            reasons,
            ["kafka degraded: brokers 127.0.0.1:9092 unreachable (1/1 brokers are down)"]
        );
        health.set(KAFKA, ServiceState::Ready);
        health.start_draining();
        assert_eq!(health.check(), Err(vec!["draining".to_string()]));
    }
}
