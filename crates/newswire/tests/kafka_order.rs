//! Order over Kafka: `enrich --serve` on four threads keeps each partition's order. The raw
//! and enriched topics have the same partitions and both producers place a key the same way,
//! so each partition of the enriched topic must hold the keys of the same raw partition, in
//! the same order.

mod kafka_support;

use std::collections::BTreeMap;
use std::time::Duration;

use kafka_support::*;
use newswire_bus::{Origin, Record};
use newswire_model::Article;

const N: usize = 3_000;

/// Every sixth article is long, so the threads finish their jobs out of order.
fn varied_article(i: usize) -> Record {
    let body = "ANKARA - Turkey said it would take more S-400 systems from Russia. "
        .repeat(if i.is_multiple_of(6) { 150 } else { 1 });
    let article = Article::from_text(format!("order-{i:05}"), format!("Story {i}"), body);
    Record::new(article.id.clone(), serde_json::to_vec(&article).unwrap())
        .with_header("content-type", "application/json")
        .with_header("newswire-schema", "article/1")
        .with_header("newswire-stage", "poll")
}

fn keys_by_partition(records: &[(Record, Origin)]) -> BTreeMap<i32, Vec<String>> {
    let mut out: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for (record, origin) in records {
        out.entry(origin.partition)
            .or_default()
            .push(record.key.clone());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_partition_keeps_its_order_through_the_worker_pool() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let dir = tempfile::tempdir().unwrap();
    create_topics(&settings, 4).await;
    produce(&settings, RAW, (0..N).map(varied_article))
        .await
        .unwrap();
    let brokers = tansu.brokers();
    let mut service = Service::start(
        "enrich",
        dir.path(),
        &[
            "enrich",
            "--serve",
            "--brokers",
            &brokers,
            "--group",
            "order",
            "--workers",
            "4",
        ],
    );
    let (a, b) = (settings.clone(), settings.clone());
    let raw = tokio::task::spawn_blocking(move || {
        read_topic(
            &a,
            RAW,
            N,
            Duration::from_millis(500),
            Duration::from_secs(60),
        )
    });
    let enriched = tokio::task::spawn_blocking(move || {
        read_topic(
            &b,
            ENRICHED,
            N,
            Duration::from_secs(2),
            Duration::from_secs(240),
        )
    });
    let raw = raw.await.unwrap().unwrap();
    let enriched = enriched.await.unwrap().unwrap();
    let status = service.terminate(Duration::from_secs(30));
    assert_eq!(raw.len(), N);
    assert_eq!(enriched.len(), N, "{}", service.log());
    let (raw, enriched) = (keys_by_partition(&raw), keys_by_partition(&enriched));
    assert_eq!(raw.len(), 4, "every raw partition has records");
    assert!(
        raw == enriched,
        "the enriched topic's partitions differ in order or content"
    );
    assert!(status.is_some_and(|s| s.success()), "{}", service.log());
}
