//! Creating topics at start when they are missing.

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::types::RDKafkaErrorCode;

use super::stats::StatsContext;
use super::{creating, transport, KafkaSettings};
use crate::BusError;

/// A topic to create when missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    /// Topic name, e.g. `newswire.articles.raw.v1`.
    pub name: String,
    /// Partitions to create it with (at least 1).
    pub partitions: i32,
    /// Replication factor to create it with (at least 1; 3 in production).
    pub replication: i32,
    /// `cleanup.policy=compact` (state topics keyed by id).
    pub compacted: bool,
}

impl TopicSpec {
    /// A plain (not compacted) topic.
    pub fn new(name: impl Into<String>, partitions: i32, replication: i32) -> Self {
        TopicSpec {
            name: name.into(),
            partitions,
            replication,
            compacted: false,
        }
    }

    /// Marks the topic compacted, for state kept as the latest value per key.
    pub fn compacted(mut self) -> Self {
        self.compacted = true;
        self
    }
}

/// Creates every topic of `topics` that does not exist yet; existing topics are left alone.
pub async fn ensure_topics(settings: &KafkaSettings, topics: &[TopicSpec]) -> Result<(), BusError> {
    if topics.is_empty() {
        return Ok(());
    }
    let admin: AdminClient<StatsContext> = settings
        .admin_config()
        .create_with_context(settings.helper_context("admin"))
        .map_err(creating)?;
    let new: Vec<NewTopic<'_>> = topics
        .iter()
        .map(|t| {
            let topic = NewTopic::new(
                &t.name,
                t.partitions.max(1),
                TopicReplication::Fixed(t.replication.max(1)),
            );
            if t.compacted {
                topic.set("cleanup.policy", "compact")
            } else {
                topic
            }
        })
        .collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let results = admin
        .create_topics(&new, &options)
        .await
        .map_err(transport)?;
    for result in results {
        match result {
            Ok(name) => tracing::info!(topic = %name, "topic created"),
            Err((name, RDKafkaErrorCode::TopicAlreadyExists)) => {
                tracing::debug!(topic = %name, "topic exists")
            }
            Err((name, code)) => {
                return Err(BusError::Transport(format!(
                    "cannot create topic {name}: {code}"
                )))
            }
        }
    }
    Ok(())
}

/// What a broker answered about the cluster: how many brokers and topics it knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterSummary {
    /// Brokers in the metadata.
    pub brokers: usize,
    /// Topics in the metadata.
    pub topics: usize,
}

/// Asks the bootstrap servers for the cluster's metadata (waits up to `timeout`): the check
/// that the brokers can be reached at all.
pub async fn describe_cluster(
    settings: &KafkaSettings,
    timeout: Duration,
) -> Result<ClusterSummary, BusError> {
    let admin: AdminClient<StatsContext> = settings
        .admin_config()
        .create_with_context(settings.helper_context("admin"))
        .map_err(creating)?;
    let brokers = settings.brokers.clone();
    tokio::task::spawn_blocking(move || {
        admin
            .inner()
            .fetch_metadata(None, timeout)
            .map(|m| ClusterSummary {
                brokers: m.brokers().len(),
                topics: m.topics().len(),
            })
            .map_err(|e| BusError::Transport(format!("cannot reach brokers {brokers}: {e}")))
    })
    .await
    .map_err(transport)?
}
