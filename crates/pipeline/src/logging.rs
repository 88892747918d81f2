//! tracing to stderr: human-readable lines by default (coloured only on a terminal), JSON
//! objects with `--log-format json`, one per line, summaries and errors included.
//! `RUST_LOG` filters as usual (default `info`).

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the stderr subscriber in `format`; a second call keeps the first.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour())
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Human => builder.with_target(false).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
    // A second init (in tests) keeps the first subscriber.
    drop(result);
}

/// Colour only on a terminal, and not when `NO_COLOR` is set (https://no-color.org): logs to
/// a file or a pipe carry no escape codes.
fn colour() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The format the environment asks for: `NEWSWIRE_LOG_FORMAT` (the flag's variable) or
/// `NEWSWIRE_LOG__FORMAT` (the config key's), read before any config file.
pub fn format_from_env() -> Option<LogFormat> {
    ["NEWSWIRE_LOG_FORMAT", "NEWSWIRE_LOG__FORMAT"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find_map(|v| match v.trim().to_ascii_lowercase().as_str() {
            "json" => Some(LogFormat::Json),
            "human" => Some(LogFormat::Human),
            _ => None,
        })
}

/// Lets at most `max` events through per second and counts the rest, so a flood of poison
/// records cannot flood the log: the first event after a suppressed stretch says how many were
/// left out. Metrics still count every event.
pub struct RateLimit {
    max: u32,
    state: std::sync::Mutex<RateState>,
}

struct RateState {
    window_start: Option<std::time::Instant>,
    seen: u32,
    suppressed: u32,
}

/// Whether to log an event, and how many were suppressed before it.
pub enum Verdict {
    /// Log it, saying how many were left out since the last one logged.
    Log {
        /// Events suppressed since the last one logged.
        suppressed_before: u32,
    },
    /// Leave this one out (counted for the next logged one).
    Suppress,
}

impl RateLimit {
    /// At most `max` events per second.
    pub const fn per_second(max: u32) -> Self {
        RateLimit {
            max,
            state: std::sync::Mutex::new(RateState {
                window_start: None,
                seen: 0,
                suppressed: 0,
            }),
        }
    }

    /// Whether the event happening now may be logged.
    pub fn check(&self) -> Verdict {
        let now = std::time::Instant::now();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let expired = state
            .window_start
            .is_none_or(|start| now.duration_since(start) >= std::time::Duration::from_secs(1));
        if expired {
            state.window_start = Some(now);
            state.seen = 0;
        }
        state.seen += 1;
        if state.seen > self.max {
            state.suppressed += 1;
            return Verdict::Suppress;
        }
        let suppressed_before = std::mem::take(&mut state.suppressed);
        Verdict::Log { suppressed_before }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_lets_a_few_through_and_counts_the_rest() {
        let limit = RateLimit::per_second(2);
        assert!(matches!(
            limit.check(),
            Verdict::Log {
                suppressed_before: 0
            }
        ));
        assert!(matches!(
            limit.check(),
            Verdict::Log {
                suppressed_before: 0
            }
        ));
        assert!(matches!(limit.check(), Verdict::Suppress));
        assert!(matches!(limit.check(), Verdict::Suppress));
        limit.state.lock().unwrap().window_start =
            Some(std::time::Instant::now() - std::time::Duration::from_secs(2));
        assert!(matches!(
            limit.check(),
            Verdict::Log {
                suppressed_before: 2
            }
        ));
    }
}
