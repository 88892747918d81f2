//! The logic behind `newswire feed parse` and `newswire feed check`, kept here so it is tested
//! with the crate; the binary only prints.

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{json, Value};

use crate::config::{feed_id_for_url, redact_url, FetchConfig};
use crate::fetch::{FetchRequest, Fetcher};
use crate::parse::{parse_document, parse_response, Origin, ParseError, ParsedFeed};

fn rfc3339(d: Option<DateTime<Utc>>) -> Value {
    d.map(|d| Value::String(d.to_rfc3339_opts(SecondsFormat::Secs, true)))
        .unwrap_or(Value::Null)
}

/// The JSON object `newswire feed parse` prints.
pub fn feed_to_json(feed: &ParsedFeed) -> Value {
    let entries: Vec<Value> = feed
        .entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "guid": e.guid,
                "url": e.url,
                "title": e.title,
                "summary": e.summary,
                "text": e.text,
                "published": rfc3339(e.published),
                "date_source": e.date_source,
                "updated": rfc3339(e.updated),
                "authors": e.authors,
                "categories": e.categories,
                "language": e.language,
            })
        })
        .collect();
    json!({
        "format": feed.format,
        "title": feed.title,
        "link": feed.link,
        "entries": entries,
        "warnings": feed.warnings,
    })
}

/// Parses a document for `newswire feed parse`; `source` names it (a path or `-`).
pub fn parse_for_cli(bytes: &[u8], source: &str) -> Result<Value, ParseError> {
    let feed_url = if source == "-" {
        "stdin:".to_string()
    } else {
        std::fs::canonicalize(source)
            .ok()
            .and_then(|p| url::Url::from_file_path(p).ok())
            .map(|u| u.to_string())
            .unwrap_or_else(|| source.to_string())
    };
    let feed = parse_document(
        bytes,
        None,
        &feed_id_for_url(&feed_url),
        &feed_url,
        Utc::now(),
    )?;
    Ok(feed_to_json(&feed))
}

/// What `newswire feed check` reports.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// The feed checked, with any credentials in it redacted.
    pub url: String,
    /// "ok", "not_modified", "http_4xx", ... as in [`crate::FetchOutcome::label`].
    pub outcome: String,
    /// HTTP status of the final response; `None` when nothing came back.
    pub status: Option<u16>,
    /// Where the redirects ended, redacted.
    pub final_url: Option<String>,
    /// Each hop as `status from -> to`, so a moved feed can be re-pointed.
    pub redirects: Vec<String>,
    /// `ETag` validator the server sent, which a poller would revalidate with.
    pub etag: Option<String>,
    /// `Last-Modified` validator the server sent.
    pub last_modified: Option<String>,
    /// `Content-Type` the server declared, which can disagree with the body.
    pub content_type: Option<String>,
    /// `Cache-Control: max-age`, which the poller honours as a minimum interval.
    pub cache_max_age_secs: Option<u64>,
    /// `Retry-After`, which the poller honours before the next fetch.
    pub retry_after_secs: Option<u64>,
    /// Size of the body received.
    pub bytes: usize,
    /// Time from the first request to the last byte.
    pub elapsed_ms: u128,
    /// Dialect the parser recognised (`rss2`, `atom`, `json`, ...).
    pub format: Option<String>,
    /// The feed's own title.
    pub title: Option<String>,
    /// Number of entries parsed.
    pub entries: usize,
    /// The feed's `<ttl>` in minutes, if it declares one.
    pub ttl_minutes: Option<u32>,
    /// What the parser repaired or ignored on the way.
    pub warnings: Vec<String>,
    /// Why the check failed; `None` when the feed is usable.
    pub error: Option<String>,
}

impl CheckReport {
    /// Whether the feed is usable (fetched and parsed).
    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }
}

/// `URL` as given, an existing path as a file:// URL.
pub fn target_to_url(target: &str) -> Result<String, String> {
    if let Ok(u) = url::Url::parse(target) {
        if matches!(u.scheme(), "http" | "https" | "file") {
            return Ok(u.to_string());
        }
    }
    let path = Path::new(target);
    let abs = std::fs::canonicalize(path).map_err(|e| format!("{target}: {e}"))?;
    url::Url::from_file_path(&abs)
        .map(|u| u.to_string())
        .map_err(|_| format!("{target}: not a usable path"))
}

/// Fetches and parses one feed once, without state, for `newswire feed check`.
pub async fn check(target: &str, config: &FetchConfig) -> CheckReport {
    let started = Instant::now();
    let mut report = CheckReport {
        url: redact_url(target),
        outcome: "error".into(),
        status: None,
        final_url: None,
        redirects: Vec::new(),
        etag: None,
        last_modified: None,
        content_type: None,
        cache_max_age_secs: None,
        retry_after_secs: None,
        bytes: 0,
        elapsed_ms: 0,
        format: None,
        title: None,
        entries: 0,
        ttl_minutes: None,
        warnings: Vec::new(),
        error: None,
    };
    let url = match target_to_url(target) {
        Ok(u) => u,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    report.url = redact_url(&url);
    let fetcher = match Fetcher::new(config) {
        Ok(f) => f,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    let resp = fetcher
        .fetch(&FetchRequest {
            url: url.clone(),
            ..Default::default()
        })
        .await;
    report.elapsed_ms = started.elapsed().as_millis();
    let resp = match resp {
        Ok(r) => r,
        Err(e) => {
            report.outcome = match e {
                crate::fetch::FetchError::Timeout => "timeout",
                crate::fetch::FetchError::TooLarge(_) => "too_large",
                _ => "error",
            }
            .into();
            report.error = Some(e.to_string());
            return report;
        }
    };
    report.status = Some(resp.status);
    report.final_url = Some(redact_url(&resp.final_url));
    report.redirects = resp
        .redirects
        .iter()
        .map(|h| {
            format!(
                "{} {} -> {}",
                h.status,
                redact_url(&h.from),
                redact_url(&h.to)
            )
        })
        .collect();
    report.etag = resp.etag.clone();
    report.last_modified = resp.last_modified.clone();
    report.content_type = resp.content_type.clone();
    report.cache_max_age_secs = resp.max_age.map(|d| d.as_secs());
    report.retry_after_secs = resp.retry_after.map(|d| d.as_secs());
    report.bytes = resp.body.len();
    match resp.status {
        200..=299 => {}
        s => {
            report.outcome = match s {
                304 => "not_modified",
                410 => "gone",
                400..=499 => "http_4xx",
                500..=599 => "http_5xx",
                _ => "error",
            }
            .into();
            report.error = Some(format!("HTTP {s}"));
            return report;
        }
    }
    let origin = Origin {
        content_type: resp.content_type.as_deref(),
        final_url: Some(&resp.final_url),
        content_location: resp.content_location.as_deref(),
    };
    match parse_response(&resp.body, origin, &feed_id_for_url(&url), &url, Utc::now()) {
        Ok(feed) => {
            report.outcome = "ok".into();
            report.format = Some(feed.format.clone());
            report.title = feed.title.clone();
            report.entries = feed.entries.len();
            report.ttl_minutes = feed.ttl_minutes;
            report.warnings = feed.warnings;
        }
        Err(e) => {
            report.outcome = "parse_error".into();
            report.error = Some(e.to_string());
        }
    }
    report
}
