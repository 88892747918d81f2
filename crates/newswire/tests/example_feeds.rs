//! `config/feeds.example.toml`, the real feeds users start from: `newswire config check`
//! accepts it, and every feed passes the checks the poller runs when it starts (which
//! `config check` runs too). Nothing is fetched: the tests have no network.

use std::path::PathBuf;
use std::process::Command;

use newswire_feeds::{FeedConfig, FetchConfig};
use serde::Deserialize;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/feeds.example.toml")
}

/// The parts of the config the poller validates at start; the rest is `config check`'s.
#[derive(Deserialize)]
struct PollerView {
    #[serde(default)]
    fetch: FetchConfig,
    feeds: Vec<FeedConfig>,
}

#[test]
fn config_check_accepts_the_example_feeds() {
    let out = Command::new(env!("CARGO_BIN_EXE_newswire"))
        .args(["config", "check"])
        .arg(example())
        .env_remove("NEWSWIRE_KAFKA_BROKERS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "config check failed ({:?}): {stdout}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let feeds: usize = stdout
        .split("ok (")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!((15..=25).contains(&feeds), "{feeds} feeds: {stdout}");
}

#[test]
fn every_example_feed_passes_the_pollers_checks_and_has_a_comment() {
    let text = std::fs::read_to_string(example()).unwrap();
    let view: PollerView = toml::from_str(&text).unwrap();
    view.fetch.validate().unwrap();
    for (i, feed) in view.feeds.iter().enumerate() {
        feed.validate(i).unwrap();
        assert!(feed.id.is_some(), "feeds[{i}] has no id: {}", feed.url);
        assert!(
            feed.url.starts_with("https://") || feed.url.starts_with("http://"),
            "feeds[{i}] is not a web feed: {}",
            feed.url
        );
    }
    // Each entry says what the feed is: the line above every [[feeds]] is a comment.
    let lines: Vec<&str> = text.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        if line.trim() == "[[feeds]]" {
            let above = n.checked_sub(1).map(|p| lines[p].trim()).unwrap_or("");
            assert!(
                above.starts_with('#'),
                "line {}: [[feeds]] without a comment",
                n + 1
            );
        }
    }
}
