//! Moving records between newswire stages.
//!
//! A stage sees only this crate's interface: a [`Producer`] that sends a [`Record`] to a topic
//! and hands back a [`Receipt`] that resolves once the record is safe downstream, and a
//! [`Consumer`] that yields [`Delivery`]s, each carrying an [`Ack`] that the stage resolves once
//! everything it produced from that record is safe. That chain is what makes delivery
//! at-least-once end to end: nothing is acknowledged before its successors are.
//!
//! Transports: [`memory`] (bounded tokio channels, one process) and Kafka (rdkafka). The crate
//! does not know what an article is: payloads are bytes.

pub mod dlq;
pub mod kafka;
pub mod memory;
mod record;

pub use record::{Ack, AckResult, Delivery, Origin, Receipt, Record};

use futures::future::BoxFuture;

/// Why the bus could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The topic has no consumer any more or the bus was shut down.
    #[error("topic {0} is closed")]
    Closed(String),
    /// The record was not acknowledged downstream (nacked, or its acknowledgement dropped).
    #[error("record was not acknowledged: {0}")]
    NotAcknowledged(String),
    /// A transport-level failure (broker, network).
    #[error("{0}")]
    Transport(String),
    /// A client setting the transport refuses (an unknown or invalid librdkafka property).
    #[error("{0}")]
    Config(String),
}

/// Sends records to topics.
///
/// `send` waits while the transport is full (backpressure, not failure); the returned
/// [`Receipt`] resolves when the record is acknowledged downstream.
pub trait Producer: Send + Sync {
    /// Hands `record` to `topic`; the receipt resolves once it is acknowledged downstream.
    fn send<'a>(
        &'a self,
        topic: &'a str,
        record: Record,
    ) -> BoxFuture<'a, Result<Receipt, BusError>>;
}

/// Yields records from one topic.
pub trait Consumer: Send {
    /// The next delivery, or `None` once the topic is closed and drained.
    fn recv(&mut self) -> BoxFuture<'_, Option<Result<Delivery, BusError>>>;
}
