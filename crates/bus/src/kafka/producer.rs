//! The Kafka producer: idempotent, `acks=all`, backpressure on a full queue.

use std::time::Duration;

use futures::future::BoxFuture;
use futures::FutureExt;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer as _};

use super::{transport, KafkaSettings};
use crate::{BusError, Producer, Receipt, Record};

/// How long `send` sleeps between retries while librdkafka's queue is full.
const QUEUE_FULL_BACKOFF: Duration = Duration::from_millis(5);

/// Sends records to Kafka topics. Cheap to clone (the client is shared).
#[derive(Clone)]
pub struct KafkaProducer {
    inner: FutureProducer,
}

impl KafkaProducer {
    /// An idempotent `acks=all` producer with `settings` passed through.
    pub fn new(settings: &KafkaSettings) -> Result<Self, BusError> {
        let inner: FutureProducer = settings.producer_config().create().map_err(transport)?;
        Ok(KafkaProducer { inner })
    }

    /// Waits until every queued record was delivered or failed, up to `timeout` (blocking).
    pub fn flush(&self, timeout: Duration) -> Result<(), BusError> {
        self.inner.flush(timeout).map_err(transport)
    }

    /// Records queued in librdkafka and not yet acknowledged by the broker.
    pub fn in_flight(&self) -> i32 {
        self.inner.in_flight_count()
    }

    /// The underlying rdkafka producer.
    pub fn rdkafka(&self) -> &FutureProducer {
        &self.inner
    }
}

pub(crate) fn to_headers(record: &Record) -> OwnedHeaders {
    let mut headers = OwnedHeaders::new_with_capacity(record.headers.len());
    for (key, value) in &record.headers {
        headers = headers.insert(Header {
            key,
            value: Some(value.as_bytes()),
        });
    }
    headers
}

impl Producer for KafkaProducer {
    fn send<'a>(
        &'a self,
        topic: &'a str,
        record: Record,
    ) -> BoxFuture<'a, Result<Receipt, BusError>> {
        async move {
            let mut future_record = FutureRecord::to(topic)
                .key(record.key.as_bytes())
                .payload(record.payload.as_slice())
                .headers(to_headers(&record));
            loop {
                match self.inner.send_result(future_record) {
                    Ok(delivery) => {
                        return Ok(Receipt::new(async move {
                            match delivery.await {
                                Ok(Ok(_)) => Ok(()),
                                Ok(Err((err, _message))) => Err(BusError::NotAcknowledged(
                                    format!("broker did not acknowledge the record: {err}"),
                                )),
                                Err(_canceled) => Err(BusError::NotAcknowledged(
                                    "producer closed before the delivery report".into(),
                                )),
                            }
                        }));
                    }
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                        // Backpressure: wait for deliveries to make room, never drop or fail.
                        future_record = back;
                        tokio::time::sleep(QUEUE_FULL_BACKOFF).await;
                    }
                    Err((err, _)) => {
                        return Err(BusError::Transport(format!(
                            "cannot send to {topic}: {err}"
                        )))
                    }
                }
            }
        }
        .boxed()
    }
}
