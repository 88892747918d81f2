//! Why a command could not do its job, in the terms its exit status reports. Code that knows
//! the cause wraps it in a [`Failure`] of a [`FailureKind`]; the binary turns the kind into a
//! sysexits code (`crates/newswire/src/exit.rs`), so the numbers live in one place.

use std::fmt;

/// The classes of failure an operator's tools tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The command line is wrong (a bad flag value, a missing argument).
    Usage,
    /// The input data is bad (an unparseable feed, bad JSON lines).
    Data,
    /// An input file does not exist or cannot be read.
    NoInput,
    /// A dependency cannot be reached: the broker, the database, every feed.
    Unavailable,
    /// An output (a JSON Lines directory) cannot be created.
    CantCreate,
    /// Reading or writing local state failed.
    Io,
    /// Some of the work failed and will succeed on a later run (some feeds, unacknowledged
    /// records, a drain cut short).
    TempFail,
    /// The configuration cannot work.
    Config,
}

/// An error with the class of failure it is.
#[derive(Debug)]
pub struct Failure {
    /// What kind of failure this is.
    pub kind: FailureKind,
    /// What went wrong, naming the file, setting or address concerned.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl Failure {
    /// A failure of `kind` saying `message`.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
        }
    }

    /// A dependency that cannot be reached.
    pub fn unavailable(message: impl Into<String>) -> Failure {
        Failure::new(FailureKind::Unavailable, message)
    }

    /// A configuration that cannot work.
    pub fn config(message: impl Into<String>) -> Failure {
        Failure::new(FailureKind::Config, message)
    }

    /// Work that failed for now and will be retried by a later run.
    pub fn temporary(message: impl Into<String>) -> Failure {
        Failure::new(FailureKind::TempFail, message)
    }
}

/// The kind of the first error in `err`'s chain that says what it is: a [`Failure`], a config
/// error, a bus or sink error; `None` for anything else (an internal error).
pub fn kind_of(err: &anyhow::Error) -> Option<FailureKind> {
    err.chain().find_map(kind_of_one)
}

fn kind_of_one(err: &(dyn std::error::Error + 'static)) -> Option<FailureKind> {
    use newswire_bus::BusError;
    use newswire_feeds::FeedsError;
    use newswire_sinks::postgres::PostgresError;
    if let Some(f) = err.downcast_ref::<Failure>() {
        return Some(f.kind);
    }
    if err.is::<crate::config::ConfigError>() {
        return Some(FailureKind::Config);
    }
    if let Some(e) = err.downcast_ref::<BusError>() {
        return Some(match e {
            BusError::Config(_) => FailureKind::Config,
            _ => FailureKind::Unavailable,
        });
    }
    if let Some(e) = err.downcast_ref::<PostgresError>() {
        return Some(match e {
            PostgresError::Config { .. } => FailureKind::Config,
            _ => FailureKind::Unavailable,
        });
    }
    if let Some(e) = err.downcast_ref::<FeedsError>() {
        return Some(match e {
            FeedsError::Config { .. } | FeedsError::UnknownFeed(_) => FailureKind::Config,
            FeedsError::State { .. } => FailureKind::Io,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_classified_error_in_the_chain_decides() {
        let err = anyhow::Error::new(Failure::unavailable("broker 127.0.0.1:1"))
            .context("cannot start the poll service");
        assert_eq!(kind_of(&err), Some(FailureKind::Unavailable));
        let bus = anyhow::Error::new(newswire_bus::BusError::Config("bad".into()));
        assert_eq!(kind_of(&bus), Some(FailureKind::Config));
        assert_eq!(kind_of(&anyhow::anyhow!("something else")), None);
    }
}
