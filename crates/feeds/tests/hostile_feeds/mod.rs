//! The hostile inputs of issue #9 (listed in `tests/fixtures/hostile/README.md`): small ones
//! read from that directory, large ones generated here at run time. Shared by
//! `crates/feeds/tests/hostile.rs` and `crates/newswire/tests/hostile.rs`.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;

use chrono::{Duration, TimeZone, Utc};

/// The committed fixture `name` of `tests/fixtures/hostile/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/hostile")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `len` zero bytes, gzip-compressed (about 1,000:1).
pub fn gzip_bomb(len: usize) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len());
        e.write_all(&zeros[..n]).unwrap();
        left -= n;
    }
    e.finish().unwrap()
}

/// One item that a server sends again and again, for an endless body.
pub fn endless_chunk() -> Vec<u8> {
    b"<rss version=\"2.0\"><channel><item><title>again</title></item>".repeat(1000)
}

fn rfc2822(minutes: i64) -> String {
    let base = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    (base + Duration::minutes(minutes)).to_rfc2822()
}

/// A whole feed on one line of 10,000,000 bytes: a normal item, then an item whose title
/// (64 KiB) and description (the rest) are single lines of words.
pub fn ten_mb_line() -> Vec<u8> {
    const TOTAL: usize = 10_000_000;
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>One line</title>\
         <item><title>Normal item beside a long line</title><link>https://hostile.example/line/normal</link>\
         <pubDate>{}</pubDate><description>A short body.</description></item>\
         <item><title>{}</title><link>https://hostile.example/line/long</link><pubDate>{}</pubDate><description>",
        rfc2822(1),
        "long ".repeat(64 * 1024 / 5),
        rfc2822(2),
    );
    let tail = "</description></item></channel></rss>";
    let mut doc = head.into_bytes();
    let words = TOTAL - doc.len() - tail.len();
    doc.extend(b"line ".iter().cycle().take(words));
    doc.extend_from_slice(tail.as_bytes());
    assert_eq!(doc.len(), TOTAL);
    doc
}

/// An RSS feed of `n` items titled `E<i>`, item `i` published `i` minutes after 2026-01-01
/// (so the newest are the last ones). Terse, so that 100,000 fit the default body cap.
pub fn many_entries(n: usize) -> Vec<u8> {
    let mut doc = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Many</title>",
    );
    for i in 0..n {
        doc.push_str(&format!(
            "<item><title>E{i}</title><pubDate>{}</pubDate></item>",
            rfc2822(i as i64)
        ));
    }
    doc.push_str("</channel></rss>");
    doc.into_bytes()
}

/// An item whose body is `bytes` of HTML paragraphs, beside a normal item.
pub fn big_article(bytes: usize) -> Vec<u8> {
    let para = format!(
        "<p>{}</p>\n",
        "The ministry said the frigates would be delivered next year. ".repeat(10)
    );
    let body = para.repeat(bytes / para.len() + 1);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Big</title>\
         <item><title>Huge article</title><link>https://hostile.example/big/huge</link><pubDate>{}</pubDate>\
         <description><![CDATA[{body}]]></description></item>\
         <item><title>Small article beside it</title><link>https://hostile.example/big/small</link>\
         <pubDate>{}</pubDate><description>Short.</description></item></channel></rss>",
        rfc2822(1),
        rfc2822(2),
    )
    .into_bytes()
}

/// An item whose description nests `depth` HTML elements.
pub fn nested_html(depth: usize) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Nested</title>\
         <item><title>Deep HTML</title><link>https://hostile.example/nested/html</link>\
         <description><![CDATA[{}deep text]]></description></item></channel></rss>",
        "<div><b>".repeat(depth / 2),
    )
    .into_bytes()
}

/// RSS items nested `depth` deep inside unknown XML elements.
pub fn nested_xml(depth: usize) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Deep XML</title>\
         <item><title>Deep XML</title><link>https://hostile.example/nested/xml</link>{}{}</item></channel></rss>",
        "<x>".repeat(depth),
        "</x>".repeat(depth),
    )
    .into_bytes()
}
