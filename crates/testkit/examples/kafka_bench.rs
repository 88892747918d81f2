//! Throughput and latency of raw -> `newswire enrich --serve` -> enriched through a real Tansu,
//! next to the same broker's own produce-then-consume throughput measured with rdkafka alone,
//! in the same run.
//!
//!   cargo build --release -p newswire
//!   cargo run --release -p newswire-testkit --example kafka_bench -- target/release/newswire [N]
//!
//! Prints a Markdown table (crates/bus/BENCH.md holds the figures of the last run).

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use newswire_bus::kafka::admin::{ensure_topics, TopicSpec};
use newswire_bus::kafka::rdkafka::consumer::{BaseConsumer, Consumer as _};
use newswire_bus::kafka::rdkafka::message::Message;
use newswire_bus::kafka::rdkafka::producer::{FutureProducer, FutureRecord};
use newswire_bus::kafka::rdkafka::{ClientConfig, Offset, TopicPartitionList};
use newswire_bus::kafka::{KafkaProducer, KafkaSettings};
use newswire_bus::{Producer as _, Record};
use newswire_testkit::Tansu;

const RAW: &str = "newswire.articles.raw.v1";
const ENRICHED: &str = "newswire.articles.enriched.v1";
const PARTITIONS: i32 = 6;

fn article(i: usize, tag: &str) -> Record {
    let body = "ANKARA - Turkey said on Monday it would take delivery of more S-400 air defence \
        systems from Russia, a move the United States has warned could trigger sanctions under \
        CAATSA. Officials in Washington and Brussels said the deal would strain NATO ties, while \
        Moscow called it a sovereign decision. Greece and Ukraine followed the talks closely. ";
    let json = serde_json::json!({
        "id": format!("{tag}-{i:07}"),
        "feed_id": "bench",
        "feed_url": "file:///bench",
        "url": format!("https://example.invalid/{i}"),
        "canonical_url": null,
        "title": format!("Turkey weighs second S-400 batch ({i})"),
        "summary": null,
        "body": body.repeat(2),
        "authors": [],
        "categories": [],
        "language": "en",
        "published_at": null,
        "updated_at": null,
        "fetched_at": "2026-01-01T00:00:00Z"
    });
    Record::new(format!("{tag}-{i:07}"), serde_json::to_vec(&json).unwrap())
        .with_header("content-type", "application/json")
        .with_header("newswire-schema", "article/1")
        .with_header("newswire-stage", "poll")
}

fn consumer(brokers: &str, topic: &str) -> BaseConsumer {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", "bench-reader")
        .set("enable.auto.commit", "false")
        .set("fetch.wait.max.ms", "10")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..PARTITIONS {
        tpl.add_partition_offset(topic, p, Offset::Beginning)
            .unwrap();
    }
    c.assign(&tpl).unwrap();
    c
}

/// Baseline: produce n records as fast as rdkafka can, then consume them all.
async fn baseline(settings: &KafkaSettings, n: usize) -> (f64, f64, f64) {
    let topic = "bench.baseline";
    ensure_topics(settings, &[TopicSpec::new(topic, PARTITIONS, 1)])
        .await
        .unwrap();
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &settings.brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "5")
        .create()
        .unwrap();
    let records: Vec<Record> = (0..n).map(|i| article(i, "base")).collect();
    let start = Instant::now();
    let mut futures = Vec::with_capacity(n);
    for r in &records {
        loop {
            match producer.send_result(
                FutureRecord::to(topic)
                    .key(r.key.as_bytes())
                    .payload(r.payload.as_slice()),
            ) {
                Ok(f) => {
                    futures.push(f);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(1)).await,
            }
        }
    }
    for f in futures {
        f.await.unwrap().unwrap();
    }
    let produce = start.elapsed().as_secs_f64();
    let brokers = settings.brokers.clone();
    let consume = tokio::task::spawn_blocking(move || {
        let c = consumer(&brokers, topic);
        let start = Instant::now();
        let mut got = 0;
        while got < n {
            if let Some(Ok(_)) = c.poll(Duration::from_millis(100)) {
                got += 1;
            }
        }
        start.elapsed().as_secs_f64()
    })
    .await
    .unwrap();
    (
        n as f64 / produce,
        n as f64 / consume,
        n as f64 / (produce + consume),
    )
}

/// Follows the enriched topic, recording when each key arrived.
fn follow(brokers: String, arrivals: Arc<Mutex<HashMap<String, Instant>>>, until: usize) {
    let c = consumer(&brokers, ENRICHED);
    let deadline = Instant::now() + Duration::from_secs(600);
    while Instant::now() < deadline {
        if let Some(Ok(m)) = c.poll(Duration::from_millis(50)) {
            let key = String::from_utf8_lossy(m.key().unwrap_or_default()).into_owned();
            let mut a = arrivals.lock().unwrap();
            a.entry(key).or_insert_with(Instant::now);
            if a.len() >= until {
                return;
            }
        }
    }
}

/// Kills the service if the benchmark stops early (a panic included).
struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let newswire = args
        .next()
        .expect("usage: kafka_bench PATH/TO/newswire [N]");
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(50_000);
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    eprintln!("tansu on {}; {n} records", tansu.brokers());

    let (produce_rate, consume_rate, broker_rate) = baseline(&settings, n).await;
    eprintln!("baseline: produce {produce_rate:.0}/s, consume {consume_rate:.0}/s, produce-then-consume {broker_rate:.0}/s");

    // Pipeline throughput: n raw records waiting, then the service drains them.
    ensure_topics(
        &settings,
        &[RAW, ENRICHED, "newswire.articles.dlq.v1"].map(|t| TopicSpec::new(t, PARTITIONS, 1)),
    )
    .await
    .unwrap();
    let producer = KafkaProducer::new(&settings).unwrap();
    let mut receipts = Vec::new();
    for i in 0..n {
        receipts.push(producer.send(RAW, article(i, "thr")).await.unwrap());
    }
    for r in receipts {
        r.wait().await.unwrap();
    }
    let arrivals = Arc::new(Mutex::new(HashMap::new()));
    let follower = {
        let (b, a) = (settings.brokers.clone(), arrivals.clone());
        std::thread::spawn(move || follow(b, a, n))
    };
    let log = std::fs::File::create(std::env::temp_dir().join("kafka_bench_enrich.log")).unwrap();
    let mut service = ChildGuard(
        Command::new(&newswire)
            .args([
                "enrich",
                "--serve",
                "--brokers",
                &settings.brokers,
                "--group",
                "bench",
            ])
            .env("NEWSWIRE_KAFKA__CONSUMER__SESSION_TIMEOUT_MS", "6000")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    follower.join().unwrap();
    let times: Vec<Instant> = arrivals.lock().unwrap().values().copied().collect();
    let first = *times.iter().min().unwrap();
    let last = *times.iter().max().unwrap();
    // Steady state: from the 5% mark to the end (excludes the group join and warm-up).
    let mut sorted = times.clone();
    sorted.sort();
    let warm = sorted[n / 20];
    let pipeline_rate = (n - n / 20) as f64 / (last - warm).as_secs_f64();
    eprintln!(
        "pipeline: {n} enriched in {:.1}s after the first, steady {pipeline_rate:.0}/s",
        (last - first).as_secs_f64()
    );

    // Latency at a steady 1,000 articles/s for 20 s.
    let rate = 1_000usize;
    let secs = 20usize;
    let total = rate * secs;
    let arrivals = Arc::new(Mutex::new(HashMap::new()));
    let follower = {
        let (b, a) = (settings.brokers.clone(), arrivals.clone());
        std::thread::spawn(move || follow(b, a, n + total))
    };
    // Wait until the follower has caught up with the throughput phase.
    while arrivals.lock().unwrap().len() < n {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut sent: HashMap<String, Instant> = HashMap::new();
    let start = Instant::now();
    let mut receipts = Vec::new();
    for i in 0..total {
        let due = start + Duration::from_micros((i as u64) * 1_000_000 / rate as u64);
        let now = Instant::now();
        if due > now {
            tokio::time::sleep(due - now).await;
        }
        let record = article(i, "lat");
        sent.insert(record.key.clone(), Instant::now());
        receipts.push(producer.send(RAW, record).await.unwrap());
    }
    for r in receipts {
        r.wait().await.unwrap();
    }
    follower.join().unwrap();
    let arrivals = arrivals.lock().unwrap();
    let mut latencies: Vec<f64> = sent
        .iter()
        .filter_map(|(k, t)| arrivals.get(k).map(|a| (*a - *t).as_secs_f64() * 1000.0))
        .collect();
    latencies.sort_by(|a, b| a.total_cmp(b));
    let (p50, p99) = (percentile(&latencies, 0.50), percentile(&latencies, 0.99));
    let _ = Command::new("kill")
        .args(["-TERM", &service.0.id().to_string()])
        .status();
    let _ = service.0.wait();

    println!("| measurement | result |");
    println!("|---|---|");
    println!("| broker alone (rdkafka): produce, {n} records | {produce_rate:.0} records/s |");
    println!("| broker alone (rdkafka): consume, {n} records | {consume_rate:.0} records/s |");
    println!("| broker alone: produce-then-consume (each record once each way) | {broker_rate:.0} records/s |");
    println!(
        "| raw -> enrich -> enriched, steady state, {n} records | {pipeline_rate:.0} records/s |"
    );
    println!(
        "| pipeline / broker alone | {:.0}% |",
        100.0 * pipeline_rate / broker_rate
    );
    println!("| end-to-end latency at {rate} articles/s for {secs} s, p50 | {p50:.1} ms |");
    println!("| end-to-end latency at {rate} articles/s for {secs} s, p99 | {p99:.1} ms |");
    println!("| latency samples | {} of {total} |", latencies.len());
}
