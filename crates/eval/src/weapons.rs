//! Scoring named weapons systems and weapon classes against `dev/weapons_sanctions.jsonl`.
//!
//! Each line is one passage written for this project:
//! `{"id", "title", "body", "weapons": [canonical name...], "classes": [class...],
//!   "sanctions": [[imposer, target, action, negated]...], "tags": [...]}`.
//!
//! Labelling conventions:
//! * `weapons` lists every named system the passage refers to, by the gazetteer's canonical
//!   name (any alias, reporting name or variant in the text counts: "KN-23" is "Hwasong-11").
//!   A system missing from the gazetteer is still labelled, under its usual name.
//! * `classes` lists generic weapon classes mentioned, by the canonical class names of
//!   `data/weapons/classes.tsv` ("warplanes" is "fighter jet", "interceptors" is "interceptor
//!   missile").
//! * `sanctions` lists relations, one per imposer and target pair, following the role
//!   conventions of [`newswire_model::SanctionsEvent`]; a side the text does not give is "-".
//!   See [`super::sanctions`].
//! * Passages tagged `trap` or `trap-*` are built so that a naive matcher would fire.
//!
//! Measured as sets per passage, summed over the set.

use std::path::Path;

use serde::Deserialize;

use super::{format_line, Counts};
use newswire_enrich::Enricher;
use newswire_model::{Article, EnrichedArticle};

/// The dev set file, under the crate's `dev/` directory.
pub const DEV_FILE: &str = "weapons_sanctions.jsonl";

/// Held-out passages, written after the first tuning round and scored separately.
pub const HOLDOUT_FILE: &str = "weapons_sanctions_holdout.jsonl";

/// One labelled passage.
#[derive(Debug, Clone, Deserialize)]
pub struct Passage {
    /// The passage's id in the dev set, to name it in a miss report.
    pub id: String,
    /// Headline, enriched with the body as an article would be.
    #[serde(default)]
    pub title: String,
    /// Body text the enrichment reads.
    #[serde(default)]
    pub body: String,
    /// Canonical names of the named weapons systems in the passage.
    #[serde(default)]
    pub weapons: Vec<String>,
    /// Weapon-class vocabulary words the passage mentions.
    #[serde(default)]
    pub classes: Vec<String>,
    /// `[imposer, target, action, negated]`.
    #[serde(default)]
    pub sanctions: Vec<(String, String, String, bool)>,
    /// Region and trap tags; `trap`/`trap-*` passages count towards trap false positives.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Passage {
    /// Whether the passage is a trap, whose false positives are counted apart.
    pub fn is_trap(&self) -> bool {
        self.tags
            .iter()
            .any(|t| t == "trap" || t.starts_with("trap-"))
    }

    /// Runs the whole enrichment over the passage.
    pub fn enrich(&self, enricher: &Enricher) -> EnrichedArticle {
        enricher.enrich(Article::from_text(
            self.id.clone(),
            self.title.clone(),
            self.body.clone(),
        ))
    }
}

/// Parses the dev set (JSON Lines; blank lines skipped). The error names the line.
pub fn parse(jsonl: &str) -> Result<Vec<Passage>, String> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// Reads and parses the dev set from `dev_dir`.
pub fn load(dev_dir: &Path) -> Result<Vec<Passage>, String> {
    load_file(dev_dir, DEV_FILE)
}

/// Reads and parses one labelled file from `dev_dir`.
pub fn load_file(dev_dir: &Path, file: &str) -> Result<Vec<Passage>, String> {
    let path = dev_dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text)
}

/// What went wrong on one passage.
#[derive(Debug, Clone, Default)]
pub struct Miss {
    /// Id of the passage the misses belong to.
    pub id: String,
    /// Named systems found that the passage does not label.
    pub false_weapons: Vec<String>,
    /// Labelled named systems that were not found.
    pub missed_weapons: Vec<String>,
    /// Weapon classes found that the passage does not label.
    pub false_classes: Vec<String>,
    /// Labelled weapon classes that were not found.
    pub missed_classes: Vec<String>,
}

/// Scores over the whole dev set.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Number of passages scored.
    pub passages: usize,
    /// Named-system counts over all passages.
    pub weapons: Counts,
    /// Weapon-class counts over all passages.
    pub classes: Counts,
    /// Named systems found in trap passages that are not labelled.
    pub trap_false_positives: usize,
    /// One entry per passage with any error, in dev-set order.
    pub misses: Vec<Miss>,
}

/// Scores already-enriched passages.
pub fn score(passages: &[Passage], outputs: &[EnrichedArticle]) -> Scores {
    let mut s = Scores {
        passages: passages.len(),
        ..Scores::default()
    };
    for (p, out) in passages.iter().zip(outputs) {
        let got_w: Vec<String> = out.weapons.iter().map(|w| w.name.clone()).collect();
        let got_c: Vec<String> = out.weapon_classes.iter().map(|c| c.name.clone()).collect();
        let before = s.weapons.fp;
        s.weapons.add_sets(&p.weapons, &got_w);
        if p.is_trap() {
            s.trap_false_positives += s.weapons.fp - before;
        }
        s.classes.add_sets(&p.classes, &got_c);
        let diff = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|x| !b.contains(x)).cloned().collect()
        };
        let miss = Miss {
            id: p.id.clone(),
            false_weapons: diff(&got_w, &p.weapons),
            missed_weapons: diff(&p.weapons, &got_w),
            false_classes: diff(&got_c, &p.classes),
            missed_classes: diff(&p.classes, &got_c),
        };
        if !(miss.false_weapons.is_empty()
            && miss.missed_weapons.is_empty()
            && miss.false_classes.is_empty()
            && miss.missed_classes.is_empty())
        {
            s.misses.push(miss);
        }
    }
    s
}

/// Enriches every passage and scores the weapons output.
pub fn evaluate(enricher: &Enricher, passages: &[Passage]) -> Scores {
    let outputs: Vec<EnrichedArticle> = passages.iter().map(|p| p.enrich(enricher)).collect();
    score(passages, &outputs)
}

/// The printable report for `dev_dir`: the dev set, the held-out set, then the realistic
/// batches and the false alarms ([`super::weapons_news`]).
pub fn report(dev_dir: &Path) -> String {
    let enricher = Enricher::new();
    let mut out = String::new();
    for file in [DEV_FILE, HOLDOUT_FILE] {
        let passages = match load_file(dev_dir, file) {
            Ok(p) => p,
            Err(e) => {
                out.push_str(&format!("weapons: cannot load {file}: {e}\n"));
                continue;
            }
        };
        let s = evaluate(&enricher, &passages);
        out.push_str(&format!("weapons: {} passages ({file})\n", s.passages));
        out.push_str(&format_line("named weapons", &s.weapons));
        out.push('\n');
        out.push_str(&format_line("weapon classes", &s.classes));
        out.push('\n');
        out.push_str(&format!(
            "trap false positives (named weapons): {}\n",
            s.trap_false_positives
        ));
        for m in &s.misses {
            out.push_str(&format!(
                "  {}: weapons +{:?} -{:?}  classes +{:?} -{:?}\n",
                m.id, m.false_weapons, m.missed_weapons, m.false_classes, m.missed_classes
            ));
        }
    }
    out.push_str(&super::weapons_news::report(dev_dir, &enricher));
    out
}
