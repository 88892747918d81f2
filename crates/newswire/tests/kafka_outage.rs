//! Broker outage: Tansu stops for 10 s mid-stream and comes back. The services keep running,
//! reconnect and go on: records sent while the broker was away and records sent after it came
//! back are all enriched.
//!
//! The test broker keeps data in memory only, so its restart loses every topic, record and
//! committed offset (the services recreate the topics). What newswire guarantees then: it never
//! drops a record it holds (librdkafka retries sends for `message.timeout.ms`, and a send that
//! finally fails is re-sent by its source: the poller re-polls it, a consumer re-reads it); what
//! the broker had acknowledged before it died is gone with it. A durable broker keeps it.

mod kafka_support;

use std::time::Duration;

use kafka_support::*;
use newswire_bus::kafka::KafkaProducer;
use newswire_bus::{Producer, Record};

/// Sends every record until the broker acknowledged it (what a poller does by re-polling).
async fn send_until_acknowledged(producer: &KafkaProducer, records: Vec<Record>) {
    let mut pending = records;
    for _round in 0..20 {
        let mut receipts = Vec::new();
        for r in pending.drain(..) {
            let receipt = producer.send(RAW, r.clone()).await.unwrap();
            receipts.push((r, receipt));
        }
        for (r, receipt) in receipts {
            if receipt.wait().await.is_err() {
                pending.push(r);
            }
        }
        if pending.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    panic!("{} records never acknowledged", pending.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_outage_services_reconnect_and_go_on() {
    let mut tansu = Tansu::start().unwrap();
    let settings = tansu.settings().with("message.timeout.ms", "60000");
    let dir = tempfile::tempdir().unwrap();
    create_topics(&settings, 6).await;
    let brokers = tansu.brokers();
    let mut service = Service::start(
        "enrich",
        dir.path(),
        &[
            "enrich",
            "--serve",
            "--brokers",
            brokers.as_str(),
            "--group",
            "outage",
        ],
    );

    // Before: 1,000 records flow through.
    produce(&settings, RAW, (0..1_000).map(raw_article))
        .await
        .unwrap();
    {
        let before = Follower::start(&settings, ENRICHED, false);
        assert!(
            before.wait_distinct(1_000, Duration::from_secs(120)),
            "{}",
            service.log()
        );
    }

    // The broker goes away for 10 s; meanwhile 1,000 more records are sent.
    tansu.stop();
    let producer = KafkaProducer::new(&settings).unwrap();
    let during = tokio::spawn({
        let producer = producer.clone();
        async move {
            send_until_acknowledged(&producer, (1_000..2_000).map(raw_article).collect()).await
        }
    });
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert!(
        service.is_running(),
        "the service died with the broker:\n{}",
        service.log()
    );
    tansu.restart().unwrap();

    // After: the records sent during the outage and 1,000 new ones all get enriched.
    during.await.unwrap();
    send_until_acknowledged(&producer, (2_000..3_000).map(raw_article).collect()).await;
    let after = Follower::start(&settings, ENRICHED, false);
    let ok = after.wait_distinct(2_000, Duration::from_secs(180));
    let seen = after.seen.lock().unwrap();
    let missing: Vec<String> = (1_000..3_000)
        .map(|i| format!("test-{i:05}"))
        .filter(|k| !seen.keys.contains_key(k))
        .take(5)
        .collect();
    eprintln!(
        "outage test: after the restart {} distinct enriched ({} duplicates); missing e.g. {missing:?}",
        seen.distinct(),
        seen.duplicates()
    );
    assert!(ok && missing.is_empty(), "{}", service.log());
    assert!(service.is_running());
    assert!(service
        .terminate(Duration::from_secs(30))
        .is_some_and(|s| s.success()));
}
