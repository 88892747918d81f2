//! Crash: `kill -9` the enrich service halfway through 10,000 records and restart it. All
//! 10,000 reach the enriched topic; duplicates (records whose offsets were not yet committed
//! when the process died) are counted and reported; none is lost.

mod kafka_support;

use std::time::Duration;

use kafka_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_halfway_loses_nothing() {
    const N: usize = 10_000;
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let dir = tempfile::tempdir().unwrap();
    create_topics(&settings, 4).await;
    produce(&settings, RAW, (0..N).map(raw_article))
        .await
        .unwrap();

    let enriched = Follower::start(&settings, ENRICHED, false);
    let brokers = tansu.brokers();
    let args = [
        "enrich",
        "--serve",
        "--brokers",
        brokers.as_str(),
        "--group",
        "crash",
    ];
    let mut first = Service::start("enrich-1", dir.path(), &args);
    assert!(
        enriched.wait_distinct_alive(N / 2, Duration::from_secs(180), &mut first),
        "the first replica never got halfway:\n{}",
        first.log()
    );
    first.kill9();
    let at_kill = enriched.distinct();

    let mut second = Service::start("enrich-2", dir.path(), &args);
    let done = enriched.wait_distinct_alive(N, Duration::from_secs(180), &mut second);
    let seen = enriched.seen.lock().unwrap();
    eprintln!(
        "crash test: killed after {at_kill} distinct enriched records; in the end {} distinct, {} records, {} duplicates",
        seen.distinct(),
        seen.total,
        seen.duplicates()
    );
    assert!(done, "not every record was enriched:\n{}", second.log());
    assert_eq!(seen.distinct(), N);
    let expected: std::collections::HashSet<String> =
        (0..N).map(|i| format!("test-{i:05}")).collect();
    assert!(seen.keys.keys().all(|k| expected.contains(k)));
}
