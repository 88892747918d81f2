//! What Kafka clients tell the application about their hold on the cluster, for health:
//! every client of a process reports through [`KafkaSettings::events`] when all its brokers
//! went down, when it hit a fatal error, and (consumers) when its partitions were revoked or
//! assigned. librdkafka's error callback is also where log levels are decided: a partition
//! EOF is not an error, a broker that went away is a warning, a fatal error is an error.
//!
//! [`KafkaSettings::events`]: super::KafkaSettings::events

use std::sync::Arc;

use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode;

/// Receives every client's [`ClientEvent`]s (called on librdkafka's threads: keep it short).
pub type EventSink = Arc<dyn Fn(&ClientEvent) + Send + Sync>;

/// One thing a client noticed about its connection to the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientEvent {
    /// The client: `producer`, `consumer/<group>`, `admin`, `table`, ...
    pub client: String,
    /// What happened.
    pub kind: ClientEventKind,
}

/// What a client noticed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEventKind {
    /// A connection to a broker failed (refused, reset, timed out); librdkafka retries. One
    /// failure proves little, so health checks the brokers before it calls them unreachable.
    BrokerTrouble {
        /// The bootstrap servers the client was given.
        brokers: String,
        /// librdkafka's description.
        reason: String,
    },
    /// Every broker connection of the client is down (librdkafka `ALL_BROKERS_DOWN`); the
    /// client keeps reconnecting. `reason` is librdkafka's, `brokers` the bootstrap servers.
    BrokersDown {
        /// The bootstrap servers the client was given.
        brokers: String,
        /// librdkafka's description (`1/1 brokers are down`).
        reason: String,
    },
    /// The client hit a fatal error and cannot go on (an idempotent or transactional producer
    /// fenced or out of sequence, ...).
    Fatal {
        /// librdkafka's description.
        reason: String,
    },
    /// A consumer's partitions were revoked: a rebalance is under way.
    Revoked,
    /// A consumer was assigned its partitions (possibly none) after a rebalance.
    Assigned {
        /// How many partitions it now owns.
        partitions: usize,
    },
}

/// Logs a librdkafka error at the level it deserves and reports what health needs.
pub(crate) fn client_error(
    client: &str,
    brokers: &str,
    events: Option<&EventSink>,
    error: KafkaError,
    reason: &str,
) {
    let code = error.rdkafka_error_code();
    let report = |kind| {
        if let Some(sink) = events {
            sink(&ClientEvent {
                client: client.to_string(),
                kind,
            });
        }
    };
    match code {
        // The end of a partition: news for a reader, never a problem.
        Some(RDKafkaErrorCode::PartitionEOF) => {
            tracing::debug!(client, "librdkafka: {error}: {reason}")
        }
        Some(RDKafkaErrorCode::AllBrokersDown) => {
            tracing::warn!(client, brokers, "Kafka brokers unreachable: {reason}");
            report(ClientEventKind::BrokersDown {
                brokers: brokers.to_string(),
                reason: reason.to_string(),
            });
        }
        // librdkafka's own log line (facility FAIL) already says which connection failed.
        Some(
            RDKafkaErrorCode::BrokerTransportFailure
            | RDKafkaErrorCode::Resolve
            | RDKafkaErrorCode::BrokerNotAvailable
            | RDKafkaErrorCode::NetworkException,
        ) => {
            tracing::debug!(client, "librdkafka: {error}: {reason}");
            report(ClientEventKind::BrokerTrouble {
                brokers: brokers.to_string(),
                reason: reason.to_string(),
            });
        }
        Some(RDKafkaErrorCode::Fatal) => {
            tracing::error!(client, "fatal Kafka client error: {reason}");
            report(ClientEventKind::Fatal {
                reason: reason.to_string(),
            });
        }
        _ => tracing::warn!(client, "librdkafka: {error}: {reason}"),
    }
}

/// Whether `code` is a broker connection failing or all of them down (what health watches).
pub(crate) fn is_connection_trouble(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::AllBrokersDown
            | RDKafkaErrorCode::BrokerTransportFailure
            | RDKafkaErrorCode::Resolve
            | RDKafkaErrorCode::BrokerNotAvailable
            | RDKafkaErrorCode::NetworkException
    )
}

/// librdkafka's log callback. A failed broker connection (facility `FAIL`), which librdkafka
/// logs at its error level and retries, is a warning here; the rest keeps librdkafka's level.
pub(crate) fn client_log(client: &str, level: RDKafkaLogLevel, fac: &str, message: &str) {
    match level {
        RDKafkaLogLevel::Emerg
        | RDKafkaLogLevel::Alert
        | RDKafkaLogLevel::Critical
        | RDKafkaLogLevel::Error
            if fac != "FAIL" =>
        {
            tracing::error!(target: "librdkafka", client, "librdkafka: {fac} {message}")
        }
        RDKafkaLogLevel::Emerg
        | RDKafkaLogLevel::Alert
        | RDKafkaLogLevel::Critical
        | RDKafkaLogLevel::Error
        | RDKafkaLogLevel::Warning => {
            tracing::warn!(target: "librdkafka", client, "librdkafka: {fac} {message}")
        }
        RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
            tracing::info!(target: "librdkafka", client, "librdkafka: {fac} {message}")
        }
        RDKafkaLogLevel::Debug => {
            tracing::debug!(target: "librdkafka", client, "librdkafka: {fac} {message}")
        }
    }
}

/// Reports a rebalance step of a consumer.
pub(crate) fn rebalance(client: &str, events: Option<&EventSink>, kind: ClientEventKind) {
    if let Some(sink) = events {
        sink(&ClientEvent {
            client: client.to_string(),
            kind,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn broker_trouble_all_down_and_fatal_are_reported_partition_eof_is_not() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let sink: EventSink = Arc::new(move |e: &ClientEvent| s.lock().unwrap().push(e.clone()));
        let global = |c| KafkaError::Global(c);
        client_error(
            "producer",
            "b:1",
            Some(&sink),
            global(RDKafkaErrorCode::PartitionEOF),
            "eof",
        );
        client_error(
            "producer",
            "b:1",
            Some(&sink),
            global(RDKafkaErrorCode::BrokerTransportFailure),
            "reset",
        );
        client_error(
            "producer",
            "b:1",
            Some(&sink),
            global(RDKafkaErrorCode::AllBrokersDown),
            "1/1 brokers are down",
        );
        client_error(
            "producer",
            "b:1",
            Some(&sink),
            global(RDKafkaErrorCode::Fatal),
            "fenced",
        );
        let seen = seen.lock().unwrap();
        assert_eq!(
            seen.iter().map(|e| e.kind.clone()).collect::<Vec<_>>(),
            vec![
                ClientEventKind::BrokerTrouble {
                    brokers: "b:1".into(),
                    reason: "reset".into()
                },
                ClientEventKind::BrokersDown {
                    brokers: "b:1".into(),
                    reason: "1/1 brokers are down".into()
                },
                ClientEventKind::Fatal {
                    reason: "fenced".into()
                },
            ]
        );
    }
}
