//! Quality floors on the labelled dev sets. The floors only go up: raise them when the
//! extractors improve, never lower them to make a change pass.
//!
//! `cargo run --release -p newswire-eval` prints the same numbers with the misses.

use std::path::PathBuf;

use newswire_enrich::Enricher;
use newswire_eval::weapons::{load_file, Passage, DEV_FILE, HOLDOUT_FILE};
use newswire_eval::{sanctions, weapons};
use newswire_model::EnrichedArticle;

fn dev_dir() -> PathBuf {
    newswire_eval::dev_dir()
}

fn run(file: &str) -> (Vec<Passage>, Vec<EnrichedArticle>) {
    let passages = load_file(&dev_dir(), file).expect("dev set parses");
    let enricher = Enricher::new();
    let outputs = passages.iter().map(|p| p.enrich(&enricher)).collect();
    (passages, outputs)
}

#[test]
fn dev_set_is_big_enough_and_has_traps() {
    let (passages, _) = run(DEV_FILE);
    assert!(passages.len() >= 80, "{} passages", passages.len());
    assert!(passages.iter().filter(|p| p.is_trap()).count() >= 15);
    assert!(passages.iter().filter(|p| !p.sanctions.is_empty()).count() >= 30);
    let ids: std::collections::BTreeSet<&str> = passages.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), passages.len(), "duplicate ids");
}

#[test]
fn weapons_floors_on_the_dev_set() {
    let (passages, outputs) = run(DEV_FILE);
    let s = weapons::score(&passages, &outputs);
    assert!(
        s.weapons.precision() >= 0.99,
        "named weapons precision {:.3}",
        s.weapons.precision()
    );
    assert!(
        s.weapons.recall() >= 0.99,
        "named weapons recall {:.3}",
        s.weapons.recall()
    );
    assert!(
        s.classes.precision() >= 0.98,
        "classes precision {:.3}",
        s.classes.precision()
    );
    assert!(
        s.classes.recall() >= 0.98,
        "classes recall {:.3}",
        s.classes.recall()
    );
    assert_eq!(s.trap_false_positives, 0, "{:?}", s.misses);
}

#[test]
fn sanctions_floors_on_the_dev_set() {
    let (passages, outputs) = run(DEV_FILE);
    let s = sanctions::score(&passages, &outputs);
    let r = &s.relations;
    assert!(r.f1() >= 0.93, "sanctions F1 {:.3}: {:?}", r.f1(), s.misses);
    assert!(
        r.precision() >= 0.93,
        "sanctions precision {:.3}",
        r.precision()
    );
    assert!(r.recall() >= 0.93, "sanctions recall {:.3}", r.recall());
    assert_eq!(s.trap_false_positives, 0, "{:?}", s.misses);
}

#[test]
fn floors_on_the_held_out_set() {
    let (passages, outputs) = run(HOLDOUT_FILE);
    let w = weapons::score(&passages, &outputs);
    assert!(
        w.weapons.precision() >= 0.99,
        "held-out weapons precision {:.3}",
        w.weapons.precision()
    );
    assert!(
        w.weapons.recall() >= 0.99,
        "held-out weapons recall {:.3}",
        w.weapons.recall()
    );
    let s = sanctions::score(&passages, &outputs);
    assert!(
        s.relations.f1() >= 0.91,
        "held-out sanctions F1 {:.3}",
        s.relations.f1()
    );
    assert_eq!(w.trap_false_positives + s.trap_false_positives, 0);
}
