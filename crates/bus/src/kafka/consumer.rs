//! The Kafka consumer: one consumer-group member on its own thread, offsets stored only after
//! acknowledgement, contiguously and in order per partition.
//!
//! The thread polls librdkafka and hands each record to the stage through a bounded channel (a
//! full channel stops the polling: backpressure). Each record is registered with the
//! [`Tracker`] before it leaves the thread; its [`Ack`] resolves the entry. The thread then
//! stores, per partition, the offset after the longest acknowledged prefix, and librdkafka
//! commits stored offsets every `auto.commit.interval.ms` and on revoke and close. A nacked
//! record rewinds its partition to the first record not yet done (re-delivery, never loss).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use futures::FutureExt;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer as _, ConsumerContext, Rebalance};
use rdkafka::message::BorrowedMessage;
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use tokio::sync::{mpsc, watch};

use super::events::ClientEventKind;
use super::stats::StatsReporter;
use super::{creating, transport, KafkaSettings};
use crate::{Ack, BusError, Consumer, Delivery};

/// Tuning of a [`KafkaConsumer`].
#[derive(Debug, Clone)]
pub struct ConsumerOptions {
    /// Records handed to the stage but not yet taken (backpressure bound).
    pub channel_capacity: usize,
    /// How long revoke and shutdown wait for in-flight records before committing what is done.
    /// `None`: a third of the session timeout, at most 10 s, so the member is never kicked out
    /// of the group while it drains.
    pub drain_timeout: Option<Duration>,
    /// Pause before a partition with a nacked record is rewound (avoids a hot loop).
    pub rewind_backoff: Duration,
}

impl Default for ConsumerOptions {
    fn default() -> Self {
        ConsumerOptions {
            channel_capacity: 512,
            drain_timeout: None,
            rewind_backoff: Duration::from_millis(500),
        }
    }
}

/// How often the poll loop stores acknowledged offsets and rewinds nacked partitions. Doing it
/// per record costs a lock, a scan of every partition and a librdkafka call each time; offsets
/// are committed only every `auto.commit.interval.ms` anyway.
const SERVICE_EVERY: Duration = Duration::from_millis(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Done,
    Failed,
}

#[derive(Debug)]
struct PartitionState {
    generation: u64,
    /// In-flight records in offset order.
    entries: VecDeque<(i64, State)>,
    /// When the first nack arrived since the last rewind.
    failed_at: Option<Instant>,
    /// The next offset last stored (what a restart resumes from).
    stored: Option<i64>,
}

type Tp = (String, i32);

/// In-flight records per partition.
#[derive(Debug, Default)]
struct Tracker {
    parts: HashMap<Tp, PartitionState>,
    next_generation: u64,
}

impl Tracker {
    fn register(&mut self, topic: &str, partition: i32, offset: i64) -> u64 {
        let key = (topic.to_string(), partition);
        if !self.parts.contains_key(&key) {
            self.next_generation += 1;
            self.parts.insert(
                key.clone(),
                PartitionState {
                    generation: self.next_generation,
                    entries: VecDeque::new(),
                    failed_at: None,
                    stored: None,
                },
            );
        }
        let Some(part) = self.parts.get_mut(&key) else {
            return 0;
        };
        if part.entries.back().is_some_and(|(last, _)| *last >= offset) {
            // The partition was re-read from an earlier offset (a seek, or a broker that lost its
            // log): what was in flight belongs to the old reading and is forgotten.
            self.next_generation += 1;
            part.generation = self.next_generation;
            part.entries.clear();
            part.failed_at = None;
        }
        part.entries.push_back((offset, State::Pending));
        part.generation
    }

    fn resolve(&mut self, topic: &str, partition: i32, generation: u64, offset: i64, ok: bool) {
        let Some(part) = self.parts.get_mut(&(topic.to_string(), partition)) else {
            return;
        };
        if part.generation != generation {
            return; // revoked or rewound since: the record will be (or was) delivered again
        }
        if let Ok(i) = part.entries.binary_search_by_key(&offset, |(o, _)| *o) {
            if ok {
                part.entries[i].1 = State::Done;
            } else {
                part.entries[i].1 = State::Failed;
                part.failed_at.get_or_insert_with(Instant::now);
            }
        }
    }

    /// Pops acknowledged prefixes; returns the offsets to store (next offset per partition).
    fn advance(&mut self) -> Vec<(String, i32, i64)> {
        let mut out = Vec::new();
        for ((topic, partition), part) in &mut self.parts {
            let mut next = None;
            while let Some(&(offset, State::Done)) = part.entries.front() {
                part.entries.pop_front();
                next = Some(offset + 1);
            }
            if let Some(next) = next {
                part.stored = Some(next);
                out.push((topic.clone(), *partition, next));
            }
        }
        out
    }

    /// Partitions with a nacked record older than `backoff`: the offset to seek back to. Their
    /// in-flight entries are forgotten (a new generation), so late acks are ignored.
    fn rewinds(&mut self, backoff: Duration) -> Vec<(String, i32, i64)> {
        let mut out = Vec::new();
        for ((topic, partition), part) in &mut self.parts {
            let Some(failed_at) = part.failed_at else {
                continue;
            };
            if failed_at.elapsed() < backoff {
                continue;
            }
            if let Some(&(front, _)) = part.entries.front() {
                out.push((topic.clone(), *partition, front));
            }
            self.next_generation += 1;
            part.generation = self.next_generation;
            part.entries.clear();
            part.failed_at = None;
        }
        out
    }

    fn pending_in(&self, filter: Option<&[Tp]>) -> usize {
        self.parts
            .iter()
            .filter(|(tp, _)| filter.is_none_or(|f| f.contains(tp)))
            .map(|(_, p)| {
                p.entries
                    .iter()
                    .filter(|(_, s)| *s == State::Pending)
                    .count()
            })
            .sum()
    }
}

struct Shared {
    tracker: Mutex<Tracker>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Tracker> {
        self.tracker.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until no record of `filter` (all partitions when `None`) is pending, or `deadline`.
    fn wait_drained(&self, filter: Option<&[Tp]>, deadline: Instant) -> usize {
        let mut tracker = self.lock();
        loop {
            let pending = tracker.pending_in(filter);
            let now = Instant::now();
            if pending == 0 || now >= deadline {
                return pending;
            }
            tracker = self
                .changed
                .wait_timeout(tracker, (deadline - now).min(Duration::from_millis(50)))
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
    }
}

fn store(consumer: &BaseConsumer<Ctx>, offsets: &[(String, i32, i64)]) {
    if offsets.is_empty() {
        return;
    }
    let mut tpl = TopicPartitionList::new();
    for (topic, partition, next) in offsets {
        if let Err(err) = tpl.add_partition_offset(topic, *partition, Offset::Offset(*next)) {
            tracing::warn!(error = %err, "bad offset to store");
        }
    }
    if let Err(err) = consumer.store_offsets(&tpl) {
        // A partition revoked in the meantime: its new owner resumes from the last commit.
        tracing::debug!(error = %err, "storing offsets failed");
    }
}

/// The consumer context: drains and commits revoked partitions before they go.
struct Ctx {
    shared: Arc<Shared>,
    drain: Duration,
    stats: StatsReporter,
}

impl ClientContext for Ctx {
    fn stats_raw(&self, statistics: &[u8]) {
        self.stats.report(statistics);
    }

    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        self.stats.error(error, reason);
    }

    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, message: &str) {
        self.stats.log(level, fac, message);
    }
}

impl ConsumerContext for Ctx {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Revoke(tpl) => {
                let revoked: Vec<Tp> = tpl
                    .elements()
                    .iter()
                    .map(|e| (e.topic().to_string(), e.partition()))
                    .collect();
                let left = self
                    .shared
                    .wait_drained(Some(&revoked), Instant::now() + self.drain);
                let mut tracker = self.shared.lock();
                let offsets = tracker.advance();
                let mut commit = TopicPartitionList::new();
                for tp in &revoked {
                    if let Some(next) = tracker.parts.get(tp).and_then(|p| p.stored) {
                        let _ = commit.add_partition_offset(&tp.0, tp.1, Offset::Offset(next));
                    }
                    tracker.parts.remove(tp);
                }
                drop(tracker);
                store(consumer, &offsets);
                if commit.count() > 0 && !consumer.assignment_lost() {
                    if let Err(err) = consumer.commit(&commit, CommitMode::Sync) {
                        tracing::warn!(error = %err, "commit on revoke failed; records since the last commit will be re-delivered");
                    }
                }
                tracing::info!(
                    partitions = revoked.len(),
                    undrained = left,
                    "partitions revoked"
                );
                self.stats.rebalance(ClientEventKind::Revoked);
            }
            Rebalance::Assign(tpl) => {
                tracing::info!(partitions = tpl.count(), "partitions assigned");
                self.stats.rebalance(ClientEventKind::Assigned {
                    partitions: tpl.count(),
                });
            }
            Rebalance::Error(err) => tracing::warn!(error = %err, "rebalance error"),
        }
    }
}

/// Stops a [`KafkaConsumer`] and waits for it to finish (drain, commit, leave the group).
#[derive(Clone)]
pub struct ConsumerHandle {
    shutdown: Arc<AtomicBool>,
    done: watch::Receiver<bool>,
}

impl ConsumerHandle {
    /// Stop taking new records. The stage sees the end of the stream once it has taken what
    /// was already handed over; in-flight records are waited for up to the drain deadline.
    pub fn shutdown(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
    }

    /// Resolves once the consumer committed and left the group.
    pub async fn closed(&self) {
        let mut done = self.done.clone();
        let _ = done.wait_for(|d| *d).await;
    }
}

/// Receives from Kafka topics as a member of a consumer group.
pub struct KafkaConsumer {
    rx: mpsc::Receiver<Result<Delivery, BusError>>,
    handle: ConsumerHandle,
}

impl KafkaConsumer {
    /// Joins `group` and subscribes to `topics`.
    pub fn subscribe(
        settings: &KafkaSettings,
        group: &str,
        topics: &[&str],
        options: ConsumerOptions,
    ) -> Result<Self, BusError> {
        let drain = options.drain_timeout.unwrap_or_else(|| {
            (settings.session_timeout() / 3)
                .clamp(Duration::from_millis(500), Duration::from_secs(10))
        });
        let shared = Arc::new(Shared {
            tracker: Mutex::default(),
            changed: Condvar::new(),
        });
        let consumer: BaseConsumer<Ctx> = settings
            .consumer_config(group)
            .create_with_context(Ctx {
                shared: shared.clone(),
                drain,
                stats: settings.reporter(format!("consumer/{group}")),
            })
            .map_err(creating)?;
        consumer.subscribe(topics).map_err(transport)?;
        let (tx, rx) = mpsc::channel(options.channel_capacity.max(1));
        let shutdown = Arc::new(AtomicBool::new(false));
        let (done_tx, done) = watch::channel(false);
        let thread = Poller {
            consumer,
            shared,
            tx,
            shutdown: shutdown.clone(),
            drain,
            rewind_backoff: options.rewind_backoff,
        };
        std::thread::Builder::new()
            .name("newswire-kafka-consumer".into())
            .spawn(move || {
                thread.run();
                let _ = done_tx.send(true);
            })
            .map_err(transport)?;
        tracing::info!(group, topics = ?topics, drain_ms = drain.as_millis() as u64, "kafka consumer started");
        Ok(KafkaConsumer {
            rx,
            handle: ConsumerHandle { shutdown, done },
        })
    }

    /// A handle to stop this consumer and wait for it.
    pub fn handle(&self) -> ConsumerHandle {
        self.handle.clone()
    }
}

impl Consumer for KafkaConsumer {
    fn recv(&mut self) -> BoxFuture<'_, Option<Result<Delivery, BusError>>> {
        async move { self.rx.recv().await }.boxed()
    }
}

impl Drop for KafkaConsumer {
    fn drop(&mut self) {
        self.handle.shutdown();
    }
}

struct Poller {
    consumer: BaseConsumer<Ctx>,
    shared: Arc<Shared>,
    tx: mpsc::Sender<Result<Delivery, BusError>>,
    shutdown: Arc<AtomicBool>,
    drain: Duration,
    rewind_backoff: Duration,
}

impl Poller {
    fn stopping(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst) || self.tx.is_closed()
    }

    /// Stores acknowledged prefixes and rewinds partitions with nacked records.
    fn service(&self) {
        let (offsets, rewinds) = {
            let mut tracker = self.shared.lock();
            let offsets = tracker.advance();
            let rewinds = tracker.rewinds(self.rewind_backoff);
            (offsets, rewinds)
        };
        store(&self.consumer, &offsets);
        for (topic, partition, offset) in rewinds {
            tracing::warn!(%topic, partition, offset, "record not acknowledged: re-reading the partition from it");
            if let Err(err) = self.consumer.seek(
                &topic,
                partition,
                Offset::Offset(offset),
                Duration::from_secs(5),
            ) {
                tracing::error!(%topic, partition, offset, error = %err, "rewinding failed");
            }
        }
    }

    fn run(self) {
        let mut last_error: Option<(String, Instant)> = None;
        let mut serviced: Option<Instant> = None;
        'poll: while !self.stopping() {
            if serviced.is_none_or(|at| at.elapsed() >= SERVICE_EVERY) {
                self.service();
                serviced = Some(Instant::now());
            }
            let message = match self.consumer.poll(Duration::from_millis(100)) {
                None => continue,
                Some(Err(err)) => {
                    if err
                        .rdkafka_error_code()
                        .is_some_and(super::events::is_connection_trouble)
                    {
                        // Also an error event of the client: logged and reported there.
                        let reason = err.to_string();
                        self.consumer.context().stats.error(err, &reason);
                        continue;
                    }
                    let text = err.to_string();
                    let repeat = matches!(&last_error, Some((t, at)) if *t == text && at.elapsed() < Duration::from_secs(10));
                    if !repeat {
                        tracing::warn!(error = %text, "kafka consumer error (librdkafka retries)");
                        last_error = Some((text, Instant::now()));
                    }
                    continue;
                }
                Some(Ok(message)) => message,
            };
            let mut delivery = Ok(self.delivery(&message));
            drop(message);
            loop {
                match self.tx.try_send(delivery) {
                    Ok(()) => break,
                    Err(mpsc::error::TrySendError::Full(back)) => {
                        if self.stopping() {
                            // Dropped unacknowledged: not stored, delivered again after restart.
                            break 'poll;
                        }
                        delivery = back;
                        std::thread::sleep(Duration::from_millis(2));
                        self.service();
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => break 'poll,
                }
            }
        }
        self.close();
    }

    fn delivery(&self, message: &BorrowedMessage<'_>) -> Delivery {
        let (record, origin) = super::eos::to_record(message);
        let (partition, offset) = (origin.partition, origin.offset);
        let generation = self
            .shared
            .lock()
            .register(&origin.topic, partition, offset);
        let shared = self.shared.clone();
        let ack_topic = origin.topic.clone();
        let ack = Ack::from_fn(move |result| {
            if let Err(reason) = &result {
                // Dropped acks are normal at shutdown and after a rewind: the record comes again.
                tracing::debug!(topic = %ack_topic, partition, offset, %reason, "record not acknowledged");
            }
            shared
                .lock()
                .resolve(&ack_topic, partition, generation, offset, result.is_ok());
            shared.changed.notify_all();
        });
        Delivery {
            record,
            origin,
            ack,
        }
    }

    /// Stops handing out records, waits for in-flight ones up to the drain deadline, stores and
    /// commits what is done, and leaves the group.
    fn close(self) {
        let Poller {
            consumer,
            shared,
            tx,
            drain,
            ..
        } = self;
        drop(tx); // the stage sees the end of the stream once it took what it was given
        let left = shared.wait_drained(None, Instant::now() + drain);
        let (offsets, commit) = {
            let mut tracker = shared.lock();
            let offsets = tracker.advance();
            let mut commit = TopicPartitionList::new();
            for ((topic, partition), part) in &tracker.parts {
                if let Some(next) = part.stored {
                    let _ = commit.add_partition_offset(topic, *partition, Offset::Offset(next));
                }
            }
            (offsets, commit)
        };
        store(&consumer, &offsets);
        if commit.count() > 0 {
            if let Err(err) = consumer.commit(&commit, CommitMode::Sync) {
                tracing::warn!(error = %err, "final commit failed; records since the last commit will be re-delivered");
            }
        }
        tracing::info!(undrained = left, "kafka consumer closing");
        drop(consumer); // leaves the group
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracker_stores_only_contiguous_prefixes() {
        let mut t = Tracker::default();
        let g = t.register("t", 0, 10);
        t.register("t", 0, 11);
        t.register("t", 0, 12);
        t.resolve("t", 0, g, 11, true);
        assert!(t.advance().is_empty());
        t.resolve("t", 0, g, 10, true);
        assert_eq!(t.advance(), vec![("t".to_string(), 0, 12)]);
        t.resolve("t", 0, g, 12, true);
        assert_eq!(t.advance(), vec![("t".to_string(), 0, 13)]);
        assert_eq!(t.pending_in(None), 0);
    }

    #[test]
    fn nack_rewinds_to_first_unfinished_and_ignores_late_acks() {
        let mut t = Tracker::default();
        let g = t.register("t", 1, 5);
        t.register("t", 1, 6);
        t.register("t", 1, 7);
        t.resolve("t", 1, g, 5, true);
        t.resolve("t", 1, g, 6, false);
        assert_eq!(t.advance(), vec![("t".to_string(), 1, 6)]);
        assert_eq!(t.rewinds(Duration::ZERO), vec![("t".to_string(), 1, 6)]);
        // A late ack from before the rewind changes nothing.
        t.resolve("t", 1, g, 7, true);
        assert!(t.advance().is_empty());
        let g2 = t.register("t", 1, 6);
        assert_ne!(g, g2);
        t.resolve("t", 1, g2, 6, true);
        assert_eq!(t.advance(), vec![("t".to_string(), 1, 7)]);
    }

    #[test]
    fn offsets_going_back_start_a_new_generation() {
        let mut t = Tracker::default();
        let g = t.register("t", 0, 100);
        let g2 = t.register("t", 0, 3);
        assert_ne!(g, g2);
        t.resolve("t", 0, g, 100, true);
        assert!(t.advance().is_empty());
        t.resolve("t", 0, g2, 3, true);
        assert_eq!(t.advance(), vec![("t".to_string(), 0, 4)]);
    }

    #[test]
    fn partitions_are_independent() {
        let mut t = Tracker::default();
        let a = t.register("t", 0, 0);
        let b = t.register("t", 1, 0);
        t.resolve("t", 1, b, 0, true);
        assert_eq!(t.advance(), vec![("t".to_string(), 1, 1)]);
        assert_eq!(t.pending_in(Some(&[("t".to_string(), 0)])), 1);
        t.resolve("t", 0, a, 0, true);
        assert_eq!(t.pending_in(None), 0);
    }
}
