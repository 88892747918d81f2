//! Per-feed state that survives restarts, and where it lives: a [`StateBackend`] keeps the
//! JSON bytes of each feed's state (keyed by feed id) and of the cross-feed duplicate index.
//! [`DirBackend`] keeps one file per feed under the state directory (written to a temporary
//! file, then renamed over the old one); [`MemoryBackend`] keeps nothing; callers may plug in
//! their own (newswire uses a compacted Kafka topic).

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::FeedsError;

/// Everything the poller remembers about one feed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct FeedState {
    /// Layout version of the stored state ([`STATE_VERSION`] when written), so a later
    /// release can tell old files apart.
    pub version: u32,
    /// The feed this state belongs to; the store key.
    pub feed_id: String,
    /// The URL in the config when this state was written; a changed config resets the feed.
    pub configured_url: Option<String>,
    /// URL currently fetched: the configured one, or where a permanent redirect moved it.
    pub current_url: Option<String>,
    /// `ETag` of the last delivered fetch, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified` of the last delivered fetch, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// SHA-256 of the last full body, for servers that ignore validators.
    pub body_hash: Option<String>,
    /// When a fetch without validators last confirmed the feed unchanged (see
    /// `force_full_fetch_hours`).
    pub last_full_fetch: Option<DateTime<Utc>>,
    /// Delivered article ids and when they were first delivered.
    pub seen: BTreeMap<String, DateTime<Utc>>,
    /// Failed polls in a row; past `dead_after_failures` the feed counts as dead.
    pub consecutive_failures: u32,
    /// Label of the last poll's outcome (as in metrics).
    pub last_outcome: Option<String>,
    /// Detail of the last failure; cleared by a success.
    pub last_error: Option<String>,
    /// When the feed was last polled, whatever the outcome.
    pub last_attempt: Option<DateTime<Utc>>,
    /// When a poll last succeeded (fetched and parsed, or unchanged).
    pub last_success: Option<DateTime<Utc>>,
    /// When the feed last had an article not delivered before.
    pub last_new_item: Option<DateTime<Utc>>,
    /// When the feed is next due to be polled.
    pub next_due: Option<DateTime<Utc>>,
    /// Current adaptive interval.
    pub interval_secs: Option<u64>,
    /// 410 Gone: not polled any more.
    pub retired: bool,
    /// A permanent redirect being watched before the feed is moved to its target.
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
    /// Where the redirect chain ended.
    pub target: String,
    /// Status of the first hop (301 or 308).
    pub status: u16,
    /// When the redirect was first seen.
    pub first_seen: DateTime<Utc>,
    /// When it was last seen.
    pub last_seen: DateTime<Utc>,
    /// How many fetches have seen it; the feed moves after `redirect_min_sightings` of them
    /// over `redirect_min_hours`.
    pub count: u32,
}

/// One failed poll.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailureRecord {
    /// When the poll failed.
    pub at: DateTime<Utc>,
    /// Outcome label of the failed poll (as in metrics).
    pub outcome: String,
    /// What went wrong, in words.
    pub detail: String,
}

/// Layout version written into every [`FeedState`].
pub const STATE_VERSION: u32 = 1;
const MAX_FAILURE_RECORDS: usize = 20;
const MAX_PARAGRAPH_COUNTS: usize = 5000;

impl FeedState {
    /// A fresh state for a feed never polled.
    pub fn new(feed_id: &str) -> Self {
        FeedState {
            version: STATE_VERSION,
            feed_id: feed_id.to_string(),
            ..Default::default()
        }
    }

    /// Notes a failed poll, keeping only the most recent ones.
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

/// Which stored value a [`StateBackend`] is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKey<'a> {
    /// The state of one feed, by feed id.
    Feed(&'a str),
    /// A named value shared by the poller's feeds (the duplicate index).
    Blob(&'a str),
}

impl std::fmt::Display for StateKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StateKey::Feed(id) => write!(f, "feed {id}"),
            StateKey::Blob(name) => write!(f, "{name}"),
        }
    }
}

/// Where the bytes of the poller's state live. The feeds crate encodes and decodes them
/// ([`StateStore`]); a backend only keeps bytes under keys. Implementations: [`DirBackend`],
/// [`MemoryBackend`], and whatever the caller plugs in (newswire keeps them in a compacted
/// Kafka topic).
pub trait StateBackend: Send + Sync {
    /// Where the state lives, for logs and errors.
    fn describe(&self) -> String;
    /// The stored bytes, or `None` when nothing was stored under this key.
    fn load(&self, key: StateKey<'_>) -> Result<Option<Vec<u8>>, FeedsError>;
    /// Replaces the stored bytes. A backend may write asynchronously; a failed write must
    /// only cost re-emission after a restart, never lose an article.
    fn save(&self, key: StateKey<'_>, bytes: &[u8]) -> Result<(), FeedsError>;
    /// The stored bytes did not decode: keep them aside for inspection if the backend can.
    /// The next save replaces them in any case.
    fn set_aside(&self, _key: StateKey<'_>) -> Result<(), FeedsError> {
        Ok(())
    }
}

/// State nowhere: every feed starts afresh at each start.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemoryBackend;

impl StateBackend for MemoryBackend {
    fn describe(&self) -> String {
        "memory only (nothing survives a restart)".into()
    }

    fn load(&self, _key: StateKey<'_>) -> Result<Option<Vec<u8>>, FeedsError> {
        Ok(None)
    }

    fn save(&self, _key: StateKey<'_>, _bytes: &[u8]) -> Result<(), FeedsError> {
        Ok(())
    }
}

/// One JSON file per feed under `<dir>/feeds/`, one file per blob under `<dir>/`, each written
/// atomically ([`write_atomic`]); undecodable files are renamed to `*.json.corrupt`.
#[derive(Debug, Clone)]
pub struct DirBackend {
    dir: PathBuf,
}

impl DirBackend {
    /// Creates the directory (and its `feeds/`) when missing.
    pub fn new(dir: PathBuf) -> Result<DirBackend, FeedsError> {
        std::fs::create_dir_all(dir.join("feeds")).map_err(|e| FeedsError::State {
            path: dir.clone(),
            reason: format!("cannot create the state directory: {e}"),
        })?;
        Ok(DirBackend { dir })
    }

    /// The state directory this backend writes under.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// File of a feed: its id made file-name safe, plus a hash when that changed the id.
    pub fn feed_path(&self, feed_id: &str) -> PathBuf {
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
        self.dir.join("feeds").join(format!("{name}.json"))
    }

    fn path(&self, key: StateKey<'_>) -> PathBuf {
        match key {
            StateKey::Feed(id) => self.feed_path(id),
            StateKey::Blob(name) => self.dir.join(name),
        }
    }
}

impl StateBackend for DirBackend {
    fn describe(&self) -> String {
        format!("directory {}", self.dir.display())
    }

    fn load(&self, key: StateKey<'_>) -> Result<Option<Vec<u8>>, FeedsError> {
        let path = self.path(key);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(FeedsError::State {
                path,
                reason: e.to_string(),
            }),
        }
    }

    fn save(&self, key: StateKey<'_>, bytes: &[u8]) -> Result<(), FeedsError> {
        write_atomic(&self.path(key), bytes)
    }

    fn set_aside(&self, key: StateKey<'_>) -> Result<(), FeedsError> {
        let path = self.path(key);
        let aside = path.with_extension("json.corrupt");
        tracing::warn!(path = %path.display(), aside = %aside.display(), "corrupt state file set aside");
        std::fs::rename(&path, &aside).map_err(|e| FeedsError::State {
            path: path.clone(),
            reason: e.to_string(),
        })
    }
}

/// Encodes and decodes the poller's state (JSON) over a [`StateBackend`]. Cheap to clone.
#[derive(Clone)]
pub struct StateStore {
    backend: Arc<dyn StateBackend>,
    dir: Option<PathBuf>,
}

impl std::fmt::Debug for StateStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.backend.describe())
    }
}

impl StateStore {
    /// A directory, or nowhere (memory only) for `None`.
    pub fn new(dir: Option<PathBuf>) -> Result<StateStore, FeedsError> {
        match dir {
            Some(d) => Ok(StateStore {
                backend: Arc::new(DirBackend::new(d.clone())?),
                dir: Some(d),
            }),
            None => Ok(StateStore::with_backend(Arc::new(MemoryBackend))),
        }
    }

    /// A store over any backend, e.g. newswire's compacted Kafka topic.
    pub fn with_backend(backend: Arc<dyn StateBackend>) -> StateStore {
        StateStore { backend, dir: None }
    }

    /// The state directory, when the state lives in one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Where the state lives, for logs.
    pub fn describe(&self) -> String {
        self.backend.describe()
    }

    /// Loads a feed's state; nothing stored is a fresh state, and so is a stored value that
    /// does not decode (set aside, with a warning: re-emitting beats not starting at all).
    pub fn load(&self, feed_id: &str) -> Result<FeedState, FeedsError> {
        let mut state: FeedState = self
            .load_value(StateKey::Feed(feed_id))?
            .unwrap_or_else(|| FeedState::new(feed_id));
        state.feed_id = feed_id.to_string();
        Ok(state)
    }

    /// Writes a feed's state, replacing what was stored.
    pub fn save(&self, state: &FeedState) -> Result<(), FeedsError> {
        self.save_value(StateKey::Feed(&state.feed_id), state)
    }

    /// Loads a named value; nothing stored (or a value that does not decode) is the default.
    pub fn load_json<T: for<'de> Deserialize<'de> + Default>(
        &self,
        name: &str,
    ) -> Result<T, FeedsError> {
        Ok(self.load_value(StateKey::Blob(name))?.unwrap_or_default())
    }

    /// Writes a named value (such as the duplicate index), replacing what was stored.
    pub fn save_json<T: Serialize>(&self, name: &str, value: &T) -> Result<(), FeedsError> {
        self.save_value(StateKey::Blob(name), value)
    }

    fn load_value<T: for<'de> Deserialize<'de>>(
        &self,
        key: StateKey<'_>,
    ) -> Result<Option<T>, FeedsError> {
        let Some(bytes) = self.backend.load(key)? else {
            return Ok(None);
        };
        match serde_json::from_slice(&bytes) {
            Ok(v) => Ok(Some(v)),
            Err(e) => {
                tracing::warn!(state = %self.backend.describe(), %key, error = %e,
                    "corrupt state; starting afresh (articles may be emitted again)");
                self.backend.set_aside(key)?;
                Ok(None)
            }
        }
    }

    fn save_value<T: Serialize>(&self, key: StateKey<'_>, value: &T) -> Result<(), FeedsError> {
        let bytes = serde_json::to_vec(value).map_err(|e| FeedsError::State {
            path: PathBuf::from(key.to_string()),
            reason: e.to_string(),
        })?;
        self.backend.save(key, &bytes)
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
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn round_trip_and_prune() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::new(Some(dir.path().to_path_buf())).unwrap();
        let backend = DirBackend::new(dir.path().to_path_buf()).unwrap();
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
        assert_ne!(backend.feed_path("a/b"), backend.feed_path("a_b"));
        let fresh = store.load("never").unwrap();
        assert!(fresh.seen.is_empty());
        // A torn file is set aside, not fatal.
        let p = backend.feed_path("torn");
        std::fs::write(&p, b"{\"seen\": {\"a\"").unwrap();
        assert!(store.load("torn").unwrap().seen.is_empty());
        assert!(p.with_extension("json.corrupt").exists());
        assert!(!p.exists());
    }

    #[test]
    fn corrupt_blob_is_set_aside_and_defaulted() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::new(Some(dir.path().to_path_buf())).unwrap();
        store.save_json("index.json", &vec![1u32, 2]).unwrap();
        assert_eq!(store.load_json::<Vec<u32>>("index.json").unwrap(), [1, 2]);
        std::fs::write(dir.path().join("index.json"), b"[1,").unwrap();
        assert!(store
            .load_json::<Vec<u32>>("index.json")
            .unwrap()
            .is_empty());
        assert!(dir.path().join("index.json.corrupt").exists());
    }

    #[test]
    fn memory_backend_keeps_nothing() {
        let store = StateStore::new(None).unwrap();
        let mut s = FeedState::new("f");
        s.etag = Some("e".into());
        store.save(&s).unwrap();
        assert_eq!(store.load("f").unwrap(), FeedState::new("f"));
        assert!(store.dir().is_none());
    }

    /// A backend over a map, standing in for a caller's own backend.
    #[derive(Default)]
    struct MapBackend {
        values: Mutex<HashMap<String, Vec<u8>>>,
        set_aside: Mutex<Vec<String>>,
    }

    impl StateBackend for MapBackend {
        fn describe(&self) -> String {
            "a map".into()
        }
        fn load(&self, key: StateKey<'_>) -> Result<Option<Vec<u8>>, FeedsError> {
            Ok(self.values.lock().unwrap().get(&key.to_string()).cloned())
        }
        fn save(&self, key: StateKey<'_>, bytes: &[u8]) -> Result<(), FeedsError> {
            self.values
                .lock()
                .unwrap()
                .insert(key.to_string(), bytes.to_vec());
            Ok(())
        }
        fn set_aside(&self, key: StateKey<'_>) -> Result<(), FeedsError> {
            self.set_aside.lock().unwrap().push(key.to_string());
            Ok(())
        }
    }

    #[test]
    fn a_plugged_in_backend_round_trips_and_survives_garbage() {
        let backend = Arc::new(MapBackend::default());
        let store = StateStore::with_backend(backend.clone());
        let mut s = FeedState::new("f");
        s.last_modified = Some("Mon, 02 Nov 2026 10:00:00 GMT".into());
        store.save(&s).unwrap();
        assert_eq!(store.load("f").unwrap(), s);
        for garbage in [&b""[..], b"\xff\xfe", b"{\"seen\": 3}", b"null"] {
            backend
                .values
                .lock()
                .unwrap()
                .insert("feed f".into(), garbage.to_vec());
            assert_eq!(store.load("f").unwrap(), FeedState::new("f"));
        }
        assert_eq!(backend.set_aside.lock().unwrap().len(), 4);
        assert_eq!(store.describe(), "a map");
    }
}
