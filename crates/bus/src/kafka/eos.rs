//! Exactly-once consume-transform-produce: the records produced from a batch and the batch's
//! input offsets commit in one Kafka transaction (`send_offsets_to_transaction`), so a
//! `read_committed` reader downstream sees each input's outputs exactly once, even across a
//! crash of this process.
//!
//! Runs on the calling thread (use `spawn_blocking` or a thread). A batch is polled first, then
//! transformed and produced inside a transaction; nothing is polled while a transaction is open,
//! so a rebalance never finds work in flight (a batch polled across a rebalance is discarded
//! and re-read from the committed offsets).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer as _, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Headers, Message};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer as _};
use rdkafka::{ClientContext, Offset, TopicPartitionList};

use super::events::ClientEventKind;
use super::producer::to_headers;
use super::stats::{StatsContext, StatsReporter};
use super::{creating, transport, KafkaSettings};
use crate::{BusError, Origin, Record};

/// Tuning of [`run`].
#[derive(Debug, Clone)]
pub struct TransactionOptions {
    /// `transactional.id`: stable per replica, so a restarted replica fences its predecessor
    /// and aborts its open transaction at once.
    pub transactional_id: String,
    /// Most input records per transaction.
    pub max_batch: usize,
    /// How long a batch waits for more records once it has one.
    pub linger: Duration,
    /// Timeout of each transactional call.
    pub timeout: Duration,
}

impl TransactionOptions {
    /// Options with this `transactional.id` and the default batch size (500), linger (50 ms) and timeout (30 s).
    pub fn new(transactional_id: impl Into<String>) -> Self {
        TransactionOptions {
            transactional_id: transactional_id.into(),
            max_batch: 500,
            linger: Duration::from_millis(50),
            timeout: Duration::from_secs(30),
        }
    }
}

/// What one transactional run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TransactionStats {
    /// Transactions committed.
    pub committed: u64,
    /// Transactions aborted (their input is read again).
    pub aborted: u64,
    /// Input records in committed transactions.
    pub records_in: u64,
    /// Output records produced in committed transactions.
    pub records_out: u64,
}

struct Ctx {
    rebalanced: Arc<AtomicBool>,
    stats: StatsReporter,
}

impl ClientContext for Ctx {
    fn stats_raw(&self, statistics: &[u8]) {
        self.stats.report(statistics);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.stats.error(error, reason);
    }

    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, fac: &str, message: &str) {
        self.stats.log(level, fac, message);
    }
}

type TxProducer = BaseProducer<StatsContext>;

impl ConsumerContext for Ctx {
    fn pre_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        self.rebalanced.store(true, Ordering::SeqCst);
        match rebalance {
            Rebalance::Assign(tpl) => {
                tracing::info!(
                    partitions = tpl.count(),
                    "partitions assigned (transactional)"
                );
                self.stats.rebalance(ClientEventKind::Assigned {
                    partitions: tpl.count(),
                });
            }
            Rebalance::Revoke(tpl) => {
                tracing::info!(
                    partitions = tpl.count(),
                    "partitions revoked (transactional)"
                );
                self.stats.rebalance(ClientEventKind::Revoked);
            }
            Rebalance::Error(err) => tracing::warn!(error = %err, "rebalance error"),
        }
    }
}

/// A consumed message as a bus record (lossy UTF-8 for key and header values) and its origin.
pub(crate) fn to_record(message: &rdkafka::message::BorrowedMessage<'_>) -> (Record, Origin) {
    let mut record = Record::new(
        message
            .key()
            .map(|k| String::from_utf8_lossy(k).into_owned())
            .unwrap_or_default(),
        message.payload().map(<[u8]>::to_vec).unwrap_or_default(),
    );
    if let Some(headers) = message.headers() {
        for h in headers.iter() {
            let value = h
                .value
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .unwrap_or_default();
            record.headers.push((h.key.to_string(), value));
        }
    }
    let origin = Origin {
        topic: message.topic().to_string(),
        partition: message.partition(),
        offset: message.offset(),
    };
    (record, origin)
}

/// Consumes `topics` as a member of `group`; for each batch, `process` returns, per record and
/// in the batch's order, the records to produce as `(topic, record)` (taking the whole batch
/// lets it spread the work over threads); outputs and input offsets commit atomically per
/// batch. Returns when `shutdown` is set (after finishing the open batch) or on a fatal error.
pub fn run<F>(
    settings: &KafkaSettings,
    group: &str,
    topics: &[&str],
    options: &TransactionOptions,
    shutdown: &AtomicBool,
    mut process: F,
) -> Result<TransactionStats, BusError>
where
    F: FnMut(&[(Record, Origin)]) -> Vec<Vec<(String, Record)>>,
{
    let rebalanced = Arc::new(AtomicBool::new(false));
    let mut consumer_config = settings.consumer_config(group);
    consumer_config
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed");
    let consumer: BaseConsumer<Ctx> = consumer_config
        .create_with_context(Ctx {
            rebalanced: rebalanced.clone(),
            stats: settings.reporter(format!("tx-consumer/{group}")),
        })
        .map_err(creating)?;
    consumer.subscribe(topics).map_err(transport)?;

    let mut producer_config = settings.producer_config();
    producer_config.set("transactional.id", &options.transactional_id);
    if producer_config.get("transaction.timeout.ms").is_none() {
        producer_config.set("transaction.timeout.ms", "10000");
    }
    let producer: TxProducer = producer_config
        .create_with_context(StatsContext {
            reporter: settings.reporter("tx-producer"),
        })
        .map_err(creating)?;
    producer
        .init_transactions(options.timeout)
        .map_err(transport)?;
    tracing::info!(group, transactional_id = %options.transactional_id, "exactly-once stage started");

    let mut stats = TransactionStats::default();
    while !shutdown.load(Ordering::SeqCst) {
        // Serves the producer's events (statistics) between transactions.
        producer.poll(Duration::ZERO);
        // 1. Poll a batch (no transaction is open while polling).
        rebalanced.store(false, Ordering::SeqCst);
        let mut batch: Vec<(Record, Origin)> = Vec::new();
        let mut started: Option<Instant> = None;
        while batch.len() < options.max_batch && !shutdown.load(Ordering::SeqCst) {
            if started.is_some_and(|s| s.elapsed() >= options.linger) {
                break;
            }
            match consumer.poll(Duration::from_millis(20)) {
                None => {
                    if started.is_none() {
                        continue;
                    }
                }
                Some(Err(err)) => {
                    if err
                        .rdkafka_error_code()
                        .is_some_and(super::events::is_connection_trouble)
                    {
                        let reason = err.to_string();
                        consumer.context().stats.error(err, &reason);
                    } else {
                        tracing::debug!(error = %err, "consumer error (librdkafka retries)")
                    }
                }
                Some(Ok(message)) => {
                    batch.push(to_record(&message));
                    started.get_or_insert_with(Instant::now);
                }
            }
        }
        if rebalanced.load(Ordering::SeqCst) {
            // The assignment changed while polling: drop the batch and resume every partition
            // still assigned from its committed offset (revoked ones resume at their new owner).
            if !batch.is_empty() {
                rewind(&consumer, options.timeout);
            }
            continue;
        }
        if batch.is_empty() {
            continue;
        }
        // 2. Transform and produce in one transaction with the input offsets.
        match transact(&producer, &consumer, &batch, &mut process, options) {
            Ok(out) => {
                stats.committed += 1;
                stats.records_in += batch.len() as u64;
                stats.records_out += out;
            }
            Err(err) => {
                let fatal = matches!(&err, KafkaError::Transaction(e) if e.is_fatal());
                if fatal {
                    return Err(BusError::Transport(format!(
                        "fatal transaction error: {err}"
                    )));
                }
                tracing::warn!(error = %err, records = batch.len(), "transaction failed: aborting, the batch will be read again");
                if let Err(abort) = producer.abort_transaction(options.timeout) {
                    return Err(BusError::Transport(format!(
                        "cannot abort transaction: {abort}"
                    )));
                }
                stats.aborted += 1;
                rewind(&consumer, options.timeout);
            }
        }
    }
    tracing::info!(?stats, "exactly-once stage stopped");
    Ok(stats)
}

fn transact<F>(
    producer: &TxProducer,
    consumer: &BaseConsumer<Ctx>,
    batch: &[(Record, Origin)],
    process: &mut F,
    options: &TransactionOptions,
) -> Result<u64, KafkaError>
where
    F: FnMut(&[(Record, Origin)]) -> Vec<Vec<(String, Record)>>,
{
    // The work is done before the transaction opens, so it stays open only while producing.
    let outputs = process(batch);
    if outputs.len() != batch.len() {
        return Err(KafkaError::Global(RDKafkaErrorCode::InvalidArgument));
    }
    producer.begin_transaction()?;
    let mut next: HashMap<(String, i32), i64> = HashMap::new();
    let mut produced = 0u64;
    for ((_, origin), outs) in batch.iter().zip(outputs) {
        for (topic, out) in outs {
            let mut base = BaseRecord::to(&topic)
                .key(out.key.as_bytes())
                .payload(out.payload.as_slice())
                .headers(to_headers(&out));
            loop {
                match producer.send(base) {
                    Ok(()) => break,
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                        base = back;
                        producer.poll(Duration::from_millis(10));
                    }
                    Err((err, _)) => return Err(err),
                }
            }
            produced += 1;
        }
        let entry = next
            .entry((origin.topic.clone(), origin.partition))
            .or_insert(0);
        *entry = (*entry).max(origin.offset + 1);
    }
    let mut offsets = TopicPartitionList::new();
    for ((topic, partition), offset) in &next {
        offsets.add_partition_offset(topic, *partition, Offset::Offset(*offset))?;
    }
    let metadata = consumer
        .group_metadata()
        .ok_or(KafkaError::Global(RDKafkaErrorCode::State))?;
    producer.send_offsets_to_transaction(&offsets, &metadata, options.timeout)?;
    producer.commit_transaction(options.timeout)?;
    Ok(produced)
}

/// Seeks every assigned partition back to its committed offset (after an abort).
fn rewind(consumer: &BaseConsumer<Ctx>, timeout: Duration) {
    let committed = match consumer.committed(timeout) {
        Ok(c) => c,
        Err(err) => {
            tracing::error!(error = %err, "cannot read committed offsets to rewind");
            return;
        }
    };
    for element in committed.elements() {
        let offset = match element.offset() {
            Offset::Offset(o) => Offset::Offset(o),
            _ => Offset::Beginning,
        };
        if let Err(err) = consumer.seek(element.topic(), element.partition(), offset, timeout) {
            tracing::error!(topic = element.topic(), partition = element.partition(), error = %err, "rewind failed");
        }
    }
}
