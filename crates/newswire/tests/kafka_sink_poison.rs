//! Poison at the sink: undecodable records on the enriched topic go to the DLQ from the sink
//! stage (original key and bytes, stage and origin in headers) while every good record is
//! written; the sink decodes each record once and decides there.

mod kafka_support;

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use kafka_support::*;
use newswire_bus::Record;
use newswire_enrich::Enricher;
use newswire_model::topics::ENRICHED_SCHEMA;
use newswire_model::Article;

const GOOD: usize = 200;
const BAD: usize = 8;

fn enriched(i: usize, enricher: &Enricher) -> Record {
    let article = Article::from_text(
        format!("sink-{i:04}"),
        format!("Sanctions on Russia widen ({i})"),
        "BRUSSELS - The European Union agreed new sanctions on Russia over Ukraine.".to_string(),
    );
    let out = enricher.enrich(article);
    Record::new(out.article.id.clone(), serde_json::to_vec(&out).unwrap())
        .with_header("newswire-schema", ENRICHED_SCHEMA)
}

fn garbage(i: usize) -> Record {
    let payload = match i % 2 {
        0 => b"{\"article\": 7".to_vec(),
        _ => br#"{"id": ["not", "a", "string"]}"#.to_vec(),
    };
    Record::new(format!("poison-{i}"), payload).with_header("newswire-schema", ENRICHED_SCHEMA)
}

fn written_ids(dir: &Path) -> HashSet<String> {
    let mut ids = HashSet::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text.lines() {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(line) {
                let id = value["id"].as_str().or(value["article"]["id"].as_str());
                ids.insert(id.unwrap_or_default().to_string());
            }
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sink_sends_poison_to_the_dlq_and_writes_the_rest() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let dir = tempfile::tempdir().unwrap();
    create_topics(&settings, 2).await;
    let enricher = Enricher::new();
    let records: Vec<Record> = (0..GOOD)
        .flat_map(|i| {
            let mut v = vec![enriched(i, &enricher)];
            if i % (GOOD / BAD) == 7 {
                v.push(garbage(i / (GOOD / BAD)));
            }
            v
        })
        .collect();
    produce(&settings, ENRICHED, records).await.unwrap();

    let dlq = Follower::start(&settings, DLQ, true);
    let out = dir.path().join("out");
    let brokers = tansu.brokers();
    let mut service = Service::start(
        "sink",
        dir.path(),
        &[
            "sink",
            "--brokers",
            &brokers,
            "--group",
            "sink-poison",
            "--jsonl",
            out.to_str().unwrap(),
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    while written_ids(&out).len() < GOOD && Instant::now() < deadline && service.is_running() {
        std::thread::sleep(Duration::from_millis(200));
    }
    let all_dead = dlq.wait_distinct(BAD, Duration::from_secs(30));
    let status = service.terminate(Duration::from_secs(30));
    let log = service.log();
    assert!(status.is_some_and(|s| s.success()), "{status:?}\n{log}");
    let ids = written_ids(&out);
    assert_eq!(ids.len(), GOOD, "written {} of {GOOD}\n{log}", ids.len());
    assert!(
        ids.iter().all(|id| id.starts_with("sink-")),
        "poison written"
    );
    assert!(all_dead, "dead-lettered {} of {BAD}\n{log}", dlq.distinct());
    let seen = dlq.seen.lock().unwrap();
    for record in &seen.records {
        let i: usize = record.key.trim_start_matches("poison-").parse().unwrap();
        assert_eq!(record.payload, garbage(i).payload, "original bytes kept");
        assert_eq!(record.header("newswire-dlq-stage"), Some("sink"));
        assert_eq!(record.header("newswire-dlq-topic"), Some(ENRICHED));
        assert!(
            record.header("newswire-dlq-error-code").is_some(),
            "{:?}",
            record.headers
        );
    }
}
