use std::fmt;

use futures::future::BoxFuture;
use tokio::sync::oneshot;

use crate::BusError;

/// One message: a key (the article id), a payload and string headers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    /// Partitioning and upsert key: the article id (or feed id for state).
    pub key: String,
    /// The bytes as sent, JSON for newswire's records.
    pub payload: Vec<u8>,
    /// Header name and value pairs, in order (names may repeat).
    pub headers: Vec<(String, String)>,
}

impl Record {
    /// A record without headers.
    pub fn new(key: impl Into<String>, payload: Vec<u8>) -> Self {
        Record {
            key: key.into(),
            payload,
            headers: Vec::new(),
        }
    }

    /// Adds a header (builder style).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first header with this name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Where a delivered record came from, for DLQ headers and logs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// Topic the record was read from.
    pub topic: String,
    /// Partition (0 on the in-memory bus).
    pub partition: i32,
    /// Offset in the partition (on the in-memory bus, a sequence number shared by all topics).
    pub offset: i64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]@{}", self.topic, self.partition, self.offset)
    }
}

/// What became of a record downstream.
pub type AckResult = Result<(), String>;

/// The consumer side of an acknowledgement: resolve it once what was produced from the record
/// is safe. Dropping it unresolved counts as a negative acknowledgement, so a stage that dies
/// mid-record never makes the record look done.
pub struct Ack {
    inner: Option<Box<dyn FnOnce(AckResult) + Send>>,
}

impl Ack {
    /// An acknowledgement that calls `f` with the outcome (exactly once).
    pub fn from_fn(f: impl FnOnce(AckResult) + Send + 'static) -> Self {
        Ack {
            inner: Some(Box::new(f)),
        }
    }

    /// An acknowledgement nobody waits for.
    pub fn none() -> Self {
        Ack { inner: None }
    }

    /// The record and everything produced from it are safe.
    pub fn ack(mut self) {
        if let Some(f) = self.inner.take() {
            f(Ok(()));
        }
    }

    /// The record could not be processed and was not handed on.
    pub fn nack(mut self, reason: impl Into<String>) {
        if let Some(f) = self.inner.take() {
            f(Err(reason.into()));
        }
    }

    /// An acknowledgement paired with the receipt that resolves when it is resolved.
    pub fn channel() -> (Ack, Receipt) {
        let (tx, rx) = oneshot::channel::<AckResult>();
        let ack = Ack::from_fn(move |result| {
            // The receipt may have been dropped by a producer that does not wait: fine.
            let _ = tx.send(result);
        });
        let receipt = Receipt::new(async move {
            match rx.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(reason)) => Err(BusError::NotAcknowledged(reason)),
                Err(_) => Err(BusError::NotAcknowledged("acknowledgement dropped".into())),
            }
        });
        (ack, receipt)
    }
}

impl Drop for Ack {
    fn drop(&mut self) {
        if let Some(f) = self.inner.take() {
            f(Err("acknowledgement dropped without a result".into()));
        }
    }
}

impl fmt::Debug for Ack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ack")
            .field("pending", &self.inner.is_some())
            .finish()
    }
}

/// The producer side of an acknowledgement: resolves when the record is safe downstream.
pub struct Receipt {
    fut: BoxFuture<'static, Result<(), BusError>>,
}

impl Receipt {
    /// A receipt that resolves when `fut` does.
    pub fn new(
        fut: impl std::future::Future<Output = Result<(), BusError>> + Send + 'static,
    ) -> Self {
        Receipt { fut: Box::pin(fut) }
    }

    /// A receipt that is already resolved.
    pub fn ready(result: Result<(), BusError>) -> Self {
        Receipt::new(async move { result })
    }

    /// Waits for the acknowledgement.
    pub async fn wait(self) -> Result<(), BusError> {
        self.fut.await
    }
}

impl fmt::Debug for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Receipt")
    }
}

/// A record handed to a consumer, with where it came from and its acknowledgement.
#[derive(Debug)]
pub struct Delivery {
    /// The record as received.
    pub record: Record,
    /// Where it was read from.
    pub origin: Origin,
    /// Resolve it once what was made from the record is safe downstream.
    pub ack: Ack,
}
