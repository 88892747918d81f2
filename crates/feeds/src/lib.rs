//! newswire's feed side: fetching, parsing, normalising and deduplicating feeds.
//!
//! The life of an article:
//! 1. [`Poller::poll_due`] (or [`Poller::poll_all`]) fetches feeds politely ([`fetch`]),
//! 2. [`parse_document`] turns the bytes into a [`ParsedFeed`] (transcoded, repaired, entities
//!    decoded, clutter stripped, deterministic ids, dates in UTC, language detected),
//! 3. entries whose id was delivered before are skipped; the rest come back in
//!    [`FeedPoll::articles`], with near-duplicates noted in [`FeedPoll::duplicates`],
//! 4. the caller publishes them and calls [`Poller::mark_delivered`]: only then are the ids
//!    "seen" and the fetch's validators committed, so a crash in between re-emits, never loses.
//!
//! State lives wherever a [`state::StateBackend`] keeps it: one JSON file per feed under the
//! state directory, nowhere, or a store of the caller's ([`Poller::with_store`]).

pub mod cli;
pub mod config;
pub mod dedup;
pub mod encoding;
pub mod fetch;
pub mod fulltext;
pub mod parse;
pub mod poller;
pub mod sanitize;
pub mod state;
pub mod text;

use std::path::PathBuf;

pub use config::{AuthConfig, FeedConfig, FetchConfig};
pub use dedup::{parse_shard, Duplicate, DuplicateKind};
pub use parse::{parse_document, parse_response, Origin, ParseError, ParsedEntry, ParsedFeed};
pub use poller::{shard_feeds, FeedPoll, FetchOutcome, Poller};
pub use text::html_to_text;

/// Errors of the feeds crate that are not per-feed poll outcomes.
#[derive(Debug, thiserror::Error)]
pub enum FeedsError {
    /// A configuration value that cannot work; `field` is its path (`feeds[2].url`).
    #[error("invalid config at {field}: {reason}")]
    Config {
        /// Path of the offending key, as the operator would find it in the file.
        field: String,
        /// What is wrong with the value, in words.
        reason: String,
    },
    /// Feed state on disk could not be read, written or understood.
    #[error("feed state {}: {reason}", path.display())]
    State {
        /// The state file or directory concerned.
        path: PathBuf,
        /// What went wrong with it.
        reason: String,
    },
    /// An operation named a feed id that no configured feed has.
    #[error("unknown feed id {0:?}")]
    UnknownFeed(String),
}
