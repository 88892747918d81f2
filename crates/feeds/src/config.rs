//! Configuration of fetching and of each feed, as embedded in the binary's TOML config.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::FeedsError;

/// How the poller fetches: identity, timeouts, limits and scheduling bounds.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// Product token of the User-Agent header.
    pub user_agent: String,
    /// Where a server operator can reach us; appended to the User-Agent as `(+URL)`.
    pub contact_url: Option<String>,
    /// Time allowed to open a connection, so an unreachable host fails fast.
    pub connect_timeout_secs: u64,
    /// Whole request, body included.
    pub timeout_secs: u64,
    /// Largest body accepted, enforced while streaming (after decompression, so a gzip bomb
    /// stops here too).
    pub max_body_bytes: u64,
    /// At most this many entries of one feed are handed out per poll (the newest by date); a
    /// feed with 100,000 entries is bounded here. At most `seen_max_per_feed`, or forgotten ids
    /// would come back as new.
    pub max_entries_per_poll: usize,
    /// An article body longer than this is cut (at a paragraph or word break): bounds memory
    /// and keeps records well under a broker's 1 MB message limit.
    pub max_article_bytes: usize,
    /// Requests in flight to one host at once.
    pub per_host_concurrency: usize,
    /// Requests started per second to one host.
    pub per_host_rate_per_sec: f64,
    /// Requests in flight in total.
    pub max_concurrency: usize,
    /// Default polling interval of a feed without its own.
    pub default_interval_secs: u64,
    /// The adaptive interval never goes below this...
    pub min_interval_secs: u64,
    /// ...nor above this.
    pub max_interval_secs: u64,
    /// Backoff after failures grows up to this.
    pub max_backoff_secs: u64,
    /// A feed that has failed this many times in a row is dead: it is re-probed only every
    /// `dead_probe_interval_secs`.
    pub dead_after_failures: u32,
    /// How often a dead feed is re-probed, in case it came back.
    pub dead_probe_interval_secs: u64,
    /// Fraction of the interval added or removed at random (0.1 = ±10%).
    pub jitter: f64,
    /// Fetch without validators every N hours, for servers that answer 304 wrongly (0 = never).
    pub force_full_fetch_hours: u64,
    /// A 301/308 moves the feed after it has been seen this many times...
    pub redirect_min_sightings: u32,
    /// ...over at least this many hours.
    pub redirect_min_hours: u64,
    /// How long delivered ids are remembered.
    pub seen_ttl_days: u64,
    /// At most this many remembered ids per feed (oldest forgotten first).
    pub seen_max_per_feed: usize,
    /// Near-duplicate window across all feeds.
    pub near_dup_window_hours: u64,
    /// SimHash (64-bit) Hamming distance at or under which two texts are near-duplicates.
    /// Unrelated texts sit around 32; one inserted word in a 60-word story moves about 4.
    pub near_dup_max_distance: u32,
    /// At most this many recent articles in the near-duplicate index (the oldest go first when
    /// the window holds more): bounds the poller's memory and the saved index at high rates.
    pub near_dup_max_entries: usize,
    /// A paragraph seen in this many distinct articles of one feed is learnt as clutter.
    pub clutter_min_articles: u32,
    /// Dates further than this in the future are clamped to the fetch time.
    pub future_tolerance_secs: i64,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: format!("newswire/{}", env!("CARGO_PKG_VERSION")),
            contact_url: None,
            connect_timeout_secs: 10,
            timeout_secs: 30,
            max_body_bytes: 10 * 1024 * 1024,
            max_entries_per_poll: 1000,
            max_article_bytes: 256 * 1024,
            per_host_concurrency: 2,
            per_host_rate_per_sec: 1.0,
            max_concurrency: 64,
            default_interval_secs: 900,
            min_interval_secs: 300,
            max_interval_secs: 6 * 3600,
            max_backoff_secs: 24 * 3600,
            dead_after_failures: 10,
            dead_probe_interval_secs: 24 * 3600,
            jitter: 0.1,
            force_full_fetch_hours: 24,
            redirect_min_sightings: 3,
            redirect_min_hours: 24,
            seen_ttl_days: 30,
            seen_max_per_feed: 5000,
            near_dup_window_hours: 72,
            near_dup_max_distance: 6,
            near_dup_max_entries: 200_000,
            clutter_min_articles: 3,
            future_tolerance_secs: 600,
        }
    }
}

impl FetchConfig {
    /// The User-Agent header: product token plus contact URL.
    pub fn user_agent_header(&self) -> String {
        match &self.contact_url {
            Some(c) if !c.trim().is_empty() => format!("{} (+{})", self.user_agent, c.trim()),
            _ => self.user_agent.clone(),
        }
    }

    /// Refuses settings that cannot work, naming the field.
    pub fn validate(&self) -> Result<(), FeedsError> {
        let bad = |field: &str, why: &str| {
            Err(FeedsError::Config {
                field: format!("fetch.{field}"),
                reason: why.to_string(),
            })
        };
        if self.user_agent.trim().is_empty() {
            return bad("user_agent", "must not be empty");
        }
        if self.user_agent.chars().any(|c| c.is_control()) {
            return bad("user_agent", "must not contain control characters");
        }
        if let Some(c) = &self.contact_url {
            if url::Url::parse(c.trim()).is_err() {
                return bad("contact_url", "is not an absolute URL");
            }
        }
        if self.connect_timeout_secs == 0 {
            return bad("connect_timeout_secs", "must be at least 1");
        }
        if self.timeout_secs == 0 {
            return bad("timeout_secs", "must be at least 1");
        }
        if self.max_body_bytes < 1024 {
            return bad("max_body_bytes", "must be at least 1024");
        }
        if self.max_entries_per_poll == 0 {
            return bad("max_entries_per_poll", "must be at least 1");
        }
        if self.max_entries_per_poll > self.seen_max_per_feed {
            return bad(
                "max_entries_per_poll",
                "must not exceed seen_max_per_feed (forgotten ids would be re-emitted)",
            );
        }
        if self.max_article_bytes < 1024 {
            return bad("max_article_bytes", "must be at least 1024");
        }
        if self.per_host_concurrency == 0 {
            return bad("per_host_concurrency", "must be at least 1");
        }
        if self.max_concurrency == 0 {
            return bad("max_concurrency", "must be at least 1");
        }
        if !(self.per_host_rate_per_sec > 0.0 && self.per_host_rate_per_sec.is_finite()) {
            return bad("per_host_rate_per_sec", "must be a positive number");
        }
        if self.min_interval_secs == 0 {
            return bad("min_interval_secs", "must be at least 1");
        }
        if self.max_interval_secs < self.min_interval_secs {
            return bad("max_interval_secs", "must not be below min_interval_secs");
        }
        if !(0.0..=0.5).contains(&self.jitter) {
            return bad("jitter", "must be between 0 and 0.5");
        }
        if self.seen_max_per_feed == 0 {
            return bad("seen_max_per_feed", "must be at least 1");
        }
        if self.redirect_min_sightings == 0 {
            return bad("redirect_min_sightings", "must be at least 1");
        }
        if self.near_dup_max_entries == 0 {
            return bad("near_dup_max_entries", "must be at least 1");
        }
        if self.near_dup_max_distance > 32 {
            return bad("near_dup_max_distance", "must be at most 32");
        }
        Ok(())
    }
}

/// One feed to poll.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// Stable id; by default derived from the URL.
    #[serde(default)]
    pub id: Option<String>,
    /// Where the feed is fetched from (`http`, `https` or `file`).
    pub url: String,
    /// Polling interval; by default `fetch.default_interval_secs`, adapted within bounds.
    #[serde(default)]
    pub interval_secs: Option<u64>,
    /// Extra request headers. Values are never logged.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Credentials the feed needs, if any; secrets stay outside the config.
    #[serde(default)]
    pub auth: Option<AuthConfig>,
    /// Fetch each article's page and extract its main text.
    #[serde(default)]
    pub full_text: bool,
    /// Allow full-text fetches to private, loopback and link-local addresses.
    #[serde(default)]
    pub allow_private: bool,
    /// Language to assume when detection is unsure (ISO 639-1).
    #[serde(default)]
    pub language: Option<String>,
}

impl FeedConfig {
    /// A feed with just a URL.
    pub fn new(url: impl Into<String>) -> Self {
        FeedConfig {
            url: url.into(),
            ..Default::default()
        }
    }

    /// The configured id, or `host-` plus a short hash of the URL.
    pub fn feed_id(&self) -> String {
        if let Some(id) = self.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            return id.to_string();
        }
        feed_id_for_url(&self.url)
    }

    /// Refuses a feed config that cannot work, naming the field.
    pub fn validate(&self, index: usize) -> Result<(), FeedsError> {
        let field = |f: &str| format!("feeds[{index}].{f}");
        let url = url::Url::parse(self.url.trim()).map_err(|e| FeedsError::Config {
            field: field("url"),
            reason: format!("{:?} is not a URL: {e}", self.url),
        })?;
        if !matches!(url.scheme(), "http" | "https" | "file") {
            return Err(FeedsError::Config {
                field: field("url"),
                reason: format!("scheme {:?} is not http, https or file", url.scheme()),
            });
        }
        if let Some(id) = &self.id {
            if id.trim().is_empty() || id.len() > 200 || id.chars().any(|c| c.is_control()) {
                return Err(FeedsError::Config {
                    field: field("id"),
                    reason: "must be 1..200 printable characters".into(),
                });
            }
        }
        if self.interval_secs == Some(0) {
            return Err(FeedsError::Config {
                field: field("interval_secs"),
                reason: "must be at least 1".into(),
            });
        }
        for (name, value) in &self.headers {
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(FeedsError::Config {
                    field: field(&format!("headers.{name}")),
                    reason: "is not a valid header name".into(),
                });
            }
            if reqwest::header::HeaderValue::from_str(value).is_err() {
                return Err(FeedsError::Config {
                    field: field(&format!("headers.{name}")),
                    reason: "value is not a valid header value".into(),
                });
            }
        }
        if let Some(auth) = &self.auth {
            auth.resolve().map_err(|reason| FeedsError::Config {
                field: field("auth"),
                reason,
            })?;
        }
        Ok(())
    }
}

/// `host-` plus 12 hex digits of SHA-256 of the URL: stable, readable, file-name safe.
pub fn feed_id_for_url(url: &str) -> String {
    use sha2::{Digest, Sha256};
    let host = url::Url::parse(url.trim())
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "local".to_string());
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let digest = Sha256::digest(url.trim().as_bytes());
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("{host}-{hex}")
}

/// Credentials for a feed. Secrets come from the environment or a file, never the config.
#[derive(Clone, Deserialize, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthConfig {
    /// HTTP Basic authentication; exactly one of `password_env` and `password_file` is given.
    Basic {
        /// The account name; non-empty, without `:`.
        username: String,
        /// Environment variable holding the password.
        #[serde(default)]
        password_env: Option<String>,
        /// File holding the password (trailing newline dropped), e.g. a mounted secret.
        #[serde(default)]
        password_file: Option<PathBuf>,
    },
    /// Bearer-token authentication; exactly one of `token_env` and `token_file` is given.
    Bearer {
        /// Environment variable holding the token.
        #[serde(default)]
        token_env: Option<String>,
        /// File holding the token (trailing newline dropped), e.g. a mounted secret.
        #[serde(default)]
        token_file: Option<PathBuf>,
    },
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthConfig::Basic {
                username,
                password_env,
                password_file,
            } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password_env", password_env)
                .field("password_file", password_file)
                .finish(),
            AuthConfig::Bearer {
                token_env,
                token_file,
            } => f
                .debug_struct("Bearer")
                .field("token_env", token_env)
                .field("token_file", token_file)
                .finish(),
        }
    }
}

/// A secret value whose Debug and Display print `***`.
#[derive(Clone, PartialEq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that sends it; never log the result.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Credentials with their secrets read.
#[derive(Debug, Clone, PartialEq)]
pub enum ResolvedAuth {
    /// HTTP Basic, sent as `Authorization: Basic`.
    Basic {
        /// The account name, sent in clear inside the header.
        username: String,
        /// The password read from the environment or a file.
        password: Secret,
    },
    /// A bearer token, sent as `Authorization: Bearer`.
    Bearer {
        /// The token read from the environment or a file.
        token: Secret,
    },
}

fn read_secret(env: &Option<String>, file: &Option<PathBuf>, what: &str) -> Result<Secret, String> {
    match (env, file) {
        (Some(var), None) => std::env::var(var)
            .map(Secret)
            .map_err(|_| format!("{what}: environment variable {var} is not set")),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map(|s| Secret(s.trim_end_matches(['\r', '\n']).to_string()))
            .map_err(|e| format!("{what}: cannot read {}: {e}", path.display())),
        (Some(_), Some(_)) => Err(format!(
            "{what}: give either an env variable or a file, not both"
        )),
        (None, None) => Err(format!("{what}: give an env variable or a file")),
    }
}

impl AuthConfig {
    /// Reads the secret. The error names what is missing, never the secret.
    pub fn resolve(&self) -> Result<ResolvedAuth, String> {
        match self {
            AuthConfig::Basic {
                username,
                password_env,
                password_file,
            } => {
                if username.is_empty() || username.contains(':') {
                    return Err("username must be non-empty and hold no ':'".into());
                }
                Ok(ResolvedAuth::Basic {
                    username: username.clone(),
                    password: read_secret(password_env, password_file, "password")?,
                })
            }
            AuthConfig::Bearer {
                token_env,
                token_file,
            } => {
                let token = read_secret(token_env, token_file, "token")?;
                if reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.0)).is_err() {
                    return Err("token holds characters not allowed in a header".into());
                }
                Ok(ResolvedAuth::Bearer { token })
            }
        }
    }
}

/// Header names whose values are redacted in logs and reports.
pub fn is_sensitive_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "authorization"
        || n == "cookie"
        || n == "proxy-authorization"
        || n.contains("token")
        || n.contains("key")
        || n.contains("secret")
        || n.contains("password")
}

/// A URL with any user:password removed, for logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if !u.username().is_empty() || u.password().is_some() {
                let _ = u.set_username("***");
                let _ = u.set_password(None);
            }
            u.to_string()
        }
        Err(_) => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_id_is_stable_and_named() {
        let f = FeedConfig::new("https://Feeds.Example.com/world.xml");
        assert_eq!(f.feed_id(), f.feed_id());
        assert!(f.feed_id().starts_with("feeds.example.com-"));
        let g = FeedConfig {
            id: Some("reuters-world".into()),
            ..f.clone()
        };
        assert_eq!(g.feed_id(), "reuters-world");
    }

    #[test]
    fn bad_config_names_the_field() {
        let f = FeedConfig::new("ftp://x/y");
        let err = f.validate(2).unwrap_err().to_string();
        assert!(err.contains("feeds[2].url"), "{err}");
        let c = FetchConfig {
            max_interval_secs: 1,
            ..Default::default()
        };
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("fetch.max_interval_secs"));
        let toml_err =
            serde_json::from_str::<FeedConfig>(r#"{"url":"http://a/","intervall_secs":3}"#)
                .unwrap_err()
                .to_string();
        assert!(toml_err.contains("intervall_secs"), "{toml_err}");
    }

    #[test]
    fn hostile_input_bounds_are_validated() {
        let c = FetchConfig {
            max_entries_per_poll: 6000,
            ..Default::default()
        };
        let err = c.validate().unwrap_err().to_string();
        assert!(
            err.contains("fetch.max_entries_per_poll") && err.contains("seen_max_per_feed"),
            "{err}"
        );
        let c = FetchConfig {
            max_article_bytes: 10,
            ..Default::default()
        };
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("fetch.max_article_bytes"), "{err}");
        assert!(FetchConfig::default().validate().is_ok());
    }

    #[test]
    fn secrets_never_printed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tok");
        std::fs::write(&p, "s3cr3t-token\n").unwrap();
        let a = AuthConfig::Bearer {
            token_env: None,
            token_file: Some(p),
        };
        let r = a.resolve().unwrap();
        assert!(!format!("{r:?}").contains("s3cr3t"));
        match r {
            ResolvedAuth::Bearer { token } => assert_eq!(token.expose(), "s3cr3t-token"),
            _ => unreachable!(),
        }
        let missing = AuthConfig::Basic {
            username: "u".into(),
            password_env: Some("NEWSWIRE_TEST_SURELY_UNSET_VAR".into()),
            password_file: None,
        };
        assert!(missing
            .resolve()
            .unwrap_err()
            .contains("NEWSWIRE_TEST_SURELY_UNSET_VAR"));
    }
}
