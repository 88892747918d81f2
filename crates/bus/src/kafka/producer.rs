//! The Kafka producer: idempotent, `acks=all`, backpressure on a full queue, and recovery
//! from a client that stopped making progress.
//!
//! A broker that lost its state (a restart without durable storage) no longer knows the
//! idempotent producer's id: librdkafka then retries `UNKNOWN_PRODUCER_ID` without end. A
//! watchdog replaces a client that has records in flight but no delivery for `stall_timeout`
//! (default 30 s, longer than a broker restart): the stuck records fail (their receipts are
//! negative, so their sources re-send them) and new records go through a fresh client.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use futures::FutureExt;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer as _, PurgeConfig};

use super::stats::StatsContext;
use super::{creating, transport, KafkaSettings};
use crate::{BusError, Producer, Receipt, Record};

/// The rdkafka producer, reporting statistics as `producer`.
pub type Client = FutureProducer<StatsContext>;

fn create(settings: &KafkaSettings) -> Result<Client, rdkafka::error::KafkaError> {
    settings
        .producer_config()
        .create_with_context(StatsContext {
            reporter: settings.reporter("producer"),
        })
}

/// How long `send` sleeps between retries while librdkafka's queue is full.
const QUEUE_FULL_BACKOFF: Duration = Duration::from_millis(5);

struct Inner {
    settings: KafkaSettings,
    client: RwLock<Client>,
    /// 1 + milliseconds since `epoch` of the oldest send not followed by any successful
    /// delivery; 0 when every send since the last success was answered (or nothing was sent).
    waiting_since: AtomicU64,
    epoch: Instant,
    stall_timeout: Duration,
}

impl Inner {
    fn client(&self) -> Client {
        self.client
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn progressed(&self) {
        self.waiting_since.store(0, Ordering::Relaxed);
    }

    fn sending(&self) {
        let now = self.epoch.elapsed().as_millis() as u64 + 1;
        let _ = self
            .waiting_since
            .compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// How long records have been sent without a single delivery.
    fn since_progress(&self) -> Duration {
        match self.waiting_since.load(Ordering::Relaxed) {
            0 => Duration::ZERO,
            since => self
                .epoch
                .elapsed()
                .saturating_sub(Duration::from_millis(since - 1)),
        }
    }

    /// Replaces a client with records in flight and no delivery for `stall_timeout`.
    fn check_stalled(&self) {
        // Stalled: records were sent for `stall_timeout` and not one was delivered (failed
        // deliveries and retries do not count as progress; being idle is not a stall).
        if self.since_progress() < self.stall_timeout {
            return;
        }
        let client = self.client();
        let fresh = match create(&self.settings) {
            Ok(p) => p,
            Err(err) => {
                tracing::error!(error = %err, "cannot create a new producer");
                return;
            }
        };
        tracing::warn!(
            in_flight = client.in_flight_count(),
            stalled_secs = self.since_progress().as_secs(),
            "producer made no progress: replacing it (its records fail and are sent again)"
        );
        *self.client.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        self.progressed();
        client.purge(PurgeConfig::default().queue().inflight());
    }
}

/// Sends records to Kafka topics. Cheap to clone (the client is shared).
#[derive(Clone)]
pub struct KafkaProducer {
    inner: Arc<Inner>,
}

impl KafkaProducer {
    /// An idempotent `acks=all` producer with `settings` passed through.
    pub fn new(settings: &KafkaSettings) -> Result<Self, BusError> {
        Self::with_stall_timeout(settings, Duration::from_secs(30))
    }

    /// As [`KafkaProducer::new`], replacing a client stuck for `stall_timeout`.
    pub fn with_stall_timeout(
        settings: &KafkaSettings,
        stall_timeout: Duration,
    ) -> Result<Self, BusError> {
        let client = create(settings).map_err(creating)?;
        let inner = Arc::new(Inner {
            settings: settings.clone(),
            client: RwLock::new(client),
            waiting_since: AtomicU64::new(0),
            epoch: Instant::now(),
            stall_timeout,
        });
        let weak: Weak<Inner> = Arc::downgrade(&inner);
        std::thread::Builder::new()
            .name("newswire-producer-watchdog".into())
            .spawn(move || loop {
                std::thread::sleep(Duration::from_secs(1));
                match weak.upgrade() {
                    Some(inner) => inner.check_stalled(),
                    None => return,
                }
            })
            .map_err(transport)?;
        Ok(KafkaProducer { inner })
    }

    /// Waits until every queued record was delivered or failed, up to `timeout` (blocking).
    pub fn flush(&self, timeout: Duration) -> Result<(), BusError> {
        self.inner.client().flush(timeout).map_err(transport)
    }

    /// Records queued in librdkafka and not yet acknowledged by the broker.
    pub fn in_flight(&self) -> i32 {
        self.inner.client().in_flight_count()
    }

    /// The current underlying rdkafka producer.
    pub fn rdkafka(&self) -> Client {
        self.inner.client()
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
                let client = self.inner.client();
                self.inner.sending();
                match client.send_result(future_record) {
                    Ok(delivery) => {
                        let inner = self.inner.clone();
                        return Ok(Receipt::new(async move {
                            match delivery.await {
                                Ok(Ok(_)) => {
                                    inner.progressed();
                                    Ok(())
                                }
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
