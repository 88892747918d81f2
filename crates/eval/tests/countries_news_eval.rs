//! Floors on the realistic countries batches. The floors only go up.

use newswire_enrich::countries::CountryMatcher;
use newswire_eval::countries::{evaluate, format_report, Scores};
use newswire_eval::countries_news::{order_scores, parse_batch, NewsPassage, NEWS_DIR};

fn load(name: &str) -> Vec<NewsPassage> {
    let path = newswire_eval::dev_dir().join(NEWS_DIR).join(name);
    parse_batch(name, &std::fs::read_to_string(path).unwrap()).unwrap()
}

fn scores(passages: &[NewsPassage]) -> (Scores, usize, usize) {
    let m = CountryMatcher::new();
    let plain: Vec<_> = passages.iter().map(NewsPassage::as_passage).collect();
    let (ok, total, _) = order_scores(&m, passages);
    (evaluate(&m, &plain), ok, total)
}

#[test]
fn the_loader_is_strict() {
    let bad =
        r#"{"id":"x","source_url":"https://a","body":"b","countries":["FR"],"primary":["DE"]}"#;
    let err = parse_batch("c.jsonl", bad).unwrap_err();
    assert!(
        err.contains("c.jsonl:1") && err.contains("primary"),
        "{err}"
    );
    let bad = r#"{"id":"x","source_url":"https://a","body":"b","countries":[],"primary":[],"x":1}"#;
    assert!(parse_batch("c.jsonl", bad).is_err());
}

#[test]
fn floors_on_the_tuning_batch() {
    let (s, ok, total) = scores(&load("batch-01.jsonl"));
    let report = format_report(&s);
    assert!(s.mentions.f1() >= 0.99, "{report}");
    assert!(s.primary.precision() >= 0.99, "{report}");
    assert!(s.primary.f1() >= 0.96, "{report}");
    assert_eq!(ok, total, "salience order");
}

/// Batch 4 (talks in Istanbul, US stories told through US cities, winners named by demonym,
/// the given name "Israel") was written for tuning: first scored at b16f448 at mentions F1
/// 0.943, primary F1 0.846; floors at its figures after the wc4 round.
#[test]
fn floors_on_the_second_tuning_batch() {
    let passages = load("batch-04.jsonl");
    assert!(passages.len() >= 10, "{} passages", passages.len());
    let (s, ok, total) = scores(&passages);
    let report = format_report(&s);
    assert!(s.mentions.f1() >= 0.98, "{report}");
    assert!(s.primary.f1() >= 0.92, "{report}");
    assert!(ok + 1 >= total, "salience order {ok}/{total}");
}

/// Batch 2 is never tuned on.
#[test]
fn floors_on_the_held_out_batch() {
    let (s, ok, total) = scores(&load("batch-02.jsonl"));
    let report = format_report(&s);
    assert!(s.mentions.f1() >= 0.97, "{report}");
    assert!(s.primary.f1() >= 0.90, "{report}");
    assert_eq!(ok, total, "salience order");
}

/// Batch 3 is never tuned on. Floors: its first scoring (at 458f2b6) minus 0.02, taking the lower
/// of the figures before and after the one label fixed after scoring (cn-b3-004: no US named).
#[test]
fn floors_on_the_third_held_out_batch() {
    let passages = load("batch-03.jsonl");
    assert!(passages.len() >= 10, "{} passages", passages.len());
    let (s, ok, total) = scores(&passages);
    let report = format_report(&s);
    assert!(s.mentions.f1() >= 0.93, "{report}");
    assert!(s.primary.f1() >= 0.73, "{report}");
    assert!(
        total >= 15 && ok + 2 >= total,
        "salience order {ok}/{total}"
    );
}
