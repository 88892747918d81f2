//! Hostile inputs (issue #9) against the whole service:
//! - one `newswire run --once` (in-memory bus, JSON Lines sink) over a real HTTP server serving
//!   every hostile feed of `tests/fixtures/hostile/README.md` beside two good feeds: it exits 0,
//!   every good article is written, each feed's outcome is logged under its id (failures with
//!   the reason), its peak RSS stays bounded, and a second run over the same state still works;
//! - a raw Kafka record of the wrong schema version among good ones goes to the DLQ with
//!   `schema_version` while the good ones are enriched.

#[path = "../../feeds/tests/common/mod.rs"]
mod common;
#[path = "../../feeds/tests/hostile_feeds/mod.rs"]
mod hostile_feeds;
mod kafka_support;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{rss, Reply, Server};
use hostile_feeds::*;
use serde_json::Value;

/// Peak RSS allowed to the whole process. Bodies are capped at 10 MiB and fetched concurrently
/// (the gzip bomb, the endless body, the 10 MB line and the 100,000 entries each reach a few MiB
/// to the cap), and the largest document is held a few times while it is decoded, repaired and
/// parsed (feed-rs builds a tree of it); the articles handed on are bounded (1,000 per feed,
/// 256 KiB per body). 300 MB leaves room for that and the enricher's gazetteers, and is well
/// below what an unbounded gzip bomb (100 MiB inflated) or 100,000 articles would take.
const MAX_PEAK_RSS_KB: u64 = 300 * 1024;

/// Feed id, path, expected outcome label, expected articles written.
const FEEDS: &[(&str, &str, &str, usize)] = &[
    ("good-one", "/good-one", "ok", 5),
    ("good-two", "/good-two", "ok", 7),
    ("entity-bomb", "/entity-bomb", "parse_error", 0),
    ("gzip-bomb", "/gzip-bomb", "too_large", 0),
    ("endless", "/endless", "too_large", 0),
    ("ten-mb-line", "/ten-mb-line", "ok", 2),
    ("invalid-utf8", "/invalid-utf8", "ok", 1),
    ("nul-bytes", "/nul-bytes", "ok", 1),
    ("bidi", "/bidi", "ok", 1),
    ("nested-html", "/nested-html", "ok", 2),
    ("nested-html-deep", "/nested-html-deep", "ok", 1),
    ("nested-xml-deep", "/nested-xml-deep", "parse_error", 0),
    ("html-page", "/html-page", "parse_error", 0),
    ("wrong-content-type", "/wrong-content-type", "ok", 1),
    ("many-entries", "/many-entries", "ok", 1000),
    ("big-article", "/big-article", "ok", 2),
];

/// Every hostile reply, by path.
fn replies(base: &str) -> HashMap<&'static str, Reply> {
    let rss_type = "application/rss+xml";
    let mut endless = Reply::ok(rss_type, endless_chunk());
    endless.endless = true;
    HashMap::from([
        (
            "/good-one",
            Reply::ok(rss_type, rss(&format!("{base}/one"), 5)),
        ),
        (
            "/good-two",
            Reply::ok(rss_type, rss(&format!("{base}/two"), 7)),
        ),
        (
            "/entity-bomb",
            Reply::ok(rss_type, fixture("entity-bomb.xml")),
        ),
        (
            "/gzip-bomb",
            Reply::ok(rss_type, gzip_bomb(100 << 20)).header("Content-Encoding", "gzip"),
        ),
        ("/endless", endless),
        ("/ten-mb-line", Reply::ok(rss_type, ten_mb_line())),
        (
            "/invalid-utf8",
            Reply::ok(rss_type, fixture("invalid-utf8.xml")),
        ),
        ("/nul-bytes", Reply::ok(rss_type, fixture("nul-bytes.xml"))),
        ("/bidi", Reply::ok(rss_type, fixture("bidi-zero-width.xml"))),
        (
            "/nested-html",
            Reply::ok(rss_type, fixture("nested-html.xml")),
        ),
        (
            "/nested-html-deep",
            Reply::ok(rss_type, nested_html(100_000)),
        ),
        ("/nested-xml-deep", Reply::ok(rss_type, nested_xml(100_000))),
        ("/html-page", Reply::ok(rss_type, fixture("html-page.html"))),
        (
            "/wrong-content-type",
            Reply::ok(
                "text/html; charset=iso-8859-1",
                fixture("wrong-content-type.json"),
            ),
        ),
        ("/many-entries", Reply::ok(rss_type, many_entries(100_000))),
        ("/big-article", Reply::ok(rss_type, big_article(5 << 20))),
    ])
}

fn config(dir: &Path, server: &Server) -> std::path::PathBuf {
    let mut text = format!(
        "[poll]\nstate_dir = \"{}\"\n\n[fetch]\nper_host_rate_per_sec = 1000.0\n\
         per_host_concurrency = 16\n\n[sinks.jsonl]\ndir = \"{}\"\n",
        dir.join("state").display(),
        dir.join("out").display(),
    );
    for (id, path, _, _) in FEEDS {
        text.push_str(&format!(
            "\n[[feeds]]\nid = \"{id}\"\nurl = \"{}\"\n",
            server.url(path)
        ));
    }
    let path = dir.join("newswire.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// What one run did: exit status, stderr, the child's peak RSS.
struct Run {
    code: Option<i32>,
    stderr: String,
    peak_rss_kb: u64,
}

/// Runs `newswire run --once`, reading VmHWM (the peak RSS) from /proc while it runs: the last
/// value read before it exits is its peak.
fn run_once(config: &Path) -> Run {
    let dir = config.parent().unwrap();
    let log = dir.join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_newswire"))
        .args(["--log-format", "json", "run", "--once", "--config"])
        .arg(config)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut peak_rss_kb = 0;
    let status = loop {
        if let Some(kb) = vm_hwm_kb(&status_file) {
            peak_rss_kb = kb;
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("newswire run --once did not finish in 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stderr: std::fs::read_to_string(&log).unwrap(),
        peak_rss_kb,
    }
}

fn vm_hwm_kb(status_file: &str) -> Option<u64> {
    let text = std::fs::read_to_string(status_file).ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The JSON log events with this message.
fn events<'a>(stderr: &'a str, message: &'a str) -> impl Iterator<Item = Value> + 'a {
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(move |v| v["message"] == message)
}

fn output_lines(dir: &Path) -> Vec<Value> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(dir.join("out")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        lines.extend(
            text.lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap()),
        );
    }
    lines
}

fn is_unclean(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200B}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_once_over_every_hostile_feed_loses_no_good_article() {
    let replies = replies("https://good.example");
    assert_eq!(replies.len(), FEEDS.len());
    let server = Server::start(move |req| {
        replies
            .get(req.path.as_str())
            .cloned()
            .unwrap_or_else(|| Reply::new(404))
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &server);

    let run = tokio::task::spawn_blocking({
        let config = config.clone();
        move || run_once(&config)
    })
    .await
    .unwrap();
    // Some feeds failed (the hostile ones), the rest were written: 75, "some failed, a later
    // run does them" (the exit-code table), not a crash.
    assert_eq!(run.code, Some(75), "newswire run --once:\n{}", run.stderr);

    // Each feed's outcome is logged under its id; failures also with their reason.
    let polled: HashMap<String, Value> = events(&run.stderr, "polled")
        .map(|e| (e["feed"].as_str().unwrap_or("").to_string(), e))
        .collect();
    let failed: HashMap<String, Value> = events(&run.stderr, "feed poll failed")
        .map(|e| (e["feed"].as_str().unwrap_or("").to_string(), e))
        .collect();
    for (id, _, outcome, _) in FEEDS {
        let event = polled
            .get(*id)
            .unwrap_or_else(|| panic!("no poll of {id} logged:\n{}", run.stderr));
        assert_eq!(event["outcome"], *outcome, "{id}: {event}");
        if *outcome != "ok" {
            let failure = failed
                .get(*id)
                .unwrap_or_else(|| panic!("{id} failure not logged"));
            assert_eq!(failure["outcome"], *outcome);
            assert!(
                !failure["detail"].as_str().unwrap_or("").is_empty(),
                "{failure}"
            );
        }
    }
    let failures = FEEDS.iter().filter(|f| f.2 != "ok").count();
    let summary = format!(
        "{} feeds polled ({} ok, {failures} failed)",
        FEEDS.len(),
        FEEDS.len() - failures
    );
    assert!(
        run.stderr.contains(&summary),
        "{summary} not in:\n{}",
        run.stderr
    );
    // The summary names each failing feed and why (an event per feed before it).
    for (id, _, outcome, _) in FEEDS.iter().filter(|f| f.2 != "ok") {
        let why = if *outcome == "parse_error" {
            "parse error: "
        } else {
            outcome
        };
        let line = format!("feed failed: {id}: {why}");
        assert!(
            run.stderr.contains(&line),
            "{line:?} not in:\n{}",
            run.stderr
        );
    }

    // Every good article, and every bounded result, is in the sink output; nothing is unclean
    // or oversized.
    let lines = output_lines(dir.path());
    let mut per_feed: HashMap<&str, usize> = HashMap::new();
    for line in &lines {
        *per_feed
            .entry(line["feed_id"].as_str().unwrap())
            .or_default() += 1;
        for field in ["title", "body"] {
            let text = line[field].as_str().unwrap();
            assert!(!text.chars().any(is_unclean), "{field} of {}", line["id"]);
        }
        assert!(line["body"].as_str().unwrap().len() <= 256 * 1024);
    }
    for (id, _, _, articles) in FEEDS {
        assert_eq!(per_feed.get(id).copied().unwrap_or(0), *articles, "{id}");
    }
    let good_titles: Vec<&str> = lines
        .iter()
        .filter(|l| l["feed_id"] == "good-two")
        .map(|l| l["title"].as_str().unwrap())
        .collect();
    for i in 0..7 {
        let title = format!("Story {i}: Ministers discuss air defence sales");
        assert!(good_titles.contains(&title.as_str()), "{title} missing");
    }

    eprintln!(
        "hostile run: {} lines written, peak RSS {} MiB",
        lines.len(),
        run.peak_rss_kb / 1024
    );
    assert!(run.peak_rss_kb > 0, "VmHWM was never read");
    assert!(
        run.peak_rss_kb < MAX_PEAK_RSS_KB,
        "peak RSS {} KiB over {MAX_PEAK_RSS_KB} KiB",
        run.peak_rss_kb
    );

    // Still healthy: a second run over the same state succeeds and re-emits nothing.
    let again = tokio::task::spawn_blocking(move || run_once(&config))
        .await
        .unwrap();
    assert_eq!(again.code, Some(75), "second run:\n{}", again.stderr);
    assert_eq!(
        output_lines(dir.path()).len(),
        lines.len(),
        "articles re-emitted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_of_the_wrong_schema_version_goes_to_the_dlq() {
    use kafka_support::*;
    const GOOD: usize = 200;
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let dir = tempfile::tempdir().unwrap();
    create_topics(&settings, 3).await;
    // A well-formed article, but labelled as a schema version this build does not know.
    let mut future = raw_article(GOOD);
    future.key = "future-version".into();
    future
        .headers
        .retain(|(k, _)| k != newswire_model::topics::headers::SCHEMA);
    let future = future.with_header(newswire_model::topics::headers::SCHEMA, "article/2");
    let records = (0..GOOD / 2)
        .map(raw_article)
        .chain(std::iter::once(future.clone()))
        .chain((GOOD / 2..GOOD).map(raw_article));
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
            "hostile",
        ],
    );
    let all_enriched = enriched.wait_distinct_alive(GOOD, Duration::from_secs(180), &mut service);
    assert!(
        all_enriched,
        "enriched {} of {GOOD}:\n{}",
        enriched.distinct(),
        service.log()
    );
    assert!(
        dlq.wait_distinct(1, Duration::from_secs(30)),
        "{}",
        service.log()
    );
    let seen = dlq.seen.lock().unwrap();
    let record = &seen.records[0];
    assert_eq!(record.key, "future-version");
    assert_eq!(record.payload, future.payload, "original bytes kept");
    assert_eq!(
        record.header("newswire-dlq-error-code"),
        Some("schema_version")
    );
    assert!(record
        .header("newswire-dlq-error-message")
        .is_some_and(|m| m.contains("article/2")));
    assert_eq!(
        enriched.distinct(),
        GOOD,
        "the wrong version is never enriched"
    );
}
