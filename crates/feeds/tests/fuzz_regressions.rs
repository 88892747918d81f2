//! Inputs the fuzzer (`fuzz/`, target `feed_parse`) found, replayed through `parse_document`.
//!
//! Each file under `fuzz/regressions/feed_parse/` is a document (without the fuzzer's leading
//! Content-Type selector byte) that once crashed or hung a fuzz run.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use newswire_feeds::parse::DEFAULT_FUTURE_TOLERANCE_SECS;
use newswire_feeds::{parse_document, ParsedFeed};

fn regressions() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/feed_parse");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, bytes)
        })
        .collect()
}

fn fetched_at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).expect("valid timestamp")
}

/// A second `<?xml ... encoding="euc-kr"?>` inside an RSS item made quick-xml (under feed-rs)
/// panic in `set_encoding`. Feeds' XML is now read by newswire's own reader, which ignores
/// encoding declarations (the bytes are transcoded before): the document, which the fuzzer
/// also broke elsewhere, parses, and the warnings say where it was repaired.
#[test]
fn second_xml_declaration_is_read_without_a_panic() {
    let (path, doc) = regressions()
        .into_iter()
        .find(|(p, _)| p.ends_with("second-xml-declaration.xml"))
        .expect("fuzz/regressions/feed_parse/second-xml-declaration.xml");
    let url = "https://fuzz.example/feed.xml";
    let feed = parse_document(&doc, None, "fuzz", url, fetched_at())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(
        feed.entries[0].title,
        "Turkish official casts doubt on report of new Russian air defence sale"
    );
    assert!(
        feed.warnings
            .iter()
            .any(|w| w.contains("line 15, column 364: stray end tag")),
        "{:?}",
        feed.warnings
    );
}

/// Every recorded input comes back from `parse_document` within a deadline as a parse that
/// keeps the fuzz target's promises (ids non-empty, titles one collapsed line, dates clamped)
/// or as a `ParseError` naming the cause (a contained panic included); a panic escaping
/// `parse_document` or a hang fails the test naming the file.
#[test]
fn every_recorded_input_parses_or_fails_cleanly() {
    let inputs = regressions();
    assert!(!inputs.is_empty(), "no recorded fuzz inputs");
    for (path, doc) in inputs {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let url = "https://fuzz.example/feed.xml";
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                parse_document(&doc, None, "fuzz", url, fetched_at())
            }));
            let _ = tx.send(outcome);
        });
        let outcome = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{}: parse_document hung for 20 s", path.display()));
        match outcome {
            Err(_) => panic!("{}: a panic escaped parse_document", path.display()),
            Ok(Ok(feed)) => check_promises(&path, &feed),
            Ok(Err(e)) => assert!(!e.to_string().is_empty(), "{}", path.display()),
        }
    }
}

/// What `parse_document` promises of every entry it returns (as `fuzz_targets/feed_parse.rs`).
fn check_promises(path: &Path, feed: &ParsedFeed) {
    let latest = fetched_at() + chrono::Duration::seconds(DEFAULT_FUTURE_TOLERANCE_SECS);
    for entry in &feed.entries {
        assert!(
            !entry.id.is_empty(),
            "{}: entry without an id",
            path.display()
        );
        let dates = entry.published.iter().chain(&entry.updated);
        assert!(
            dates.into_iter().all(|d| *d <= latest),
            "{}: date not clamped: {entry:?}",
            path.display()
        );
        let t = &entry.title;
        assert!(
            t.trim() == t && !t.contains("  ") && !t.chars().any(|c| c.is_whitespace() && c != ' '),
            "{}: title not one collapsed line: {t:?}",
            path.display()
        );
    }
}
