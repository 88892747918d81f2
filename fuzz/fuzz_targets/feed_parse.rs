//! Feed bytes through `parse_document`, the poller's parse + normalise entry point.
//!
//! The first input byte picks the Content-Type hint (none, a realistic one, or — for 0xFF —
//! the input's own first line, so arbitrary charset labels are tried too); the rest is the
//! document.
#![no_main]

use chrono::{DateTime, Duration, Utc};
use libfuzzer_sys::fuzz_target;
use newswire_feeds::parse::DEFAULT_FUTURE_TOLERANCE_SECS;
use newswire_feeds::{parse_document, ParsedFeed};
use newswire_fuzz::is_collapsed_line;

const HINTS: &[&str] = &[
    "application/rss+xml; charset=utf-8",
    "application/atom+xml",
    "text/xml; charset=windows-1252",
    "text/xml; charset=ISO-8859-1",
    "application/xml; charset=shift_jis",
    "text/xml; charset=utf-16",
    "application/feed+json",
    "text/html; charset=koi8-r",
    "text/xml; charset=\"no-such-charset\"",
];

fn split(data: &[u8]) -> (Option<String>, &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return (None, data);
    };
    if pick == 0xff {
        let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        let hint = String::from_utf8_lossy(&rest[..end]).into_owned();
        return (Some(hint), rest.get(end + 1..).unwrap_or_default());
    }
    let hint = HINTS.get(usize::from(pick)).map(|h| h.to_string());
    (hint, rest)
}

/// What `parse_document` promises of every entry it returns.
fn check(feed: &ParsedFeed, fetched_at: DateTime<Utc>) {
    let latest = fetched_at + Duration::seconds(DEFAULT_FUTURE_TOLERANCE_SECS);
    for entry in &feed.entries {
        assert!(!entry.id.is_empty(), "entry without an id");
        let dates = entry.published.iter().chain(&entry.updated);
        assert!(
            dates.into_iter().all(|d| *d <= latest),
            "date not clamped: {entry:?}"
        );
        assert!(
            is_collapsed_line(&entry.title),
            "title not one line: {entry:?}"
        );
    }
}

fuzz_target!(
    init: newswire_fuzz::tolerate_feed_rs_panics(),
    |data: &[u8]| {
        let (hint, doc) = split(data);
        let fetched_at = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let url = "https://fuzz.example/feed.xml";
        if let Ok(feed) = parse_document(doc, hint.as_deref(), "fuzz", url, fetched_at) {
            check(&feed, fetched_at);
        }
    }
);
