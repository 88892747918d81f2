//! Scoring countries on passages modelled on real published text
//! (`dev/countries-news/batch-*.jsonl`; format and rules in that directory's README).
//!
//! Measures, per batch: all countries and primaries as sets per passage (as
//! [`crate::countries`] does), and **salience order**: each labelled pair `[a, b]` in
//! `outranks` says country `a` must come out with a higher salience than `b` (a party to talks
//! above the city that hosts them); a pair is satisfied when both are found and `a` is ranked
//! first.
//!
//! The loader is strict: an unknown field, a duplicate id, a missing or non-http source URL, a
//! primary or ranked country not listed in `countries` is an error naming the file, the line and
//! the field.

use std::collections::BTreeSet;
use std::path::Path;

use newswire_enrich::countries::CountryMatcher;
use serde::Deserialize;

use crate::countries::{evaluate as evaluate_sets, format_report, Passage};
use crate::weapons_news::jsonl_files;

/// Directory of the batches, under the dev directory.
pub const NEWS_DIR: &str = "countries-news";

/// Batches kept untuned.
pub const HELD_OUT_BATCHES: &[&str] = &["batch-02.jsonl"];

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

/// Parses one batch strictly; `file` names the source in errors.
pub fn parse_batch(file: &str, text: &str) -> Result<Vec<NewsPassage>, String> {
    let mut out: Vec<NewsPassage> = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{file}:{}", i + 1);
        let p: NewsPassage = serde_json::from_str(line).map_err(|e| format!("{at}: {e}"))?;
        if !ids.insert(p.id.clone()) {
            return Err(format!("{at}: field id: duplicate id {}", p.id));
        }
        if !(p.source_url.starts_with("http://") || p.source_url.starts_with("https://")) {
            return Err(format!("{at}: field source_url: not an http(s) URL"));
        }
        if let Some(c) = p.primary.iter().find(|c| !p.countries.contains(c)) {
            return Err(format!("{at}: field primary: {c} is not in countries"));
        }
        let ranked = p.outranks.iter().flat_map(|(a, b)| [a, b]);
        if let Some(c) = ranked.into_iter().find(|c| !p.countries.contains(c)) {
            return Err(format!("{at}: field outranks: {c} is not in countries"));
        }
        out.push(p);
    }
    Ok(out)
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
