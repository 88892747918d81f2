//! The target-entity recogniser on the labelled `target_entities` of the realistic sanctions dev
//! set holds its floors. Floors only go up.

use newswire_enrich::sanctions::entities::EntityRecognizer;
use newswire_eval::entities::{cues_only, score};
use newswire_eval::sanctions_news::{batch_files, load, NewsPassage};

fn passages() -> Vec<NewsPassage> {
    let dir = newswire_eval::dev_dir();
    batch_files(&dir)
        .expect("batch dir readable")
        .iter()
        .flat_map(|f| load(f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
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
