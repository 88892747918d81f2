//! The in-memory bus: one bounded tokio channel per topic, for `newswire run` in one process.
//!
//! A full channel makes `send` wait (backpressure). Each record carries an [`Ack`] whose
//! [`Receipt`](crate::Receipt) the producer gets back, so a poller learns that an article
//! reached the sink, not just the next queue. Each topic has a single consumer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use futures::FutureExt;
use tokio::sync::mpsc;

use crate::{Ack, BusError, Consumer, Delivery, Origin, Producer, Record};

/// A topic: its sender until the topic is closed, its receiver until a consumer claims it.
struct Slot {
    tx: Option<mpsc::Sender<Delivery>>,
    rx: Option<mpsc::Receiver<Delivery>>,
}

/// A set of in-memory topics with bounded capacity.
#[derive(Clone)]
pub struct MemoryBus {
    capacity: usize,
    topics: Arc<Mutex<HashMap<String, Slot>>>,
    next_offset: Arc<AtomicI64>,
}

impl MemoryBus {
    /// `capacity` records may wait in each topic before senders wait (at least 1).
    pub fn new(capacity: usize) -> Self {
        MemoryBus {
            capacity: capacity.max(1),
            topics: Arc::default(),
            next_offset: Arc::new(AtomicI64::new(0)),
        }
    }

    fn with_slot<T>(&self, topic: &str, f: impl FnOnce(&mut Slot) -> T) -> T {
        let mut topics = self.topics.lock().unwrap_or_else(|e| e.into_inner());
        let slot = topics.entry(topic.to_string()).or_insert_with(|| {
            let (tx, rx) = mpsc::channel(self.capacity);
            Slot {
                tx: Some(tx),
                rx: Some(rx),
            }
        });
        f(slot)
    }

    /// A producer for any topic of this bus.
    pub fn producer(&self) -> MemoryProducer {
        MemoryProducer { bus: self.clone() }
    }

    /// The consumer of `topic`. Each topic has one consumer; a second call returns an error.
    pub fn subscribe(&self, topic: &str) -> Result<MemoryConsumer, BusError> {
        let rx = self
            .with_slot(topic, |slot| slot.rx.take())
            .ok_or_else(|| BusError::Transport(format!("topic {topic} already has a consumer")))?;
        Ok(MemoryConsumer {
            rx,
            topic: topic.to_string(),
        })
    }

    /// Closes `topic` for new records; its consumer drains what is queued, then sees the end.
    pub fn close(&self, topic: &str) {
        self.with_slot(topic, |slot| slot.tx = None);
    }
}

/// Sends into a [`MemoryBus`].
#[derive(Clone)]
pub struct MemoryProducer {
    bus: MemoryBus,
}

impl Producer for MemoryProducer {
    fn send<'a>(
        &'a self,
        topic: &'a str,
        record: Record,
    ) -> BoxFuture<'a, Result<crate::Receipt, BusError>> {
        async move {
            let (ack, receipt) = Ack::channel();
            let origin = Origin {
                topic: topic.to_string(),
                partition: 0,
                offset: self.bus.next_offset.fetch_add(1, Ordering::Relaxed),
            };
            let tx = self
                .bus
                .with_slot(topic, |slot| slot.tx.clone())
                .ok_or_else(|| BusError::Closed(topic.to_string()))?;
            tx.send(Delivery {
                record,
                origin,
                ack,
            })
            .await
            .map_err(|_| BusError::Closed(topic.to_string()))?;
            Ok(receipt)
        }
        .boxed()
    }
}

/// Receives from one topic of a [`MemoryBus`].
pub struct MemoryConsumer {
    rx: mpsc::Receiver<Delivery>,
    topic: String,
}

impl MemoryConsumer {
    /// The topic this consumer receives from.
    pub fn topic(&self) -> &str {
        &self.topic
    }
}

impl Consumer for MemoryConsumer {
    fn recv(&mut self) -> BoxFuture<'_, Option<Result<Delivery, BusError>>> {
        async move { self.rx.recv().await.map(Ok) }.boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn receipt_resolves_when_consumer_acks() {
        let bus = MemoryBus::new(4);
        let mut consumer = bus.subscribe("t").unwrap();
        let receipt = bus
            .producer()
            .send("t", Record::new("k", b"v".to_vec()))
            .await
            .unwrap();
        let delivery = consumer.recv().await.unwrap().unwrap();
        assert_eq!(delivery.record.key, "k");
        assert_eq!(delivery.origin.topic, "t");
        delivery.ack.ack();
        receipt.wait().await.unwrap();
    }

    #[tokio::test]
    async fn dropped_delivery_is_a_nack() {
        let bus = MemoryBus::new(4);
        let mut consumer = bus.subscribe("t").unwrap();
        let receipt = bus
            .producer()
            .send("t", Record::new("k", vec![]))
            .await
            .unwrap();
        drop(consumer.recv().await.unwrap().unwrap());
        assert!(matches!(
            receipt.wait().await,
            Err(BusError::NotAcknowledged(_))
        ));
    }

    #[tokio::test]
    async fn full_topic_applies_backpressure() {
        let bus = MemoryBus::new(1);
        let mut consumer = bus.subscribe("t").unwrap();
        let producer = bus.producer();
        let _first = producer.send("t", Record::new("1", vec![])).await.unwrap();
        let second = producer.send("t", Record::new("2", vec![]));
        // The second send cannot complete until the consumer takes the first record.
        let timed_out = tokio::time::timeout(std::time::Duration::from_millis(50), second).await;
        assert!(timed_out.is_err());
        let _ = consumer.recv().await;
        producer.send("t", Record::new("3", vec![])).await.unwrap();
    }

    #[tokio::test]
    async fn close_drains_then_ends() {
        let bus = MemoryBus::new(4);
        let mut consumer = bus.subscribe("t").unwrap();
        let _r = bus
            .producer()
            .send("t", Record::new("k", vec![]))
            .await
            .unwrap();
        bus.close("t");
        assert!(consumer.recv().await.is_some());
        assert!(consumer.recv().await.is_none());
        assert!(bus.subscribe("t").is_err());
        let late = bus.producer().send("t", Record::new("late", vec![])).await;
        assert!(matches!(late, Err(BusError::Closed(_))));
    }
}
