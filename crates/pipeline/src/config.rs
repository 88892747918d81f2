//! The configuration file: TOML, environment overrides, unknown keys refused.
//!
//! A config names the bus, the feeds (inline or in a separate feeds file), fetch settings, and
//! the sinks. Every key can be overridden from the environment as
//! `NEWSWIRE_<SECTION>__<KEY>` (double underscore between levels, e.g.
//! `NEWSWIRE_SINKS__JSONL__DIR=/srv/out` or `NEWSWIRE_BUS__CAPACITY=4096`); values are read as
//! TOML scalars (numbers, booleans) and otherwise as strings.
//!
//! Relative paths (`poll.state_dir`, `sinks.jsonl.dir`) are relative to the working directory;
//! `poll.feeds_file` is relative to the config file, and a feed URL `file://relative/path` is
//! relative to the file that lists the feed.

use std::fmt;
use std::path::{Path, PathBuf};

use newswire_feeds::{FeedConfig, FetchConfig};
use newswire_sinks::JsonlConfig;
use serde::Deserialize;

/// The whole configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    /// `[bus]`: how records move between stages.
    pub bus: BusConfig,
    #[serde(default)]
    /// `[fetch]`: how feeds are fetched (politeness, timeouts, limits, dedup).
    pub fetch: FetchConfig,
    #[serde(default)]
    /// `[poll]`: where the poller keeps its state and finds its feeds.
    pub poll: PollConfig,
    /// Feeds listed inline; more may come from `poll.feeds_file`.
    #[serde(default)]
    pub feeds: Vec<FeedConfig>,
    #[serde(default)]
    /// `[sinks]`: where enriched articles go.
    pub sinks: SinksConfig,
    #[serde(default)]
    /// `[log]`: the log format.
    pub log: LogConfig,
    #[serde(default)]
    /// `[metrics]`: label choices of the exported metrics.
    pub metrics: MetricsConfig,
    #[serde(default)]
    /// `[shutdown]`: the drain deadline.
    pub shutdown: ShutdownConfig,
    /// `[kafka]`: brokers, groups, topic creation, pass-through client settings.
    #[serde(default)]
    pub kafka: crate::kafka::KafkaConfig,
    /// `[enrich]`: how many threads enrich.
    #[serde(default)]
    pub enrich: EnrichConfig,
}

/// `[enrich]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EnrichConfig {
    /// Threads that enrich articles; 0 (the default): one per core. `--workers` wins.
    pub workers: usize,
}

/// `[metrics]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Label feed fetch counters by feed id; turn off with very many feeds.
    pub per_feed: bool,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig { per_feed: true }
    }
}

/// `[shutdown]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShutdownConfig {
    /// How long draining may take after SIGTERM before the process exits anyway.
    pub deadline_secs: u64,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        ShutdownConfig { deadline_secs: 30 }
    }
}

/// `[bus]`: how records move between stages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BusConfig {
    /// `memory`: all stages in one process over bounded channels.
    pub kind: BusKind,
    /// Records that may wait between two stages before the producer slows down.
    pub capacity: usize,
}

impl Default for BusConfig {
    fn default() -> Self {
        BusConfig {
            kind: BusKind::Memory,
            capacity: 1024,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
/// `bus.kind`: which transport the stages of `newswire run` use.
pub enum BusKind {
    /// Every stage in one process over bounded in-memory channels.
    Memory,
    /// Every stage over Kafka (`[kafka]`), in this process or as separate services.
    Kafka,
}

impl BusKind {
    /// The name as written in the config.
    pub fn name(self) -> &'static str {
        match self {
            BusKind::Memory => "memory",
            BusKind::Kafka => "kafka",
        }
    }
}

/// `[poll]`: where the poller keeps its state and finds its feeds.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "PollSection")]
pub struct PollConfig {
    /// Where `newswire poll` keeps feed state: `kafka` (the compacted topic
    /// `newswire.feeds.state.v1`) or `dir` (`state_dir`). Unset: `dir` when `state_dir` is set,
    /// else `kafka`. `newswire run` always uses `state_dir`.
    pub state: Option<StateKind>,
    /// Per-feed state (validators, seen ids) survives restarts here.
    pub state_dir: PathBuf,
    /// Whether `state_dir` was set (in the file or the environment), not defaulted.
    pub state_dir_set: bool,
    /// A TOML file with `[[feeds]]` entries, relative to the config file.
    pub feeds_file: Option<PathBuf>,
}

/// `poll.state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateKind {
    /// The compacted topic `newswire.feeds.state.v1`.
    Kafka,
    /// The directory `poll.state_dir`.
    Dir,
}

/// `[poll]` as written, so an explicit `state_dir` can be told from the default.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct PollSection {
    state: Option<StateKind>,
    state_dir: Option<PathBuf>,
    feeds_file: Option<PathBuf>,
}

impl From<PollSection> for PollConfig {
    fn from(section: PollSection) -> Self {
        PollConfig {
            state: section.state,
            state_dir_set: section.state_dir.is_some(),
            state_dir: section
                .state_dir
                .unwrap_or_else(|| PollConfig::default().state_dir),
            feeds_file: section.feeds_file,
        }
    }
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            state: None,
            state_dir: PathBuf::from("data/state"),
            state_dir_set: false,
            feeds_file: None,
        }
    }
}

/// `[sinks]`: where enriched articles go. At least one must be enabled.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinksConfig {
    /// `[sinks.jsonl]`: append JSON Lines files in a directory.
    pub jsonl: Option<JsonlConfig>,
    /// Also print every enriched article as a JSON line on stdout.
    #[serde(default)]
    pub stdout: bool,
    /// Upsert enriched articles into PostgreSQL tables (docs/querying.md).
    pub postgres: Option<newswire_sinks::postgres::PostgresConfig>,
}

/// `[log]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `human` (default) or `json`; `--log-format` wins.
    pub format: Option<LogFormat>,
    /// How often a service logs its progress line (records in/out/errors per stage, lag);
    /// 0 turns it off.
    pub progress_secs: u64,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: None,
            progress_secs: 60,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
/// How log lines on stderr look.
pub enum LogFormat {
    /// Human-readable lines.
    Human,
    /// One JSON object per line.
    Json,
}

/// A config that cannot be used, with the file, the key and the reason.
#[derive(Debug)]
pub struct ConfigError {
    /// The config file (or the feeds file it names).
    pub file: PathBuf,
    /// `line:column` when known.
    pub position: Option<(usize, usize)>,
    /// Dotted path of the offending key, when known.
    pub key: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn new(file: &Path, key: Option<String>, reason: impl Into<String>) -> Self {
        ConfigError {
            file: file.to_path_buf(),
            position: None,
            key,
            reason: reason.into(),
        }
    }
}

/// `[[feeds]]` in a separate feeds file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedsFile {
    #[serde(default)]
    feeds: Vec<FeedConfig>,
}

impl Config {
    /// Reads, overrides from the process environment, and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Self::load_with_env(path, std::env::vars())
    }

    /// As [`Config::load`], with the environment given explicitly (for tests).
    pub fn load_with_env(
        path: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        // An empty path: the built-in defaults (with the environment's overrides).
        let text = if path.as_os_str().is_empty() {
            String::new()
        } else {
            std::fs::read_to_string(path)
                .map_err(|e| ConfigError::new(path, None, format!("cannot read: {e}")))?
        };
        let overrides = env_overrides(env);
        let mut config: Config = if overrides.is_empty() {
            parse_toml(path, &text)?
        } else {
            let mut value: toml::Table =
                toml::from_str(&text).map_err(|e| toml_error(path, &text, e, None))?;
            for (key, raw) in &overrides {
                apply_override(&mut value, key, raw)
                    .map_err(|reason| ConfigError::new(path, Some(key.join(".")), reason))?;
            }
            let env_names: Vec<String> = overrides
                .iter()
                .map(|(k, _)| format!("NEWSWIRE_{}", k.join("__").to_uppercase()))
                .collect();
            serde_path_to_error::deserialize(toml::Value::Table(value)).map_err(|e| {
                let key = e.path().to_string();
                ConfigError::new(
                    path,
                    Some(key),
                    format!(
                        "{} (after environment overrides {})",
                        e.inner().message().lines().next().unwrap_or("").trim(),
                        env_names.join(", ")
                    ),
                )
            })?
        };
        let base = path.parent().unwrap_or(Path::new("."));
        resolve_feed_urls(&mut config.feeds, base);
        validate_feeds(path, &text, &config.feeds)?;
        if let Some(feeds_file) = config.poll.feeds_file.clone() {
            let feeds_path = base.join(feeds_file);
            let feeds_text = std::fs::read_to_string(&feeds_path).map_err(|e| {
                ConfigError::new(
                    path,
                    Some("poll.feeds_file".into()),
                    format!("cannot read {}: {e}", feeds_path.display()),
                )
            })?;
            let mut listed: FeedsFile = parse_toml(&feeds_path, &feeds_text)?;
            resolve_feed_urls(
                &mut listed.feeds,
                feeds_path.parent().unwrap_or(Path::new(".")),
            );
            validate_feeds(&feeds_path, &feeds_text, &listed.feeds)?;
            config.feeds.extend(listed.feeds);
        }
        config
            .fetch
            .validate()
            .map_err(|e| feeds_error(path, &text, e))?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        if self.bus.capacity == 0 {
            return Err(ConfigError::new(
                path,
                Some("bus.capacity".into()),
                "must be at least 1",
            ));
        }
        if let Some(pg) = &self.sinks.postgres {
            pg.validate().map_err(|e| {
                ConfigError::new(path, Some("sinks.postgres".into()), e.to_string())
            })?;
        }
        if self.shutdown.deadline_secs == 0 {
            return Err(ConfigError::new(
                path,
                Some("shutdown.deadline_secs".into()),
                "must be at least 1",
            ));
        }
        if let Some((key, reason)) = self.kafka.problems().into_iter().next() {
            return Err(ConfigError::new(path, Some(key), reason));
        }
        // Kafka services each use a part of the config: a poller needs no sink.
        let no_sink =
            self.sinks.jsonl.is_none() && !self.sinks.stdout && self.sinks.postgres.is_none();
        if self.bus.kind == BusKind::Memory && no_sink {
            return Err(ConfigError::new(
                path,
                Some("sinks".into()),
                "no sink enabled: add [sinks.jsonl] or [sinks.postgres], or set sinks.stdout = true",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, feed) in self.feeds.iter().enumerate() {
            if !seen.insert(feed.feed_id()) {
                return Err(ConfigError::new(
                    path,
                    Some(format!("feeds[{i}].id")),
                    format!("feed id `{}` is used twice", feed.feed_id()),
                ));
            }
        }
        Ok(())
    }
}

/// The feeds' own validator (the one the poller applies), with the file and line of the
/// field it refuses; `feeds` are the feeds listed in `text`, in order.
fn validate_feeds(path: &Path, text: &str, feeds: &[FeedConfig]) -> Result<(), ConfigError> {
    for (i, feed) in feeds.iter().enumerate() {
        feed.validate(i).map_err(|e| feeds_error(path, text, e))?;
    }
    Ok(())
}

/// A refusal of the feeds crate, located in `text` when its field names a key there.
fn feeds_error(path: &Path, text: &str, err: newswire_feeds::FeedsError) -> ConfigError {
    match err {
        newswire_feeds::FeedsError::Config { field, reason } => ConfigError {
            file: path.to_path_buf(),
            position: position_of(text, &field),
            key: Some(field),
            reason,
        },
        other => ConfigError::new(path, None, other.to_string()),
    }
}

/// Line and column of the dotted key `field` (`feeds[2].url`, `fetch.user_agent`) in `text`,
/// or of the nearest enclosing table that is there.
fn position_of(text: &str, field: &str) -> Option<(usize, usize)> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let mut item = doc.as_item();
    let mut span = None;
    for part in field.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let Some(next) = item.get(name) else { break };
        item = next;
        span = item.span().or(span);
        if let Some(i) = index {
            let Some(next) = item.get(i) else { break };
            item = next;
            span = item.span().or(span);
        }
    }
    span.map(|s| line_col(text, s.start))
}

/// Deserialises TOML text, reporting line, column and the dotted key path on error.
fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, ConfigError> {
    let deserializer = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let key = e.path().to_string();
        let key = (key != ".").then_some(key);
        toml_error(path, text, e.into_inner(), key)
    })
}

fn toml_error(path: &Path, text: &str, err: toml::de::Error, key: Option<String>) -> ConfigError {
    let position = err.span().map(|span| line_col(text, span.start));
    ConfigError {
        file: path.to_path_buf(),
        position,
        key,
        reason: err.message().to_string(),
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// `NEWSWIRE_A__B=v` becomes (["a", "b"], "v"). Variables without `__` are command-line
/// equivalents (`NEWSWIRE_HTTP`, ...) and are not config keys.
fn env_overrides(env: impl IntoIterator<Item = (String, String)>) -> Vec<(Vec<String>, String)> {
    let mut out: Vec<_> = env
        .into_iter()
        .filter_map(|(name, value)| {
            let rest = name.strip_prefix("NEWSWIRE_")?;
            rest.contains("__").then(|| {
                (
                    rest.split("__")
                        .map(|p| p.to_ascii_lowercase())
                        .collect::<Vec<_>>(),
                    value,
                )
            })
        })
        .collect();
    out.sort();
    out
}

fn apply_override(table: &mut toml::Table, key: &[String], raw: &str) -> Result<(), String> {
    let (last, parents) = key.split_last().ok_or("empty key")?;
    let mut current = table;
    for part in parents {
        let entry = current
            .entry(part.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = entry
            .as_table_mut()
            .ok_or_else(|| format!("`{part}` is not a table, cannot override a key inside it"))?;
    }
    current.insert(last.clone(), scalar(raw));
    Ok(())
}

/// A TOML scalar when the text is one (`42`, `true`, `1.5`), else a string.
fn scalar(raw: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .filter(|v| !v.is_table())
        .unwrap_or_else(|| toml::Value::String(raw.to_string()))
}

/// `file://relative/path` becomes an absolute `file:///...` URL against `base`.
fn resolve_feed_urls(feeds: &mut [FeedConfig], base: &Path) {
    for feed in feeds {
        if let Some(rest) = feed.url.strip_prefix("file://") {
            if !rest.starts_with('/') {
                let absolute =
                    std::path::absolute(base.join(rest)).unwrap_or_else(|_| base.join(rest));
                feed.url = format!("file://{}", absolute.display());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn misspelt_key_is_refused_with_file_line_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "c.toml",
            "[sinks]\nstdout = true\n\n[bus]\ncapacty = 3\n",
        );
        let err = Config::load_with_env(&path, []).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("c.toml:5:1"), "{text}");
        assert!(text.contains("capacty"), "{text}");
        assert_eq!(err.key.as_deref(), Some("bus.capacty"));
    }

    #[test]
    fn environment_overrides_keys_and_is_validated() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "c.toml", "[sinks]\nstdout = true\n");
        let env = [("NEWSWIRE_BUS__CAPACITY".to_string(), "7".to_string())];
        assert_eq!(Config::load_with_env(&path, env).unwrap().bus.capacity, 7);
        let env = [("NEWSWIRE_BUS__CAPACITY".to_string(), "0".to_string())];
        let err = Config::load_with_env(&path, env).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("bus.capacity"));
        let env = [("NEWSWIRE_BUS__COLOUR".to_string(), "red".to_string())];
        let err = Config::load_with_env(&path, env).unwrap_err().to_string();
        assert!(
            err.contains("colour") && err.contains("NEWSWIRE_BUS__COLOUR"),
            "{err}"
        );
    }

    #[test]
    fn feeds_file_and_relative_file_urls_resolve_against_their_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("conf")).unwrap();
        write(
            dir.path(),
            "conf/feeds.toml",
            "[[feeds]]\nid = \"a\"\nurl = \"file://../f/a.xml\"\n",
        );
        let path = write(
            dir.path(),
            "conf/c.toml",
            "[poll]\nfeeds_file = \"feeds.toml\"\n[sinks]\nstdout = true\n",
        );
        let config = Config::load_with_env(&path, []).unwrap();
        assert_eq!(config.feeds.len(), 1);
        let url = &config.feeds[0].url;
        assert!(
            url.starts_with("file:///") && url.ends_with("conf/../f/a.xml"),
            "{url}"
        );
    }

    #[test]
    fn poll_state_setting_and_an_explicit_state_dir_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "c.toml", "[sinks]\nstdout = true\n");
        let poll = Config::load_with_env(&path, []).unwrap().poll;
        assert!(!poll.state_dir_set && poll.state.is_none());
        assert_eq!(poll.state_dir, PathBuf::from("data/state"));
        let env = [("NEWSWIRE_POLL__STATE_DIR".to_string(), "/s".to_string())];
        let poll = Config::load_with_env(&path, env).unwrap().poll;
        assert!(poll.state_dir_set);
        assert_eq!(poll.state_dir, PathBuf::from("/s"));
        let path = write(
            dir.path(),
            "k.toml",
            "[poll]\nstate = \"kafka\"\n[sinks]\nstdout = true\n",
        );
        let poll = Config::load_with_env(&path, []).unwrap().poll;
        assert_eq!(poll.state, Some(StateKind::Kafka));
        let path = write(
            dir.path(),
            "bad.toml",
            "[sinks]\nstdout = true\n[poll]\nstate = \"volume\"\n",
        );
        let err = Config::load_with_env(&path, []).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("poll.state"), "{err}");
        assert!(err.to_string().contains("volume"), "{err}");
    }

    #[test]
    fn a_feed_the_poller_would_refuse_is_refused_with_its_file_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "feeds.toml",
            "[[feeds]]\nurl = \"https://a.example/rss\"\n\n[[feeds]]\nid = \"b\"\nurl = \"ftp://b.example/rss\"\n",
        );
        let path = write(
            dir.path(),
            "c.toml",
            "[poll]\nfeeds_file = \"feeds.toml\"\n[sinks]\nstdout = true\n",
        );
        let err = Config::load_with_env(&path, []).unwrap_err();
        assert!(err.file.ends_with("feeds.toml"), "{err}");
        assert_eq!(err.position, Some((6, 7)), "{err}");
        assert_eq!(err.key.as_deref(), Some("feeds[1].url"));
        assert!(err.reason.contains("ftp"), "{err}");
        // The same validator the poller applies, so `run` and `config check` agree.
        let feed = FeedConfig::new("ftp://b.example/rss");
        assert!(feed.validate(1).is_err());
        let inline = write(
            dir.path(),
            "i.toml",
            "[sinks]\nstdout = true\n[fetch]\nuser_agent = \"\"\n",
        );
        let err = Config::load_with_env(&inline, []).unwrap_err();
        assert_eq!(
            (err.position, err.key.as_deref()),
            (Some((4, 14)), Some("fetch.user_agent")),
            "{err}"
        );
    }

    #[test]
    fn no_sink_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "c.toml", "[bus]\ncapacity = 2\n");
        let err = Config::load_with_env(&path, []).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("sinks"));
    }
}
