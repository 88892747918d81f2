//! Floors on the realistic weapons batches and on the false-alarm copy. The floors only go up:
//! raise them when the extractor improves, never lower them to make a change pass.
//! `cargo run --release -p newswire-eval -- weapons` prints the same numbers with the misses.

use newswire_enrich::Enricher;
use newswire_eval::weapons_news::{
    evaluate, false_alarms, jsonl_files, parse_batch, parse_quiet, sentence_count, BatchScores,
    FALSE_ALARM_DIR, NEWS_DIR,
};

fn batch(name: &str) -> BatchScores {
    let path = newswire_eval::dev_dir().join(NEWS_DIR).join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let passages = parse_batch(name, &text).unwrap();
    assert!(passages.len() >= 15, "{name}: {} passages", passages.len());
    evaluate(&Enricher::new(), &passages)
}

#[test]
fn every_batch_loads_strictly_with_a_source_per_passage() {
    let files = jsonl_files(&newswire_eval::dev_dir().join(NEWS_DIR)).unwrap();
    assert!(files.len() >= 2);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let passages = parse_batch(&name, &text).unwrap();
        assert!(passages.iter().all(|p| p.source_url.starts_with("http")));
    }
    // The loader refuses what it does not know, naming the file, line and field.
    let bad = r#"{"id":"x","source_url":"https://a","body":"b","weapons":[],"colour":1}"#;
    let err = parse_batch("b.jsonl", bad).unwrap_err();
    assert!(err.contains("b.jsonl:1") && err.contains("colour"), "{err}");
    let bad = r#"{"id":"x","source_url":"ftp://a","body":"b","weapons":[]}"#;
    assert!(parse_batch("b.jsonl", bad)
        .unwrap_err()
        .contains("source_url"));
    let bad = r#"{"id":"x","source_url":"https://a","body":"b","weapons":[],"families":{"A":"B"}}"#;
    assert!(parse_batch("b.jsonl", bad)
        .unwrap_err()
        .contains("families"));
}

#[test]
fn floors_on_the_tuning_batch() {
    let s = batch("batch-01.jsonl");
    assert!(s.weapons.precision() >= 0.99, "{:?}", s.misses);
    assert!(s.weapons.recall() >= 0.99, "{:?}", s.misses);
    assert_eq!(s.families_right, s.families_labelled, "{:?}", s.misses);
    assert!(s.families_labelled >= 10);
    assert_eq!(s.trap_false_positives, 0, "{:?}", s.misses);
}

/// Batch 4 (21 passages, 4 traps: export models, maker-name forms, NATO names, ship classes,
/// names shared between systems, storms) was written for tuning: first scored at b16f448 at
/// 0.980 / 0.847 / 0.909; floors at its figures after the wc4 round.
#[test]
fn floors_on_the_second_tuning_batch() {
    let s = batch("batch-04.jsonl");
    assert!(s.passages >= 20, "{} passages", s.passages);
    assert!(s.weapons.precision() >= 0.99, "{:?}", s.misses);
    assert!(s.weapons.recall() >= 0.99, "{:?}", s.misses);
    assert_eq!(s.families_right, s.families_labelled, "{:?}", s.misses);
    assert!(s.families_labelled >= 6);
    assert_eq!(s.trap_false_positives, 0, "{:?}", s.misses);
}

/// Batch 2 was written before the engine was run on it and is never tuned on.
#[test]
fn floors_on_the_held_out_batch() {
    let s = batch("batch-02.jsonl");
    assert!(s.weapons.precision() >= 0.99, "{:?}", s.misses);
    assert!(s.weapons.recall() >= 0.95, "{:?}", s.misses);
    assert!(s.weapons.f1() >= 0.97, "{:?}", s.misses);
    assert_eq!(s.families_right, s.families_labelled, "{:?}", s.misses);
    assert_eq!(s.trap_false_positives, 0, "{:?}", s.misses);
}

/// Batch 3 (25 passages, 4 traps) was written after the tuning and is never tuned on: its floors
/// were its first scoring (at 458f2b6) minus 0.02, and the counts it got wrong then as ceilings;
/// raised to its held-out scoring after the wc4 round (1.000 / 0.909 / 0.952, no trap hit)
/// minus 0.02.
#[test]
fn floors_on_the_third_held_out_batch() {
    let s = batch("batch-03.jsonl");
    assert!(s.passages >= 25, "{} passages", s.passages);
    assert!(s.weapons.precision() >= 0.98, "{:?}", s.misses);
    assert!(s.weapons.recall() >= 0.89, "{:?}", s.misses);
    assert!(s.weapons.f1() >= 0.93, "{:?}", s.misses);
    assert!(s.families_labelled >= 2, "{:?}", s.misses);
    assert!(s.families_right >= 1, "{:?}", s.misses);
    assert_eq!(s.trap_false_positives, 0, "{:?}", s.misses);
}

/// Business and sports copy names no weapon: every system or class found is a false alarm.
/// `business-sports.jsonl` was tuned on (no alarm left); `business-sports-02.jsonl` was written
/// after tuning and never tuned on: its floor is its first scoring (one alarm, "GMC Yukon AT4");
/// so is `business-sports-03.jsonl`'s (the chip "H20" read as the H-20 bomber, and a goal
/// "launched a missile" read as a missile; the class alarm went after the wc4 round, one named
/// weapon is left). A file not named here may raise no alarm at all.
#[test]
fn business_and_sports_copy_raises_no_alarm() {
    let dir = newswire_eval::dev_dir().join(FALSE_ALARM_DIR);
    let files = jsonl_files(&dir).unwrap();
    assert!(files.len() >= 3);
    let enricher = Enricher::new();
    let (mut passages, mut sentences) = (0, 0);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let quiet = parse_quiet(&name, &text).unwrap();
        passages += quiet.len();
        sentences += sentence_count(&quiet);
        let alarms = false_alarms(&enricher, &quiet);
        let weapons = alarms.iter().filter(|a| a.kind == "weapon").count();
        let classes = alarms.iter().filter(|a| a.kind == "class").count();
        let (max_weapons, max_classes) = match name.as_str() {
            "business-sports-02.jsonl" => (1, 0),
            "business-sports-03.jsonl" => (1, 0),
            _ => (0, 0),
        };
        assert!(weapons <= max_weapons, "{name}: {alarms:?}");
        assert!(classes <= max_classes, "{name}: {alarms:?}");
    }
    assert!(
        passages >= 77 && sentences >= 430,
        "{passages} passages, {sentences} sentences"
    );
}
