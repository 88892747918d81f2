//! Where enriched articles end up.
//!
//! Every sink writes batches and is idempotent by article id where the medium allows it
//! (PostgreSQL upserts; JSON Lines files append, so downstream readers dedupe by `id`). A
//! `write_batch` that returns `Ok` means the batch is durable enough to acknowledge: the caller
//! acknowledges the records (and Kafka offsets are stored) only then.

pub mod jsonl;
pub mod postgres;
pub mod stdout;

pub use jsonl::{JsonlConfig, JsonlSink};
pub use stdout::StdoutSink;

/// Why a sink could not take a batch.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// Writing a file (or stdout) failed.
    #[error("{path}: {source}")]
    Io {
        /// The file written, or `<stdout>`.
        path: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// An article could not be turned into JSON.
    #[error("could not encode article {id}: {source}")]
    Encode {
        /// The article's id.
        id: String,
        /// What serde_json said.
        #[source]
        source: serde_json::Error,
    },
    /// Any other failure, described (the PostgreSQL sink's errors, as text).
    #[error("{0}")]
    Other(String),
}
