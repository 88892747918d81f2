//! Feed state in the compacted topic `newswire.feeds.state.v1` over a real broker: a second
//! `newswire poll --once` (a new process in an empty working directory, no state directory)
//! emits nothing already emitted and sends the validators the first one learnt; a feed added
//! later is polled; a corrupt state record costs re-emission of its feed, not the start.

mod kafka_support;

#[path = "../../feeds/tests/common/mod.rs"]
mod http_fixture;

use std::path::Path;
use std::time::Duration;

use http_fixture::{rss, Reply, Request, Server};
use kafka_support::*;
use newswire_bus::Record;
use newswire_feeds::config::feed_id_for_url;

const FEED_STATE: &str = "newswire.feeds.state.v1";
const ETAG: &str = "\"v1\"";
const MODIFIED: &str = "Mon, 02 Nov 2026 10:00:00 GMT";

/// `/a.xml` answers validators with 304; `/b.xml` ignores them (the seen ids must hold);
/// `/c.xml` is the feed added later.
fn handler(base: String) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    move |req| match req.path.as_str() {
        "/a.xml" if req.header("if-none-match") == Some(ETAG) => {
            Reply::new(304).header("ETag", ETAG)
        }
        "/a.xml" => Reply::ok("application/rss+xml", rss(&format!("{base}/a"), 3))
            .header("ETag", ETAG)
            .header("Last-Modified", MODIFIED),
        "/b.xml" => Reply::ok("application/rss+xml", rss(&format!("{base}/b"), 4)),
        "/c.xml" => Reply::ok("application/rss+xml", rss(&format!("{base}/c"), 2)),
        _ => Reply::new(404),
    }
}

/// Runs `newswire poll --once` over `feeds` in `dir` and waits for a clean exit.
fn poll_once(brokers: &str, dir: &Path, feeds: &[String]) -> String {
    let mut args = vec!["poll", "--brokers", brokers, "--once"];
    for f in feeds {
        args.extend(["--feed", f.as_str()]);
    }
    let mut poll = Service::start("poll", dir, &args);
    let status = poll.wait(Duration::from_secs(120));
    let log = poll.log();
    assert!(
        status.is_some_and(|s| s.success()),
        "poll --once failed: {status:?}\n{log}"
    );
    assert!(log.contains("feed state in the Kafka topic"), "{log}");
    assert!(
        !dir.join("data").exists(),
        "no state directory is written in {}",
        dir.display()
    );
    log
}

/// Every record of the raw topic so far (the pollers exited: nothing is in flight).
fn raw_records(settings: &newswire_bus::kafka::KafkaSettings, at_least: usize) -> Vec<Record> {
    read_topic(
        settings,
        RAW,
        at_least,
        Duration::from_secs(2),
        Duration::from_secs(30),
    )
    .unwrap()
    .into_iter()
    .map(|(r, _)| r)
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_poller_without_a_volume_re_emits_nothing() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let brokers = tansu.brokers();
    let server = Server::start(handler(String::new())).await;
    let feeds = vec![server.url("/a.xml"), server.url("/b.xml")];

    let first = tempfile::tempdir().unwrap();
    poll_once(&brokers, first.path(), &feeds);
    let after_first = raw_records(&settings, 7);
    assert_eq!(after_first.len(), 7, "3 + 4 articles");

    // A new process in another empty directory: the state comes from the topic.
    let second = tempfile::tempdir().unwrap();
    let log = poll_once(&brokers, second.path(), &feeds);
    assert!(log.contains("0 new articles"), "{log}");
    assert_eq!(raw_records(&settings, 7).len(), 7, "nothing emitted again");
    let a = server.requests_for("/a.xml");
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].header("if-none-match"), None);
    assert_eq!(a[1].header("if-none-match"), Some(ETAG));
    assert_eq!(a[1].header("if-modified-since"), Some(MODIFIED));
    assert_eq!(server.requests_for("/b.xml").len(), 2);

    // A feed added to the list later is polled; the others still emit nothing.
    let third = tempfile::tempdir().unwrap();
    let mut more = feeds.clone();
    more.push(server.url("/c.xml"));
    poll_once(&brokers, third.path(), &more);
    let after_third = raw_records(&settings, 9);
    assert_eq!(after_third.len(), 9, "only the 2 articles of the new feed");
    let c_id = feed_id_for_url(&server.url("/c.xml"));
    let new: Vec<&Record> = after_third
        .iter()
        .filter(|r| !after_first.iter().any(|f| f.key == r.key))
        .collect();
    assert_eq!(new.len(), 2);
    assert!(new
        .iter()
        .all(|r| r.header("newswire-feed") == Some(c_id.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_state_record_costs_re_emission_not_the_start() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let brokers = tansu.brokers();
    let server = Server::start(handler(String::new())).await;
    let feeds = vec![server.url("/a.xml"), server.url("/b.xml")];

    let first = tempfile::tempdir().unwrap();
    poll_once(&brokers, first.path(), &feeds);
    assert_eq!(raw_records(&settings, 7).len(), 7);

    // Garbage as the latest state of feed b.
    let b_id = feed_id_for_url(&server.url("/b.xml"));
    let garbage = Record::new(b_id.clone(), b"{\"seen\": {\"x\"".to_vec());
    produce(&settings, FEED_STATE, [garbage]).await.unwrap();

    let second = tempfile::tempdir().unwrap();
    let log = poll_once(&brokers, second.path(), &feeds);
    assert!(log.contains("corrupt state"), "{log}");
    let records = raw_records(&settings, 11);
    assert_eq!(records.len(), 11, "feed b's 4 articles again, feed a's not");
    for r in &records {
        let copies = records.iter().filter(|o| o.key == r.key).count();
        let of_b = r.header("newswire-feed") == Some(b_id.as_str());
        assert_eq!(copies, if of_b { 2 } else { 1 }, "{}", r.key);
    }

    // Its state was written afresh: a third run emits nothing.
    let third = tempfile::tempdir().unwrap();
    poll_once(&brokers, third.path(), &feeds);
    assert_eq!(raw_records(&settings, 11).len(), 11);
}
