//! librdkafka statistics as metrics: `newswire enrich --serve --http` with a short statistics
//! interval enriches records through a real Tansu, and /metrics then shows per-client byte
//! totals at least as large as the payloads that crossed, the producer queue, a round-trip
//! time per broker, the fetch queue of every assigned partition and the group's rebalances.

mod http_support;
mod kafka_support;

use std::time::{Duration, Instant};

use http_support::{http_get, samples, sum};
use kafka_support::*;

const RECORDS: usize = 300;
const PARTITIONS: i32 = 3;

/// Polls /metrics until `ready` accepts it; the last text either way.
fn metrics_until(port: u16, within: Duration, ready: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    let mut last = String::new();
    while started.elapsed() < within {
        if let Ok((200, body)) = http_get(port, "/metrics") {
            if ready(&body) {
                return body;
            }
            last = body;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrich_service_exports_librdkafka_statistics() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let dir = tempfile::tempdir().unwrap();
    create_topics(&settings, PARTITIONS).await;
    let records: Vec<_> = (0..RECORDS).map(raw_article).collect();
    let raw_bytes: usize = records.iter().map(|r| r.payload.len()).sum();
    produce(&settings, RAW, records).await.unwrap();

    let enriched = Follower::start(&settings, ENRICHED, true);
    let port = newswire_testkit::free_port().unwrap();
    let (brokers, http) = (tansu.brokers(), format!("127.0.0.1:{port}"));
    std::env::set_var("NEWSWIRE_KAFKA__STATISTICS_INTERVAL_MS", "200");
    let mut service = Service::start(
        "enrich",
        dir.path(),
        &[
            "enrich",
            "--serve",
            "--brokers",
            &brokers,
            "--group",
            "stats",
            "--http",
            &http,
        ],
    );
    assert!(
        enriched.wait_distinct_alive(RECORDS, Duration::from_secs(120), &mut service),
        "enriched {} of {RECORDS}:\n{}",
        enriched.distinct(),
        service.log()
    );
    let enriched_bytes: usize = {
        let seen = enriched.seen.lock().unwrap();
        seen.records.iter().map(|r| r.payload.len()).sum()
    };

    // Statistics arrive every 200 ms; wait until they cover what crossed the broker.
    let consumer = r#"client="consumer/stats""#;
    let producer = r#"client="producer""#;
    let text = metrics_until(port, Duration::from_secs(30), |m| {
        sum(m, "newswire_kafka_sent_bytes_total", &[producer]) >= enriched_bytes as f64
            && sum(m, "newswire_kafka_received_bytes_total", &[consumer]) >= raw_bytes as f64
            && samples(m, "newswire_kafka_fetch_queue_messages", &[consumer]).len()
                == PARTITIONS as usize
    });
    let log = service.log();
    let produced = sum(&text, "newswire_kafka_sent_bytes_total", &[producer]);
    assert!(
        produced >= enriched_bytes as f64,
        "the producer sent {produced} bytes, the enriched payloads alone are {enriched_bytes}\n{text}\n{log}"
    );
    let fetched = sum(&text, "newswire_kafka_received_bytes_total", &[consumer]);
    assert!(
        fetched >= raw_bytes as f64,
        "the consumer received {fetched} bytes, the raw payloads alone are {raw_bytes}\n{text}"
    );
    let queues = samples(&text, "newswire_kafka_fetch_queue_messages", &[consumer]);
    for p in 0..PARTITIONS {
        let labels = format!(r#"partition="{p}""#);
        assert!(
            queues
                .iter()
                .any(|(l, v)| l.contains(&labels) && l.contains(RAW) && *v >= 0.0),
            "no fetch queue gauge for {RAW} partition {p}: {queues:?}"
        );
    }
    let rebalances = sum(&text, "newswire_kafka_rebalances_total", &[consumer]);
    assert!(
        rebalances >= 1.0,
        "joining the group is a rebalance\n{text}"
    );
    let rtts = samples(&text, "newswire_kafka_broker_rtt_p99_seconds", &[]);
    assert!(
        !rtts.is_empty() && rtts.iter().all(|(_, v)| *v > 0.0 && *v < 60.0),
        "round-trip times: {rtts:?}"
    );
    // Every record was acknowledged, so the producer queue holds (almost) nothing; the gauge
    // is there and not negative.
    let queued = samples(&text, "newswire_kafka_queue_messages", &[producer]);
    assert!(
        queued.len() == 1 && queued[0].1 >= 0.0 && queued[0].1 < RECORDS as f64,
        "producer queue: {queued:?}"
    );
    let status = service.terminate(Duration::from_secs(30));
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?}\n{}",
        service.log()
    );
}
