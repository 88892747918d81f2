//! Telemetry as named events, the way Vector's `internal_events` do it: one struct per thing
//! that happens, whose `emit()` both logs it and counts it (the end-of-run totals of
//! [`Stats`](crate::stage::stats::Stats) and the Prometheus metrics), so the log and the metrics
//! cannot drift apart. Stages and services emit these and never log or count by hand.
//!
//! - [`poll`]: a feed was polled, articles delivered or not, feed state not saved.
//! - [`records`]: records taken in, enriched, handed on, undecodable, dead-lettered; the bus
//!   failing to deliver.
//! - [`sink`]: batches written or failed, records PostgreSQL refused.
//! - [`service`]: components changing state, the periodic progress line, summaries.

pub mod poll;
pub mod records;
pub mod service;
pub mod sink;

pub use poll::{ArticleNotDelivered, ArticlesDelivered, FeedPolled, FeedStateNotSaved};
pub use records::{
    ArticleEnriched, BusReceiveFailed, RecordDeadLettered, RecordUndecodable, RecordsReceived,
    RecordsSent,
};
pub use service::{ComponentStateChanged, Progress, Summary};
pub use sink::{BatchWritten, RecordRefusedBySink, SinkWriteFailed};
