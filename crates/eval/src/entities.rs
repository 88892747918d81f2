//! The target-entity recogniser against the `target_entities` labelled in
//! `sanctions-news/batch-*.jsonl`.
//!
//! The recogniser finds every named entity of a passage, not only the targets, so the measure
//! that counts is **recall**: how many labelled entities (text as written, case-insensitive) are
//! among its output for the passage. Of those found, how many carry the labelled kind and
//! country. The share of the output that is labelled is reported too, as a floor of precision:
//! an entity that is named but not targeted (a minister who speaks, a company that complies)
//! counts against it although it is a correct name.

use std::collections::BTreeSet;
use std::path::Path;

use newswire_enrich::countries::CountryMatcher;
use newswire_enrich::sanctions::entities::{
    EntityMention, EntityRecognizer, CUES_TSV, ENTITIES_TSV,
};
use newswire_model::{EntityKind, Field};

use crate::sanctions_news::{is_held_out, load, split_files, NewsPassage, Split};

/// What the recogniser got right on a set of passages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityScores {
    /// Passages scored.
    pub passages: usize,
    /// Distinct labelled entities (per passage, by lower-cased text).
    pub labelled: usize,
    /// Labelled entities the recogniser found.
    pub found: usize,
    /// Found entities with the labelled kind.
    pub kind_right: usize,
    /// Found entities whose label has a country.
    pub with_country: usize,
    /// Of those, found with the labelled country.
    pub country_right: usize,
    /// Of those, right when an entity found without a country takes its event's target (when
    /// the labelled event has exactly one): what the sanctions roles can add.
    pub country_right_with_target: usize,
    /// Distinct entities the recogniser reported.
    pub reported: usize,
    /// Labelled entities not found: `(passage id, text)`.
    pub missed: Vec<(String, String)>,
    /// Found with another kind: `(passage id, text, labelled kind, found kind)`.
    pub wrong_kind: Vec<(String, String, String, String)>,
    /// Found with another country: `(passage id, text, labelled, found)`.
    pub wrong_country: Vec<(String, String, String, String)>,
}

impl EntityScores {
    /// Labelled entities found / labelled.
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.labelled)
    }
    /// Found entities of the labelled kind / found.
    pub fn kind_accuracy(&self) -> f64 {
        ratio(self.kind_right, self.found)
    }
    /// Found entities with the labelled country / found entities whose label has one.
    pub fn country_accuracy(&self) -> f64 {
        ratio(self.country_right, self.with_country)
    }
    /// As [`Self::country_accuracy`], with the event's single target as fallback.
    pub fn country_accuracy_with_target(&self) -> f64 {
        ratio(self.country_right_with_target, self.with_country)
    }
    /// Labelled entities found / entities reported: a floor of precision.
    pub fn labelled_share(&self) -> f64 {
        ratio(self.found, self.reported)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// An entity as reported: lower-cased text, kind and country.
type Reported = (String, EntityKind, Option<String>);

/// Every entity the recogniser reports in a passage's title and body.
pub fn recognise(
    recogniser: &EntityRecognizer,
    countries: &CountryMatcher,
    p: &NewsPassage,
) -> Vec<Reported> {
    let tags = countries.extract(&p.title, &p.body);
    let mut out = Vec::new();
    for (field, text) in [(Field::Title, &p.title), (Field::Body, &p.body)] {
        for EntityMention {
            span,
            kind,
            country,
        } in recogniser.find_all(text, field, &tags)
        {
            if let Some(name) = text.get(span) {
                out.push((name.to_lowercase(), kind, country));
            }
        }
    }
    out
}

fn kind_name(k: EntityKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Scores the recogniser on `passages`.
pub fn score(recogniser: &EntityRecognizer, passages: &[NewsPassage]) -> EntityScores {
    let countries = CountryMatcher::new();
    let mut s = EntityScores {
        passages: passages.len(),
        ..EntityScores::default()
    };
    for p in passages {
        let reported = recognise(recogniser, &countries, p);
        let names: BTreeSet<&str> = reported.iter().map(|r| r.0.as_str()).collect();
        s.reported += names.len();
        let mut seen = BTreeSet::new();
        let labelled = p
            .sanctions
            .iter()
            .flat_map(|e| e.target_entities.iter().map(move |t| (t, &e.targets)));
        for (gold, targets) in labelled {
            let text = gold.text.to_lowercase();
            if !seen.insert(text.clone()) {
                continue;
            }
            s.labelled += 1;
            let Some(hit) = reported.iter().find(|r| r.0 == text) else {
                s.missed.push((p.id.clone(), gold.text.clone()));
                continue;
            };
            s.found += 1;
            if kind_name(hit.1) == gold.kind {
                s.kind_right += 1;
            } else {
                let found = kind_name(hit.1);
                s.wrong_kind
                    .push((p.id.clone(), gold.text.clone(), gold.kind.clone(), found));
            }
            if let Some(c) = &gold.country {
                s.with_country += 1;
                let single_target = match targets.as_slice() {
                    [t] => Some(t),
                    _ => None,
                };
                let with_target = hit.2.as_ref().or(single_target);
                s.country_right_with_target += usize::from(with_target == Some(c));
                if hit.2.as_ref() == Some(c) {
                    s.country_right += 1;
                } else {
                    let found = hit.2.clone().unwrap_or_else(|| "-".into());
                    s.wrong_country
                        .push((p.id.clone(), gold.text.clone(), c.clone(), found));
                }
            }
        }
    }
    s
}

/// The printable summary of one score, with the misses when asked.
pub fn format_scores(name: &str, s: &EntityScores, with_misses: bool) -> String {
    let mut out = format!(
        "entities {name}: {} passages, {} labelled: recall {:.3} ({}), kind {:.3}, country \
         {:.3} ({} of {}; {:.3} with the event's target), labelled share of output {:.3} ({} \
         reported)\n",
        s.passages,
        s.labelled,
        s.recall(),
        s.found,
        s.kind_accuracy(),
        s.country_accuracy(),
        s.country_right,
        s.with_country,
        s.country_accuracy_with_target(),
        s.labelled_share(),
        s.reported,
    );
    if with_misses {
        for (id, text) in &s.missed {
            out.push_str(&format!("  missed {id}: {text}\n"));
        }
        for (id, text, want, got) in &s.wrong_kind {
            out.push_str(&format!(
                "  kind {id}: {text}: labelled {want}, found {got}\n"
            ));
        }
        for (id, text, want, got) in &s.wrong_country {
            out.push_str(&format!(
                "  country {id}: {text}: labelled {want}, found {got}\n"
            ));
        }
    }
    out
}

/// The recogniser without its gazetteer of entities (only the names that are never an entity
/// stay): what the cues find alone.
pub fn cues_only() -> EntityRecognizer {
    let not_entities: String = ENTITIES_TSV
        .lines()
        .filter(|l| l.split('\t').nth(1) == Some("not_entity"))
        .map(|l| format!("{l}\n"))
        .collect();
    // Both texts are the shipped files (or a subset of their rows), which load.
    EntityRecognizer::from_tsv(&not_entities, CUES_TSV).unwrap_or_else(|_| EntityRecognizer::new())
}

/// Scores each batch, then all of them together, then all of them with the cues alone.
pub fn report(dev_dir: &Path, with_misses: bool, split: Split) -> String {
    let files = match split_files(dev_dir, split) {
        Ok(f) => f,
        Err(e) => return format!("entities: {e}\n"),
    };
    let recogniser = EntityRecognizer::shared();
    let mut out = String::new();
    let mut all = Vec::new();
    for (name, f) in files {
        let passages = match load(&f) {
            Ok(p) => p,
            Err(e) => {
                out.push_str(&format!("entities: {e}\n"));
                continue;
            }
        };
        // A held-out batch's misses would show what to tune: figures only.
        let held = is_held_out(&name);
        let label = if held {
            format!("{name} (held out)")
        } else {
            name
        };
        out.push_str(&format_scores(
            &label,
            &score(recogniser, &passages),
            with_misses && !held,
        ));
        all.extend(passages);
    }
    if !all.is_empty() {
        out.push_str(&format_scores(
            "all batches",
            &score(recogniser, &all),
            false,
        ));
        out.push_str(&format_scores(
            "all batches, cues only (no gazetteer)",
            &score(&cues_only(), &all),
            false,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanctions_news::parse;

    #[test]
    fn recall_kind_and_country_are_counted_per_labelled_entity() {
        let line = r#"{"id":"sn-b9-001","source_url":"https://example.org/a","title":"","body":"The US sanctioned Sberbank and the tanker Blue Star 2 of Lumo.","sanctions":[{"imposers":["US"],"targets":["RU"],"action":"impose","negated":false,"sectors":[],"programs":[],"target_entities":[{"text":"Sberbank","kind":"bank","country":"RU"},{"text":"Blue Star 2","kind":"company","country":"PA"},{"text":"Lumo Shipping","kind":"company","country":null}]}],"tags":["impose"]}"#;
        let passages = parse("t", line).unwrap();
        let s = score(EntityRecognizer::shared(), &passages);
        assert_eq!((s.labelled, s.found), (3, 2));
        assert_eq!(
            s.missed,
            vec![("sn-b9-001".to_string(), "Lumo Shipping".to_string())]
        );
        assert_eq!(s.kind_right, 1, "Blue Star 2 is found as a vessel");
        assert_eq!((s.with_country, s.country_right), (2, 1));
        assert_eq!(
            s.country_right_with_target, 1,
            "the event's target RU is not PA"
        );
    }
}
