//! Configuration of the PostgreSQL sink.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;

use super::error::PostgresError;

/// Configuration of the PostgreSQL sink (`[sinks.postgres]` in the config file).
///
/// Every field but `url` has a default. Unknown keys are refused; [`PostgresConfig::validate`]
/// names the field of any bad value.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PostgresConfig {
    /// Connection string: a URL (`postgres://user:password@host:5432/db?sslmode=disable`) or
    /// libpq key=value pairs (`host=... dbname=...`). TLS is not supported yet: use
    /// `sslmode=disable` or `prefer` (the default, which falls back to plain TCP).
    pub url: String,
    /// `statement_timeout` of every statement the sink runs, in milliseconds. 0 disables it.
    #[serde(default = "default_statement_timeout_ms")]
    pub statement_timeout_ms: u64,
    /// Timeout of one connection attempt, in milliseconds.
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// How many times a failed connect or batch is retried after a transient error (lost
    /// connection, server restart, serialization failure, timeout) before giving up.
    /// 0 retries forever.
    #[serde(default = "default_retry_max_attempts")]
    pub retry_max_attempts: u32,
    /// Wait before the first retry, in milliseconds; doubled after each failure.
    #[serde(default = "default_retry_initial_backoff_ms")]
    pub retry_initial_backoff_ms: u64,
    /// Longest wait between two retries, in milliseconds.
    #[serde(default = "default_retry_max_backoff_ms")]
    pub retry_max_backoff_ms: u64,
    /// Most articles the caller should hand to one `write_batch` call (one transaction).
    /// A larger slice is still written, in one transaction.
    #[serde(default = "default_batch_size")]
    pub batch_size: usize,
    /// Only check that the database has every migration this binary embeds, and refuse to
    /// start when it is behind, instead of applying them.
    #[serde(default)]
    pub check_only_migrations: bool,
    /// `application_name` of the sink's sessions, as `pg_stat_activity` shows it.
    #[serde(default = "default_application_name")]
    pub application_name: String,
}

fn default_statement_timeout_ms() -> u64 {
    30_000
}
fn default_connect_timeout_ms() -> u64 {
    10_000
}
fn default_retry_max_attempts() -> u32 {
    10
}
fn default_retry_initial_backoff_ms() -> u64 {
    200
}
fn default_retry_max_backoff_ms() -> u64 {
    10_000
}
fn default_batch_size() -> usize {
    500
}
fn default_application_name() -> String {
    "newswire-sink".to_string()
}

impl PostgresConfig {
    /// A configuration with every default and the given connection string.
    pub fn new(url: impl Into<String>) -> Self {
        PostgresConfig {
            url: url.into(),
            statement_timeout_ms: default_statement_timeout_ms(),
            connect_timeout_ms: default_connect_timeout_ms(),
            retry_max_attempts: default_retry_max_attempts(),
            retry_initial_backoff_ms: default_retry_initial_backoff_ms(),
            retry_max_backoff_ms: default_retry_max_backoff_ms(),
            batch_size: default_batch_size(),
            check_only_migrations: false,
            application_name: default_application_name(),
        }
    }

    /// Checks every value; the error names the key (`sinks.postgres.url`, ...).
    pub fn validate(&self) -> Result<(), PostgresError> {
        self.connection_config().map(|_| ())?;
        if self.connect_timeout_ms == 0 {
            return Err(config_error(
                "connect_timeout_ms",
                "must be at least 1 millisecond",
            ));
        }
        if self.batch_size == 0 {
            return Err(config_error("batch_size", "must be at least 1"));
        }
        if self.retry_initial_backoff_ms == 0 {
            return Err(config_error(
                "retry_initial_backoff_ms",
                "must be at least 1 millisecond",
            ));
        }
        if self.retry_max_backoff_ms < self.retry_initial_backoff_ms {
            return Err(config_error(
                "retry_max_backoff_ms",
                "must not be smaller than retry_initial_backoff_ms",
            ));
        }
        if self.statement_timeout_ms > i32::MAX as u64 {
            return Err(config_error(
                "statement_timeout_ms",
                "must fit PostgreSQL's limit of 2147483647 milliseconds",
            ));
        }
        if self.application_name.len() > 63 || self.application_name.contains('\0') {
            return Err(config_error(
                "application_name",
                "must be at most 63 bytes without NUL characters",
            ));
        }
        Ok(())
    }

    /// The parsed connection string with the sink's session settings applied.
    pub(crate) fn connection_config(&self) -> Result<tokio_postgres::Config, PostgresError> {
        if self.url.trim().is_empty() {
            return Err(config_error("url", "is empty"));
        }
        let mut cfg = tokio_postgres::Config::from_str(&self.url).map_err(|e| {
            config_error(
                "url",
                &format!("is not a PostgreSQL connection string: {e}"),
            )
        })?;
        if cfg.get_hosts().is_empty() {
            return Err(config_error("url", "names no host"));
        }
        if cfg.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
            return Err(config_error(
                "url",
                "asks for sslmode=require, but this build of newswire has no TLS for PostgreSQL",
            ));
        }
        if cfg.get_user().is_none() {
            return Err(config_error("url", "names no user"));
        }
        cfg.application_name(&self.application_name);
        cfg.connect_timeout(self.connect_timeout());
        cfg.keepalives(true);
        cfg.keepalives_idle(Duration::from_secs(30));
        Ok(cfg)
    }

    pub(crate) fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms.max(1))
    }

    /// The connection target without the password, e.g. `postgres://newswire@db:5432/newswire`.
    pub fn describe(&self) -> String {
        match self.connection_config() {
            Ok(cfg) => describe_config(&cfg),
            Err(_) => "postgres://(invalid url)".to_string(),
        }
    }
}

impl fmt::Debug for PostgresConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresConfig")
            .field("url", &self.describe())
            .field("statement_timeout_ms", &self.statement_timeout_ms)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("retry_max_attempts", &self.retry_max_attempts)
            .field("retry_initial_backoff_ms", &self.retry_initial_backoff_ms)
            .field("retry_max_backoff_ms", &self.retry_max_backoff_ms)
            .field("batch_size", &self.batch_size)
            .field("check_only_migrations", &self.check_only_migrations)
            .field("application_name", &self.application_name)
            .finish()
    }
}

fn config_error(field: &'static str, reason: &str) -> PostgresError {
    PostgresError::Config {
        field,
        reason: reason.to_string(),
    }
}

/// `postgres://user@host:port/db` from a parsed config, never with the password.
pub(crate) fn describe_config(cfg: &tokio_postgres::Config) -> String {
    use tokio_postgres::config::Host;
    let user = cfg.get_user().unwrap_or("");
    let ports = cfg.get_ports();
    let hosts: Vec<String> = cfg
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let host = match h {
                Host::Tcp(name) => {
                    if name.contains(':') {
                        format!("[{name}]")
                    } else {
                        name.clone()
                    }
                }
                #[cfg(unix)]
                Host::Unix(path) => path.display().to_string(),
            };
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            format!("{host}:{port}")
        })
        .collect();
    let db = cfg.get_dbname().unwrap_or(user);
    let at = if user.is_empty() { "" } else { "@" };
    format!("postgres://{user}{at}{}/{db}", hosts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_never_shows_the_password() {
        let cfg = PostgresConfig::new("postgres://newswire:s3cret@db.example:6543/news");
        assert_eq!(cfg.describe(), "postgres://newswire@db.example:6543/news");
        assert!(!format!("{cfg:?}").contains("s3cret"));
        let kv = PostgresConfig::new("host=localhost user=u password=s3cret dbname=d");
        assert_eq!(kv.describe(), "postgres://u@localhost:5432/d");
    }

    #[test]
    fn bad_values_name_their_field() {
        let cases: Vec<(PostgresConfig, &str)> = vec![
            (PostgresConfig::new(""), "url"),
            (PostgresConfig::new("mysql://x"), "url"),
            (
                PostgresConfig::new("postgres://u@h/d?sslmode=require"),
                "url",
            ),
            (
                PostgresConfig {
                    batch_size: 0,
                    ..PostgresConfig::new("postgres://u@h/d")
                },
                "batch_size",
            ),
            (
                PostgresConfig {
                    retry_max_backoff_ms: 1,
                    ..PostgresConfig::new("postgres://u@h/d")
                },
                "retry_max_backoff_ms",
            ),
            (
                PostgresConfig {
                    statement_timeout_ms: u64::MAX,
                    ..PostgresConfig::new("postgres://u@h/d")
                },
                "statement_timeout_ms",
            ),
        ];
        for (cfg, field) in cases {
            let err = cfg.validate().expect_err(field);
            assert!(
                err.to_string().contains(&format!("sinks.postgres.{field}")),
                "{err} should name {field}"
            );
        }
        PostgresConfig::new("postgres://u@h/d").validate().unwrap();
    }
}
