//! The feed-rs 3.0.0 failures measured in issue 3 (and other real-world breakage) never reach
//! users: each document here is broken the way real feeds are, and parses into clean entries.

use chrono::{DateTime, Duration, TimeZone, Utc};
use newswire_feeds::{parse_document, ParseError, ParsedFeed};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 6, 0, 0).unwrap()
}

fn parse(doc: &[u8]) -> ParsedFeed {
    parse_document(doc, None, "f", "https://example.com/feed", now()).unwrap()
}

#[test]
fn rss_without_version_attribute() {
    let f = parse(b"<rss><channel><title>T</title><item><title>A</title><link>https://example.com/a</link></item></channel></rss>");
    assert_eq!(f.format, "rss2");
    assert_eq!(f.entries[0].title, "A");
    assert!(f.warnings.iter().any(|w| w.contains("no version")));
    let f = parse(b"<rss version=\"2.01\"><channel><item><title>B</title></item></channel></rss>");
    assert_eq!(f.entries[0].title, "B");
}

#[test]
fn bare_ampersands_in_links_and_titles() {
    let f = parse(b"<rss version=\"2.0\"><channel><title>AT&T & friends</title><item><title>Q&A: arms & sanctions</title>\
        <link>https://example.com/story?id=1&src=rss&utm_source=x</link></item></channel></rss>");
    assert_eq!(f.title.as_deref(), Some("AT&T & friends"));
    let e = &f.entries[0];
    assert_eq!(e.title, "Q&A: arms & sanctions");
    assert_eq!(
        e.url.as_deref(),
        Some("https://example.com/story?id=1&src=rss&utm_source=x")
    );
    assert_eq!(
        e.canonical_url.as_deref(),
        Some("https://example.com/story?id=1&src=rss")
    );
}

#[test]
fn html_entities_are_decoded_in_text_fields() {
    let f = parse(b"<rss version=\"2.0\"><channel><item><title>Caf&eacute;&nbsp;talks &amp;amp; &#8220;peace&#8221;</title>\
        <description>Le minist&egrave;re a dit&hellip;</description></item></channel></rss>");
    let e = &f.entries[0];
    assert_eq!(e.title, "Café talks & \u{201c}peace\u{201d}");
    assert_eq!(e.text, "Le ministère a dit…");
}

#[test]
fn unescaped_html_in_description_is_kept() {
    let f = parse(b"<rss version=\"2.0\"><channel><item><title>T</title>\
        <description><p>First <b>bold</b> para.</p><p>Second para.</p></description></item></channel></rss>");
    assert_eq!(f.entries[0].text, "First bold para.\n\nSecond para.");
}

#[test]
fn utf16_documents_do_not_panic() {
    let s = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>Київ</title>\
             <item><title>Новини</title><link>https://example.com/n</link></item></channel></rss>";
    for bom in [true, false] {
        let mut bytes: Vec<u8> = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for u in s.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let f = parse(&bytes);
        assert_eq!(f.title.as_deref(), Some("Київ"));
        assert_eq!(f.entries[0].title, "Новини");
    }
    // A UTF-16 label on UTF-8 bytes.
    let f = parse("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>Ünï</title></channel></rss>".as_bytes());
    assert_eq!(f.title.as_deref(), Some("Ünï"));
}

#[test]
fn ids_are_deterministic_without_guid_or_link() {
    let doc = b"<rss version=\"2.0\"><channel><item><title>No guid, no link</title><pubDate>Tue, 16 Aug 2022 12:05:00 GMT</pubDate></item></channel></rss>";
    let a = parse(doc).entries[0].id.clone();
    let b = parse_document(
        doc,
        None,
        "f",
        "https://example.com/feed",
        now() + Duration::hours(5),
    )
    .unwrap()
    .entries[0]
        .id
        .clone();
    assert_eq!(a, b);
    let other_feed = parse_document(doc, None, "g", "https://example.com/g", now())
        .unwrap()
        .entries[0]
        .id
        .clone();
    assert_ne!(a, other_feed);
    // Without a date either, the id must not depend on the fetch time.
    let doc = b"<rss version=\"2.0\"><channel><item><title>Undated</title></item></channel></rss>";
    let a = parse(doc);
    let b = parse_document(
        doc,
        None,
        "f",
        "https://example.com/feed",
        now() + Duration::hours(5),
    )
    .unwrap();
    assert_eq!(a.entries[0].id, b.entries[0].id);
    // A date the feed never gave is not a date: no fetch time stands in for it.
    assert_eq!(a.entries[0].published, None);
    assert_eq!(a.entries[0].date_source, None);
    assert!(a.warnings.iter().any(|w| w.contains("no date")));
}

#[test]
fn permalink_guid_and_feedburner_origlink() {
    let f = parse(b"<rss version=\"2.0\" xmlns:feedburner=\"http://rssnamespace.org/feedburner/ext/1.0\"><channel>\
        <item><title>A</title><guid>https://example.com/a</guid></item>\
        <item><title>B</title><guid isPermaLink=\"false\">https://example.com/not-a-link</guid></item>\
        <item><title>C</title><link>https://feeds.feedburner.com/~r/x/~3/abc/</link><feedburner:origLink>https://example.com/c</feedburner:origLink></item>\
        </channel></rss>");
    assert_eq!(f.entries[0].url.as_deref(), Some("https://example.com/a"));
    assert_eq!(f.entries[0].guid.as_deref(), Some("https://example.com/a"));
    assert_eq!(f.entries[1].url, None);
    assert_eq!(f.entries[2].url.as_deref(), Some("https://example.com/c"));
}

#[test]
fn truncated_document_is_salvaged_with_a_warning() {
    let full = b"<rss version=\"2.0\"><channel><title>T</title>\
        <item><title>One</title><link>https://example.com/1</link></item>\
        <item><title>Two</title><link>https://example.com/2</link></item>\
        <item><title>Thr";
    let f = parse(full);
    assert_eq!(f.entries.len(), 2);
    assert!(
        f.warnings.iter().any(|w| w.contains("salvaged 2 entries")),
        "{:?}",
        f.warnings
    );
    let atom = b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title><entry><title>E1</title><id>tag:x,2020:1</id></entry><entry><title>E2";
    let f = parse(atom);
    assert_eq!(f.entries.len(), 1);
}

#[test]
fn dates_are_utc_and_future_dates_clamped() {
    let f = parse(b"<rss version=\"2.0\"><channel>\
        <item><title>A</title><pubDate>Mon, 02 Nov 2026 09:15:00 +0100</pubDate></item>\
        <item><title>B</title><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item></channel></rss>");
    assert_eq!(
        f.entries[0].published.unwrap().to_rfc3339(),
        "2026-11-02T08:15:00+00:00"
    );
    assert_eq!(f.entries[1].published, Some(now()));
    assert!(f.warnings.iter().any(|w| w.contains("future")));
}

#[test]
fn wrong_charset_declarations() {
    // Declared UTF-8, actually Windows-1252.
    let f = parse(b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><item><title>S\xe3o Paulo \x93deal\x94</title></item></channel></rss>");
    assert_eq!(f.entries[0].title, "São Paulo \u{201c}deal\u{201d}");
    assert!(!f.warnings.is_empty());
    // Content-Type says Latin-1, bytes are UTF-8.
    let f = parse_document(
        "<rss version=\"2.0\"><channel><item><title>Türkiye</title></item></channel></rss>"
            .as_bytes(),
        Some("application/rss+xml; charset=ISO-8859-1"),
        "f",
        "u",
        now(),
    )
    .unwrap();
    assert_eq!(f.entries[0].title, "Türkiye");
}

#[test]
fn garbage_gets_clear_errors() {
    assert_eq!(
        parse_document(b"", None, "f", "u", now()).unwrap_err(),
        ParseError::Empty
    );
    let html = parse_document(
        b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>",
        None,
        "f",
        "u",
        now(),
    );
    assert!(matches!(html, Err(ParseError::NotAFeed(_))), "{html:?}");
    assert!(parse_document(b"{\"not\": \"a feed\"}", None, "f", "u", now()).is_err());
    assert!(parse_document(b"\x00\x01\x02binary", None, "f", "u", now()).is_err());
    assert!(parse_document(
        b"<rss version=\"2.0\"><channel><item><title>x",
        None,
        "f",
        "u",
        now()
    )
    .is_err());
    // Random bytes never panic.
    let mut seed: u64 = 42;
    for len in [1usize, 7, 100, 1000, 5000] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                (seed >> 33) as u8
            })
            .collect();
        let _ = parse_document(&bytes, None, "f", "u", now());
        let mut doc = b"<rss version=\"2.0\"><channel><item><title>".to_vec();
        doc.extend_from_slice(&bytes);
        let _ = parse_document(&doc, Some("text/xml; charset=utf-16"), "f", "u", now());
    }
}

#[test]
fn clutter_repeated_across_a_feed_is_learnt() {
    let mut doc = String::from("<rss version=\"2.0\"><channel>");
    for i in 0..5 {
        doc.push_str(&format!(
            "<item><title>Story {i}</title><link>https://example.com/{i}</link><description><![CDATA[<p>Body paragraph number {i} about a sale of {i} frigates.</p><p>Get the Example app for breaking news alerts.</p>]]></description></item>"
        ));
    }
    doc.push_str("</channel></rss>");
    let f = parse(doc.as_bytes());
    for (i, e) in f.entries.iter().enumerate() {
        assert_eq!(
            e.text,
            format!("Body paragraph number {i} about a sale of {i} frigates.")
        );
    }
}

#[test]
fn mutated_and_truncated_samples_never_panic() {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/feeds");
    let mut seed: u64 = 7;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for cut in (0..bytes.len()).step_by((bytes.len() / 40).max(1)) {
            let r = parse_document(&bytes[..cut], None, "f", "u", now());
            assert!(
                !matches!(r, Err(ParseError::Panicked(_))),
                "cut at {cut}: {r:?}"
            );
        }
        for _ in 0..40 {
            let mut m = bytes.clone();
            for _ in 0..8 {
                let i = next() % m.len();
                m[i] = (next() % 256) as u8;
            }
            let r = parse_document(&m, None, "f", "u", now());
            assert!(!matches!(r, Err(ParseError::Panicked(_))), "{r:?}");
        }
    }
}

#[test]
fn relative_links_resolve_against_the_feed_url() {
    let f = parse_document(
        b"<rss version=\"2.0\"><channel><link>/world</link><item><title>A</title><link>/world/a?x=1</link></item></channel></rss>",
        None,
        "f",
        "https://news.example/feeds/world.xml",
        now(),
    )
    .unwrap();
    assert_eq!(f.link.as_deref(), Some("https://news.example/world"));
    assert_eq!(
        f.entries[0].url.as_deref(),
        Some("https://news.example/world/a?x=1")
    );
    assert_eq!(
        f.entries[0].canonical_url.as_deref(),
        Some("https://news.example/world/a?x=1")
    );
}
