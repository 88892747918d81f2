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
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not encode article {id}: {source}")]
    Encode {
        id: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{0}")]
    Other(String),
}
