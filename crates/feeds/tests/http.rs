//! Fetching and polling against a real HTTP server on 127.0.0.1: conditional GET, redirects,
//! Retry-After, 410, compression, slow and oversized bodies, wrong charsets, HTML instead of a
//! feed, auth, restarts.

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use common::{rss, Reply, Server};
use newswire_feeds::config::AuthConfig;
use newswire_feeds::{FeedConfig, FeedPoll, FetchConfig, FetchOutcome, Poller};

fn cfg() -> FetchConfig {
    FetchConfig {
        per_host_rate_per_sec: 1000.0,
        per_host_concurrency: 8,
        jitter: 0.0,
        timeout_secs: 5,
        connect_timeout_secs: 2,
        contact_url: Some("https://newswire.invalid/contact".into()),
        ..Default::default()
    }
}

fn feed(id: &str, url: String) -> FeedConfig {
    FeedConfig {
        id: Some(id.into()),
        ..FeedConfig::new(url)
    }
}

async fn poll_one(p: &mut Poller) -> FeedPoll {
    let mut polls = p.poll_all().await;
    assert_eq!(polls.len(), 1);
    polls.remove(0)
}

fn deliver(p: &mut Poller, poll: &FeedPoll) {
    let ids: Vec<String> = poll.articles.iter().map(|a| a.id.clone()).collect();
    p.mark_delivered(&poll.feed_id, &ids).unwrap();
}

/// Edits a feed's persisted state file (to simulate the passing of time).
fn edit_state(dir: &Path, feed_id: &str, f: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("feeds").join(format!("{feed_id}.json"));
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
}

fn etag_server(body: String) -> impl Fn(&common::Request) -> Reply + Send + Sync + 'static {
    move |req| {
        if req.header("if-none-match") == Some("\"v1\"") {
            return Reply::new(304).header("ETag", "\"v1\"");
        }
        Reply::ok("application/rss+xml", body.clone())
            .header("ETag", "\"v1\"")
            .header("Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT")
    }
}

#[tokio::test]
async fn conditional_get_and_restart() {
    let server = Server::start(etag_server(rss("https://example.com", 3))).await;
    let dir = tempfile::tempdir().unwrap();
    let feeds = vec![feed("etag", server.url("/feed.xml"))];
    let mut p = Poller::new(cfg(), feeds.clone(), Some(dir.path().into())).unwrap();

    let first = poll_one(&mut p).await;
    assert_eq!(first.outcome, FetchOutcome::Ok);
    assert_eq!(first.articles.len(), 3);
    assert_eq!(first.status, Some(200));
    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    // Honest User-Agent with the contact URL; compression offered.
    let req = &server.requests_for("/feed.xml")[0];
    let ua = req.header("user-agent").unwrap();
    assert!(
        ua.starts_with("newswire/") && ua.contains("(+https://newswire.invalid/contact)"),
        "{ua}"
    );
    let ae = req.header("accept-encoding").unwrap_or("");
    assert!(
        ae.contains("gzip") && ae.contains("br") && ae.contains("zstd"),
        "{ae}"
    );

    // Not delivered: validators are not committed, the next fetch is unconditional and the
    // articles come again.
    let again = poll_one(&mut p).await;
    assert_eq!(again.articles.len(), 3);
    assert_eq!(
        server.requests_for("/feed.xml")[1].header("if-none-match"),
        None
    );

    deliver(&mut p, &again);
    let third = poll_one(&mut p).await;
    assert_eq!(third.outcome, FetchOutcome::NotModified);
    assert!(third.articles.is_empty());
    let req = &server.requests_for("/feed.xml")[2];
    assert_eq!(req.header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        req.header("if-modified-since"),
        Some("Mon, 02 Nov 2026 10:00:00 GMT")
    );

    // Restart: validators and seen ids come back from disk.
    drop(p);
    let mut p = Poller::new(cfg(), feeds.clone(), Some(dir.path().into())).unwrap();
    let after = poll_one(&mut p).await;
    assert_eq!(after.outcome, FetchOutcome::NotModified);
    assert!(after.articles.is_empty());
    assert_eq!(
        server.requests_for("/feed.xml")[3].header("if-none-match"),
        Some("\"v1\"")
    );

    // A forced full fetch (the last one was long ago) goes without validators and still
    // re-emits nothing.
    edit_state(dir.path(), "etag", |v| {
        v["last_full_fetch"] = serde_json::json!("2020-01-01T00:00:00Z")
    });
    let mut p = Poller::new(cfg(), feeds, Some(dir.path().into())).unwrap();
    let forced = poll_one(&mut p).await;
    assert_eq!(forced.outcome, FetchOutcome::Ok);
    assert!(forced.articles.is_empty());
    assert_eq!(forced.already_seen, 3);
    assert_eq!(
        server.requests_for("/feed.xml")[4].header("if-none-match"),
        None
    );
}

#[tokio::test]
async fn servers_that_ignore_validators_are_detected() {
    let body = rss("https://example.com", 2);
    let server = Server::start(move |_| {
        Reply::ok("application/rss+xml", body.clone()).header("ETag", "\"same\"")
    })
    .await;
    let mut p = Poller::new(cfg(), vec![feed("lazy", server.url("/f"))], None).unwrap();
    let first = poll_one(&mut p).await;
    deliver(&mut p, &first);
    let second = poll_one(&mut p).await;
    assert_eq!(second.outcome, FetchOutcome::NotModified);
    assert_eq!(
        server.requests_for("/f")[1].header("if-none-match"),
        Some("\"same\"")
    );
}

#[tokio::test]
async fn new_items_only() {
    let n = Arc::new(AtomicUsize::new(2));
    let n2 = n.clone();
    let server = Server::start(move |_| {
        Reply::ok(
            "text/xml",
            rss("https://example.com", n2.load(Ordering::SeqCst)),
        )
    })
    .await;
    let mut p = Poller::new(cfg(), vec![feed("grow", server.url("/f"))], None).unwrap();
    let first = poll_one(&mut p).await;
    assert_eq!(first.articles.len(), 2);
    deliver(&mut p, &first);
    n.store(5, Ordering::SeqCst);
    let second = poll_one(&mut p).await;
    assert_eq!(second.articles.len(), 3);
    assert_eq!(second.already_seen, 2);
    assert_eq!(second.entries_total, 5);
    assert!(second
        .articles
        .iter()
        .all(|a| a.title.starts_with("Story 2")
            || a.title.starts_with("Story 3")
            || a.title.starts_with("Story 4")));
}

#[tokio::test]
async fn temporary_redirects_never_move_the_feed() {
    let server = Server::start(|req| match req.path.as_str() {
        "/old" => Reply::new(302).header("Location", "/new"),
        "/new" => Reply::ok("text/xml", rss("https://example.com", 1)),
        _ => Reply::new(404),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut p = Poller::new(
        cfg(),
        vec![feed("tmp", server.url("/old"))],
        Some(dir.path().into()),
    )
    .unwrap();
    for _ in 0..3 {
        let poll = poll_one(&mut p).await;
        assert_eq!(poll.outcome, FetchOutcome::Ok);
    }
    assert_eq!(server.requests_for("/old").len(), 3);
    let state = p.feed_state("tmp").unwrap();
    assert!(state.redirect.is_none() && state.current_url.is_none());
}

#[tokio::test]
async fn relative_links_resolve_against_the_final_url_and_content_location() {
    // Relative links ("story/0") and root-relative ones: issue 15.
    let body = rss("", 2).replace("<link>/story/", "<link>story/");
    let body_cl = body.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/old.xml" => Reply::new(302).header("Location", "/moved/feed.xml"),
        "/moved/feed.xml" => Reply::ok("application/rss+xml", body.clone()),
        "/mirrored.xml" => Reply::ok("application/rss+xml", body_cl.clone())
            .header("Content-Location", "/mirror/en/feed.xml"),
        _ => Reply::new(404),
    })
    .await;
    let mut p = Poller::new(
        cfg(),
        vec![
            feed("redirected", server.url("/old.xml")),
            feed("mirrored", server.url("/mirrored.xml")),
        ],
        None,
    )
    .unwrap();
    let polls = p.poll_all().await;
    let urls = |id: &str| -> Vec<String> {
        let poll = polls.iter().find(|p| p.feed_id == id).unwrap();
        assert_eq!(poll.outcome, FetchOutcome::Ok, "{id}");
        poll.articles.iter().filter_map(|a| a.url.clone()).collect()
    };
    // Against the URL that answered after the redirect, not the configured one.
    assert_eq!(
        urls("redirected"),
        [server.url("/moved/story/0"), server.url("/moved/story/1")]
    );
    // Content-Location (itself relative to the response's URL) is the base when present.
    assert_eq!(
        urls("mirrored"),
        [
            server.url("/mirror/en/story/0"),
            server.url("/mirror/en/story/1")
        ]
    );
}

#[tokio::test]
async fn permanent_redirect_moves_only_after_a_day_of_sightings() {
    let server = Server::start(|req| match req.path.as_str() {
        "/old" => Reply::new(301).header("Location", "/moved"),
        "/moved" => Reply::ok("text/xml", rss("https://example.com", 1)),
        _ => Reply::new(404),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let feeds = vec![feed("perm", server.url("/old"))];
    let mut p = Poller::new(cfg(), feeds.clone(), Some(dir.path().into())).unwrap();
    for i in 1..=3 {
        let poll = poll_one(&mut p).await;
        assert_eq!(poll.outcome, FetchOutcome::Ok);
        let s = p.feed_state("perm").unwrap();
        assert_eq!(s.redirect.as_ref().unwrap().count, i);
        assert!(s.current_url.is_none(), "moved too early");
    }
    // The sightings are persisted; pretend the first one was two days ago.
    drop(p);
    edit_state(dir.path(), "perm", |v| {
        v["redirect"]["first_seen"] = serde_json::json!("2020-01-01T00:00:00Z")
    });
    let mut p = Poller::new(cfg(), feeds.clone(), Some(dir.path().into())).unwrap();
    let poll = poll_one(&mut p).await;
    assert!(
        poll.warnings
            .iter()
            .any(|w| w.contains("moved permanently")),
        "{:?}",
        poll.warnings
    );
    assert_eq!(
        p.feed_state("perm").unwrap().current_url.as_deref(),
        Some(server.url("/moved").as_str())
    );
    drop(p);
    let mut p = Poller::new(cfg(), feeds, Some(dir.path().into())).unwrap();
    poll_one(&mut p).await;
    assert_eq!(
        server.requests_for("/old").len(),
        4,
        "the moved feed is fetched at its new URL"
    );
    // Articles keep the configured feed URL.
    assert_eq!(poll.feed_url, server.url("/old"));
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = Server::start(|req| match req.path.as_str() {
        "/busy" => Reply::new(429).header("Retry-After", "120"),
        "/down" => Reply::new(503).header("Retry-After", "3600"),
        _ => Reply::new(404),
    })
    .await;
    let mut p = Poller::new(
        cfg(),
        vec![
            feed("busy", server.url("/busy")),
            feed("down", server.url("/down")),
        ],
        None,
    )
    .unwrap();
    let before = Utc::now();
    let polls = p.poll_all().await;
    assert_eq!(polls[0].outcome, FetchOutcome::Http4xx(429));
    assert_eq!(polls[0].outcome.label(), "http_4xx");
    assert_eq!(polls[1].outcome, FetchOutcome::Http5xx(503));
    let wait0 = (polls[0].next_poll_at.unwrap() - before).num_seconds();
    let wait1 = (polls[1].next_poll_at.unwrap() - before).num_seconds();
    assert!((119..=125).contains(&wait0), "{wait0}");
    assert!((3599..=3605).contains(&wait1), "{wait1}");
    // The failure is recorded in the state.
    let s = p.feed_state("busy").unwrap();
    assert_eq!(s.consecutive_failures, 1);
    assert_eq!(s.failures.back().unwrap().outcome, "http_4xx");
}

#[tokio::test]
async fn gone_retires_the_feed() {
    let server = Server::start(|_| Reply::new(410)).await;
    let dir = tempfile::tempdir().unwrap();
    let feeds = vec![feed("gone", server.url("/gone"))];
    let mut p = Poller::new(cfg(), feeds.clone(), Some(dir.path().into())).unwrap();
    let poll = poll_one(&mut p).await;
    assert_eq!(poll.outcome, FetchOutcome::Gone);
    assert_eq!(poll.next_poll_at, None);
    drop(p);
    let mut p = Poller::new(cfg(), feeds, Some(dir.path().into())).unwrap();
    let poll = poll_one(&mut p).await;
    assert_eq!(poll.outcome, FetchOutcome::Gone);
    assert_eq!(
        server.requests_for("/gone").len(),
        1,
        "a retired feed is not fetched again"
    );
    assert_eq!(p.next_due(), None);
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn brotli(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        w.write_all(b).unwrap();
    }
    out
}

#[tokio::test]
async fn gzip_and_brotli_bodies() {
    let body = rss("https://example.com", 4);
    let server = Server::start(move |req| {
        let ae = req.header("accept-encoding").unwrap_or("").to_string();
        match req.path.as_str() {
            "/gz" if ae.contains("gzip") => {
                Reply::ok("text/xml", gzip(body.as_bytes())).header("Content-Encoding", "gzip")
            }
            "/br" if ae.contains("br") => {
                Reply::ok("text/xml", brotli(body.as_bytes())).header("Content-Encoding", "br")
            }
            _ => Reply::new(406),
        }
    })
    .await;
    let mut p = Poller::new(
        cfg(),
        vec![feed("gz", server.url("/gz")), feed("br", server.url("/br"))],
        None,
    )
    .unwrap();
    for poll in p.poll_all().await {
        assert_eq!(poll.outcome, FetchOutcome::Ok, "{}", poll.feed_id);
        assert_eq!(poll.articles.len(), 4, "{}", poll.feed_id);
    }
}

#[tokio::test]
async fn slow_feed_times_out_without_delaying_others() {
    let body = rss("https://example.com", 2);
    let fast_body = body.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/slow" => {
            let mut r = Reply::ok("text/xml", body.clone());
            r.trickle = Some((16, Duration::from_millis(400)));
            r
        }
        _ => Reply::ok("text/xml", fast_body.clone()),
    })
    .await;
    let config = FetchConfig {
        timeout_secs: 2,
        ..cfg()
    };
    let mut p = Poller::new(
        config,
        vec![
            feed("slow", server.url("/slow")),
            feed("fast", server.url("/fast")),
        ],
        None,
    )
    .unwrap();
    let polls = p.poll_all().await;
    assert_eq!(polls[0].outcome, FetchOutcome::Timeout);
    assert_eq!(polls[0].outcome.label(), "timeout");
    assert!(
        polls[0].elapsed < Duration::from_secs(4),
        "{:?}",
        polls[0].elapsed
    );
    assert_eq!(polls[1].outcome, FetchOutcome::Ok);
    assert!(
        polls[1].elapsed < Duration::from_secs(1),
        "fast feed took {:?}",
        polls[1].elapsed
    );
    assert_eq!(
        p.feed_state("slow")
            .unwrap()
            .failures
            .back()
            .unwrap()
            .outcome,
        "timeout"
    );
}

#[tokio::test]
async fn oversized_bodies_are_cut_off() {
    let big = "x".repeat(200_000);
    let big2 = big.clone();
    let server = Server::start(move |req| match req.path.as_str() {
        "/declared" => Reply::ok("text/xml", big.clone()),
        _ => {
            let mut r = Reply::ok("text/xml", big2.clone());
            r.no_length = true;
            r
        }
    })
    .await;
    let config = FetchConfig {
        max_body_bytes: 16 * 1024,
        ..cfg()
    };
    let mut p = Poller::new(
        config,
        vec![
            feed("declared", server.url("/declared")),
            feed("streamed", server.url("/streamed")),
        ],
        None,
    )
    .unwrap();
    for poll in p.poll_all().await {
        assert_eq!(poll.outcome, FetchOutcome::TooLarge, "{}", poll.feed_id);
    }
}

#[tokio::test]
async fn wrong_charset_and_html_pages() {
    let server = Server::start(|req| match req.path.as_str() {
        "/latin1-lie" => Reply::ok(
            "application/rss+xml; charset=iso-8859-1",
            "<rss version=\"2.0\"><channel><item><title>Türkiye’s S-400 talks</title><link>https://example.com/t</link></item></channel></rss>",
        ),
        "/cp1252" => Reply::ok(
            "text/xml",
            b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss version=\"2.0\"><channel><item><title>Bogot\xe1 \x93deal\x94</title><link>https://example.com/b</link></item></channel></rss>".to_vec(),
        ),
        _ => Reply::ok("text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>Welcome</title></head><body><p>Not a feed</p></body></html>"),
    })
    .await;
    let feeds = vec![
        feed("lie", server.url("/latin1-lie")),
        feed("cp", server.url("/cp1252")),
        feed("html", server.url("/page")),
    ];
    let mut p = Poller::new(cfg(), feeds, None).unwrap();
    let polls = p.poll_all().await;
    assert_eq!(polls[0].articles[0].title, "Türkiye’s S-400 talks");
    assert!(polls[0].warnings.iter().any(|w| w.contains("UTF-8")));
    assert_eq!(polls[1].articles[0].title, "Bogotá \u{201c}deal\u{201d}");
    assert!(
        matches!(&polls[2].outcome, FetchOutcome::ParseError(e) if e.contains("HTML")),
        "{:?}",
        polls[2].outcome
    );
    assert_eq!(polls[2].outcome.label(), "parse_error");
    assert_eq!(p.feed_state("html").unwrap().consecutive_failures, 1);
}

#[tokio::test]
async fn headers_and_bearer_auth_from_a_file() {
    let server = Server::start(|req| {
        if req.header("authorization") == Some("Bearer t0k3n-s3cret")
            && req.header("x-client") == Some("newswire-test")
        {
            Reply::ok("text/xml", rss("https://example.com", 1))
        } else {
            Reply::new(401)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "t0k3n-s3cret\n").unwrap();
    let mut f = feed("auth", server.url("/private"));
    f.headers.insert("X-Client".into(), "newswire-test".into());
    f.auth = Some(AuthConfig::Bearer {
        token_env: None,
        token_file: Some(token_file),
    });
    assert!(!format!("{f:?}").contains("t0k3n"));
    let mut p = Poller::new(cfg(), vec![f, feed("anon", server.url("/private"))], None).unwrap();
    let polls = p.poll_all().await;
    assert_eq!(polls[0].outcome, FetchOutcome::Ok);
    assert_eq!(polls[1].outcome, FetchOutcome::Http4xx(401));
    assert!(polls
        .iter()
        .all(|p| p.warnings.iter().all(|w| !w.contains("t0k3n"))));

    // Basic auth with the password in the environment; a missing variable is refused at start
    // naming the feed and the variable.
    let mut g = feed("basic", server.url("/private"));
    g.auth = Some(AuthConfig::Basic {
        username: "u".into(),
        password_env: Some("NEWSWIRE_FEEDS_TEST_UNSET_PASSWORD".into()),
        password_file: None,
    });
    let err = Poller::new(cfg(), vec![g], None).err().unwrap().to_string();
    assert!(
        err.contains("feeds[0].auth") && err.contains("NEWSWIRE_FEEDS_TEST_UNSET_PASSWORD"),
        "{err}"
    );
}

#[tokio::test]
async fn failures_back_off_exponentially() {
    let server = Server::start(|_| Reply::new(500)).await;
    let config = FetchConfig {
        default_interval_secs: 600,
        min_interval_secs: 60,
        ..cfg()
    };
    let mut p = Poller::new(config, vec![feed("bad", server.url("/x"))], None).unwrap();
    let mut waits = Vec::new();
    for _ in 0..4 {
        let before = Utc::now();
        let poll = poll_one(&mut p).await;
        assert_eq!(poll.outcome, FetchOutcome::Http5xx(500));
        waits.push((poll.next_poll_at.unwrap() - before).num_seconds());
    }
    for (w, expected) in waits.iter().zip([600, 1200, 2400, 4800]) {
        assert!((expected - 2..=expected + 2).contains(w), "{waits:?}");
    }
    assert_eq!(p.feed_state("bad").unwrap().consecutive_failures, 4);
}

#[tokio::test]
async fn ttl_and_cache_control_stretch_the_interval() {
    let server = Server::start(|req| match req.path.as_str() {
        "/ttl" => Reply::ok("text/xml", "<rss version=\"2.0\"><channel><ttl>60</ttl><item><title>a</title><link>https://example.com/a</link></item></channel></rss>"),
        _ => Reply::ok("text/xml", rss("https://example.com", 1)).header("Cache-Control", "public, max-age=7200"),
    })
    .await;
    let config = FetchConfig {
        default_interval_secs: 300,
        min_interval_secs: 60,
        ..cfg()
    };
    let mut p = Poller::new(
        config,
        vec![
            feed("ttl", server.url("/ttl")),
            feed("cc", server.url("/cc")),
        ],
        None,
    )
    .unwrap();
    let before = Utc::now();
    let polls = p.poll_all().await;
    let w0 = (polls[0].next_poll_at.unwrap() - before).num_seconds();
    let w1 = (polls[1].next_poll_at.unwrap() - before).num_seconds();
    assert!((3599..=3605).contains(&w0), "{w0}");
    assert!((7199..=7205).contains(&w1), "{w1}");
}

#[tokio::test]
async fn full_text_with_ssrf_guard() {
    let server = Server::start(|req| match req.path.as_str() {
        "/feed" => Reply::ok(
            "text/xml",
            format!(
                "<rss version=\"2.0\"><channel><item><title>Deal</title><link>http://{}/article</link><description>Short teaser.</description></item></channel></rss>",
                req.header("host").unwrap_or("")
            ),
        ),
        "/article" => Reply::ok(
            "text/html",
            "<html><body><nav><p>Home, World, Business, Markets and many other sections</p></nav><article>\
             <p>KYIV, Nov 3 (Sample Desk) - Ukraine received the first of several air defence systems, officials said.</p>\
             <p>The delivery, which had been delayed, includes launchers, radars and interceptor missiles.</p></article></body></html>",
        ),
        _ => Reply::new(404),
    })
    .await;
    let mut guarded = feed("guarded", server.url("/feed"));
    guarded.full_text = true;
    let mut allowed = feed("allowed", server.url("/feed"));
    allowed.full_text = true;
    allowed.allow_private = true;
    let mut p = Poller::new(cfg(), vec![guarded, allowed], None).unwrap();
    let polls = p.poll_all().await;
    assert_eq!(polls[0].articles[0].body, "Short teaser.");
    assert!(
        polls[0].warnings.iter().any(|w| w.contains("refused")),
        "{:?}",
        polls[0].warnings
    );
    let body = &polls[1].articles[0].body;
    assert!(
        body.starts_with("KYIV, Nov 3") && body.contains("\n\nThe delivery"),
        "{body}"
    );
    assert!(!body.contains("Home, World"));
}

#[tokio::test]
async fn syndicated_stories_are_flagged_as_duplicates() {
    let story = "<p>The European Union imposed sanctions on Friday on eight companies and five individuals it accused of supplying drones and their components for use in the war, officials said. The measures freeze assets in the bloc and ban citizens and companies from doing business with those listed, who include executives of an aviation firm and a parts trader based abroad.</p>";
    let a = format!("<rss version=\"2.0\"><channel><item><title>EU sanctions drone makers</title><link>https://wire-a.example/eu-drones</link><description><![CDATA[{story}]]></description></item></channel></rss>");
    let b = format!("<rss version=\"2.0\"><channel><item><title>EU sanctions drone makers (wire)</title><link>https://paper-b.example/world/eu-drones-123</link><description><![CDATA[{}]]></description></item>\
        <item><title>Same link, other guid</title><guid isPermaLink=\"false\">paper-b-internal-id-0001</guid><link>https://wire-a.example/eu-drones?utm_source=b</link><description>x</description></item></channel></rss>", story.replace("on Friday", "on Friday evening"));
    let server = Server::start(move |req| {
        if req.path == "/a" {
            Reply::ok("text/xml", a.clone())
        } else {
            Reply::ok("text/xml", b.clone())
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let feeds = vec![feed("a", server.url("/a")), feed("b", server.url("/b"))];
    let mut p = Poller::new(cfg(), feeds, Some(dir.path().into())).unwrap();
    let polls = p.poll_all().await;
    let a_id = polls[0].articles[0].id.clone();
    assert!(polls[0].duplicates.is_empty());
    assert_eq!(
        polls[1].articles.len(),
        2,
        "duplicates are recorded, not dropped"
    );
    let kinds: Vec<_> = polls[1]
        .duplicates
        .iter()
        .map(|d| (d.kind, d.duplicate_of.clone()))
        .collect();
    assert!(
        kinds.contains(&(newswire_feeds::DuplicateKind::Near, a_id.clone())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(newswire_feeds::DuplicateKind::Exact, a_id.clone())),
        "{kinds:?}"
    );
    assert!(polls[0].articles[0].duplicate_of.is_none());
    for article in &polls[1].articles {
        assert_eq!(
            article.duplicate_of.as_deref(),
            Some(a_id.as_str()),
            "recorded on the article"
        );
    }
}

#[tokio::test]
async fn poll_due_waits_for_the_schedule() {
    let server = Server::start(|_| Reply::ok("text/xml", rss("https://example.com", 1))).await;
    let config = FetchConfig {
        default_interval_secs: 1,
        min_interval_secs: 1,
        ..cfg()
    };
    let mut p = Poller::new(config, vec![feed("due", server.url("/f"))], None).unwrap();
    let first = p.poll_due().await;
    assert_eq!(first.len(), 1);
    let started = std::time::Instant::now();
    let second = p.poll_due().await;
    assert_eq!(second.len(), 1);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests_for("/f").len(), 2);
}

#[tokio::test]
async fn clutter_is_learnt_across_polls_and_persisted() {
    let n = Arc::new(AtomicUsize::new(1));
    let n2 = n.clone();
    let server = Server::start(move |_| {
        let i = n2.load(Ordering::SeqCst);
        Reply::ok(
            "text/xml",
            format!(
                "<rss version=\"2.0\"><channel><item><title>Story {i}</title><link>https://example.com/{i}</link>\
                 <description><![CDATA[<p>Ministers met on day {i} to discuss the frigate contract and its financing.</p>\
                 <p>Get our award-winning coverage delivered to your inbox.</p>]]></description></item></channel></rss>"
            ),
        )
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let feeds = vec![feed("learn", server.url("/f"))];
    let mut bodies = Vec::new();
    for i in 1..=4 {
        n.store(i, Ordering::SeqCst);
        // A new poller each time: the learnt counts must come back from disk.
        let mut p = Poller::new(cfg(), feeds.clone(), Some(dir.path().into())).unwrap();
        let poll = poll_one(&mut p).await;
        assert_eq!(poll.articles.len(), 1, "poll {i}: {:?}", poll.outcome);
        bodies.push(poll.articles[0].body.clone());
        deliver(&mut p, &poll);
    }
    assert!(bodies[0].contains("award-winning"), "{bodies:?}");
    assert!(bodies[1].contains("award-winning"), "{bodies:?}");
    for b in &bodies[2..] {
        assert!(
            !b.contains("award-winning") && b.starts_with("Ministers met"),
            "{bodies:?}"
        );
    }
}

#[test]
fn shards_split_the_configured_feeds() {
    let feeds: Vec<FeedConfig> = (0..50)
        .map(|i| FeedConfig::new(format!("https://host{i}.example/feed.xml")))
        .collect();
    let mut seen: Vec<String> = Vec::new();
    for s in 0..3 {
        seen.extend(
            newswire_feeds::shard_feeds(feeds.clone(), s, 3)
                .iter()
                .map(|f| f.feed_id()),
        );
    }
    seen.sort();
    let mut all: Vec<String> = feeds.iter().map(|f| f.feed_id()).collect();
    all.sort();
    assert_eq!(seen, all);
    assert_eq!(newswire_feeds::parse_shard("2/3"), Ok((2, 3)));
}
