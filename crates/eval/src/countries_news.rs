//! Scoring countries on passages modelled on real published text
//! (`dev/countries-news/batch-*.jsonl`; format and rules in that directory's README).
//!
//! Measures, per batch: all countries and primaries as sets per passage (as
//! [`crate::countries`] does), and **salience order**: each labelled pair `[a, b]` in
//! `outranks` says country `a` must come out with a higher salience than `b` (a party to talks
//! above the city that hosts them); a pair is satisfied when both are found and `a` is ranked
//! first.
//!
//! The loader is strict ([`crate::jsonl`]): an unknown field, a duplicate id, a missing or
//! non-http source URL, a primary or ranked country not listed in `countries` is an error naming
//! the file, the line and the field.

use std::path::Path;

use newswire_enrich::countries::CountryMatcher;
use serde::Deserialize;

use crate::countries::{evaluate as evaluate_sets, format_report, Passage};
use crate::jsonl::{self, Row};
use crate::weapons_news::jsonl_files;

/// Directory of the batches, under the dev directory.
pub const NEWS_DIR: &str = "countries-news";

/// Batches kept untuned.
pub const HELD_OUT_BATCHES: &[&str] = &["batch-02.jsonl", "batch-03.jsonl"];

/// One labelled passage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewsPassage {
    /// `cn-bN-NNN`.
    pub id: String,
    /// The published page the passage is modelled on.
    pub source_url: String,
    /// The headline.
    #[serde(default)]
    pub title: String,
    /// The body text.
    pub body: String,
    /// Every country the passage refers to (ISO2).
    pub countries: Vec<String>,
    /// The countries it is about.
    pub primary: Vec<String>,
    /// `[a, b]`: `a` must be more salient than `b`.
    #[serde(default)]
    pub outranks: Vec<(String, String)>,
    /// Categories exercised.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl NewsPassage {
    /// The same passage in the shape of the hand-written dev set, for the set measures.
    pub fn as_passage(&self) -> Passage {
        Passage {
            id: self.id.clone(),
            title: self.title.clone(),
            body: self.body.clone(),
            countries: self.countries.clone(),
            primary: self.primary.clone(),
            tags: self.tags.clone(),
        }
    }
}

impl Row for NewsPassage {
    fn id(&self) -> &str {
        &self.id
    }

    fn source_url(&self) -> &str {
        &self.source_url
    }

    /// Primaries and ranked countries must be among the passage's countries.
    fn check(&self) -> Result<(), String> {
        if let Some(c) = self.primary.iter().find(|c| !self.countries.contains(c)) {
            return Err(format!("field primary: {c} is not in countries"));
        }
        let mut ranked = self.outranks.iter().flat_map(|(a, b)| [a, b]);
        if let Some(c) = ranked.find(|c| !self.countries.contains(c)) {
            return Err(format!("field outranks: {c} is not in countries"));
        }
        Ok(())
    }
}

/// Parses one batch strictly; `file` names the source in errors.
pub fn parse_batch(file: &str, text: &str) -> Result<Vec<NewsPassage>, String> {
    jsonl::parse(file, text)
}

/// Salience-order pairs: `(satisfied, labelled, failures)`.
pub fn order_scores(
    matcher: &CountryMatcher,
    passages: &[NewsPassage],
) -> (usize, usize, Vec<String>) {
    let (mut ok, mut total, mut failures) = (0, 0, Vec::new());
    for p in passages {
        let tags = matcher.extract(&p.title, &p.body);
        let rank = |c: &str| tags.iter().position(|t| t.code == c);
        for (a, b) in &p.outranks {
            total += 1;
            match (rank(a), rank(b)) {
                (Some(ra), Some(rb)) if ra < rb => ok += 1,
                (Some(_), None) => ok += 1,
                _ => failures.push(format!("{}: {a} should outrank {b}", p.id)),
            }
        }
    }
    (ok, total, failures)
}

/// The printable report for every batch.
pub fn report(dev_dir: &Path, matcher: &CountryMatcher) -> String {
    let files = match jsonl_files(&dev_dir.join(NEWS_DIR)) {
        Ok(f) => f,
        Err(e) => return format!("countries-news: {e}\n"),
    };
    let mut out = String::new();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|text| parse_batch(&name, &text));
        let passages = match parsed {
            Ok(p) => p,
            Err(e) => {
                out.push_str(&format!("countries-news: {e}\n"));
                continue;
            }
        };
        let held = if HELD_OUT_BATCHES.contains(&name.as_str()) {
            ", held out"
        } else {
            ""
        };
        let plain: Vec<Passage> = passages.iter().map(NewsPassage::as_passage).collect();
        out.push_str(&format!("[countries-news {name}{held}]\n"));
        out.push_str(&format_report(&evaluate_sets(matcher, &plain)));
        let (ok, total, failures) = order_scores(matcher, &passages);
        out.push_str(&format!("  salience order {ok}/{total}\n"));
        for f in failures {
            out.push_str(&format!("    {f}\n"));
        }
    }
    out
}
