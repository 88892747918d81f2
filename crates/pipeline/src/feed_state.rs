//! Where `newswire poll` keeps feed state: the compacted topic `newswire.feeds.state.v1`
//! (key = feed id, so pollers need no volume), or a directory.
//!
//! The choice, in order: `--state-dir DIR` → that directory; `poll.state = "dir"` or
//! `"kafka"` → as said; unset → the directory when `poll.state_dir` is set (in the file or the
//! environment), else the topic.
//!
//! In the topic, each feed's state is one record keyed by feed id; the poller's duplicate
//! index is one record under a reserved key per poller (`_newswire.<shard>.dedup-index.json`,
//! shard `<i>-of-<n>` or `all`), kept only while it stays under the table's value limit (it is an aid for marking
//! duplicates, not for delivery; beyond the limit it lives in memory and a warning says so).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use newswire_bus::kafka::table::{KafkaTable, TableOptions};
use newswire_bus::kafka::KafkaSettings;
use newswire_feeds::state::{StateBackend, StateKey, StateStore};
use newswire_feeds::FeedsError;
use newswire_model::topics;

use crate::config::{PollConfig, StateKind};

/// Keys of the topic that are not feed ids start with this; feed ids may not.
pub const RESERVED_PREFIX: &str = "_newswire.";

/// Where the state lives, and which setting decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateChoice {
    /// One file per feed in a directory.
    Dir {
        /// The directory.
        dir: PathBuf,
        /// The setting that chose it, for the start-up log.
        because: &'static str,
    },
    /// The compacted topic `newswire.feeds.state.v1`.
    Kafka {
        /// The setting that chose it, for the start-up log.
        because: &'static str,
    },
}

/// Applies the rules of the module docs.
pub fn choose(cli_dir: Option<&Path>, poll: &PollConfig) -> StateChoice {
    let dir = |because| StateChoice::Dir {
        dir: poll.state_dir.clone(),
        because,
    };
    match (cli_dir, poll.state) {
        (Some(d), _) => StateChoice::Dir {
            dir: d.to_path_buf(),
            because: "--state-dir",
        },
        (None, Some(StateKind::Dir)) => dir("poll.state = \"dir\""),
        (None, Some(StateKind::Kafka)) => StateChoice::Kafka {
            because: "poll.state = \"kafka\"",
        },
        (None, None) if poll.state_dir_set => dir("poll.state_dir is set"),
        (None, None) => StateChoice::Kafka {
            because: "the default with Kafka",
        },
    }
}

/// Feed state in the compacted topic, as a [`StateBackend`] for the poller.
pub struct KafkaStateBackend {
    table: Arc<KafkaTable>,
    /// What the topic held at start, for this poller's keys; taken as feeds load.
    loaded: Mutex<HashMap<String, Vec<u8>>>,
    /// `<i>-of-<n>` or `all`: the duplicate index is per poller.
    shard: String,
    /// Whether the last duplicate index was too large to store (warn on change only).
    blob_too_large: AtomicBool,
}

impl KafkaStateBackend {
    /// Reads this poller's feeds' state (and its duplicate index) from the topic.
    pub async fn open(
        settings: &KafkaSettings,
        feed_ids: &[String],
        shard: Option<(usize, usize)>,
    ) -> anyhow::Result<KafkaStateBackend> {
        if let Some(id) = feed_ids.iter().find(|id| id.starts_with(RESERVED_PREFIX)) {
            anyhow::bail!(
                "feed id {id:?}: ids starting with {RESERVED_PREFIX:?} are reserved for the state topic {}",
                topics::FEED_STATE
            );
        }
        let shard = shard.map_or_else(|| "all".to_string(), |(i, n)| format!("{i}-of-{n}"));
        let dedup_prefix = blob_key(&shard, "");
        let wanted: std::collections::HashSet<String> = feed_ids.iter().cloned().collect();
        let (table, contents) = KafkaTable::open(
            settings,
            topics::FEED_STATE,
            move |key| wanted.contains(key) || key.starts_with(&dedup_prefix),
            TableOptions::default(),
        )
        .await?;
        tracing::info!(
            topic = topics::FEED_STATE,
            records = contents.records,
            feeds_with_state = contents.values.len(),
            bad_keys = contents.bad_keys,
            "feed state read"
        );
        Ok(KafkaStateBackend {
            table: Arc::new(table),
            loaded: Mutex::new(contents.values),
            shard,
            blob_too_large: AtomicBool::new(false),
        })
    }

    /// The table, to flush on shutdown and to read its failure count.
    pub fn table(&self) -> Arc<KafkaTable> {
        self.table.clone()
    }

    fn key(&self, key: StateKey<'_>) -> String {
        match key {
            StateKey::Feed(id) => id.to_string(),
            StateKey::Blob(name) => blob_key(&self.shard, name),
        }
    }

    fn error(&self, key: &str, err: impl std::fmt::Display) -> FeedsError {
        FeedsError::State {
            path: PathBuf::from(format!("{} key {key}", topics::FEED_STATE)),
            reason: err.to_string(),
        }
    }
}

fn blob_key(shard: &str, name: &str) -> String {
    format!("{RESERVED_PREFIX}{shard}.{name}")
}

impl StateBackend for KafkaStateBackend {
    fn describe(&self) -> String {
        format!("Kafka topic {}", topics::FEED_STATE)
    }

    fn load(&self, key: StateKey<'_>) -> Result<Option<Vec<u8>>, FeedsError> {
        let key = self.key(key);
        Ok(self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key))
    }

    fn save(&self, key: StateKey<'_>, bytes: &[u8]) -> Result<(), FeedsError> {
        let name = self.key(key);
        let result = self.table.put(&name, bytes.to_vec());
        if let (StateKey::Blob(_), Err(err)) = (key, &result) {
            // The duplicate index is an aid, not delivery state: over the limit it stays in
            // memory rather than failing every save.
            if !self.blob_too_large.swap(true, Ordering::Relaxed) {
                tracing::warn!(key = %name, error = %err, "the duplicate index is too large for the state topic; kept in memory only");
            }
            return Ok(());
        }
        if matches!(key, StateKey::Blob(_)) {
            self.blob_too_large.store(false, Ordering::Relaxed);
        }
        result.map_err(|e| self.error(&name, e))
    }
}

/// Opens the store `choice` names, logging where the state lives and why. The table, when
/// the state is in Kafka, is returned for flushing on shutdown.
pub async fn open_store(
    choice: &StateChoice,
    settings: &KafkaSettings,
    feed_ids: &[String],
    shard: Option<(usize, usize)>,
) -> anyhow::Result<(StateStore, Option<Arc<KafkaTable>>)> {
    match choice {
        StateChoice::Dir { dir, because } => {
            tracing::info!(state = %dir.display(), because, "feed state in a directory");
            Ok((StateStore::new(Some(dir.clone()))?, None))
        }
        StateChoice::Kafka { because } => {
            tracing::info!(
                state = topics::FEED_STATE,
                because,
                "feed state in the Kafka topic"
            );
            let backend = KafkaStateBackend::open(settings, feed_ids, shard).await?;
            let table = backend.table();
            Ok((StateStore::with_backend(Arc::new(backend)), Some(table)))
        }
    }
}

/// Waits for outstanding state writes; says what a failure costs.
pub async fn flush(table: &KafkaTable, timeout: Duration) -> bool {
    let result = table.flush(timeout).await;
    let failed = table.failed_puts();
    if failed > 0 {
        tracing::warn!(
            topic = table.topic(),
            failed_writes = failed,
            "some feed state writes failed (they were retried)"
        );
    }
    match result {
        Ok(()) => true,
        Err(err) => {
            tracing::warn!(error = %err, "feed state not fully saved: after a restart some articles may be emitted again");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll(state: Option<StateKind>, state_dir: Option<&str>) -> PollConfig {
        PollConfig {
            state,
            state_dir: PathBuf::from(state_dir.unwrap_or("data/state")),
            state_dir_set: state_dir.is_some(),
            feeds_file: None,
        }
    }

    #[test]
    fn explicit_settings_win_over_the_default() {
        let kafka = |because| StateChoice::Kafka { because };
        let dir = |d: &str, because| StateChoice::Dir {
            dir: PathBuf::from(d),
            because,
        };
        assert_eq!(
            choose(None, &poll(None, None)),
            kafka("the default with Kafka")
        );
        assert_eq!(
            choose(None, &poll(None, Some("/s"))),
            dir("/s", "poll.state_dir is set")
        );
        assert_eq!(
            choose(None, &poll(Some(StateKind::Kafka), Some("/s"))),
            kafka("poll.state = \"kafka\"")
        );
        assert_eq!(
            choose(None, &poll(Some(StateKind::Dir), None)),
            dir("data/state", "poll.state = \"dir\"")
        );
        assert_eq!(
            choose(Some(Path::new("cli")), &poll(Some(StateKind::Kafka), None)),
            dir("cli", "--state-dir")
        );
    }

    /// A feed at the default bounds (seen ids, learnt paragraphs, failures) fits in one record.
    #[test]
    fn a_full_feed_state_fits_the_table_limit() {
        use newswire_feeds::state::FeedState;
        let fetch = newswire_feeds::FetchConfig::default();
        let now = chrono::Utc::now();
        let mut state = FeedState::new("feeds.example.com-0123456789ab");
        for i in 0..fetch.seen_max_per_feed {
            let id = newswire_model::id::hash_id(&["url", &i.to_string()]);
            state.seen.insert(id, now);
        }
        for i in 0..5000u64 {
            state.paragraph_counts.insert(u64::MAX - i * 7919, 1000);
        }
        for _ in 0..30 {
            state.record_failure(now, "http_5xx", &"x".repeat(200));
        }
        let bytes = serde_json::to_vec(&state).unwrap().len();
        let limit = TableOptions::default().max_value_bytes;
        assert!(bytes < limit * 3 / 4, "{bytes} bytes of {limit}");
    }

    #[test]
    fn blob_keys_are_reserved_and_per_shard() {
        assert_eq!(
            blob_key("0-of-3", "dedup-index.json"),
            "_newswire.0-of-3.dedup-index.json"
        );
        assert!(blob_key("all", "x").starts_with(RESERVED_PREFIX));
    }
}
