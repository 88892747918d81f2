//! Fetching feed documents over http(s) and from file:// URLs: timeouts, a body cap enforced
//! while streaming, conditional GET, manual redirect following (so permanent and temporary
//! redirects can be told apart), per-host concurrency and rate limits.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use crate::config::{FetchConfig, ResolvedAuth};

/// What to fetch and how.
#[derive(Debug, Clone, Default)]
pub struct FetchRequest {
    /// Feed URL (`http`, `https` or `file`).
    pub url: String,
    /// Validator from the last 200, sent as `If-None-Match` so an unchanged feed costs a 304.
    pub etag: Option<String>,
    /// Validator from the last 200, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// Extra headers the feed's config asks for.
    pub headers: BTreeMap<String, String>,
    /// Credentials, already read from their secret source.
    pub auth: Option<ResolvedAuth>,
    /// Refuse hosts that resolve to private, loopback or link-local addresses.
    pub ssrf_guard: bool,
}

/// One redirect hop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectHop {
    /// 3xx status of this hop; 301/308 count towards moving the feed.
    pub status: u16,
    /// URL that answered with the redirect.
    pub from: String,
    /// Where it pointed, resolved against `from`.
    pub to: String,
}

/// A response, whatever its status.
#[derive(Debug, Clone)]
pub struct FetchResponse {
    /// HTTP status of the final response (a file read answers 200, or 304 if unchanged).
    pub status: u16,
    /// The URL that answered after redirects.
    pub final_url: String,
    /// Every hop followed, in order.
    pub redirects: Vec<RedirectHop>,
    /// `ETag` to send next time.
    pub etag: Option<String>,
    /// `Last-Modified` to send next time.
    pub last_modified: Option<String>,
    /// Declared media type, a hint for the parser's dialect and charset.
    pub content_type: Option<String>,
    /// `Content-Location`: the document's own URL when the server names one; relative URLs
    /// in the feed resolve against it.
    pub content_location: Option<String>,
    /// `Retry-After`, which delays the next fetch.
    pub retry_after: Option<Duration>,
    /// `Cache-Control: max-age`, or `Expires` minus `Date`.
    pub max_age: Option<Duration>,
    /// Empty unless the status is 2xx.
    pub body: Bytes,
}

/// A fetch that produced no usable response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The whole fetch ran past the configured timeout.
    #[error("timed out")]
    Timeout,
    /// The body passed the size cap (the cap in bytes); the rest was not read.
    #[error("body larger than {0} bytes")]
    TooLarge(u64),
    /// Refused before sending, e.g. the SSRF guard or a redirect to a forbidden scheme.
    #[error("refused: {0}")]
    Refused(String),
    /// Any other transport or URL failure, as text.
    #[error("{0}")]
    Other(String),
}

#[derive(Debug)]
struct HostSlot {
    concurrency: Arc<Semaphore>,
    next_start: tokio::sync::Mutex<Instant>,
}

/// Shared HTTP client plus per-host limits.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    hosts: Mutex<HashMap<String, Arc<HostSlot>>>,
    global: Arc<Semaphore>,
}

const MAX_REDIRECTS: usize = 5;

impl Fetcher {
    /// Builds the shared client from the fetch config; fails only if TLS cannot be set up.
    pub fn new(config: &FetchConfig) -> Result<Fetcher, String> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent_header())
            .connect_timeout(Duration::from_secs(config.connect_timeout_secs))
            .timeout(Duration::from_secs(config.timeout_secs))
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(2)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Fetcher {
            client,
            config: config.clone(),
            hosts: Mutex::new(HashMap::new()),
            global: Arc::new(Semaphore::new(config.max_concurrency)),
        })
    }

    /// The fetch config this fetcher enforces.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    fn slot(&self, host: &str) -> Arc<HostSlot> {
        let mut hosts = match self.hosts.lock() {
            Ok(h) => h,
            Err(poisoned) => poisoned.into_inner(),
        };
        hosts
            .entry(host.to_string())
            .or_insert_with(|| {
                Arc::new(HostSlot {
                    concurrency: Arc::new(Semaphore::new(self.config.per_host_concurrency)),
                    next_start: tokio::sync::Mutex::new(Instant::now()),
                })
            })
            .clone()
    }

    /// Fetches a document. The whole fetch (waiting for a slot excluded) is bounded by the
    /// configured total timeout.
    pub async fn fetch(&self, req: &FetchRequest) -> Result<FetchResponse, FetchError> {
        let url =
            Url::parse(req.url.trim()).map_err(|e| FetchError::Other(format!("bad URL: {e}")))?;
        match url.scheme() {
            "file" => fetch_file(&url, req, self.config.max_body_bytes).await,
            "http" | "https" => self.fetch_http(url, req).await,
            other => Err(FetchError::Other(format!(
                "unsupported URL scheme {other:?}"
            ))),
        }
    }

    async fn fetch_http(
        &self,
        mut url: Url,
        req: &FetchRequest,
    ) -> Result<FetchResponse, FetchError> {
        let original_host = url.host_str().unwrap_or("").to_string();
        let mut redirects = Vec::new();
        // The timeout budget covers requests and bodies across redirect hops, not the time
        // spent waiting for a host slot behind other feeds.
        let total = Duration::from_secs(self.config.timeout_secs);
        let mut first_send: Option<Instant> = None;
        loop {
            if req.ssrf_guard {
                crate::fulltext::check_public(&url).await?;
            }
            let host = url.host_str().unwrap_or("").to_string();
            let _global = self
                .global
                .clone()
                .acquire_owned()
                .await
                .map_err(|e| FetchError::Other(e.to_string()))?;
            let slot = self.slot(&host);
            let _permit = slot
                .concurrency
                .clone()
                .acquire_owned()
                .await
                .map_err(|e| FetchError::Other(e.to_string()))?;
            {
                let mut next = slot.next_start.lock().await;
                let now = Instant::now();
                if *next > now {
                    tokio::time::sleep_until(*next).await;
                }
                let spacing = Duration::from_secs_f64(1.0 / self.config.per_host_rate_per_sec);
                *next = Instant::now().max(*next) + spacing;
            }
            let same_host = host == original_host;
            let headers = request_headers(req, same_host)?;
            let remaining =
                total.saturating_sub(first_send.get_or_insert_with(Instant::now).elapsed());
            let resp = match tokio::time::timeout(
                remaining,
                self.client.get(url.clone()).headers(headers).send(),
            )
            .await
            {
                Ok(r) => r.map_err(map_reqwest)?,
                Err(_) => return Err(FetchError::Timeout),
            };
            let status = resp.status().as_u16();
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                let location = resp
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        FetchError::Other(format!("HTTP {status} without a Location"))
                    })?;
                let next = url.join(location).map_err(|e| {
                    FetchError::Other(format!("bad redirect Location {location:?}: {e}"))
                })?;
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(FetchError::Refused(format!(
                        "redirect to a {} URL",
                        next.scheme()
                    )));
                }
                redirects.push(RedirectHop {
                    status,
                    from: url.to_string(),
                    to: next.to_string(),
                });
                if redirects.len() > MAX_REDIRECTS {
                    return Err(FetchError::Other(format!(
                        "more than {MAX_REDIRECTS} redirects"
                    )));
                }
                url = next;
                continue;
            }
            let h = resp.headers();
            let get = |name: HeaderName| {
                h.get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(|s| s.trim().to_string())
            };
            let etag = get(header::ETAG);
            let last_modified = get(header::LAST_MODIFIED);
            let content_type = get(header::CONTENT_TYPE);
            let content_location = get(header::CONTENT_LOCATION);
            let retry_after = get(header::RETRY_AFTER).and_then(|v| parse_retry_after(&v));
            let max_age = get(header::CACHE_CONTROL)
                .and_then(|v| parse_max_age(&v))
                .or_else(|| expires_minus_date(get(header::EXPIRES), get(header::DATE)));
            let body = if (200..300).contains(&status) {
                let remaining =
                    total.saturating_sub(first_send.map(|t| t.elapsed()).unwrap_or_default());
                match tokio::time::timeout(remaining, read_capped(resp, self.config.max_body_bytes))
                    .await
                {
                    Ok(b) => b?,
                    Err(_) => return Err(FetchError::Timeout),
                }
            } else {
                Bytes::new()
            };
            return Ok(FetchResponse {
                status,
                final_url: url.to_string(),
                redirects,
                etag,
                last_modified,
                content_type,
                content_location,
                retry_after,
                max_age,
                body,
            });
        }
    }
}

fn request_headers(req: &FetchRequest, same_host: bool) -> Result<HeaderMap, FetchError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::ACCEPT,
        HeaderValue::from_static(
            "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
        ),
    );
    if let Some(etag) = &req.etag {
        if let Ok(v) = HeaderValue::from_str(etag) {
            headers.insert(header::IF_NONE_MATCH, v);
        }
    }
    if let Some(lm) = &req.last_modified {
        if let Ok(v) = HeaderValue::from_str(lm) {
            headers.insert(header::IF_MODIFIED_SINCE, v);
        }
    }
    // Credentials and custom headers only go to the configured host, never to a redirect
    // target elsewhere.
    if same_host {
        for (k, v) in &req.headers {
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| FetchError::Other(format!("invalid header name {k:?}")))?;
            let mut value = HeaderValue::from_str(v)
                .map_err(|_| FetchError::Other(format!("invalid value for header {k:?}")))?;
            value.set_sensitive(crate::config::is_sensitive_header(k));
            headers.insert(name, value);
        }
        match &req.auth {
            Some(ResolvedAuth::Basic { username, password }) => {
                let raw = format!("{username}:{}", password.expose());
                let mut v = HeaderValue::from_str(&format!("Basic {}", base64(raw.as_bytes())))
                    .map_err(|_| FetchError::Other("credentials are not a valid header".into()))?;
                v.set_sensitive(true);
                headers.insert(header::AUTHORIZATION, v);
            }
            Some(ResolvedAuth::Bearer { token }) => {
                let mut v = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| FetchError::Other("token is not a valid header".into()))?;
                v.set_sensitive(true);
                headers.insert(header::AUTHORIZATION, v);
            }
            None => {}
        }
    }
    Ok(headers)
}

fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

fn map_reqwest(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else {
        // The chain holds the useful part (connection refused, DNS, TLS).
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            source = s.source();
        }
        FetchError::Other(crate::config::redact_url(&msg))
    }
}

/// Reads the body, stopping as soon as it passes `max` bytes.
async fn read_capped(mut resp: reqwest::Response, max: u64) -> Result<Bytes, FetchError> {
    if resp.content_length().is_some_and(|n| n > max) {
        return Err(FetchError::TooLarge(max));
    }
    let mut buf = BytesMut::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if buf.len() as u64 + chunk.len() as u64 > max {
                    return Err(FetchError::TooLarge(max));
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(buf.freeze()),
            Err(e) if e.is_timeout() => return Err(FetchError::Timeout),
            Err(e) => {
                return Err(FetchError::Other(format!(
                    "reading the body failed: {}",
                    map_reqwest(e)
                )))
            }
        }
    }
}

/// file:// URLs: size and modification time act as validators, so an unchanged file is a 304.
async fn fetch_file(url: &Url, req: &FetchRequest, max: u64) -> Result<FetchResponse, FetchError> {
    let path = url
        .to_file_path()
        .map_err(|_| FetchError::Other(format!("{url} is not a local file path")))?;
    let meta = tokio::fs::metadata(&path)
        .await
        .map_err(|e| FetchError::Other(format!("{}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(FetchError::Other(format!(
            "{} is not a file",
            path.display()
        )));
    }
    if meta.len() > max {
        return Err(FetchError::TooLarge(max));
    }
    let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let nanos = mtime
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let etag = format!("\"{:x}-{:x}\"", meta.len(), nanos);
    let last_modified = httpdate::fmt_http_date(mtime);
    let base = FetchResponse {
        status: 200,
        final_url: url.to_string(),
        redirects: Vec::new(),
        etag: Some(etag.clone()),
        last_modified: Some(last_modified),
        content_type: None,
        content_location: None,
        retry_after: None,
        max_age: None,
        body: Bytes::new(),
    };
    if req.etag.as_deref() == Some(etag.as_str()) {
        return Ok(FetchResponse {
            status: 304,
            ..base
        });
    }
    let body = tokio::fs::read(&path)
        .await
        .map_err(|e| FetchError::Other(format!("{}: {e}", path.display())))?;
    if body.len() as u64 > max {
        return Err(FetchError::TooLarge(max));
    }
    Ok(FetchResponse {
        body: Bytes::from(body),
        ..base
    })
}

/// `Retry-After: 120` or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// `max-age=N` of a Cache-Control header (`no-cache`/`no-store` give nothing).
pub fn parse_max_age(v: &str) -> Option<Duration> {
    v.split(',').find_map(|d| {
        let (k, val) = d.trim().split_once('=')?;
        let k = k.trim().to_ascii_lowercase();
        (k == "max-age" || k == "s-maxage")
            .then(|| val.trim().trim_matches('"').parse::<u64>().ok())
            .flatten()
            .map(Duration::from_secs)
    })
}

fn expires_minus_date(expires: Option<String>, date: Option<String>) -> Option<Duration> {
    let e = httpdate::parse_http_date(&expires?).ok()?;
    let d = date
        .and_then(|d| httpdate::parse_http_date(&d).ok())
        .unwrap_or_else(SystemTime::now);
    e.duration_since(d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_helpers() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(
            parse_max_age("public, max-age=600"),
            Some(Duration::from_secs(600))
        );
        assert_eq!(parse_max_age("no-cache"), None);
        assert_eq!(base64(b"user:pa ss"), "dXNlcjpwYSBzcw==");
        assert_eq!(base64(b"ab"), "YWI=");
    }
}
