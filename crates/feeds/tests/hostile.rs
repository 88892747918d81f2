//! Hostile inputs (issue #9) through the real fetch and parse path: a real HTTP server on
//! 127.0.0.1, the poller as the service runs it. Each case asserts the outcome documented in
//! `tests/fixtures/hostile/README.md`: a clear error, or a bounded result.
//! Slow and oversized bodies, charset lies and HTML pages are also covered in `http.rs`.

mod common;
mod hostile_feeds;

use std::time::Duration;

use common::{Reply, Server};
use hostile_feeds::*;
use newswire_feeds::sanitize::{MAX_SUMMARY_BYTES, MAX_TITLE_BYTES};
use newswire_feeds::{FeedConfig, FeedPoll, FetchConfig, FetchOutcome, Poller};
use newswire_model::Article;

fn cfg() -> FetchConfig {
    FetchConfig {
        per_host_rate_per_sec: 1000.0,
        per_host_concurrency: 8,
        jitter: 0.0,
        timeout_secs: 60,
        connect_timeout_secs: 2,
        ..Default::default()
    }
}

/// Serves `reply` at /feed and polls it once with `config`.
async fn poll_reply(reply: Reply, config: FetchConfig) -> FeedPoll {
    let server = Server::start(move |_| reply.clone()).await;
    let feed = FeedConfig {
        id: Some("hostile".into()),
        ..FeedConfig::new(server.url("/feed"))
    };
    let mut poller = Poller::new(config, vec![feed], None).unwrap();
    poller.poll_all().await.remove(0)
}

async fn poll_body(content_type: &str, body: Vec<u8>) -> FeedPoll {
    poll_reply(Reply::ok(content_type, body), cfg()).await
}

fn article<'a>(poll: &'a FeedPoll, url_end: &str) -> &'a Article {
    poll.articles
        .iter()
        .find(|a| a.url.as_deref().is_some_and(|u| u.ends_with(url_end)))
        .unwrap_or_else(|| panic!("no article ending {url_end} in {:?}", poll.outcome))
}

/// No text field holds a control character (but the paragraph newline), a bidi embedding,
/// override or isolate, or an invisible character (the directional marks LRM/RLM may stay).
fn assert_clean(a: &Article) {
    let bad = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{200B}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    };
    let mut fields = vec![a.title.as_str(), a.body.as_str()];
    fields.extend(a.summary.as_deref());
    fields.extend(a.url.as_deref());
    fields.extend(a.authors.iter().map(String::as_str));
    fields.extend(a.categories.iter().map(String::as_str));
    for f in fields {
        assert!(!f.chars().any(bad), "{f:?} of {}", a.id);
    }
}

#[tokio::test]
async fn gzip_bomb_stops_at_the_body_cap() {
    // 100 MiB of zeros in about 100 KiB: ten times the default 10 MiB cap, which counts
    // decompressed bytes.
    let bomb = gzip_bomb(100 << 20);
    assert!(bomb.len() < 1 << 20);
    let reply = Reply::ok("application/rss+xml", bomb).header("Content-Encoding", "gzip");
    let poll = poll_reply(reply, cfg()).await;
    assert_eq!(poll.outcome, FetchOutcome::TooLarge);
    assert_eq!(poll.outcome.label(), "too_large");
    assert!(
        poll.warnings.iter().any(|w| w.contains("10485760")),
        "{:?}",
        poll.warnings
    );
}

#[tokio::test]
async fn endless_body_is_cut_off_or_times_out() {
    let mut fast = Reply::ok("application/rss+xml", endless_chunk());
    fast.endless = true;
    assert_eq!(
        poll_reply(fast, cfg()).await.outcome,
        FetchOutcome::TooLarge
    );
    // Too slow to reach the cap: the whole-request timeout ends it.
    let mut slow = Reply::ok("application/rss+xml", endless_chunk());
    slow.endless = true;
    slow.trickle = Some((512, Duration::from_millis(50)));
    let config = FetchConfig {
        timeout_secs: 2,
        ..cfg()
    };
    assert_eq!(
        poll_reply(slow, config).await.outcome,
        FetchOutcome::Timeout
    );
}

#[tokio::test]
async fn ten_megabyte_line_is_parsed_and_bounded() {
    let poll = poll_body("application/rss+xml", ten_mb_line()).await;
    assert_eq!(poll.outcome, FetchOutcome::Ok, "{:?}", poll.warnings);
    assert_eq!(poll.articles.len(), 2);
    let normal = article(&poll, "/line/normal");
    assert_eq!(normal.title, "Normal item beside a long line");
    assert_eq!(normal.body, "A short body.");
    let long = article(&poll, "/line/long");
    assert!(long.title.len() <= MAX_TITLE_BYTES && long.title.starts_with("long long"));
    assert!(long.body.len() <= cfg().max_article_bytes && long.body.len() > 200_000);
    assert!(long.body.ends_with("line"), "cut at a word break");
    assert!(long.summary.as_ref().unwrap().len() <= MAX_SUMMARY_BYTES);
    assert!(
        poll.warnings
            .iter()
            .any(|w| w.contains("max_article_bytes")),
        "{:?}",
        poll.warnings
    );
}

#[tokio::test]
async fn feed_of_100000_entries_hands_out_the_newest_thousand() {
    let poll = poll_body("application/rss+xml", many_entries(100_000)).await;
    assert_eq!(poll.outcome, FetchOutcome::Ok);
    assert_eq!(poll.entries_total, 100_000);
    assert_eq!(poll.articles.len(), cfg().max_entries_per_poll);
    assert_eq!(poll.articles[0].title, "E99000");
    assert_eq!(poll.articles[999].title, "E99999");
    assert!(
        poll.warnings
            .iter()
            .any(|w| w.contains("100000 entries") && w.contains("max_entries_per_poll")),
        "{:?}",
        poll.warnings
    );
}

#[tokio::test]
async fn five_megabyte_article_is_cut_at_a_paragraph() {
    let poll = poll_body("application/rss+xml", big_article(5 << 20)).await;
    assert_eq!(poll.outcome, FetchOutcome::Ok);
    let huge = article(&poll, "/big/huge");
    let max = cfg().max_article_bytes;
    assert!(
        huge.body.len() <= max && huge.body.len() > max / 2,
        "{}",
        huge.body.len()
    );
    assert!(
        huge.body.ends_with("next year."),
        "cut at a paragraph break"
    );
    assert_eq!(article(&poll, "/big/small").body, "Short.");
}

#[tokio::test]
async fn entity_bomb_is_refused_with_a_parse_error() {
    let poll = poll_body("application/rss+xml", fixture("entity-bomb.xml")).await;
    match &poll.outcome {
        FetchOutcome::ParseError(e) => {
            assert!(e.contains("<!ENTITY lol") && e.contains("refused"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(poll.outcome.label(), "parse_error");
}

#[tokio::test]
async fn invalid_utf8_in_every_field_is_decoded_with_a_warning() {
    let poll = poll_body(
        "application/rss+xml; charset=utf-8",
        fixture("invalid-utf8.xml"),
    )
    .await;
    assert_eq!(poll.outcome, FetchOutcome::Ok);
    assert!(
        poll.warnings.iter().any(|w| w.contains("not")),
        "the decoding is reported: {:?}",
        poll.warnings
    );
    let a = &poll.articles[0];
    assert!(
        a.title.starts_with("Title ") && a.title.contains("broken"),
        "{}",
        a.title
    );
    assert!(
        a.body.starts_with("Body ") && a.body.ends_with("bytes."),
        "{}",
        a.body
    );
    assert!(url::Url::parse(a.url.as_deref().unwrap()).is_ok());
    assert_eq!(a.authors.len(), 1);
    assert_eq!(a.categories.len(), 1);
    assert_clean(a);
}

#[tokio::test]
async fn nul_bytes_are_removed_everywhere() {
    let poll = poll_body("application/rss+xml", fixture("nul-bytes.xml")).await;
    assert_eq!(poll.outcome, FetchOutcome::Ok);
    let a = &poll.articles[0];
    assert_eq!(a.title, "Null byte title");
    assert_eq!(a.body, "Body with NULs.");
    assert_eq!(a.url.as_deref(), Some("https://hostile.example/nul/1"));
    assert_eq!(a.authors, vec!["ab@hostile.example".to_string()]);
    assert!(
        poll.warnings
            .iter()
            .any(|w| w.contains("removed 8 control characters")),
        "{:?}",
        poll.warnings
    );
    assert_clean(a);
}

#[tokio::test]
async fn bidi_controls_and_zero_width_characters_are_stripped() {
    let poll = poll_body("application/rss+xml", fixture("bidi-zero-width.xml")).await;
    assert_eq!(poll.outcome, FetchOutcome::Ok);
    let a = &poll.articles[0];
    // The marks around "رسمي" (RLM, LRM) are typography and stay; see sanitize.rs.
    assert_eq!(
        a.title,
        "S-400 sale to Turkey etamirc حماس \u{200F}رسمي\u{200E} end"
    );
    // Right-to-left text itself stays, and so does the ZWNJ that Persian spelling needs.
    assert_eq!(
        a.body,
        "Ankara said gnos the S-400 deal. میخواهم\u{200C}بروم"
    );
    assert_clean(a);
}

#[tokio::test]
async fn deeply_nested_html_is_converted_without_recursion() {
    // The committed fixture goes through the HTML tree builder (under 4,000 tags)...
    let poll = poll_body("application/rss+xml", fixture("nested-html.xml")).await;
    assert_eq!(poll.outcome, FetchOutcome::Ok);
    assert_eq!(
        article(&poll, "/nested/committed").body,
        "Text at the bottom of 3,800 nested elements."
    );
    assert_eq!(article(&poll, "/nested/neighbour").body, "Still here.");
    // ...100,000 levels go through the linear tag stripper.
    let poll = poll_body("application/rss+xml", nested_html(100_000)).await;
    assert_eq!(poll.outcome, FetchOutcome::Ok);
    assert_eq!(poll.articles[0].body, "deep text");
}

#[tokio::test]
async fn deeply_nested_xml_is_parsed_up_to_the_parser_limit() {
    let poll = poll_body("application/rss+xml", nested_xml(50_000)).await;
    assert_eq!(poll.outcome, FetchOutcome::Ok);
    assert_eq!(poll.articles[0].title, "Deep XML");
    // Beyond 65,535 levels the XML parser refuses the document, naming the limit.
    let poll = poll_body("application/rss+xml", nested_xml(100_000)).await;
    assert!(
        matches!(&poll.outcome, FetchOutcome::ParseError(e) if e.contains("deeper than the supported limit of 65535")),
        "{:?}",
        poll.outcome
    );
}

#[tokio::test]
async fn html_page_served_as_a_feed_is_a_parse_error() {
    let poll = poll_body("application/rss+xml", fixture("html-page.html")).await;
    assert!(
        matches!(&poll.outcome, FetchOutcome::ParseError(e) if e.contains("HTML page")),
        "{:?}",
        poll.outcome
    );
}

#[tokio::test]
async fn wrong_content_type_is_ignored_for_the_format() {
    // A JSON Feed served as a Latin-1 HTML page: the body decides the format, and its UTF-8
    // bytes win over the declared charset.
    let poll = poll_body(
        "text/html; charset=iso-8859-1",
        fixture("wrong-content-type.json"),
    )
    .await;
    assert_eq!(poll.outcome, FetchOutcome::Ok, "{:?}", poll.warnings);
    assert_eq!(poll.articles[0].title, "Zürich talks on frigate exports");
    // RSS served as an image.
    let poll = poll_body("image/png", fixture("nested-html.xml")).await;
    assert_eq!(poll.outcome, FetchOutcome::Ok);
    assert_eq!(poll.articles.len(), 2);
}
