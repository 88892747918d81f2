//! Rebalance: while records stream in, a second enrich replica joins the group, then the first
//! one leaves (SIGTERM: it drains, commits and leaves). Nothing is lost; duplicates from the
//! hand-over are counted and reported.

mod kafka_support;

use std::time::Duration;

use kafka_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replica_joins_and_leaves_mid_stream() {
    const N: usize = 10_000;
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let dir = tempfile::tempdir().unwrap();
    create_topics(&settings, 6).await;

    // A steady stream: 10,000 records over about 20 s.
    let stream_settings = settings.clone();
    let stream = tokio::spawn(async move {
        for chunk in 0..100 {
            let records = (chunk * 100..chunk * 100 + 100).map(raw_article);
            produce(&stream_settings, RAW, records).await.unwrap();
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });

    let enriched = Follower::start(&settings, ENRICHED, false);
    let brokers = tansu.brokers();
    let args = [
        "enrich",
        "--serve",
        "--brokers",
        brokers.as_str(),
        "--group",
        "rebalance",
    ];
    let mut a = Service::start("enrich-a", dir.path(), &args);
    assert!(
        enriched.wait_distinct(2_000, Duration::from_secs(120)),
        "replica a:\n{}",
        a.log()
    );
    let b = Service::start("enrich-b", dir.path(), &args);
    let joined_at = enriched.distinct();
    assert!(
        enriched.wait_distinct(6_000, Duration::from_secs(120)),
        "replica b:\n{}",
        b.log()
    );
    let status = a.terminate(Duration::from_secs(30));
    let left_at = enriched.distinct();
    assert!(
        matches!(status, Some(s) if s.success()),
        "replica a did not exit cleanly: {status:?}\n{}",
        a.log()
    );

    stream.await.unwrap();
    let done = enriched.wait_distinct(N, Duration::from_secs(180));
    let seen = enriched.seen.lock().unwrap();
    eprintln!(
        "rebalance test: b joined at {joined_at}, a left at {left_at}; {} distinct of {N}, {} records, {} duplicates",
        seen.distinct(),
        seen.total,
        seen.duplicates()
    );
    assert!(done, "lost records; replica b:\n{}", b.log());
    assert!(a.log().contains("partitions revoked"), "{}", a.log());
}
