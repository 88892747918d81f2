//! Per-feed state that survives restarts, kept as one JSON file per feed under the state
//! directory (written to a temporary file, synced, then renamed over the old one), plus one
//! file for the cross-feed duplicate index.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::FeedsError;

/// Everything the poller remembers about one feed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct FeedState {
    pub version: u32,
    pub feed_id: String,
    /// The URL in the config when this state was written; a changed config resets the feed.
    pub configured_url: Option<String>,
    /// URL currently fetched: the configured one, or where a permanent redirect moved it.
    pub current_url: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// SHA-256 of the last full body, for servers that ignore validators.
    pub body_hash: Option<String>,
    pub last_full_fetch: Option<DateTime<Utc>>,
    /// Delivered article ids and when they were first delivered.
    pub seen: BTreeMap<String, DateTime<Utc>>,
    pub consecutive_failures: u32,
    pub last_outcome: Option<String>,
    pub last_error: Option<String>,
    pub last_attempt: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_new_item: Option<DateTime<Utc>>,
    pub next_due: Option<DateTime<Utc>>,
    /// Current adaptive interval.
    pub interval_secs: Option<u64>,
    /// 410 Gone: not polled any more.
    pub retired: bool,
    pub redirect: Option<RedirectSighting>,
    /// Publication times of the latest items, newest last, for the adaptive interval.
    pub recent_published: VecDeque<DateTime<Utc>>,
    /// Paragraph key -> number of distinct articles of this feed it appeared in.
    pub paragraph_counts: BTreeMap<u64, u32>,
    /// Recent failures, newest last (bounded).
    pub failures: VecDeque<FailureRecord>,
}

/// A permanent redirect seen while fetching a feed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RedirectSighting {
    pub target: String,
    pub status: u16,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub count: u32,
}

/// One failed poll.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailureRecord {
    pub at: DateTime<Utc>,
    pub outcome: String,
    pub detail: String,
}

pub const STATE_VERSION: u32 = 1;
const MAX_FAILURE_RECORDS: usize = 20;
const MAX_PARAGRAPH_COUNTS: usize = 5000;

impl FeedState {
    pub fn new(feed_id: &str) -> Self {
        FeedState {
            version: STATE_VERSION,
            feed_id: feed_id.to_string(),
            ..Default::default()
        }
    }

    pub fn record_failure(&mut self, at: DateTime<Utc>, outcome: &str, detail: &str) {
        self.failures.push_back(FailureRecord {
            at,
            outcome: outcome.into(),
            detail: detail.into(),
        });
        while self.failures.len() > MAX_FAILURE_RECORDS {
            self.failures.pop_front();
        }
    }

    /// Forgets seen ids older than `ttl` and keeps at most `max` (the newest).
    pub fn prune_seen(&mut self, now: DateTime<Utc>, ttl: chrono::Duration, max: usize) {
        let cutoff = now - ttl;
        self.seen.retain(|_, at| *at >= cutoff);
        if self.seen.len() > max {
            let mut by_age: Vec<(DateTime<Utc>, String)> =
                self.seen.iter().map(|(k, v)| (*v, k.clone())).collect();
            by_age.sort();
            let drop = by_age.len() - max;
            for (_, id) in by_age.into_iter().take(drop) {
                self.seen.remove(&id);
            }
        }
    }

    /// Bounds the learnt-paragraph table: when full, paragraphs seen once are forgotten.
    pub fn bound_paragraphs(&mut self) {
        if self.paragraph_counts.len() > MAX_PARAGRAPH_COUNTS {
            self.paragraph_counts.retain(|_, c| *c > 1);
        }
        if self.paragraph_counts.len() > MAX_PARAGRAPH_COUNTS {
            let keep: Vec<u64> = self
                .paragraph_counts
                .keys()
                .copied()
                .take(MAX_PARAGRAPH_COUNTS)
                .collect();
            self.paragraph_counts
                .retain(|k, _| keep.binary_search(k).is_ok());
        }
    }
}

/// Where state lives: a directory, or nowhere (memory only).
#[derive(Debug, Clone)]
pub struct StateStore {
    dir: Option<PathBuf>,
}

impl StateStore {
    pub fn new(dir: Option<PathBuf>) -> Result<StateStore, FeedsError> {
        if let Some(d) = &dir {
            std::fs::create_dir_all(d.join("feeds")).map_err(|e| FeedsError::State {
                path: d.clone(),
                reason: format!("cannot create the state directory: {e}"),
            })?;
        }
        Ok(StateStore { dir })
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// File of a feed: its id made file-name safe, plus a hash when that changed the id.
    pub fn feed_path(&self, feed_id: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let safe: String = feed_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .take(120)
            .collect();
        let name = if safe == feed_id && !safe.starts_with('.') {
            safe
        } else {
            let (h, _) = newswire_model::id::article_id(newswire_model::id::IdInputs {
                feed_id: "state",
                guid: None,
                link: None,
                title: feed_id,
                date: "",
            });
            format!("{}-{}", safe.trim_start_matches('.'), &h[4..16])
        };
        Some(dir.join("feeds").join(format!("{name}.json")))
    }

    /// Loads a feed's state; a missing file is a fresh state, an unreadable one an error.
    pub fn load(&self, feed_id: &str) -> Result<FeedState, FeedsError> {
        let Some(path) = self.feed_path(feed_id) else {
            return Ok(FeedState::new(feed_id));
        };
        match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<FeedState>(&bytes) {
                Ok(mut s) => {
                    s.feed_id = feed_id.to_string();
                    Ok(s)
                }
                Err(e) => {
                    // Set it aside for inspection and start afresh: re-emitting beats not
                    // starting at all.
                    let aside = path.with_extension("json.corrupt");
                    tracing::warn!(path = %path.display(), error = %e, aside = %aside.display(), "corrupt feed state set aside; the feed starts afresh");
                    std::fs::rename(&path, &aside).map_err(|e| FeedsError::State {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
                    Ok(FeedState::new(feed_id))
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FeedState::new(feed_id)),
            Err(e) => Err(FeedsError::State {
                path,
                reason: e.to_string(),
            }),
        }
    }

    pub fn save(&self, state: &FeedState) -> Result<(), FeedsError> {
        let Some(path) = self.feed_path(&state.feed_id) else {
            return Ok(());
        };
        write_atomic(
            &path,
            &serde_json::to_vec_pretty(state).map_err(|e| FeedsError::State {
                path: path.clone(),
                reason: e.to_string(),
            })?,
        )
    }

    pub fn load_json<T: for<'de> Deserialize<'de> + Default>(
        &self,
        name: &str,
    ) -> Result<T, FeedsError> {
        let Some(dir) = &self.dir else {
            return Ok(T::default());
        };
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(v) => Ok(v),
                Err(e) => {
                    let aside = path.with_extension("json.corrupt");
                    tracing::warn!(path = %path.display(), error = %e, "corrupt state file set aside; starting afresh");
                    std::fs::rename(&path, &aside).map_err(|e| FeedsError::State {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
                    Ok(T::default())
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
            Err(e) => Err(FeedsError::State {
                path,
                reason: e.to_string(),
            }),
        }
    }

    pub fn save_json<T: Serialize>(&self, name: &str, value: &T) -> Result<(), FeedsError> {
        let Some(dir) = &self.dir else { return Ok(()) };
        let path = dir.join(name);
        let bytes = serde_json::to_vec(value).map_err(|e| FeedsError::State {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        write_atomic(&path, &bytes)
    }
}

/// Writes to `path.tmp`, then renames it over `path`: a crash of the process leaves the old or
/// the new file, never a torn one. There is no fsync: with 10,000 feeds the syncs dominated
/// the poller's time, and what a power loss can cost is bounded: state written in the last
/// seconds is lost (so some articles are emitted again, never lost), and a file left empty or
/// torn by the OS is set aside by [`StateStore::load`] and the feed starts afresh.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FeedsError> {
    let tmp = path.with_extension("json.tmp");
    let err = |e: std::io::Error| FeedsError::State {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    {
        let mut f = std::fs::File::create(&tmp).map_err(err)?;
        f.write_all(bytes).map_err(err)?;
    }
    std::fs::rename(&tmp, path).map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_prune() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::new(Some(dir.path().to_path_buf())).unwrap();
        let now = Utc::now();
        let mut s = FeedState::new("a/b weird id");
        s.etag = Some("\"x\"".into());
        s.seen
            .insert("old".into(), now - chrono::Duration::days(40));
        s.seen.insert("new".into(), now);
        s.prune_seen(now, chrono::Duration::days(30), 10);
        assert_eq!(s.seen.len(), 1);
        store.save(&s).unwrap();
        let back = store.load("a/b weird id").unwrap();
        assert_eq!(back, s);
        assert_ne!(
            store.feed_path("a/b").unwrap(),
            store.feed_path("a_b").unwrap()
        );
        let fresh = store.load("never").unwrap();
        assert!(fresh.seen.is_empty());
        // A torn file is set aside, not fatal.
        let p = store.feed_path("torn").unwrap();
        std::fs::write(&p, b"{\"seen\": {\"a\"").unwrap();
        assert!(store.load("torn").unwrap().seen.is_empty());
        assert!(p.with_extension("json.corrupt").exists());
    }
}
