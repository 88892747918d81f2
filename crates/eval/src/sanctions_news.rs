//! Scoring sanctions events against the realistic dev set, `dev/sanctions-news/batch-*.jsonl`:
//! passages modelled on real published news (format and labelling rules in that directory's
//! README).
//!
//! Measures, summed over the passages of a file:
//! * **tuples**: `(imposer, target, action)` triples, one per imposer and target pair of an event
//!   (an empty side is `-`), compared as sets per passage; also with `negated` as a fourth part;
//! * **events**: a predicted event matches a labelled one when the actions are equal and the
//!   imposers overlap and the targets overlap (an empty side matches only an empty side); each
//!   event is matched at most once; recall is also given per action;
//! * **detection**: passages that report any sanctions event at all;
//! * **target entities** and **sectors**: per passage, as sets, over all events.
//!
//! The loader is strict: an unknown field, code, action, sector or entity kind, a duplicate id
//! or a missing source URL is an error that names the file, line and field.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use newswire_enrich::Enricher;
use newswire_model::{Article, EnrichedArticle};
use serde::Deserialize;

use crate::jsonl::{self, Row};
use crate::sanctions::action_name;
use crate::{format_line, Counts};

/// Bloc codes a label may use besides ISO 3166-1 alpha-2 codes.
pub const BLOCS: &[&str] = &["EU", "UN", "G7", "WEST", "ECOWAS", "AFRICAN_UNION"];

/// The five actions, as written in the labels.
pub const ACTIONS: &[&str] = &["impose", "threaten", "lift", "evade", "oppose"];

/// The controlled sector vocabulary of the labels: the record's own, so a label can only use
/// a word the JSON Schema allows.
pub const SECTORS: &[&str] = newswire_model::SANCTION_SECTORS;

/// Kinds of named target entities.
pub const ENTITY_KINDS: &[&str] = &["company", "bank", "person", "vessel", "agency", "group"];

/// One labelled passage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewsPassage {
    /// `sn-bN-NNN`.
    pub id: String,
    /// The published page the passage is modelled on.
    pub source_url: String,
    /// The headline.
    #[serde(default)]
    pub title: String,
    /// The body text.
    pub body: String,
    /// Every sanctions event the passage reports.
    pub sanctions: Vec<GoldEvent>,
    /// Categories exercised; `trap` marks a hard negative.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One labelled sanctions event.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldEvent {
    /// ISO2 codes or blocs.
    pub imposers: Vec<String>,
    /// ISO2 codes or blocs.
    pub targets: Vec<String>,
    /// One of [`ACTIONS`].
    pub action: String,
    /// The text says it did not or will not happen.
    #[serde(default)]
    pub negated: bool,
    /// From [`SECTORS`].
    #[serde(default)]
    pub sectors: Vec<String>,
    /// Named programmes, canonical names.
    #[serde(default)]
    pub programs: Vec<String>,
    /// Named entities the event targets.
    #[serde(default)]
    pub target_entities: Vec<GoldEntity>,
}

/// A named company, bank, person, vessel, agency or group that an event targets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldEntity {
    /// As written in the text.
    pub text: String,
    /// One of [`ENTITY_KINDS`].
    pub kind: String,
    /// ISO2 of the entity, when known.
    #[serde(default)]
    pub country: Option<String>,
}

impl NewsPassage {
    /// A hard negative: nothing may be found.
    pub fn is_trap(&self) -> bool {
        self.tags.iter().any(|t| t == "trap")
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

/// The directory of the batches.
pub fn batch_dir(dev_dir: &Path) -> PathBuf {
    dev_dir.join("sanctions-news")
}

/// The batch files, in name order.
pub fn batch_files(dev_dir: &Path) -> Result<Vec<PathBuf>, String> {
    jsonl::files(&batch_dir(dev_dir), "batch-")
}

/// Batches held out from tuning: nobody writes a rule from them, so their figures measure the
/// engine on text it was not fitted to. Their misses are never printed (see [`Split`]).
pub const HELD_OUT_BATCHES: &[&str] = &[
    "batch-04.jsonl",
    "batch-08.jsonl",
    "batch-09.jsonl",
    "batch-11.jsonl",
];

/// Which batches a report scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Every batch, each marked tuning or held out, then pooled per split and overall.
    All,
    /// Only the batches rules may be tuned on.
    Tuning,
    /// Only the held-out batches (figures only: misses are never listed for them).
    HeldOut,
}

impl Split {
    /// Parses `all`, `tuning` or `held-out`.
    pub fn parse(s: &str) -> Option<Split> {
        match s {
            "all" => Some(Split::All),
            "tuning" => Some(Split::Tuning),
            "held-out" => Some(Split::HeldOut),
            _ => None,
        }
    }

    /// Whether the batch file `name` belongs to this split.
    pub fn holds(self, name: &str) -> bool {
        match self {
            Split::All => true,
            Split::Tuning => !is_held_out(name),
            Split::HeldOut => is_held_out(name),
        }
    }
}

/// Whether the batch file `name` (e.g. `batch-04.jsonl`) is held out from tuning.
pub fn is_held_out(name: &str) -> bool {
    HELD_OUT_BATCHES.contains(&name)
}

/// The batch files of `split`, in name order, each with its file name.
pub fn split_files(dev_dir: &Path, split: Split) -> Result<Vec<(String, PathBuf)>, String> {
    let named = batch_files(dev_dir)?.into_iter().map(|f| {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        (name.to_string(), f)
    });
    Ok(named.filter(|(n, _)| split.holds(n)).collect())
}

impl Row for NewsPassage {
    const ONE_ROW_PER_SOURCE: bool = true;

    fn id(&self) -> &str {
        &self.id
    }

    fn source_url(&self) -> &str {
        &self.source_url
    }

    fn check(&self) -> Result<(), String> {
        if self.body.trim().is_empty() {
            return Err("field body: empty".into());
        }
        if self.is_trap() && !self.sanctions.is_empty() {
            return Err("field sanctions: a trap has no events".into());
        }
        for (k, e) in self.sanctions.iter().enumerate() {
            check_event(e).map_err(|m| format!("field sanctions[{k}].{m}"))?;
        }
        Ok(())
    }
}

/// Parses and checks one batch; `name` is used in error messages.
pub fn parse(name: &str, jsonl: &str) -> Result<Vec<NewsPassage>, String> {
    jsonl::parse(name, jsonl)
}

fn check_event(e: &GoldEvent) -> Result<(), String> {
    for c in e.imposers.iter().chain(&e.targets) {
        if !is_actor_code(c) {
            return Err(format!(
                "imposers/targets: {c:?} is neither ISO2 nor a bloc"
            ));
        }
    }
    if !ACTIONS.contains(&e.action.as_str()) {
        return Err(format!("action: {:?}", e.action));
    }
    if let Some(s) = e.sectors.iter().find(|s| !SECTORS.contains(&s.as_str())) {
        return Err(format!("sectors: {s:?} is not in the vocabulary"));
    }
    for t in &e.target_entities {
        if !ENTITY_KINDS.contains(&t.kind.as_str()) {
            return Err(format!("target_entities: kind {:?}", t.kind));
        }
        if t.country.as_deref().is_some_and(|c| !is_actor_code(c)) {
            return Err(format!("target_entities: country {:?}", t.country));
        }
    }
    Ok(())
}

/// Two upper-case ASCII letters, or one of [`BLOCS`].
pub fn is_actor_code(c: &str) -> bool {
    (c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())) || BLOCS.contains(&c)
}

/// Reads and checks one batch file.
pub fn load(path: &Path) -> Result<Vec<NewsPassage>, String> {
    jsonl::load(path)
}

/// An event reduced to what the scorer compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ev {
    /// Imposer codes, sorted.
    pub imposers: BTreeSet<String>,
    /// Target codes, sorted.
    pub targets: BTreeSet<String>,
    /// The action name.
    pub action: String,
    /// Negation.
    pub negated: bool,
}

impl Ev {
    fn tuples(&self, with_negation: bool) -> Vec<String> {
        let side = |s: &BTreeSet<String>| -> Vec<String> {
            if s.is_empty() {
                vec!["-".into()]
            } else {
                s.iter().cloned().collect()
            }
        };
        let mut out = Vec::new();
        for i in side(&self.imposers) {
            for t in side(&self.targets) {
                let neg = if with_negation && self.negated {
                    " NOT"
                } else {
                    ""
                };
                out.push(format!("{i}>{t} {}{neg}", self.action));
            }
        }
        out
    }

    fn matches(&self, other: &Ev) -> bool {
        let overlap = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
            (a.is_empty() && b.is_empty()) || a.intersection(b).next().is_some()
        };
        self.action == other.action
            && overlap(&self.imposers, &other.imposers)
            && overlap(&self.targets, &other.targets)
    }

    /// `US,GB>RU impose` (with ` NOT` when negated).
    pub fn show(&self) -> String {
        let j = |s: &BTreeSet<String>| {
            if s.is_empty() {
                "-".to_string()
            } else {
                s.iter().cloned().collect::<Vec<_>>().join(",")
            }
        };
        let neg = if self.negated { " NOT" } else { "" };
        format!(
            "{}>{} {}{neg}",
            j(&self.imposers),
            j(&self.targets),
            self.action
        )
    }
}

fn gold_events(p: &NewsPassage) -> Vec<Ev> {
    p.sanctions
        .iter()
        .map(|e| Ev {
            imposers: e.imposers.iter().cloned().collect(),
            targets: e.targets.iter().cloned().collect(),
            action: e.action.clone(),
            negated: e.negated,
        })
        .collect()
}

fn predicted_events(out: &EnrichedArticle) -> Vec<Ev> {
    out.sanctions
        .iter()
        .map(|e| Ev {
            imposers: e.imposers.iter().cloned().collect(),
            targets: e.targets.iter().cloned().collect(),
            action: action_name(e.action).to_string(),
            negated: e.negated,
        })
        .collect()
}

/// Entity names the engine reports, read through JSON so the scorer does not depend on the
/// field's Rust shape (lower-cased).
fn predicted_entities(out: &EnrichedArticle) -> Vec<String> {
    let v = serde_json::to_value(&out.sanctions).unwrap_or_default();
    let mut names = Vec::new();
    for e in v.as_array().into_iter().flatten() {
        for t in e["target_entities"].as_array().into_iter().flatten() {
            if let Some(s) = t["text"].as_str() {
                names.push(s.to_lowercase());
            }
        }
    }
    names
}

/// What went wrong on one passage.
#[derive(Debug, Clone, Default)]
pub struct Miss {
    /// Passage id.
    pub id: String,
    /// Predicted events that match no labelled one.
    pub false_events: Vec<String>,
    /// Labelled events nothing matched.
    pub missed_events: Vec<String>,
}

/// Scores over one set of passages.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Passages scored.
    pub passages: usize,
    /// `(imposer, target, action)` tuples.
    pub tuples: Counts,
    /// Tuples with negation.
    pub tuples_negated: Counts,
    /// Whole events (action equal, sides overlap).
    pub events: Counts,
    /// Passages reporting any sanctions.
    pub detection: Counts,
    /// Per action: (labelled events matched, labelled events).
    pub recall_by_action: BTreeMap<String, (usize, usize)>,
    /// Predicted events with no imposer / with no target.
    pub predicted_without_imposer: usize,
    /// Predicted events with no target.
    pub predicted_without_target: usize,
    /// Named target entities (lower-cased text).
    pub entities: Counts,
    /// Sectors.
    pub sectors: Counts,
    /// Predicted events in trap passages.
    pub trap_false_positives: usize,
    /// Passages with any difference.
    pub misses: Vec<Miss>,
}

/// Scores already-enriched passages.
pub fn score(passages: &[NewsPassage], outputs: &[EnrichedArticle]) -> Scores {
    let mut s = Scores {
        passages: passages.len(),
        ..Scores::default()
    };
    for (p, out) in passages.iter().zip(outputs) {
        score_one(&mut s, p, out);
    }
    s
}

fn score_one(s: &mut Scores, p: &NewsPassage, out: &EnrichedArticle) {
    let gold = gold_events(p);
    let pred = predicted_events(out);
    let flat =
        |evs: &[Ev], neg: bool| -> Vec<String> { evs.iter().flat_map(|e| e.tuples(neg)).collect() };
    s.tuples.add_sets(&flat(&gold, false), &flat(&pred, false));
    s.tuples_negated
        .add_sets(&flat(&gold, true), &flat(&pred, true));
    let (g_any, p_any) = (!gold.is_empty(), !pred.is_empty());
    s.detection.tp += usize::from(g_any && p_any);
    s.detection.fp += usize::from(!g_any && p_any);
    s.detection.fn_ += usize::from(g_any && !p_any);
    if p.is_trap() {
        s.trap_false_positives += pred.len();
    }
    s.predicted_without_imposer += pred.iter().filter(|e| e.imposers.is_empty()).count();
    s.predicted_without_target += pred.iter().filter(|e| e.targets.is_empty()).count();

    let mut used = vec![false; pred.len()];
    let mut miss = Miss {
        id: p.id.clone(),
        ..Miss::default()
    };
    for g in &gold {
        let hit = (0..pred.len()).find(|&k| !used[k] && pred[k].matches(g));
        let slot = s.recall_by_action.entry(g.action.clone()).or_default();
        slot.1 += 1;
        match hit {
            Some(k) => {
                used[k] = true;
                slot.0 += 1;
                s.events.tp += 1;
            }
            None => {
                s.events.fn_ += 1;
                miss.missed_events.push(g.show());
            }
        }
    }
    for (k, e) in pred.iter().enumerate().filter(|(k, _)| !used[*k]) {
        let _ = k;
        s.events.fp += 1;
        miss.false_events.push(e.show());
    }
    let gold_entities: Vec<String> = p
        .sanctions
        .iter()
        .flat_map(|e| e.target_entities.iter().map(|t| t.text.to_lowercase()))
        .collect();
    s.entities
        .add_sets(&gold_entities, &predicted_entities(out));
    let gold_sectors: Vec<String> = p.sanctions.iter().flat_map(|e| e.sectors.clone()).collect();
    let pred_sectors: Vec<String> = out
        .sanctions
        .iter()
        .flat_map(|e| e.sectors.clone())
        .collect();
    s.sectors.add_sets(&gold_sectors, &pred_sectors);
    if !miss.false_events.is_empty() || !miss.missed_events.is_empty() {
        s.misses.push(miss);
    }
}

/// Enriches every passage and scores the sanctions output.
pub fn evaluate(enricher: &Enricher, passages: &[NewsPassage]) -> Scores {
    let outputs: Vec<EnrichedArticle> = passages.iter().map(|p| p.enrich(enricher)).collect();
    score(passages, &outputs)
}

/// The printable summary of one score.
pub fn format_scores(name: &str, s: &Scores, with_misses: bool) -> String {
    let mut out = format!("sanctions-news {name}: {} passages\n", s.passages);
    out.push_str(&format_line("  tuples (imp,tgt,action)", &s.tuples));
    out.push('\n');
    out.push_str(&format_line("  tuples with negation", &s.tuples_negated));
    out.push('\n');
    out.push_str(&format_line("  events (overlap)", &s.events));
    out.push('\n');
    out.push_str(&format_line("  detection (passages)", &s.detection));
    out.push('\n');
    out.push_str(&format_line("  target entities", &s.entities));
    out.push('\n');
    out.push_str(&format_line("  sectors", &s.sectors));
    out.push('\n');
    let by: Vec<String> = s
        .recall_by_action
        .iter()
        .map(|(a, (hit, all))| format!("{a} {hit}/{all}"))
        .collect();
    out.push_str(&format!("  event recall by action: {}\n", by.join(", ")));
    out.push_str(&format!(
        "  predicted events without imposer {}, without target {}; trap false positives {}\n",
        s.predicted_without_imposer, s.predicted_without_target, s.trap_false_positives
    ));
    if with_misses {
        for m in &s.misses {
            out.push_str(&format!(
                "    {}: false {:?} missed {:?}\n",
                m.id, m.false_events, m.missed_events
            ));
        }
    }
    out
}

/// Scores each batch of `split` under `dev_dir/sanctions-news/`, then the pooled tuning
/// batches, the pooled held-out batches and all of them. `with_misses` lists what each passage
/// got wrong, for tuning batches only: a held-out batch's misses would show what to tune.
pub fn report(dev_dir: &Path, with_misses: bool, split: Split) -> String {
    let files = match split_files(dev_dir, split) {
        Ok(f) => f,
        Err(e) => return format!("sanctions-news: {e}\n"),
    };
    let enricher = Enricher::new();
    let mut out = String::new();
    // Passages and outputs pooled per split: [tuning, held out].
    let mut pools: [(Vec<NewsPassage>, Vec<EnrichedArticle>); 2] = Default::default();
    for (name, f) in files {
        let passages = match load(&f) {
            Ok(p) => p,
            Err(e) => {
                out.push_str(&format!("sanctions-news: {e}\n"));
                continue;
            }
        };
        let outputs: Vec<EnrichedArticle> = passages.iter().map(|p| p.enrich(&enricher)).collect();
        let held = is_held_out(&name);
        let label = if held {
            format!("{name} (held out)")
        } else {
            name
        };
        let scores = score(&passages, &outputs);
        out.push_str(&format_scores(&label, &scores, with_misses && !held));
        if with_misses && held && !scores.misses.is_empty() {
            out.push_str("  (misses of a held-out batch are not listed)\n");
        }
        let pool = &mut pools[usize::from(held)];
        pool.0.extend(passages);
        pool.1.extend(outputs);
    }
    out.push_str(&format_pools(&pools));
    out
}

/// The pooled lines of [`report`]: each non-empty split, then all batches when both are.
fn format_pools(pools: &[(Vec<NewsPassage>, Vec<EnrichedArticle>); 2]) -> String {
    let mut out = String::new();
    for ((p, o), name) in pools.iter().zip(["tuning batches", "held-out batches"]) {
        if !p.is_empty() {
            out.push_str(&format_scores(name, &score(p, o), false));
        }
    }
    if pools.iter().all(|(p, _)| !p.is_empty()) {
        let all_p: Vec<NewsPassage> = pools.iter().flat_map(|(p, _)| p.clone()).collect();
        let all_o: Vec<EnrichedArticle> = pools.iter().flat_map(|(_, o)| o.clone()).collect();
        out.push_str(&format_scores("all batches", &score(&all_p, &all_o), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"id":"sn-b1-001","source_url":"https://example.org/a","title":"T","body":"The US sanctioned Iran.","sanctions":[{"imposers":["US"],"targets":["IR"],"action":"impose","negated":false,"sectors":["oil"],"programs":[],"target_entities":[{"text":"Sepehr Energy","kind":"company","country":"IR"}]}],"tags":["impose"]}"#;

    #[test]
    fn splits_partition_the_batches() {
        assert_eq!(Split::parse("held-out"), Some(Split::HeldOut));
        assert_eq!(Split::parse("tuning"), Some(Split::Tuning));
        assert_eq!(Split::parse("heldout"), None);
        for name in ["batch-04.jsonl", "batch-10.jsonl"] {
            let held = Split::HeldOut.holds(name);
            assert_ne!(held, Split::Tuning.holds(name), "{name}");
            assert!(Split::All.holds(name));
        }
        assert!(Split::HeldOut.holds("batch-11.jsonl"));
        assert!(Split::Tuning.holds("batch-12.jsonl"));
    }

    #[test]
    fn a_good_line_parses() {
        let p = parse("b", GOOD).expect("parses");
        assert_eq!(p[0].sanctions[0].target_entities[0].kind, "company");
    }

    #[test]
    fn bad_rows_are_refused_with_line_and_field() {
        let cases = [
            (GOOD.replace("\"oil\"", "\"potash\""), "sectors"),
            (GOOD.replace("\"impose\",", "\"punish\","), "action"),
            (GOOD.replace("[\"US\"]", "[\"USA\"]"), "imposers/targets"),
            (GOOD.replace("\"company\"", "\"firm\""), "kind"),
            (
                GOOD.replace("https://example.org/a", "example.org"),
                "source_url",
            ),
            (GOOD.replace("\"tags\"", "\"tag\""), "unknown field"),
        ];
        for (line, field) in cases {
            let e = parse("b.jsonl", &line).expect_err(field);
            assert!(e.starts_with("b.jsonl:1:"), "{e}");
            assert!(e.contains(field), "{field}: {e}");
        }
        let twice = format!("{GOOD}\n{GOOD}");
        assert!(parse("b", &twice)
            .expect_err("dup")
            .contains("duplicate id"));
    }

    fn ev(i: &[&str], t: &[&str], a: &str) -> Ev {
        Ev {
            imposers: i.iter().map(|s| s.to_string()).collect(),
            targets: t.iter().map(|s| s.to_string()).collect(),
            action: a.into(),
            negated: false,
        }
    }

    #[test]
    fn events_match_on_action_and_overlapping_sides() {
        assert!(ev(&["US", "GB"], &["RU"], "impose").matches(&ev(
            &["GB"],
            &["RU", "BY"],
            "impose"
        )));
        assert!(!ev(&["US"], &["RU"], "impose").matches(&ev(&["US"], &["RU"], "lift")));
        assert!(!ev(&["US"], &[], "impose").matches(&ev(&["US"], &["RU"], "impose")));
        assert!(ev(&[], &["IR"], "evade").matches(&ev(&[], &["IR"], "evade")));
        assert_eq!(
            ev(&["US", "GB"], &[], "impose").tuples(false),
            ["GB>- impose", "US>- impose"]
        );
    }
}
