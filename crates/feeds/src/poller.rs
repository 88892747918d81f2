//! The poller: schedules feeds, fetches them concurrently, parses, dedups against persisted
//! state and hands out new articles. Ids only become "seen" in [`Poller::mark_delivered`], so a
//! crash between fetch and publish re-emits instead of losing.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::future::join_all;
use newswire_model::Article;
use sha2::{Digest, Sha256};

use crate::config::{redact_url, FeedConfig, FetchConfig, ResolvedAuth};
use crate::dedup::{DedupIndex, Duplicate};
use crate::fetch::{FetchError, FetchRequest, FetchResponse, Fetcher};
use crate::parse::{parse_response, Origin, ParsedFeed};
use crate::state::{FeedState, RedirectSighting, StateStore};
use crate::text::{is_clutter_candidate, paragraph_key};
use crate::FeedsError;

/// How a poll ended, for metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// A 2xx response that parsed.
    Ok,
    /// Nothing new: a 304, or a 200 with the same body or `ETag` as last time.
    NotModified,
    /// A 4xx other than 410, with its status.
    Http4xx(u16),
    /// A 5xx, with its status.
    Http5xx(u16),
    /// The fetch ran past the configured timeout.
    Timeout,
    /// The body passed `max_body_bytes`.
    TooLarge,
    /// The body came back but is no feed the parser can read.
    ParseError(String),
    /// 410: the feed is retired.
    Gone,
    /// Anything else (transport, URL, refusal, an unexpected status), as text.
    Error(String),
}

impl FetchOutcome {
    /// Metric label.
    pub fn label(&self) -> &'static str {
        match self {
            FetchOutcome::Ok => "ok",
            FetchOutcome::NotModified => "not_modified",
            FetchOutcome::Http4xx(_) => "http_4xx",
            FetchOutcome::Http5xx(_) => "http_5xx",
            FetchOutcome::Timeout => "timeout",
            FetchOutcome::TooLarge => "too_large",
            FetchOutcome::ParseError(_) => "parse_error",
            FetchOutcome::Gone => "gone",
            FetchOutcome::Error(_) => "error",
        }
    }

    /// Whether the poll counts as healthy (fetched and parsed, or unchanged).
    pub fn is_success(&self) -> bool {
        matches!(self, FetchOutcome::Ok | FetchOutcome::NotModified)
    }
}

impl std::fmt::Display for FetchOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchOutcome::Http4xx(s) | FetchOutcome::Http5xx(s) => write!(f, "HTTP {s}"),
            FetchOutcome::ParseError(e) => write!(f, "parse error: {e}"),
            FetchOutcome::Error(e) => write!(f, "error: {e}"),
            other => f.write_str(other.label()),
        }
    }
}

/// The result of polling one feed once.
#[derive(Debug, Clone)]
pub struct FeedPoll {
    /// Id of the feed polled, as configured or derived from its URL.
    pub feed_id: String,
    /// The feed's configured URL (may hold credentials: redact before logging).
    pub feed_url: String,
    /// How the poll ended.
    pub outcome: FetchOutcome,
    /// New articles only (not delivered before), in feed order.
    pub articles: Vec<Article>,
    /// What the parser repaired or ignored, and state that could not be saved.
    pub warnings: Vec<String>,
    /// Wall time of the fetch and of handling its response.
    pub elapsed: Duration,
    /// HTTP status (or 200/304 for file://), when there was a response.
    pub status: Option<u16>,
    /// Entries in the document, new or not.
    pub entries_total: usize,
    /// Entries skipped because they were delivered before.
    pub already_seen: usize,
    /// New articles that duplicate an earlier article (exact URL or near text). They are still
    /// in `articles`.
    pub duplicates: Vec<Duplicate>,
    /// When this feed last had a new item (for "seconds since last new item").
    pub last_new_item_at: Option<DateTime<Utc>>,
    /// When the feed will be polled next.
    pub next_poll_at: Option<DateTime<Utc>>,
    /// `ETag` this fetch returned; the poller keeps it once the articles are delivered.
    pub etag: Option<String>,
    /// `Last-Modified` this fetch returned, kept on the same terms.
    pub last_modified: Option<String>,
    /// Failures in a row after this poll (0 after a success).
    pub consecutive_failures: u32,
}

struct FeedRuntime {
    config: FeedConfig,
    id: String,
    auth: Option<ResolvedAuth>,
    state: FeedState,
    /// Validators of a fetch whose articles are not all delivered yet.
    pending: Option<Pending>,
}

#[derive(Debug, Clone)]
struct Pending {
    ids: HashSet<String>,
    etag: Option<String>,
    last_modified: Option<String>,
    body_hash: Option<String>,
    full_fetch_at: Option<DateTime<Utc>>,
}

/// What the concurrent part of a poll produced.
struct Fetched {
    index: usize,
    /// Time spent fetching (waiting for host slots included).
    fetch_elapsed: Duration,
    fetched_at: DateTime<Utc>,
    forced_full: bool,
    result: Result<FetchResponse, FetchError>,
}

const DEDUP_FILE: &str = "dedup-index.json";
const DEDUP_SAVE_EVERY: Duration = Duration::from_secs(30);
/// How long `poll_due` waits before returning empty when no feed is active.
const IDLE_WAIT: Duration = Duration::from_secs(60);

/// Polls a set of feeds. See the crate docs for the life of an article.
pub struct Poller {
    config: FetchConfig,
    fetcher: Arc<Fetcher>,
    feeds: Vec<FeedRuntime>,
    store: StateStore,
    dedup: DedupIndex,
    /// When the duplicate index was last written (it is written at most every 30 s).
    dedup_saved_at: Option<Instant>,
}

impl Poller {
    /// Validates the configuration (errors name the field), loads persisted state from
    /// `state_dir` (`None`: state in memory only).
    pub fn new(
        fetch: FetchConfig,
        feeds: Vec<FeedConfig>,
        state_dir: Option<PathBuf>,
    ) -> Result<Poller, FeedsError> {
        Poller::with_store(fetch, feeds, StateStore::new(state_dir)?)
    }

    /// As [`Poller::new`], with the state kept wherever `store` keeps it.
    pub fn with_store(
        fetch: FetchConfig,
        feeds: Vec<FeedConfig>,
        store: StateStore,
    ) -> Result<Poller, FeedsError> {
        fetch.validate()?;
        let mut ids = HashSet::new();
        for (i, f) in feeds.iter().enumerate() {
            f.validate(i)?;
            if !ids.insert(f.feed_id()) {
                return Err(FeedsError::Config {
                    field: format!("feeds[{i}].id"),
                    reason: format!("feed id {:?} is used twice", f.feed_id()),
                });
            }
        }
        let fetcher = Arc::new(Fetcher::new(&fetch).map_err(|reason| FeedsError::Config {
            field: "fetch".into(),
            reason,
        })?);
        let mut runtimes = Vec::with_capacity(feeds.len());
        for config in feeds {
            let id = config.feed_id();
            let auth = config
                .auth
                .as_ref()
                .map(|a| a.resolve())
                .transpose()
                .map_err(|reason| FeedsError::Config {
                    field: format!("feeds.{id}.auth"),
                    reason,
                })?;
            let mut state = store.load(&id)?;
            // A changed configured URL starts over: no redirect history, no validators.
            if state.configured_url.as_deref() != Some(config.url.as_str()) {
                state.current_url = None;
                state.redirect = None;
                state.etag = None;
                state.last_modified = None;
                state.body_hash = None;
                state.retired = false;
                state.configured_url = Some(config.url.clone());
            }
            runtimes.push(FeedRuntime {
                config,
                id,
                auth,
                state,
                pending: None,
            });
        }
        let mut dedup: DedupIndex = store.load_json(DEDUP_FILE)?;
        dedup.reindex();
        Ok(Poller {
            config: fetch,
            fetcher,
            feeds: runtimes,
            store,
            dedup,
            dedup_saved_at: None,
        })
    }

    /// Ids of the configured feeds, in order.
    pub fn feed_ids(&self) -> Vec<String> {
        self.feeds.iter().map(|f| f.id.clone()).collect()
    }

    /// The persisted state of a feed (validators, failures, schedule), for reports.
    pub fn feed_state(&self, feed_id: &str) -> Option<&FeedState> {
        self.feeds
            .iter()
            .find(|f| f.id == feed_id)
            .map(|f| &f.state)
    }

    /// Polls every feed once, concurrently. Retired feeds (410) are reported, not fetched.
    pub async fn poll_all(&mut self) -> Vec<FeedPoll> {
        let all: Vec<usize> = (0..self.feeds.len()).collect();
        self.poll_indices(&all).await
    }

    /// Waits until at least one feed is due, then polls the due ones (and those due within the
    /// next second). With nothing left to poll (no feeds, or all retired) it returns an empty
    /// list after 60 s; [`Poller::next_due`] is `None` then.
    pub async fn poll_due(&mut self) -> Vec<FeedPoll> {
        let active: Vec<usize> = (0..self.feeds.len())
            .filter(|i| !self.feeds[*i].state.retired)
            .collect();
        if active.is_empty() {
            // Nothing will ever be due: wait a while before saying so, so that a caller's
            // polling loop does not spin.
            tokio::time::sleep(IDLE_WAIT).await;
            return Vec::new();
        }
        let now = Utc::now();
        let earliest = active
            .iter()
            .map(|i| self.feeds[*i].state.next_due.unwrap_or(now))
            .min()
            .unwrap_or(now);
        if earliest > now {
            let wait = (earliest - now).to_std().unwrap_or(Duration::ZERO);
            tokio::time::sleep(wait).await;
        }
        // Feeds due within the next second join this batch rather than waking us again.
        let horizon = Utc::now() + chrono::Duration::seconds(1);
        let due: Vec<usize> = active
            .into_iter()
            .filter(|i| self.feeds[*i].state.next_due.is_none_or(|d| d <= horizon))
            .collect();
        self.poll_indices(&due).await
    }

    /// When the next feed is due (None: nothing to poll).
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        let now = Utc::now();
        self.feeds
            .iter()
            .filter(|f| !f.state.retired)
            .map(|f| f.state.next_due.unwrap_or(now))
            .min()
    }

    /// Records that these articles were delivered downstream: from now on they are "seen".
    /// When a fetch's articles are all delivered, its validators are committed too. Persists.
    pub fn mark_delivered(&mut self, feed_id: &str, ids: &[String]) -> Result<(), FeedsError> {
        let now = Utc::now();
        let ttl = chrono::Duration::days(self.config.seen_ttl_days as i64);
        let max = self.config.seen_max_per_feed;
        let Some(feed) = self.feeds.iter_mut().find(|f| f.id == feed_id) else {
            return Err(FeedsError::UnknownFeed(feed_id.to_string()));
        };
        for id in ids {
            feed.state.seen.entry(id.clone()).or_insert(now);
        }
        if let Some(p) = feed.pending.as_mut() {
            for id in ids {
                p.ids.remove(id);
            }
            if p.ids.is_empty() {
                if let Some(p) = feed.pending.take() {
                    commit_validators(&mut feed.state, &p);
                }
            }
        }
        feed.state.prune_seen(now, ttl, max);
        self.store.save(&feed.state)?;
        if self
            .dedup_saved_at
            .is_none_or(|t| t.elapsed() >= DEDUP_SAVE_EVERY)
        {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the cross-feed duplicate index (otherwise written at most every 30 s by
    /// [`Poller::mark_delivered`]). Call on shutdown. Per-feed state is always current.
    pub fn flush(&mut self) -> Result<(), FeedsError> {
        let now = Utc::now();
        self.dedup.prune(
            now,
            chrono::Duration::hours(self.config.near_dup_window_hours as i64),
        );
        self.store.save_json(DEDUP_FILE, &self.dedup)?;
        self.dedup_saved_at = Some(Instant::now());
        Ok(())
    }

    async fn poll_indices(&mut self, indices: &[usize]) -> Vec<FeedPoll> {
        // Feed index -> its poll; returned in the order of `indices`.
        let mut results: HashMap<usize, FeedPoll> = HashMap::with_capacity(indices.len());
        let mut jobs = Vec::new();
        let now = Utc::now();
        for &i in indices {
            let feed = &self.feeds[i];
            if feed.state.retired {
                results.insert(i, self.retired_poll(i));
                continue;
            }
            let forced_full = self.config.force_full_fetch_hours > 0
                && feed.state.last_full_fetch.is_none_or(|t| {
                    now - t >= chrono::Duration::hours(self.config.force_full_fetch_hours as i64)
                });
            let req = FetchRequest {
                url: feed
                    .state
                    .current_url
                    .clone()
                    .unwrap_or_else(|| feed.config.url.clone()),
                etag: if forced_full {
                    None
                } else {
                    feed.state.etag.clone()
                },
                last_modified: if forced_full {
                    None
                } else {
                    feed.state.last_modified.clone()
                },
                headers: feed.config.headers.clone(),
                auth: feed.auth.clone(),
                ssrf_guard: false,
            };
            let fetcher = self.fetcher.clone();
            jobs.push(async move {
                let started = Instant::now();
                let fetched_at = Utc::now();
                let result = fetcher.fetch(&req).await;
                Fetched {
                    index: i,
                    fetch_elapsed: started.elapsed(),
                    fetched_at,
                    forced_full,
                    result,
                }
            });
        }
        let fetched = join_all(jobs).await;
        let mut full_text_jobs = Vec::new();
        for f in fetched {
            let index = f.index;
            let poll = self.apply(f);
            if self.feeds[index].config.full_text && !poll.articles.is_empty() {
                full_text_jobs.push(index);
            }
            results.insert(index, poll);
        }
        if !full_text_jobs.is_empty() {
            let fetcher = self.fetcher.clone();
            let futs = full_text_jobs.into_iter().filter_map(|i| {
                let poll = results.remove(&i)?;
                let allow_private = self.feeds[i].config.allow_private;
                let fetcher = fetcher.clone();
                Some(async move { (i, enrich_full_text(&fetcher, poll, allow_private).await) })
            });
            for (i, poll) in join_all(futs).await {
                results.insert(i, poll);
            }
        }
        indices.iter().filter_map(|i| results.remove(i)).collect()
    }

    fn retired_poll(&self, i: usize) -> FeedPoll {
        let f = &self.feeds[i];
        FeedPoll {
            feed_id: f.id.clone(),
            feed_url: f.config.url.clone(),
            outcome: FetchOutcome::Gone,
            articles: Vec::new(),
            warnings: vec!["feed is retired (HTTP 410 Gone); not polled".into()],
            elapsed: Duration::ZERO,
            status: None,
            entries_total: 0,
            already_seen: 0,
            duplicates: Vec::new(),
            last_new_item_at: f.state.last_new_item,
            next_poll_at: None,
            etag: f.state.etag.clone(),
            last_modified: f.state.last_modified.clone(),
            consecutive_failures: f.state.consecutive_failures,
        }
    }

    /// Applies a fetch result to the feed's state and builds the poll report.
    fn apply(&mut self, f: Fetched) -> FeedPoll {
        let cfg = self.config.clone();
        let apply_started = Instant::now();
        let feed = &mut self.feeds[f.index];
        let now = f.fetched_at;
        let mut warnings = Vec::new();
        let mut articles = Vec::new();
        let mut duplicates = Vec::new();
        let mut status = None;
        let mut entries_total = 0;
        let mut already_seen = 0;
        let mut retry_after = None;
        let mut ttl_floor = None;
        let mut etag = None;
        let mut last_modified = None;
        let fingerprint_before = persist_fingerprint(&feed.state);
        feed.state.last_attempt = Some(now);
        let outcome = match f.result {
            Err(FetchError::Timeout) => FetchOutcome::Timeout,
            Err(FetchError::TooLarge(max)) => {
                warnings.push(format!("body larger than {max} bytes"));
                FetchOutcome::TooLarge
            }
            Err(FetchError::Refused(e)) | Err(FetchError::Other(e)) => FetchOutcome::Error(e),
            Ok(resp) => {
                status = Some(resp.status);
                etag = resp.etag.clone();
                last_modified = resp.last_modified.clone();
                retry_after = resp.retry_after;
                note_redirects(
                    &mut feed.state,
                    &feed.config.url,
                    &resp,
                    now,
                    &cfg,
                    &mut warnings,
                );
                match resp.status {
                    304 => FetchOutcome::NotModified,
                    410 => {
                        feed.state.retired = true;
                        warnings.push("HTTP 410 Gone: feed retired".into());
                        FetchOutcome::Gone
                    }
                    s @ 200..=299 => {
                        let body_hash = hex_sha256(&resp.body);
                        let unchanged_body = !f.forced_full
                            && feed.state.body_hash.as_deref() == Some(body_hash.as_str());
                        let same_validator = !f.forced_full
                            && resp.etag.is_some()
                            && resp.etag == feed.state.etag
                            && feed.pending.is_none();
                        if unchanged_body || same_validator {
                            FetchOutcome::NotModified
                        } else {
                            let origin = Origin {
                                content_type: resp.content_type.as_deref(),
                                final_url: Some(&resp.final_url),
                                content_location: resp.content_location.as_deref(),
                            };
                            match parse_response(
                                &resp.body,
                                origin,
                                &feed.id,
                                &feed.config.url,
                                now,
                            ) {
                                Err(e) => FetchOutcome::ParseError(e.to_string()),
                                Ok(mut parsed) => {
                                    ttl_floor = parsed.ttl_minutes.map(|m| u64::from(m) * 60);
                                    if let Some(max_age) = resp.max_age {
                                        ttl_floor =
                                            Some(ttl_floor.unwrap_or(0).max(max_age.as_secs()));
                                    }
                                    entries_total = parsed.entries.len();
                                    warnings.extend(crate::sanitize::bound_feed(
                                        &mut parsed,
                                        cfg.max_entries_per_poll,
                                        cfg.max_article_bytes,
                                    ));
                                    let (new, seen) = select_new(
                                        feed,
                                        &parsed,
                                        &cfg,
                                        &mut self.dedup,
                                        &mut duplicates,
                                        now,
                                    );
                                    already_seen = seen;
                                    warnings.extend(parsed.warnings.iter().cloned());
                                    let pending = Pending {
                                        ids: new.iter().map(|a| a.id.clone()).collect(),
                                        etag: resp.etag.clone(),
                                        last_modified: resp.last_modified.clone(),
                                        body_hash: Some(body_hash),
                                        full_fetch_at: Some(now),
                                    };
                                    if pending.ids.is_empty() {
                                        commit_validators(&mut feed.state, &pending);
                                        feed.pending = None;
                                    } else {
                                        feed.pending = Some(pending);
                                        feed.state.last_new_item = Some(now);
                                    }
                                    let _ = s;
                                    articles = new;
                                    FetchOutcome::Ok
                                }
                            }
                        }
                    }
                    s @ 400..=499 => FetchOutcome::Http4xx(s),
                    s @ 500..=599 => FetchOutcome::Http5xx(s),
                    s => FetchOutcome::Error(format!("unexpected HTTP status {s}")),
                }
            }
        };
        if outcome == FetchOutcome::NotModified && feed.pending.is_none() && f.forced_full {
            feed.state.last_full_fetch = Some(now);
        }
        feed.state.last_outcome = Some(outcome.label().to_string());
        if outcome.is_success() {
            feed.state.consecutive_failures = 0;
            feed.state.last_success = Some(now);
            feed.state.last_error = None;
        } else if outcome != FetchOutcome::Gone {
            feed.state.consecutive_failures = feed.state.consecutive_failures.saturating_add(1);
            let detail = outcome.to_string();
            tracing::warn!(feed = %feed.id, url = %redact_url(&feed.config.url), outcome = outcome.label(), %detail, "feed poll failed");
            feed.state.last_error = Some(detail.clone());
            feed.state.record_failure(now, outcome.label(), &detail);
        }
        let next = schedule(
            &mut feed.state,
            &feed.config,
            &cfg,
            &outcome,
            retry_after,
            ttl_floor,
            now,
        );
        feed.state.next_due = next;
        // Scheduling fields alone do not justify a write (10,000 feeds polled every minute
        // would rewrite every state file every minute); anything else does.
        let material =
            !articles.is_empty() || persist_fingerprint(&feed.state) != fingerprint_before;
        let saved = if material {
            self.store.save(&feed.state)
        } else {
            Ok(())
        };
        if let Err(e) = saved {
            warnings.push(format!("cannot persist feed state: {e}"));
        }
        FeedPoll {
            feed_id: feed.id.clone(),
            feed_url: feed.config.url.clone(),
            outcome,
            articles,
            warnings,
            elapsed: f.fetch_elapsed + apply_started.elapsed(),
            status,
            entries_total,
            already_seen,
            duplicates,
            last_new_item_at: feed.state.last_new_item,
            next_poll_at: next,
            etag,
            last_modified,
            consecutive_failures: feed.state.consecutive_failures,
        }
    }
}

/// The state fields whose change must reach the disk at once.
fn persist_fingerprint(s: &FeedState) -> String {
    format!(
        "{:?}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}|{}|{:?}|{}",
        s.etag,
        s.last_modified,
        s.body_hash,
        s.consecutive_failures,
        s.last_outcome,
        s.retired,
        s.redirect.as_ref().map(|r| (&r.target, r.count)),
        s.current_url,
        s.seen.len(),
        s.last_new_item,
        s.paragraph_counts.len()
    )
}

fn commit_validators(state: &mut FeedState, p: &Pending) {
    state.etag = p.etag.clone();
    state.last_modified = p.last_modified.clone();
    if p.body_hash.is_some() {
        state.body_hash = p.body_hash.clone();
    }
    if p.full_fetch_at.is_some() {
        state.last_full_fetch = p.full_fetch_at;
    }
}

fn hex_sha256(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// 301/308 move the feed only after `redirect_min_sightings` sightings spanning
/// `redirect_min_hours`; 302/307 never move it.
fn note_redirects(
    state: &mut FeedState,
    configured: &str,
    resp: &FetchResponse,
    now: DateTime<Utc>,
    cfg: &FetchConfig,
    warnings: &mut Vec<String>,
) {
    let permanent =
        !resp.redirects.is_empty() && resp.redirects.iter().all(|h| matches!(h.status, 301 | 308));
    if !permanent || !(200..300).contains(&resp.status) && resp.status != 304 {
        if !resp.redirects.is_empty() {
            warnings.push(format!(
                "temporary redirect to {} (feed URL kept)",
                redact_url(&resp.final_url)
            ));
        }
        state.redirect = None;
        return;
    }
    let target = resp.final_url.clone();
    let status = resp.redirects[0].status;
    let sighting = match state.redirect.take() {
        Some(mut s) if s.target == target => {
            s.count += 1;
            s.last_seen = now;
            s
        }
        _ => RedirectSighting {
            target: target.clone(),
            status,
            first_seen: now,
            last_seen: now,
            count: 1,
        },
    };
    let span = sighting.last_seen - sighting.first_seen;
    if sighting.count >= cfg.redirect_min_sightings
        && span >= chrono::Duration::hours(cfg.redirect_min_hours as i64)
    {
        warnings.push(format!(
            "feed moved permanently to {} (seen {} times over {} hours)",
            redact_url(&target),
            sighting.count,
            span.num_hours()
        ));
        state.record_failure(now, "moved", &format!("{configured} -> {target}"));
        state.current_url = Some(target);
        state.redirect = None;
    } else {
        warnings.push(format!(
            "permanent redirect to {} seen {} time(s); the feed moves after {} sightings over {} hours",
            redact_url(&target),
            sighting.count,
            cfg.redirect_min_sightings,
            cfg.redirect_min_hours
        ));
        state.redirect = Some(sighting);
    }
}

/// Picks the entries not delivered before, applies learnt clutter, records duplicates.
fn select_new(
    feed: &mut FeedRuntime,
    parsed: &ParsedFeed,
    cfg: &FetchConfig,
    dedup: &mut DedupIndex,
    duplicates: &mut Vec<Duplicate>,
    now: DateTime<Utc>,
) -> (Vec<Article>, usize) {
    let mut new = Vec::new();
    let mut seen_count = 0;
    let mut in_doc = HashSet::new();
    for entry in &parsed.entries {
        if !in_doc.insert(entry.id.clone()) {
            continue;
        }
        if feed.state.seen.contains_key(&entry.id) {
            seen_count += 1;
            continue;
        }
        let mut article = entry.to_article(&feed.id, &feed.config.url, now);
        if let Some(p) = article.published_at {
            feed.state.recent_published.push_back(p);
        }
        // Learn paragraphs that repeat across this feed's articles, then drop learnt ones.
        let paras: Vec<&str> = article.body.split("\n\n").collect();
        let keys: HashSet<u64> = paras
            .iter()
            .filter(|p| is_clutter_candidate(p))
            .map(|p| paragraph_key(p))
            .collect();
        for k in &keys {
            *feed.state.paragraph_counts.entry(*k).or_default() += 1;
        }
        let threshold = cfg.clutter_min_articles.max(2);
        let kept: Vec<&str> = paras
            .into_iter()
            .filter(|p| {
                feed.state
                    .paragraph_counts
                    .get(&paragraph_key(p))
                    .is_none_or(|c| *c < threshold)
            })
            .collect();
        article.body = kept.join("\n\n");
        if let Some(d) = dedup.check_and_add(
            &article.id,
            &feed.id,
            article.canonical_url.as_deref(),
            &article.body,
            now,
            cfg.near_dup_max_distance,
            cfg.near_dup_max_entries,
        ) {
            // Recorded on the article, never dropped: consumers decide what to do with it.
            article.duplicate_of = Some(d.duplicate_of.clone());
            duplicates.push(d);
        }
        new.push(article);
    }
    feed.state.bound_paragraphs();
    let mut sorted: Vec<DateTime<Utc>> = feed.state.recent_published.drain(..).collect();
    sorted.sort();
    sorted.dedup();
    let skip = sorted.len().saturating_sub(20);
    feed.state.recent_published = sorted.into_iter().skip(skip).collect();
    (new, seen_count)
}

/// Decides when the feed is polled next, and updates its adaptive interval.
fn schedule(
    state: &mut FeedState,
    feed: &FeedConfig,
    cfg: &FetchConfig,
    outcome: &FetchOutcome,
    retry_after: Option<Duration>,
    floor_secs: Option<u64>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if state.retired {
        return None;
    }
    let base = feed
        .interval_secs
        .unwrap_or(cfg.default_interval_secs)
        .clamp(cfg.min_interval_secs, cfg.max_interval_secs);
    let secs = if outcome.is_success() {
        let mut interval = adaptive_interval(state, base, cfg);
        if let Some(floor) = floor_secs {
            interval = interval.max(floor.min(cfg.max_interval_secs));
        }
        state.interval_secs = Some(interval);
        jitter(interval, cfg.jitter, &state.feed_id, now)
    } else {
        let failures = state.consecutive_failures.max(1);
        let backoff = if failures >= cfg.dead_after_failures {
            cfg.dead_probe_interval_secs
        } else {
            let exp = base.saturating_mul(1u64 << failures.min(20).saturating_sub(1));
            exp.min(cfg.max_backoff_secs)
        };
        let backoff = jitter(backoff, cfg.jitter, &state.feed_id, now);
        match retry_after {
            Some(ra)
                if matches!(
                    outcome,
                    FetchOutcome::Http4xx(429) | FetchOutcome::Http5xx(503)
                ) =>
            {
                // Honour the server's wish, but never wait longer than the backoff cap.
                ra.as_secs()
                    .max(1)
                    .min(cfg.max_backoff_secs.max(cfg.dead_probe_interval_secs))
            }
            _ => backoff,
        }
    };
    Some(now + chrono::Duration::seconds(secs.min(i64::MAX as u64 / 2) as i64))
}

/// Half the mean gap between recent items, within bounds, moving at most by a factor of 2 from
/// the configured base so a bursty day does not swing the schedule wildly.
fn adaptive_interval(state: &FeedState, base: u64, cfg: &FetchConfig) -> u64 {
    let times: Vec<&DateTime<Utc>> = state.recent_published.iter().collect();
    if times.len() < 3 {
        return base;
    }
    let span = (*times[times.len() - 1] - *times[0]).num_seconds().max(0) as u64;
    let mean_gap = span / (times.len() as u64 - 1);
    let target = (mean_gap / 2).clamp(base / 2, base.saturating_mul(4));
    target.clamp(cfg.min_interval_secs, cfg.max_interval_secs)
}

/// ±`fraction` of `secs`, from a hash of the feed id and the time (stable per feed and call).
fn jitter(secs: u64, fraction: f64, feed_id: &str, now: DateTime<Utc>) -> u64 {
    if fraction <= 0.0 || secs == 0 {
        return secs;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in feed_id
        .bytes()
        .chain(now.timestamp_nanos_opt().unwrap_or(0).to_le_bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let unit = (h >> 11) as f64 / (1u64 << 53) as f64; // 0..1
    let delta = (secs as f64) * fraction * (unit * 2.0 - 1.0);
    ((secs as f64) + delta).round().max(1.0) as u64
}

async fn enrich_full_text(fetcher: &Fetcher, mut poll: FeedPoll, allow_private: bool) -> FeedPoll {
    for article in poll.articles.iter_mut() {
        let Some(url) = article.url.clone() else {
            continue;
        };
        if !url.starts_with("http://") && !url.starts_with("https://") {
            continue;
        }
        let req = FetchRequest {
            url: url.clone(),
            ssrf_guard: !allow_private,
            ..Default::default()
        };
        match fetcher.fetch(&req).await {
            Ok(resp) if (200..300).contains(&resp.status) => {
                let (html, _) = crate::encoding::to_utf8(&resp.body, resp.content_type.as_deref());
                let text = crate::fulltext::extract_main_text(&html);
                if text.len() > article.body.len() {
                    article.body = text;
                }
            }
            Ok(resp) => poll.warnings.push(format!(
                "full text of {}: HTTP {}",
                redact_url(&url),
                resp.status
            )),
            Err(e) => poll
                .warnings
                .push(format!("full text of {}: {e}", redact_url(&url))),
        }
    }
    poll
}

/// Keeps the feeds of shard `i` of `n` (rendezvous hashing on the feed id).
pub fn shard_feeds(feeds: Vec<FeedConfig>, i: usize, n: usize) -> Vec<FeedConfig> {
    feeds
        .into_iter()
        .filter(|f| n > 0 && crate::dedup::shard_of(&f.feed_id(), n) == i)
        .collect()
}
