//! End to end over a real broker: fixture feeds -> `newswire poll --once` -> raw ->
//! `newswire enrich --serve` -> enriched -> `newswire sink --jsonl` -> JSON Lines. Every
//! article published to the raw topic is in the sink output exactly once after dedup by id.
//! Then `newswire run` with `bus.kind = "kafka"` does the same in one process.

mod kafka_support;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kafka_support::*;

fn fixture_feeds() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/feeds");
    let mut feeds: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml" || e == "json"))
        .map(|p| format!("file://{}", std::path::absolute(p).unwrap().display()))
        .collect();
    feeds.sort();
    assert!(feeds.len() >= 3, "fixture feeds in {}", dir.display());
    feeds
}

/// Ids (with counts) in every JSON Lines file under `dir`.
fn jsonl_ids(dir: &Path) -> HashMap<String, usize> {
    let mut ids = HashMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return ids;
    };
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
                continue; // a line being written
            };
            assert!(
                value.get("countries").is_some(),
                "an enriched article: {line}"
            );
            let id = value["id"]
                .as_str()
                .or(value["article"]["id"].as_str())
                .unwrap_or_default();
            *ids.entry(id.to_string()).or_default() += 1;
        }
    }
    ids
}

fn wait_for_ids(dir: &Path, want: &HashSet<String>, timeout: Duration) -> HashMap<String, usize> {
    let deadline = Instant::now() + timeout;
    loop {
        let ids = jsonl_ids(dir);
        if want.iter().all(|id| ids.contains_key(id)) || Instant::now() > deadline {
            return ids;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_to_jsonl_through_the_broker() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let dir = tempfile::tempdir().unwrap();
    let brokers = tansu.brokers();
    let out: PathBuf = dir.path().join("out");

    // Poll first: it creates the topics. Then the two services.
    let mut poll_args = vec![
        "poll",
        "--brokers",
        brokers.as_str(),
        "--once",
        "--state-dir",
        "state",
    ];
    let feeds = fixture_feeds();
    for f in &feeds {
        poll_args.extend(["--feed", f.as_str()]);
    }
    let mut poll = Service::start("poll", dir.path(), &poll_args);
    let status = poll.wait(Duration::from_secs(120));
    assert!(
        status.is_some_and(|s| s.success()),
        "poll --once failed: {status:?}\n{}",
        poll.log()
    );

    let raw = read_topic(
        &settings,
        RAW,
        1,
        Duration::from_secs(1),
        Duration::from_secs(30),
    )
    .unwrap();
    let published: HashSet<String> = raw.iter().map(|(r, _)| r.key.clone()).collect();
    assert!(
        published.len() >= 10,
        "fixture articles published: {}",
        published.len()
    );
    for (record, _) in &raw {
        assert_eq!(record.header("content-type"), Some("application/json"));
        assert_eq!(record.header("newswire-schema"), Some("article/1"));
        assert_eq!(record.header("newswire-stage"), Some("poll"));
        assert!(record.header("newswire-feed").is_some());
    }

    let enrich = Service::start(
        "enrich",
        dir.path(),
        &["enrich", "--serve", "--brokers", brokers.as_str()],
    );
    let out_arg = out.display().to_string();
    let mut sink = Service::start(
        "sink",
        dir.path(),
        &[
            "sink",
            "--brokers",
            brokers.as_str(),
            "--jsonl",
            out_arg.as_str(),
        ],
    );
    let written = wait_for_ids(&out, &published, Duration::from_secs(180));
    let got: HashSet<String> = written.keys().cloned().collect();
    assert_eq!(
        got,
        published,
        "enrich:\n{}\nsink:\n{}",
        enrich.log(),
        sink.log()
    );

    // The enriched topic carries the public contract's headers.
    let enriched = read_topic(
        &settings,
        ENRICHED,
        published.len(),
        Duration::from_millis(500),
        Duration::from_secs(30),
    )
    .unwrap();
    for (record, _) in &enriched {
        assert_eq!(record.header("newswire-schema"), Some("enriched-article/1"));
        assert_eq!(record.header("newswire-stage"), Some("enrich"));
        assert!(published.contains(&record.key));
    }

    // Polling again publishes nothing new: the feed state remembers what was delivered.
    let mut again = Service::start("poll-again", dir.path(), &poll_args);
    assert!(again
        .wait(Duration::from_secs(120))
        .is_some_and(|s| s.success()));
    assert!(again.log().contains(" 0 new articles"), "{}", again.log());

    let status = sink.terminate(Duration::from_secs(30));
    assert!(
        status.is_some_and(|s| s.success()),
        "sink exit {status:?}:\n{}",
        sink.log()
    );
    eprintln!(
        "e2e: {} articles published, {} distinct in the sink output, {} lines",
        published.len(),
        written.len(),
        written.values().sum::<usize>()
    );

    // `newswire run` over Kafka in one process: its own groups, a fresh feed state.
    let run_out = dir.path().join("run-out");
    let feeds_toml: String = feeds
        .iter()
        .enumerate()
        .map(|(i, url)| format!("[[feeds]]\nid = \"f{i}\"\nurl = \"{url}\"\n"))
        .collect();
    let config = format!(
        "[bus]\nkind = \"kafka\"\n\n[poll]\nstate_dir = \"run-state\"\n\n[sinks.jsonl]\ndir = \"{}\"\n\n\
         [kafka]\nbrokers = \"{brokers}\"\ngroup = \"run-all\"\n\n[kafka.consumer]\n\"session.timeout.ms\" = 6000\n\n{feeds_toml}",
        run_out.display()
    );
    std::fs::write(dir.path().join("run.toml"), config).unwrap();
    let mut run = Service::start(
        "run",
        dir.path(),
        &["run", "--config", "run.toml", "--once"],
    );
    let status = run.wait(Duration::from_secs(240));
    assert!(
        status.is_some_and(|s| s.success()),
        "run --once over kafka: {status:?}\n{}",
        run.log()
    );
    let ran: HashSet<String> = jsonl_ids(&run_out).keys().cloned().collect();
    // Same articles, same ids (deterministic), whatever feed ids the config gave.
    assert_eq!(ran, published, "{}", run.log());
}
