//! The sample feeds shipped under tests/fixtures/feeds/ parse into clean articles, and polling
//! them through file:// URLs emits each article once, across restarts.

use std::path::PathBuf;

use chrono::Utc;
use newswire_feeds::{parse_document, FeedConfig, FetchConfig, FetchOutcome, Poller};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/feeds")
        .join(name)
}

fn parse(name: &str) -> newswire_feeds::ParsedFeed {
    let bytes = std::fs::read(fixture(name)).unwrap();
    parse_document(&bytes, None, "sample", "file:///sample", Utc::now()).unwrap()
}

#[test]
fn every_sample_parses_cleanly() {
    for (name, format, n) in [
        ("rss-arms.xml", "rss2", 4),
        ("atom-diplomacy.xml", "atom", 4),
        ("json-sanctions.json", "json", 4),
        ("rss-seed.xml", "rss2", 1),
    ] {
        let feed = parse(name);
        assert_eq!(feed.format, format, "{name}");
        assert_eq!(feed.entries.len(), n, "{name}");
        assert!(feed.title.is_some(), "{name}");
        for e in &feed.entries {
            assert!(e.id.starts_with("nw1-"), "{name}: {}", e.id);
            assert!(
                !e.title.is_empty() && e.text.len() > 200,
                "{name}: {}",
                e.title
            );
            assert!(e.text.contains("\n\n"), "{name}: paragraphs kept");
            assert!(e.published.is_some() && e.date_source.is_some(), "{name}");
            assert_eq!(e.language.as_deref(), Some("en"), "{name}");
            assert!(
                !e.text.contains('<') && !e.text.contains("&amp;"),
                "{name}: {}",
                e.text
            );
            for clutter in [
                "Source link",
                "Leave a Comment",
                "Advertisement",
                "Share this:",
                "Read more",
                "appeared first on",
                "Our Standards",
                "Sign up for",
            ] {
                assert!(
                    !e.text.contains(clutter),
                    "{name}: {clutter:?} left in {}",
                    e.title
                );
            }
        }
        // Same bytes, same ids: never feed-rs's random ones.
        let again = parse(name);
        let ids: Vec<_> = feed.entries.iter().map(|e| &e.id).collect();
        let ids2: Vec<_> = again.entries.iter().map(|e| &e.id).collect();
        assert_eq!(ids, ids2, "{name}");
    }
}

#[test]
fn seed_story_is_clean() {
    let feed = parse("rss-seed.xml");
    let e = &feed.entries[0];
    assert_eq!(
        e.title,
        "Turkish official casts doubt on report of new Russian air defence sale"
    );
    assert!(e
        .text
        .starts_with("LONDON, Aug 16 (Reuters) – Russia and Turkey signed a deal"));
    assert!(e.text.contains("S-400") && e.text.contains("Ukraine"));
    assert!(!e.text.contains("Register now"), "{}", e.text);
    assert!(!e.text.contains("Source link") && !e.text.contains("Leave a Comment"));
    assert!(
        e.text
            .ends_with("Editing by Mark Trevelyan and Alex Richardson"),
        "{}",
        e.text
    );
    assert_eq!(
        e.published.unwrap().to_rfc3339(),
        "2022-08-16T12:05:00+00:00"
    );
    assert_eq!(
        e.canonical_url.as_deref(),
        Some("https://www.reuters.com/business/aerospace-defense/turkish-official-casts-doubt-report-new-russian-air-defence-sale-2022-08-16/")
    );
}

fn sample_feeds() -> Vec<FeedConfig> {
    [
        "rss-arms.xml",
        "atom-diplomacy.xml",
        "json-sanctions.json",
        "rss-seed.xml",
    ]
    .iter()
    .map(|n| {
        let url = url::Url::from_file_path(std::fs::canonicalize(fixture(n)).unwrap()).unwrap();
        FeedConfig {
            id: Some(n.replace('.', "-")),
            ..FeedConfig::new(url.to_string())
        }
    })
    .collect()
}

#[tokio::test]
async fn poll_deliver_restart_emits_each_article_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = Some(dir.path().to_path_buf());
    let mut poller = Poller::new(FetchConfig::default(), sample_feeds(), state.clone()).unwrap();
    let polls = poller.poll_all().await;
    assert_eq!(polls.len(), 4);
    let total: usize = polls.iter().map(|p| p.articles.len()).sum();
    assert_eq!(total, 13);
    for p in &polls {
        assert_eq!(
            p.outcome,
            FetchOutcome::Ok,
            "{}: {:?}",
            p.feed_id,
            p.warnings
        );
        assert!(p
            .articles
            .iter()
            .all(|a| a.feed_id == p.feed_id && a.feed_url == p.feed_url));
    }
    // Not delivered yet: a new poller (a crash before publishing) emits them again.
    drop(poller);
    let mut poller = Poller::new(FetchConfig::default(), sample_feeds(), state.clone()).unwrap();
    let polls = poller.poll_all().await;
    assert_eq!(polls.iter().map(|p| p.articles.len()).sum::<usize>(), 13);
    for p in &polls {
        let ids: Vec<String> = p.articles.iter().map(|a| a.id.clone()).collect();
        poller.mark_delivered(&p.feed_id, &ids).unwrap();
    }
    // Same process: unchanged files are not modified.
    let polls = poller.poll_all().await;
    assert!(polls.iter().all(|p| p.articles.is_empty()));
    assert!(
        polls.iter().all(|p| p.outcome == FetchOutcome::NotModified),
        "{polls:?}"
    );
    // Restart: nothing re-emitted, validators remembered.
    drop(poller);
    let mut poller = Poller::new(FetchConfig::default(), sample_feeds(), state).unwrap();
    let polls = poller.poll_all().await;
    assert_eq!(polls.iter().map(|p| p.articles.len()).sum::<usize>(), 0);
    assert!(polls.iter().all(|p| p.outcome == FetchOutcome::NotModified));
}
