//! Scoring the country extractor against `dev/countries.jsonl`.
//!
//! Each line of the dev set is one passage written for this project:
//! `{"id", "title", "body", "countries": [ISO2...], "primary": [ISO2...], "tags": [...]}`.
//! `countries` lists every country the passage refers to, by any means (name, demonym,
//! capital, seat of power, a city or US state in it, the dateline); organisations such as NATO
//! or the EU are not countries. `primary` lists the countries the passage is about: the main
//! actors, or where its main events happen. Tags name the region and the trap or feature the
//! passage exercises; passages tagged `trap` or `trap-*` count towards the trap false positives.
//!
//! Two measurements per passage, summed over the set: the set of all countries found against
//! `countries`, and the set of countries flagged primary against `primary`.

use std::path::Path;

use serde::Deserialize;

use super::{format_line, Counts};
use newswire_enrich::countries::CountryMatcher;

/// One labelled passage.
#[derive(Debug, Clone, Deserialize)]
pub struct Passage {
    /// The passage's id in the dev set, to name it in a miss report.
    pub id: String,
    /// Headline, enriched with the body as an article would be.
    #[serde(default)]
    pub title: String,
    /// Body text the extractor reads.
    #[serde(default)]
    pub body: String,
    /// ISO alpha-2 codes of every country the passage refers to.
    pub countries: Vec<String>,
    /// ISO alpha-2 codes of the countries the passage is about.
    pub primary: Vec<String>,
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
}

/// What the extractor got wrong on one passage.
#[derive(Debug, Clone, Default)]
pub struct Miss {
    /// Id of the passage the misses belong to.
    pub id: String,
    /// Headline of the passage, so a report is readable without the dev file.
    pub title: String,
    /// Countries found that the passage does not refer to.
    pub false_countries: Vec<String>,
    /// Countries the passage refers to that were not found.
    pub missed_countries: Vec<String>,
    /// Countries flagged primary that are not labelled primary.
    pub false_primary: Vec<String>,
    /// Labelled primary countries that were not flagged primary.
    pub missed_primary: Vec<String>,
}

/// Scores over the whole dev set.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Number of passages scored.
    pub passages: usize,
    /// Number of passages tagged as traps.
    pub trap_passages: usize,
    /// All countries mentioned, as a set per passage.
    pub mentions: Counts,
    /// Countries flagged primary, as a set per passage.
    pub primary: Counts,
    /// False positives (countries found that are not labelled) on trap passages.
    pub trap_false_positives: usize,
    /// One entry per passage with any error, in dev-set order.
    pub misses: Vec<Miss>,
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

/// Runs the extractor over `passages` and scores it.
pub fn evaluate(matcher: &CountryMatcher, passages: &[Passage]) -> Scores {
    let mut s = Scores {
        passages: passages.len(),
        ..Scores::default()
    };
    for p in passages {
        let tags = matcher.extract(&p.title, &p.body);
        let found: Vec<String> = tags.iter().map(|t| t.code.clone()).collect();
        let primary: Vec<String> = tags
            .iter()
            .filter(|t| t.primary)
            .map(|t| t.code.clone())
            .collect();
        s.mentions.add_sets(&p.countries, &found);
        s.primary.add_sets(&p.primary, &primary);
        let diff = |expected: &[String], got: &[String]| -> (Vec<String>, Vec<String>) {
            let fp = got
                .iter()
                .filter(|c| !expected.contains(c))
                .cloned()
                .collect();
            let fn_ = expected
                .iter()
                .filter(|c| !got.contains(c))
                .cloned()
                .collect();
            (fp, fn_)
        };
        let (false_countries, missed_countries) = diff(&p.countries, &found);
        let (false_primary, missed_primary) = diff(&p.primary, &primary);
        if p.is_trap() {
            s.trap_passages += 1;
            s.trap_false_positives += false_countries.len();
        }
        if !(false_countries.is_empty()
            && missed_countries.is_empty()
            && false_primary.is_empty()
            && missed_primary.is_empty())
        {
            s.misses.push(Miss {
                id: p.id.clone(),
                title: p.title.clone(),
                false_countries,
                missed_countries,
                false_primary,
                missed_primary,
            });
        }
    }
    s
}

/// The report printed by `cargo run --release -p newswire-eval`: figures, then every
/// passage with an error.
pub fn format_report(s: &Scores) -> String {
    let mut out = format!(
        "countries: {} passages ({} traps)\n{}\n{}\n{:<28} {}\n",
        s.passages,
        s.trap_passages,
        format_line("  all mentions (set)", &s.mentions),
        format_line("  primary", &s.primary),
        "  trap false positives",
        s.trap_false_positives,
    );
    if !s.misses.is_empty() {
        out.push_str("  errors (+ found but not labelled, - labelled but not found):\n");
    }
    for m in &s.misses {
        let list = |plus: &[String], minus: &[String]| {
            plus.iter()
                .map(|c| format!("+{c}"))
                .chain(minus.iter().map(|c| format!("-{c}")))
                .collect::<Vec<_>>()
                .join(" ")
        };
        out.push_str(&format!(
            "    {:<6} countries [{}]  primary [{}]  {}\n",
            m.id,
            list(&m.false_countries, &m.missed_countries),
            list(&m.false_primary, &m.missed_primary),
            m.title
        ));
    }
    out
}

/// Reads `countries.jsonl` (the dev set the rules were tuned on) and, when present,
/// `countries-heldout.jsonl` (passages written after tuning, never tuned on) from `dev_dir`,
/// evaluates, and formats the report. (The only file access in the crate: the eval is a
/// development tool, not part of enrichment.)
pub fn report(dev_dir: &Path) -> String {
    let matcher = CountryMatcher::new();
    let mut out = String::new();
    for (file, label, required) in [
        ("countries.jsonl", "dev set", true),
        ("countries-heldout.jsonl", "held-out set", false),
    ] {
        let path = dev_dir.join(file);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(_) if !required => continue,
            Err(e) => {
                out.push_str(&format!("countries: cannot read {}: {e}\n", path.display()));
                continue;
            }
        };
        match parse(&text) {
            Ok(passages) => {
                out.push_str(&format!("[countries, {label}: {file}]\n"));
                out.push_str(&format_report(&evaluate(&matcher, &passages)));
            }
            Err(e) => out.push_str(&format!("countries: {}: {e}\n", path.display())),
        }
    }
    out.push_str(&super::countries_news::report(dev_dir, &matcher));
    out
}
