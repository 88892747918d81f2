//! The target-entity recogniser on the labelled `target_entities` of the realistic sanctions dev
//! set holds its floors. Floors only go up.

use newswire_enrich::sanctions::entities::EntityRecognizer;
use newswire_eval::entities::{cues_only, score};
use newswire_eval::sanctions_news::{batch_files, load, NewsPassage};

/// The passages of the batches whose file names are in `from..to` (`batch-01` up to, not
/// including, `to`).
fn passages_in(from: &str, to: &str) -> Vec<NewsPassage> {
    let dir = newswire_eval::dev_dir();
    batch_files(&dir)
        .expect("batch dir readable")
        .iter()
        .filter(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n >= from && n < to)
        })
        .flat_map(|f| load(f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// Batches 1-4, the ones the recogniser was tuned on.
fn passages() -> Vec<NewsPassage> {
    passages_in("batch-01", "batch-05")
}

#[test]
fn recognition_holds_its_floors() {
    let all = passages();
    assert!(all.len() >= 160, "{} passages", all.len());
    let s = score(EntityRecognizer::shared(), &all);
    assert!(s.recall() >= 0.97, "recall {:.3}", s.recall());
    assert!(s.kind_accuracy() >= 0.99, "kind {:.3}", s.kind_accuracy());
    assert!(
        s.country_accuracy() >= 0.53,
        "country {:.3}",
        s.country_accuracy()
    );
    assert!(
        s.wrong_country.iter().all(|(_, _, _, found)| found == "-"),
        "a country given is the labelled one: {:?}",
        s.wrong_country
    );
}

#[test]
fn the_cues_alone_hold_their_floor() {
    // Without the gazetteer (only its never-an-entity names), so the figure does not rest on
    // names listed in advance.
    let s = score(&cues_only(), &passages());
    assert!(s.recall() >= 0.89, "recall {:.3}", s.recall());
}

#[test]
fn batches_1_to_6_hold_their_floor() {
    // Batches 5 and 6 were written after the recogniser was tuned; their first scoring
    // (recall 0.784 and 0.714) is in docs/quality.md. Later batches have floors of their own,
    // so a new batch never lowers this one.
    let all = passages_in("batch-01", "batch-07");
    assert!(all.len() >= 240, "{} passages", all.len());
    let s = score(EntityRecognizer::shared(), &all);
    assert!(s.recall() >= 0.90, "recall {:.3}", s.recall());
    assert!(s.kind_accuracy() >= 0.98, "kind {:.3}", s.kind_accuracy());
    let cues = score(&cues_only(), &all);
    assert!(
        cues.recall() >= 0.83,
        "cues-only recall {:.3}",
        cues.recall()
    );
}

/// The floors of each batch written after batch 6: first-scoring figures minus 0.02, raised
/// when the recogniser improves. A batch file from 7 on without a row fails
/// [`every_later_batch_has_a_floor`].
struct BatchFloor {
    batch: &'static str,
    why: &'static str,
    recall: f64,
    kind: f64,
}

const BATCH_FLOORS: &[BatchFloor] = &[
    BatchFloor {
        batch: "batch-07",
        why: "First scoring 2026-12-01 at 1008e59: recall 0.833 (40 of 48), kind 1.000; floors \
              0.02 below.",
        recall: 0.81,
        kind: 0.98,
    },
    BatchFloor {
        batch: "batch-08",
        why: "Held out from tuning. First scoring 2026-12-01 at 1008e59: recall 0.812 (52 of 64), \
              kind 0.962; floors 0.02 below.",
        recall: 0.79,
        kind: 0.94,
    },
    BatchFloor {
        batch: "batch-09",
        why: "Held out from tuning. First scoring 2026-12-01 at fd1844c: recall 0.804 (41 of 51), \
              kind 1.000; floors 0.02 below. Final text (028 re-sourced, wording reworked): 0.811 \
              (43 of 53).",
        recall: 0.78,
        kind: 0.98,
    },
    BatchFloor {
        batch: "batch-10",
        why: "Tuning batch. First scoring 2026-12-01 at fd1844c: recall 0.833 (30 of 36), kind \
              1.000; floors 0.02 below.",
        recall: 0.81,
        kind: 0.98,
    },
    BatchFloor {
        batch: "batch-11",
        why: "Held out from tuning (misses never printed). First scoring 2026-12-02 at 31eab69: \
              recall 0.974 (38 of 39), kind 1.000; floors 0.02 below.",
        recall: 0.95,
        kind: 0.98,
    },
    BatchFloor {
        batch: "batch-12",
        why: "Tuning batch (government releases and state agencies). First scoring 2026-12-02 at \
              31eab69: recall 0.966 (28 of 29), kind 0.929; floors 0.02 below.",
        recall: 0.94,
        kind: 0.90,
    },
];

#[test]
fn every_later_batch_holds_its_floor() {
    for f in BATCH_FLOORS {
        let all = passages_in(f.batch, &format!("{}~", f.batch));
        assert_eq!(all.len(), 40, "{}", f.batch);
        let s = score(EntityRecognizer::shared(), &all);
        let (recall, kind) = (s.recall(), s.kind_accuracy());
        assert!(
            recall >= f.recall,
            "{}: recall {recall:.3} ({})",
            f.batch,
            f.why
        );
        assert!(kind >= f.kind, "{}: kind {kind:.3} ({})", f.batch, f.why);
    }
}

#[test]
fn every_later_batch_has_a_floor() {
    let dir = newswire_eval::dev_dir();
    for f in batch_files(&dir).expect("batch dir readable") {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_string();
        let stem = name.trim_end_matches(".jsonl");
        if stem >= "batch-07" {
            let rows = BATCH_FLOORS.iter().filter(|r| r.batch == stem).count();
            assert_eq!(rows, 1, "{name} needs exactly one row in BATCH_FLOORS");
        }
    }
}
