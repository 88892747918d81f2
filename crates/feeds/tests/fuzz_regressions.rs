//! Inputs the fuzzer (`fuzz/`, target `feed_parse`) found, replayed through `parse_document`.
//!
//! Each file under `fuzz/regressions/feed_parse/` is a document (without the fuzzer's leading
//! Content-Type selector byte) that once crashed or hung a fuzz run.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use newswire_feeds::{parse_document, ParseError};

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

/// A second `<?xml ... encoding="euc-kr"?>` inside an RSS item makes quick-xml (under feed-rs)
/// panic in `set_encoding`; `parse_document` must contain it and say so, not unwind.
#[test]
fn second_xml_declaration_is_contained() {
    let (path, doc) = regressions()
        .into_iter()
        .find(|(p, _)| p.ends_with("second-xml-declaration.xml"))
        .expect("fuzz/regressions/feed_parse/second-xml-declaration.xml");
    let url = "https://fuzz.example/feed.xml";
    match parse_document(&doc, None, "fuzz", url, fetched_at()) {
        Err(ParseError::Panicked(msg)) => assert!(msg.contains("encoding"), "{msg}"),
        other => panic!(
            "{}: expected a contained panic, got {other:?}",
            path.display()
        ),
    }
}

/// Every recorded input returns from `parse_document` (a panic escaping it fails the test).
#[test]
fn every_recorded_input_returns() {
    for (path, doc) in regressions() {
        let url = "https://fuzz.example/feed.xml";
        let outcome = parse_document(&doc, None, "fuzz", url, fetched_at());
        eprintln!("{}: {}", path.display(), outcome.is_ok());
    }
}
