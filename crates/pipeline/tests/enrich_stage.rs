//! The enrich stage on its worker pool over the in-memory bus: a stalled downstream holds the
//! intake to a bounded number of records (backpressure), and records come out in the order they
//! went in, each raw record acknowledged once its enriched record is.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use newswire_bus::memory::MemoryBus;
use newswire_bus::{Consumer, Producer};
use newswire_enrich::Enricher;
use newswire_model::{topics, Article};
use newswire_pipeline::stage::codec::encode_article;
use newswire_pipeline::stage::dead_letter::DeadLetters;
use newswire_pipeline::stage::enrich::{self, BATCH, JOBS_PER_WORKER};
use newswire_pipeline::stage::stats::Stats;
use newswire_pipeline::telemetry::Metrics;
use newswire_pipeline::workers::Workers;

/// Records each topic of the bus holds before a sender waits.
const CAPACITY: usize = 4;
const WORKERS: usize = 3;
const N: usize = 3_000;

fn article(i: usize) -> Article {
    // Every fifth article is long, so the threads finish their jobs out of order.
    let body = "Turkey took delivery of S-400 systems from Russia; Washington threatened \
                sanctions. "
        .repeat(if i.is_multiple_of(5) { 60 } else { 1 });
    Article::from_text(format!("a{i:05}"), format!("Story {i}"), body)
}

/// Waits until `counter` stops moving (checked every 20 ms, 25 times in a row), at most 60 s.
async fn settled(counter: &AtomicUsize) -> usize {
    let (mut last, mut still) = (usize::MAX, 0);
    for _ in 0..3_000 {
        let now = counter.load(Ordering::SeqCst);
        still = if now == last { still + 1 } else { 0 };
        if still >= 25 {
            break;
        }
        last = now;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    counter.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_downstream_bounds_the_intake_and_order_is_kept() {
    let bus = MemoryBus::new(CAPACITY);
    let stats = Stats::new(Metrics::new(true), &["enrich"]);
    let raw = bus.subscribe(topics::RAW).unwrap();
    // Nobody reads the enriched topic yet: its sends stall once it holds CAPACITY records.
    let mut enriched = bus.subscribe(topics::ENRICHED).unwrap();
    let output: Arc<dyn Producer> = Arc::new(bus.producer());
    let stage = tokio::spawn(enrich::run(
        raw,
        output,
        Arc::new(Enricher::new()),
        Workers::new(WORKERS).unwrap(),
        stats.clone(),
        DeadLetters::default(),
    ));
    let sent = Arc::new(AtomicUsize::new(0));
    let producer = {
        let (bus, sent) = (bus.clone(), sent.clone());
        tokio::spawn(async move {
            let producer = bus.producer();
            let mut receipts = Vec::with_capacity(N);
            for i in 0..N {
                receipts.push(
                    producer
                        .send(topics::RAW, encode_article(&article(i)))
                        .await,
                );
                sent.fetch_add(1, Ordering::SeqCst);
            }
            receipts
        })
    };

    // What the stage may hold while stalled: the enriched topic's records, the batch being
    // sent, the unread jobs of the window, the batch waiting to be submitted.
    let window = WORKERS * JOBS_PER_WORKER;
    let held = CAPACITY + BATCH * (window + 2);
    let stalled_at = settled(&sent).await;
    assert!(stalled_at < N, "the producer was never held back");
    // Sent = taken by the stage + waiting in the raw topic + the send in progress.
    assert!(
        stalled_at <= held + CAPACITY + 1,
        "the stage took {stalled_at} records with its downstream stalled (bound {})",
        held + CAPACITY + 1
    );
    assert!(Stats::get(&stats.enriched) as usize <= held);

    // Downstream resumes: every record arrives once, in input order.
    let mut keys = Vec::with_capacity(N);
    while keys.len() < N {
        let delivery = enriched.recv().await.unwrap().unwrap();
        keys.push(delivery.record.key.clone());
        delivery.ack.ack();
    }
    let want: Vec<String> = (0..N).map(|i| format!("a{i:05}")).collect();
    assert_eq!(keys, want);
    for receipt in producer.await.unwrap() {
        receipt.unwrap().wait().await.unwrap();
    }
    bus.close(topics::RAW);
    stage.await.unwrap();
    assert_eq!(Stats::get(&stats.enriched) as usize, N);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_record_is_acknowledged_in_place_and_the_rest_flow_in_order() {
    let bus = MemoryBus::new(64);
    let stats = Stats::new(Metrics::new(true), &["enrich"]);
    let raw = bus.subscribe(topics::RAW).unwrap();
    let mut enriched = bus.subscribe(topics::ENRICHED).unwrap();
    let output: Arc<dyn Producer> = Arc::new(bus.producer());
    let stage = tokio::spawn(enrich::run(
        raw,
        output,
        Arc::new(Enricher::new()),
        Workers::new(2).unwrap(),
        stats.clone(),
        DeadLetters::default(),
    ));
    let producer = bus.producer();
    let mut receipts = Vec::new();
    for i in 0..40 {
        let record = if i == 17 {
            newswire_bus::Record::new("poison", b"{not json".to_vec())
        } else {
            encode_article(&article(i))
        };
        receipts.push(producer.send(topics::RAW, record).await.unwrap());
    }
    let mut keys = Vec::new();
    while keys.len() < 39 {
        let delivery = enriched.recv().await.unwrap().unwrap();
        keys.push(delivery.record.key.clone());
        delivery.ack.ack();
    }
    let want: Vec<String> = (0..40)
        .filter(|i| *i != 17)
        .map(|i| format!("a{i:05}"))
        .collect();
    assert_eq!(keys, want);
    // Without a dead-letter topic the poison record is logged and acknowledged.
    for receipt in receipts {
        receipt.wait().await.unwrap();
    }
    assert_eq!(Stats::get(&stats.decode_errors), 1);
    bus.close(topics::RAW);
    stage.await.unwrap();
}
