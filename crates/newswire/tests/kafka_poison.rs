//! Poison: 100 garbage records among 10,000 good ones. The 100 land in the DLQ with their
//! original key and bytes and headers naming topic, partition, offset, stage and error; all
//! 10,000 good ones are enriched; the partitions never stall.

mod kafka_support;

use std::collections::HashSet;
use std::time::Duration;

use kafka_support::*;
use newswire_bus::Record;

fn garbage(i: usize) -> Record {
    let payload: Vec<u8> = match i % 4 {
        0 => b"{not json at all".to_vec(),
        1 => vec![0xff, 0xfe, 0x00, 0x9c],
        2 => br#"{"title": 42, "body": ["no"]}"#.to_vec(),
        _ => Vec::new(),
    };
    Record::new(format!("poison-{i:03}"), payload).with_header("newswire-schema", "article/1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_goes_to_the_dlq_and_the_stream_goes_on() {
    const GOOD: usize = 10_000;
    const BAD: usize = 100;
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let dir = tempfile::tempdir().unwrap();
    create_topics(&settings, 3).await;
    // One garbage record every 100 good ones, across all partitions.
    let records = (0..GOOD).flat_map(|i| {
        let mut v = vec![raw_article(i)];
        if i % (GOOD / BAD) == 50 {
            v.push(garbage(i / (GOOD / BAD)));
        }
        v
    });
    produce(&settings, RAW, records).await.unwrap();

    let enriched = Follower::start(&settings, ENRICHED, false);
    let dlq = Follower::start(&settings, DLQ, true);
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
            "poison",
        ],
    );
    let all_enriched = enriched.wait_distinct_alive(GOOD, Duration::from_secs(240), &mut service);
    let all_dead = dlq.wait_distinct(BAD, Duration::from_secs(30));
    assert!(
        all_enriched,
        "enriched {} of {GOOD}:\n{}",
        enriched.distinct(),
        service.log()
    );
    assert!(
        all_dead,
        "dead-lettered {} of {BAD}:\n{}",
        dlq.distinct(),
        service.log()
    );

    let seen = dlq.seen.lock().unwrap();
    let keys: HashSet<&str> = seen.records.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys.len(), BAD);
    for record in &seen.records {
        let i: usize = record.key.trim_start_matches("poison-").parse().unwrap();
        assert_eq!(record.payload, garbage(i).payload, "original bytes kept");
        assert_eq!(record.header("newswire-dlq-topic"), Some(RAW));
        assert_eq!(record.header("newswire-dlq-stage"), Some("enrich"));
        let partition: i32 = record
            .header("newswire-dlq-partition")
            .unwrap()
            .parse()
            .unwrap();
        let offset: i64 = record
            .header("newswire-dlq-offset")
            .unwrap()
            .parse()
            .unwrap();
        assert!((0..3).contains(&partition) && offset >= 0);
        let code = record.header("newswire-dlq-error-code").unwrap();
        let expected = match i % 4 {
            0 | 3 => "invalid_json",
            1 => "invalid_utf8",
            _ => "schema_violation",
        };
        assert_eq!(code, expected, "{record:?}");
        assert!(!record
            .header("newswire-dlq-error-message")
            .unwrap()
            .is_empty());
    }
    eprintln!(
        "poison test: {} enriched ({} duplicates), {} dead-lettered",
        enriched.distinct(),
        enriched.seen.lock().unwrap().duplicates(),
        seen.total
    );
}
