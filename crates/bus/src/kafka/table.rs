//! A key/value table kept in a compacted topic: the latest value of each key.
//!
//! - Opening reads every partition from its beginning to its end of log, at least up to the
//!   high watermark seen at open (partitions assigned directly: no consumer group, no committed
//!   offsets). The last record
//!   of a key wins; a record without payload (a tombstone) deletes the key.
//! - [`KafkaTable::put`] does not block: the value waits in a pending map that one writer task
//!   sends through the idempotent `acks=all` producer. A newer put of a key replaces an unsent
//!   older one (only the latest value matters); a failed send is retried after a pause unless a
//!   newer value superseded it. [`KafkaTable::flush`] waits until every put was acknowledged.
//! - Keys are placed by the murmur2 partitioner (the Java client's), so every writer sends a
//!   key to the same partition while the partition count stays the same. Should partitions be
//!   added, a key may have values in two partitions: the later timestamp wins at open.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer as _};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::{watch, Notify};

use super::stats::StatsContext;
use super::{KafkaProducer, KafkaSettings};
use crate::{BusError, Producer, Record};

/// Tuning of a [`KafkaTable`].
#[derive(Debug, Clone)]
pub struct TableOptions {
    /// Opening fails when the broker sends nothing for this long before the table is read.
    pub idle_timeout: Duration,
    /// How long to wait for the topic's metadata and watermarks.
    pub metadata_timeout: Duration,
    /// Pause before failed puts are sent again.
    pub retry_backoff: Duration,
    /// Largest value `put` accepts: below the broker's message size limit (1 MB by default),
    /// so an oversized value fails at once rather than retrying forever.
    pub max_value_bytes: usize,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            idle_timeout: Duration::from_secs(30),
            metadata_timeout: Duration::from_secs(10),
            retry_backoff: Duration::from_secs(1),
            max_value_bytes: 900_000,
        }
    }
}

/// What opening a table read: the live value of each kept key, and what was skipped.
#[derive(Debug, Default)]
pub struct TableContents {
    /// The latest value of every key that was kept and not deleted.
    pub values: HashMap<String, Vec<u8>>,
    /// Records read (tombstones and skipped ones included).
    pub records: u64,
    /// Records without a UTF-8 key, ignored.
    pub bad_keys: u64,
}

/// A compacted topic as a key/value table. See the module docs.
pub struct KafkaTable {
    shared: Arc<Shared>,
    options: TableOptions,
}

impl KafkaTable {
    /// Reads `topic` (keeping the keys for which `keep` is true), then starts the writer. A
    /// broker that cannot be reached, or a missing topic, fails with an error naming the topic.
    pub async fn open(
        settings: &KafkaSettings,
        topic: &str,
        keep: impl Fn(&str) -> bool + Send + 'static,
        options: TableOptions,
    ) -> Result<(KafkaTable, TableContents), BusError> {
        let contents = {
            let (settings, name, options) = (settings.clone(), topic.to_string(), options.clone());
            tokio::task::spawn_blocking(move || read_table(&settings, &name, &keep, &options))
                .await
                .map_err(|e| BusError::Transport(format!("reading table {topic}: {e}")))??
        };
        let producer = KafkaProducer::new(&table_producer_settings(settings))?;
        let table = KafkaTable::with_producer(Arc::new(producer), topic, options);
        Ok((table, contents))
    }

    /// A table writing through `producer` (any transport); reading is [`KafkaTable::open`]'s.
    pub fn with_producer(
        producer: Arc<dyn Producer>,
        topic: &str,
        options: TableOptions,
    ) -> KafkaTable {
        let shared = Arc::new(Shared {
            topic: topic.to_string(),
            pending: Mutex::new(Pending::default()),
            wake: Notify::new(),
            done: watch::channel(()).0,
            failed_puts: AtomicU64::new(0),
        });
        tokio::spawn(write_loop(shared.clone(), producer, options.retry_backoff));
        KafkaTable { shared, options }
    }

    /// The compacted topic this table lives in.
    pub fn topic(&self) -> &str {
        &self.shared.topic
    }

    /// Stores `value` under `key` (asynchronously: see [`KafkaTable::flush`]). Fails at once
    /// only for a value larger than [`TableOptions::max_value_bytes`].
    pub fn put(&self, key: &str, value: Vec<u8>) -> Result<(), BusError> {
        if value.len() > self.options.max_value_bytes {
            return Err(BusError::Transport(format!(
                "value of key {key:?} in table {} is {} bytes, more than the limit of {}",
                self.shared.topic,
                value.len(),
                self.options.max_value_bytes
            )));
        }
        self.shared.lock().values.insert(key.to_string(), value);
        self.shared.wake.notify_one();
        Ok(())
    }

    /// Keys put and not yet acknowledged by the broker.
    pub fn unacknowledged(&self) -> usize {
        self.shared.lock().outstanding()
    }

    /// Sends that failed so far (each was retried unless superseded).
    pub fn failed_puts(&self) -> u64 {
        self.shared.failed_puts.load(Ordering::Relaxed)
    }

    /// Waits until every put so far was acknowledged; an error after `timeout` says how many
    /// keys were not.
    pub async fn flush(&self, timeout: Duration) -> Result<(), BusError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut done = self.shared.done.subscribe();
        loop {
            let outstanding = self.unacknowledged();
            if outstanding == 0 {
                return Ok(());
            }
            if tokio::time::timeout_at(deadline, done.changed())
                .await
                .is_err()
            {
                return Err(BusError::NotAcknowledged(format!(
                    "{outstanding} keys of table {} not acknowledged within {timeout:?}",
                    self.shared.topic
                )));
            }
        }
    }
}

impl Drop for KafkaTable {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_one();
    }
}

struct Shared {
    topic: String,
    pending: Mutex<Pending>,
    /// Wakes the writer: something was put, or the table closed.
    wake: Notify,
    /// Changes after every batch the writer finished.
    done: watch::Sender<()>,
    failed_puts: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[derive(Default)]
struct Pending {
    /// The latest unsent value per key.
    values: HashMap<String, Vec<u8>>,
    /// Keys of the batch being sent.
    in_flight: usize,
    closed: bool,
}

impl Pending {
    fn outstanding(&self) -> usize {
        self.values.len() + self.in_flight
    }
}

/// Sends pending values batch by batch until the table is dropped and nothing is pending.
async fn write_loop(shared: Arc<Shared>, producer: Arc<dyn Producer>, backoff: Duration) {
    loop {
        let batch: Vec<(String, Vec<u8>)> = {
            let mut pending = shared.lock();
            if pending.values.is_empty() && pending.closed {
                return;
            }
            pending.in_flight = pending.values.len();
            pending.values.drain().collect()
        };
        if batch.is_empty() {
            shared.wake.notified().await;
            continue;
        }
        let failed = send_batch(&shared, producer.as_ref(), batch).await;
        let retry = !failed.is_empty();
        {
            let mut pending = shared.lock();
            for (key, value) in failed {
                // A newer value of the key supersedes the failed one.
                pending.values.entry(key).or_insert(value);
            }
            pending.in_flight = 0;
        }
        shared.done.send_replace(());
        if retry {
            tokio::time::sleep(backoff).await;
        }
    }
}

/// Sends a batch and waits for its receipts; returns the entries that failed.
async fn send_batch(
    shared: &Shared,
    producer: &dyn Producer,
    batch: Vec<(String, Vec<u8>)>,
) -> Vec<(String, Vec<u8>)> {
    let mut receipts = Vec::with_capacity(batch.len());
    let mut failed = Vec::new();
    for (key, value) in batch {
        match producer
            .send(&shared.topic, Record::new(key.clone(), value.clone()))
            .await
        {
            Ok(receipt) => receipts.push((key, value, receipt)),
            Err(err) => failed.push((key, value, err)),
        }
    }
    for (key, value, receipt) in receipts {
        if let Err(err) = receipt.wait().await {
            failed.push((key, value, err));
        }
    }
    for (key, _, err) in &failed {
        shared.failed_puts.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(topic = %shared.topic, %key, error = %err, "table write failed; retrying");
    }
    failed.into_iter().map(|(k, v, _)| (k, v)).collect()
}

/// Producer settings of a table: murmur2 placement unless configured otherwise.
fn table_producer_settings(settings: &KafkaSettings) -> KafkaSettings {
    let mut settings = settings.clone();
    settings
        .producer
        .entry("partitioner".into())
        .or_insert_with(|| "murmur2_random".into());
    settings
}

/// The latest record of each key, across partitions.
#[derive(Debug, Default)]
struct Latest {
    entries: HashMap<String, Entry>,
}

#[derive(Debug)]
struct Entry {
    partition: i32,
    offset: i64,
    timestamp: i64,
    value: Option<Vec<u8>>,
}

impl Latest {
    /// Applies one record; in a partition the later offset wins, across partitions the later
    /// timestamp.
    fn apply(
        &mut self,
        key: &str,
        partition: i32,
        offset: i64,
        timestamp: i64,
        value: Option<&[u8]>,
    ) {
        if let Some(old) = self.entries.get(key) {
            let newer = if old.partition == partition {
                offset > old.offset
            } else {
                timestamp >= old.timestamp
            };
            if !newer {
                return;
            }
        }
        self.entries.insert(
            key.to_string(),
            Entry {
                partition,
                offset,
                timestamp,
                value: value.map(<[u8]>::to_vec),
            },
        );
    }

    /// The live values (tombstones dropped).
    fn into_values(self) -> HashMap<String, Vec<u8>> {
        self.entries
            .into_iter()
            .filter_map(|(k, e)| e.value.map(|v| (k, v)))
            .collect()
    }
}

fn open_error(topic: &str, brokers: &str, what: impl std::fmt::Display) -> BusError {
    BusError::Transport(format!(
        "cannot read table topic {topic} from {brokers}: {what}"
    ))
}

/// Reads the whole topic up to the high watermarks seen now (blocking).
fn read_table(
    settings: &KafkaSettings,
    topic: &str,
    keep: &dyn Fn(&str) -> bool,
    options: &TableOptions,
) -> Result<TableContents, BusError> {
    let fail = |what: &dyn std::fmt::Display| open_error(topic, &settings.brokers, what);
    // librdkafka wants a group id even for assigned partitions; it never joins the group and
    // never commits.
    let mut config = settings.base(
        &[
            ("client.id", "newswire-table"),
            ("group.id", "newswire-table-reader"),
        ],
        &settings.consumer,
    );
    config
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        .set("isolation.level", "read_committed");
    let consumer: BaseConsumer<StatsContext> = config
        .create_with_context(settings.helper_context("table"))
        .map_err(|e| fail(&e))?;
    let ends = end_offsets(&consumer, topic, options.metadata_timeout).map_err(|e| fail(&e))?;
    let mut contents = TableContents::default();
    let mut latest = Latest::default();
    let mut remaining: HashMap<i32, i64> = ends
        .into_iter()
        .filter(|(_, (low, high))| high > low)
        .map(|(p, (_, high))| (p, high))
        .collect();
    if remaining.is_empty() {
        return Ok(contents);
    }
    let mut tpl = TopicPartitionList::new();
    for p in remaining.keys() {
        tpl.add_partition_offset(topic, *p, Offset::Beginning)
            .map_err(|e| fail(&e))?;
    }
    consumer.assign(&tpl).map_err(|e| fail(&e))?;
    // Next offset to read per partition. A partition is done at its end of log (EOF), once
    // that is at least the high watermark seen at open: some brokers (Tansu 0.6) report a
    // high watermark below records they already acknowledged, so EOF decides, not the mark.
    let mut next: HashMap<i32, i64> = HashMap::new();
    let mut last_progress = Instant::now();
    while !remaining.is_empty() {
        match consumer.poll(Duration::from_millis(200)) {
            None => {}
            Some(Err(KafkaError::PartitionEOF(p))) => {
                let at = next.get(&p).copied().unwrap_or(0);
                if remaining.get(&p).is_some_and(|high| at >= *high) {
                    remaining.remove(&p);
                }
            }
            Some(Err(err)) => tracing::debug!(topic, error = %err, "reading table"),
            Some(Ok(m)) => {
                last_progress = Instant::now();
                contents.records += 1;
                let partition = m.partition();
                next.insert(partition, m.offset() + 1);
                match m.key().map(std::str::from_utf8) {
                    Some(Ok(key)) if keep(key) => latest.apply(
                        key,
                        partition,
                        m.offset(),
                        m.timestamp().to_millis().unwrap_or(0),
                        m.payload(),
                    ),
                    Some(Ok(_)) => {}
                    _ => contents.bad_keys += 1,
                }
            }
        }
        if last_progress.elapsed() > options.idle_timeout {
            let mut left: Vec<i32> = remaining.keys().copied().collect();
            left.sort_unstable();
            return Err(fail(&format_args!(
                "no record for {:?} while partitions {left:?} were not read to their end",
                options.idle_timeout
            )));
        }
    }
    contents.values = latest.into_values();
    Ok(contents)
}

/// Low and high watermark of a partition.
type Watermarks = (i64, i64);

/// Low and high watermark of every partition of `topic`, asking again until `timeout`: a topic
/// created a moment ago may not be in every broker's metadata yet.
fn end_offsets(
    consumer: &BaseConsumer<StatsContext>,
    topic: &str,
    timeout: Duration,
) -> Result<Vec<(i32, Watermarks)>, String> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match try_end_offsets(consumer, topic, left.max(Duration::from_millis(100))) {
            Err(_) if !left.is_zero() => std::thread::sleep(Duration::from_millis(250)),
            done => return done,
        }
    }
}

fn try_end_offsets(
    consumer: &BaseConsumer<StatsContext>,
    topic: &str,
    timeout: Duration,
) -> Result<Vec<(i32, Watermarks)>, String> {
    let metadata = consumer
        .fetch_metadata(Some(topic), timeout)
        .map_err(|e| format!("broker unreachable or not answering: {e}"))?;
    let Some(t) = metadata.topics().iter().find(|t| t.name() == topic) else {
        return Err("the topic is missing from the broker's metadata".into());
    };
    if let Some(err) = t.error() {
        return Err(format!(
            "{} (create it compacted, or let newswire create its topics)",
            rdkafka::types::RDKafkaErrorCode::from(err)
        ));
    }
    if t.partitions().is_empty() {
        return Err("the topic has no partitions".into());
    }
    t.partitions()
        .iter()
        .map(|p| {
            consumer
                .fetch_watermarks(topic, p.id(), timeout)
                .map(|w| (p.id(), w))
                .map_err(|e| format!("watermarks of partition {}: {e}", p.id()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemoryBus;
    use crate::Consumer as _;

    #[test]
    fn later_offsets_win_and_tombstones_delete() {
        let mut latest = Latest::default();
        latest.apply("a", 0, 0, 10, Some(b"1"));
        latest.apply("b", 0, 1, 11, Some(b"x"));
        latest.apply("a", 0, 2, 12, Some(b"2"));
        latest.apply("b", 0, 3, 13, None);
        // Replayed older offsets of the same partition never win.
        latest.apply("a", 0, 1, 99, Some(b"old"));
        let values = latest.into_values();
        assert_eq!(values.get("a").map(Vec::as_slice), Some(&b"2"[..]));
        assert!(!values.contains_key("b"));
    }

    #[test]
    fn across_partitions_the_later_timestamp_wins() {
        let mut latest = Latest::default();
        latest.apply("k", 0, 50, 2_000, Some(b"new"));
        latest.apply("k", 3, 1, 1_000, Some(b"old"));
        latest.apply("j", 3, 1, 1_000, Some(b"old"));
        latest.apply("j", 0, 50, 2_000, Some(b"new"));
        let values = latest.into_values();
        assert_eq!(values["k"], b"new");
        assert_eq!(values["j"], b"new");
    }

    #[test]
    fn murmur2_unless_configured() {
        let s = table_producer_settings(&KafkaSettings::new("x:1"));
        assert_eq!(s.producer["partitioner"], "murmur2_random");
        let mut custom = KafkaSettings::new("x:1");
        custom.producer.insert("partitioner".into(), "fnv1a".into());
        assert_eq!(
            table_producer_settings(&custom).producer["partitioner"],
            "fnv1a"
        );
    }

    #[tokio::test]
    async fn puts_coalesce_retry_and_flush() {
        let bus = MemoryBus::new(16);
        let mut input = bus.subscribe("t").unwrap();
        let table = KafkaTable::with_producer(
            Arc::new(bus.producer()),
            "t",
            TableOptions {
                retry_backoff: Duration::from_millis(10),
                max_value_bytes: 8,
                ..TableOptions::default()
            },
        );
        assert!(table
            .put("big", vec![0; 9])
            .unwrap_err()
            .to_string()
            .contains("big"));
        table.put("a", b"1".to_vec()).unwrap();
        // The first send of `a` is refused: it is sent again.
        let first = input.recv().await.unwrap().unwrap();
        assert_eq!(
            (first.record.key.as_str(), first.record.payload.as_slice()),
            ("a", &b"1"[..])
        );
        first.ack.nack("broker said no");
        let again = input.recv().await.unwrap().unwrap();
        assert_eq!(again.record.payload, b"1");
        assert_eq!(table.unacknowledged(), 1);
        let timeout = table.flush(Duration::from_millis(50)).await.unwrap_err();
        assert!(
            timeout.to_string().contains("1 keys of table t"),
            "{timeout}"
        );
        again.ack.ack();
        table.flush(Duration::from_secs(5)).await.unwrap();
        assert_eq!(table.failed_puts(), 1);
        assert_eq!(table.unacknowledged(), 0);
    }

    #[tokio::test]
    async fn a_newer_value_supersedes_a_failed_one() {
        let bus = MemoryBus::new(16);
        let mut input = bus.subscribe("t").unwrap();
        let table = KafkaTable::with_producer(
            Arc::new(bus.producer()),
            "t",
            TableOptions {
                retry_backoff: Duration::from_millis(10),
                ..TableOptions::default()
            },
        );
        table.put("a", b"1".to_vec()).unwrap();
        let first = input.recv().await.unwrap().unwrap();
        table.put("a", b"2".to_vec()).unwrap();
        first.ack.nack("lost");
        let next = input.recv().await.unwrap().unwrap();
        assert_eq!(next.record.payload, b"2");
        next.ack.ack();
        table.flush(Duration::from_secs(5)).await.unwrap();
    }
}
