//! Scoring named weapons systems on passages modelled on real published text
//! (`dev/weapons-news/batch-*.jsonl`), and counting false alarms on business and sports copy
//! that names no weapon at all (`dev/weapons-false-alarms/*.jsonl`). Format and labelling rules
//! are in the README beside each file.
//!
//! Measures, per batch: named weapons as sets per passage (precision, recall, F1); the `family`
//! of every labelled system that has one (correct / labelled); named systems found in `trap`
//! passages. On the false-alarm files: every named system and every weapon class found is a
//! false alarm.
//!
//! The loaders are strict ([`crate::jsonl`]): an unknown field, a duplicate id, a missing or
//! non-http source URL or a family label for a system the passage does not list is an error
//! naming the file, the line and the field.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use newswire_enrich::Enricher;
use newswire_model::{Article, EnrichedArticle};
use serde::Deserialize;

use crate::jsonl::{self, Row};
use crate::{format_line, Counts};

/// Directory of the realistic weapons batches, under the dev directory.
pub const NEWS_DIR: &str = "weapons-news";

/// Directory of the false-alarm copy, under the dev directory.
pub const FALSE_ALARM_DIR: &str = "weapons-false-alarms";

/// Batches kept untuned: scored like the others, never used to change the engine.
pub const HELD_OUT_BATCHES: &[&str] = &["batch-02.jsonl", "batch-03.jsonl"];

/// False-alarm files written after the tuning and never tuned on.
pub const HELD_OUT_FALSE_ALARMS: &[&str] =
    &["business-sports-02.jsonl", "business-sports-03.jsonl"];

/// One labelled passage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewsPassage {
    /// `wn-bN-NNN`.
    pub id: String,
    /// The published page the passage is modelled on.
    pub source_url: String,
    /// The headline.
    #[serde(default)]
    pub title: String,
    /// The body text.
    pub body: String,
    /// Every named system the passage refers to, by canonical name.
    pub weapons: Vec<String>,
    /// For labelled systems that are variants, copies or licensed builds: system -> family.
    #[serde(default)]
    pub families: BTreeMap<String, String>,
    /// Categories exercised; `trap` marks a passage that names no system.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One passage of business or sports copy: it names no weapon.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietPassage {
    /// `fa-NNN`.
    pub id: String,
    /// The published page the passage is modelled on.
    pub source_url: String,
    /// The headline.
    #[serde(default)]
    pub title: String,
    /// The body text.
    pub body: String,
    /// What the copy is (`business`, `sports`) and which traps it holds.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Enriches a title and body.
fn enrich(enricher: &Enricher, id: &str, title: &str, body: &str) -> EnrichedArticle {
    enricher.enrich(Article::from_text(
        id.to_string(),
        title.to_string(),
        body.to_string(),
    ))
}

impl Row for NewsPassage {
    fn id(&self) -> &str {
        &self.id
    }

    fn source_url(&self) -> &str {
        &self.source_url
    }

    /// Families may only name systems the passage lists.
    fn check(&self) -> Result<(), String> {
        match self.families.keys().find(|s| !self.weapons.contains(s)) {
            Some(s) => Err(format!("field families: {s} is not in weapons")),
            None => Ok(()),
        }
    }
}

impl Row for QuietPassage {
    fn id(&self) -> &str {
        &self.id
    }

    fn source_url(&self) -> &str {
        &self.source_url
    }
}

/// Parses one batch file's text.
pub fn parse_batch(file: &str, text: &str) -> Result<Vec<NewsPassage>, String> {
    jsonl::parse(file, text)
}

/// Parses one false-alarm file's text.
pub fn parse_quiet(file: &str, text: &str) -> Result<Vec<QuietPassage>, String> {
    jsonl::parse(file, text)
}

/// The `*.jsonl` files of `dir`, sorted by name.
pub fn jsonl_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    jsonl::files(dir, "")
}

fn read(path: &Path) -> Result<(String, String), String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((name, text))
}

/// What went wrong on one passage.
#[derive(Debug, Clone, Default)]
pub struct Miss {
    /// The passage.
    pub id: String,
    /// Found, not labelled.
    pub false_weapons: Vec<String>,
    /// Labelled, not found.
    pub missed_weapons: Vec<String>,
    /// `system: expected family, got family` for wrong families.
    pub wrong_families: Vec<String>,
}

/// Scores of one batch.
#[derive(Debug, Clone, Default)]
pub struct BatchScores {
    /// Passages scored.
    pub passages: usize,
    /// Named systems, as sets per passage.
    pub weapons: Counts,
    /// Labelled families that came out right.
    pub families_right: usize,
    /// Labelled families of systems that were found.
    pub families_labelled: usize,
    /// Named systems found in trap passages.
    pub trap_false_positives: usize,
    /// Passages with an error.
    pub misses: Vec<Miss>,
}

/// Scores already-enriched passages.
pub fn score(passages: &[NewsPassage], outputs: &[EnrichedArticle]) -> BatchScores {
    let mut s = BatchScores {
        passages: passages.len(),
        ..BatchScores::default()
    };
    for (p, out) in passages.iter().zip(outputs) {
        let got: Vec<String> = out.weapons.iter().map(|w| w.name.clone()).collect();
        let before = s.weapons.fp;
        s.weapons.add_sets(&p.weapons, &got);
        if p.tags.iter().any(|t| t == "trap") {
            s.trap_false_positives += s.weapons.fp - before;
        }
        let mut miss = Miss {
            id: p.id.clone(),
            false_weapons: got
                .iter()
                .filter(|g| !p.weapons.contains(g))
                .cloned()
                .collect(),
            missed_weapons: p
                .weapons
                .iter()
                .filter(|w| !got.contains(w))
                .cloned()
                .collect(),
            wrong_families: Vec::new(),
        };
        for (system, family) in &p.families {
            let Some(tag) = out.weapons.iter().find(|w| &w.name == system) else {
                continue;
            };
            s.families_labelled += 1;
            if tag.family.as_deref() == Some(family.as_str()) {
                s.families_right += 1;
            } else {
                miss.wrong_families
                    .push(format!("{system}: want {family}, got {:?}", tag.family));
            }
        }
        if !(miss.false_weapons.is_empty()
            && miss.missed_weapons.is_empty()
            && miss.wrong_families.is_empty())
        {
            s.misses.push(miss);
        }
    }
    s
}

/// Enriches and scores one batch.
pub fn evaluate(enricher: &Enricher, passages: &[NewsPassage]) -> BatchScores {
    let outputs: Vec<EnrichedArticle> = passages
        .iter()
        .map(|p| enrich(enricher, &p.id, &p.title, &p.body))
        .collect();
    score(passages, &outputs)
}

/// One false alarm: what fired, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    /// The passage.
    pub id: String,
    /// `weapon` or `class`.
    pub kind: &'static str,
    /// Canonical name of what fired.
    pub name: String,
    /// The text that fired.
    pub text: String,
}

/// Every named system and weapon class found in copy that names none.
pub fn false_alarms(enricher: &Enricher, passages: &[QuietPassage]) -> Vec<Alarm> {
    let mut out = Vec::new();
    for p in passages {
        let e = enrich(enricher, &p.id, &p.title, &p.body);
        let first = |m: &[newswire_model::Mention]| m.first().map(|m| m.text.clone());
        for w in &e.weapons {
            out.push(Alarm {
                id: p.id.clone(),
                kind: "weapon",
                name: w.name.clone(),
                text: first(&w.mentions).unwrap_or_default(),
            });
        }
        for c in &e.weapon_classes {
            out.push(Alarm {
                id: p.id.clone(),
                kind: "class",
                name: c.name.to_string(),
                text: first(&c.mentions).unwrap_or_default(),
            });
        }
    }
    out
}

/// Sentences in the false-alarm copy (ends of sentences counted), for the report.
pub fn sentence_count(passages: &[QuietPassage]) -> usize {
    passages
        .iter()
        .map(|p| {
            let b = p.body.as_bytes();
            (0..b.len())
                .filter(|&i| {
                    matches!(b[i], b'.' | b'!' | b'?') && b.get(i + 1).is_none_or(|c| *c == b' ')
                })
                .count()
        })
        .sum()
}

/// The printable report: every batch, then the false alarms.
pub fn report(dev_dir: &Path, enricher: &Enricher) -> String {
    let mut out = String::new();
    match batch_reports(dev_dir, enricher) {
        Ok(text) => out.push_str(&text),
        Err(e) => out.push_str(&format!("weapons-news: {e}\n")),
    }
    match false_alarm_report(dev_dir, enricher) {
        Ok(text) => out.push_str(&text),
        Err(e) => out.push_str(&format!("weapons false alarms: {e}\n")),
    }
    out
}

fn batch_reports(dev_dir: &Path, enricher: &Enricher) -> Result<String, String> {
    let mut out = String::new();
    for path in jsonl_files(&dev_dir.join(NEWS_DIR))? {
        let (name, text) = read(&path)?;
        let passages = parse_batch(&name, &text)?;
        let s = evaluate(enricher, &passages);
        let held = if HELD_OUT_BATCHES.contains(&name.as_str()) {
            ", held out"
        } else {
            ""
        };
        out.push_str(&format!(
            "weapons-news {name}: {} passages{held}\n",
            s.passages
        ));
        out.push_str(&format_line("  named weapons", &s.weapons));
        out.push_str(&format!(
            "\n  families right {}/{}; trap false positives {}\n",
            s.families_right, s.families_labelled, s.trap_false_positives
        ));
        for m in &s.misses {
            out.push_str(&format!(
                "    {}: +{:?} -{:?} {:?}\n",
                m.id, m.false_weapons, m.missed_weapons, m.wrong_families
            ));
        }
    }
    Ok(out)
}

fn false_alarm_report(dev_dir: &Path, enricher: &Enricher) -> Result<String, String> {
    let mut out = String::new();
    for path in jsonl_files(&dev_dir.join(FALSE_ALARM_DIR))? {
        let (name, text) = read(&path)?;
        let passages = parse_quiet(&name, &text)?;
        let alarms = false_alarms(enricher, &passages);
        let count = |kind| alarms.iter().filter(|a| a.kind == kind).count();
        let held = if HELD_OUT_FALSE_ALARMS.contains(&name.as_str()) {
            ", held out"
        } else {
            ""
        };
        out.push_str(&format!(
            "weapons false alarms {name}{held}: {} passages, {} sentences: {} named weapons, {} classes\n",
            passages.len(),
            sentence_count(&passages),
            count("weapon"),
            count("class")
        ));
        for a in &alarms {
            out.push_str(&format!(
                "    {} {}: {} ({:?})\n",
                a.id, a.kind, a.name, a.text
            ));
        }
    }
    Ok(out)
}
