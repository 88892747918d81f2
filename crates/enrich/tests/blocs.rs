//! Bloc codes in sanctions events cannot be mistaken for country codes: the African Union is
//! `AFRICAN_UNION`, `AU` is Australia, and every code the engine writes is an ISO2 code or one
//! of the model's bloc codes.

use newswire_enrich::Enricher;
use newswire_model::{is_party_code, Article, SanctionsEvent};

fn events(body: &str) -> Vec<SanctionsEvent> {
    Enricher::new()
        .enrich(Article::from_text("t", "", body))
        .sanctions
}

#[test]
fn the_african_union_and_australia_get_different_codes() {
    let au = events("The African Union imposed sanctions on Mali after the coup.");
    assert!(au.iter().any(|e| e.imposers == ["AFRICAN_UNION"]), "{au:?}");
    let australia = events("Australia imposed sanctions on Iran over the crackdown.");
    assert!(
        australia.iter().any(|e| e.imposers == ["AU"]),
        "{australia:?}"
    );
}

#[test]
fn every_code_the_engine_writes_is_iso2_or_a_bloc() {
    let seed = include_str!("../../../tests/fixtures/reuters-s400.txt");
    let texts = [
        seed,
        "The AU and ECOWAS imposed sanctions on Niger; the EU, the UN and the G7 followed, and \
         Western governments froze assets.",
    ];
    for text in texts {
        for e in events(text) {
            for code in e.imposers.iter().chain(&e.targets) {
                assert!(is_party_code(code), "{code} in {e:?}");
            }
        }
    }
}
