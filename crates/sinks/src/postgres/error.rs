//! Errors of the PostgreSQL sink, and which of them are worth retrying.

use tokio_postgres::error::SqlState;

/// Why the PostgreSQL sink could not start or could not write a batch.
///
/// When `write_batch` returns an error, nothing of that batch was committed: the caller must
/// not acknowledge it.
#[derive(Debug, thiserror::Error)]
pub enum PostgresError {
    /// A configuration value is invalid; `field` is the key under `[sinks.postgres]`.
    #[error("sinks.postgres.{field}: {reason}")]
    Config {
        /// The key under `[sinks.postgres]`, e.g. `batch_size`.
        field: &'static str,
        /// Why the value is refused.
        reason: String,
    },

    /// The database lacks migrations this binary needs (check-only mode), or holds migrations
    /// this binary does not know, or an applied migration differs from the embedded one.
    #[error("database schema of {target}: {reason}")]
    Schema {
        /// The database as `postgres://user@host:port/dbname`, never with the password.
        target: String,
        /// What is missing, unknown or different.
        reason: String,
    },

    /// A record cannot be stored; the batch was not written. `index` is its position in the
    /// batch, so the caller can send that record to the dead-letter queue and write the rest.
    #[error("article {id:?} (batch position {index}) cannot be stored: {reason}")]
    InvalidRecord {
        /// Position of the record in the batch.
        index: usize,
        /// The article's id.
        id: String,
        /// Why the database cannot take it.
        reason: String,
    },

    /// The database refused or failed the operation. `retryable` tells whether the sink had
    /// (and used up) retries for it, or whether trying again cannot help (a data error).
    #[error("postgres {op} on {target} failed{}: {source}", if *.retryable { " (gave up after retries)" } else { "" })]
    Database {
        /// What the sink was doing (`connect`, `batch write`, `migration`, ...).
        op: &'static str,
        /// The database as `postgres://user@host:port/dbname`, never with the password.
        target: String,
        /// Whether the error was one worth retrying (and the retries ran out).
        retryable: bool,
        /// The driver's error.
        #[source]
        source: tokio_postgres::Error,
    },

    /// Connecting took longer than `connect_timeout_ms` (after all retries).
    #[error("connecting to {target} timed out")]
    ConnectTimeout {
        /// The database as `postgres://user@host:port/dbname`, never with the password.
        target: String,
    },
}

impl PostgresError {
    /// True when the same operation might succeed later (the database was unreachable or
    /// overloaded); false when it never will (bad config, schema mismatch, a record or value
    /// the database refuses).
    pub fn is_transient(&self) -> bool {
        match self {
            PostgresError::Database { retryable, .. } => *retryable,
            PostgresError::ConnectTimeout { .. } => true,
            PostgresError::Config { .. }
            | PostgresError::Schema { .. }
            | PostgresError::InvalidRecord { .. } => false,
        }
    }
}

/// Whether an error from tokio-postgres is worth retrying on a fresh connection.
pub(crate) fn is_retryable(err: &tokio_postgres::Error) -> bool {
    if let Some(code) = err.code() {
        return is_retryable_state(code);
    }
    if err.is_closed() {
        return true;
    }
    // No SQLSTATE: an I/O error (connection reset, refused, timed out) or a protocol-level
    // failure of the connection. Errors of our own making (a value that cannot be encoded)
    // are not retried.
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    // Kinds without a source that still mean "this connection is unusable": the connect
    // timeout and a protocol message out of order.
    let text = err.to_string();
    text.starts_with("timeout") || text.starts_with("unexpected message")
}

fn is_retryable_state(code: &SqlState) -> bool {
    let c = code.code();
    // 08: connection exception; 53: insufficient resources; 57P0x: server shutting down or
    // starting; 40001/40P01: serialization failure and deadlock; 57014: statement timeout or
    // cancel; 55P03: lock not available; 58: system error (I/O on the server).
    c.starts_with("08")
        || c.starts_with("53")
        || c.starts_with("57P")
        || c.starts_with("58")
        || c == "40001"
        || c == "40P01"
        || c == "57014"
        || c == "55P03"
}
