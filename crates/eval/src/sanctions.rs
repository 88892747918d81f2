//! Scoring sanctions relations against `dev/weapons_sanctions.jsonl`.
//!
//! A relation is `(imposer, target, action, negated)`, one per imposer and target pair of an
//! event; a side the event leaves empty is "-". Labels follow the role conventions of
//! [`newswire_model::SanctionsEvent`]:
//! * impose, threaten, lift: `imposers` act on `targets`;
//! * evade: `imposers` are whose sanctions are evaded, `targets` who evades them;
//! * oppose: `imposers` hold who refuses, condemns or resists, `targets` the target of the
//!   sanctions in question; the sanctions regime itself is labelled too ("Turkey has not joined
//!   Western sanctions against Russia": `[TR, RU, oppose, false]` and `[WEST, RU, impose, false]`).
//!
//! The passages run through the whole [`Enricher`], so the country recogniser's mentions are
//! what the sanctions rules see. Measured as sets per passage, summed over the set.

use std::path::Path;

use super::weapons::{load_file, Passage, DEV_FILE, HOLDOUT_FILE};
use super::{format_line, Counts};
use newswire_enrich::Enricher;
use newswire_model::{EnrichedArticle, SanctionAction};

/// `(imposer, target, action, negated)`.
pub type Relation = (String, String, String, bool);

/// The action as it is written in the dev set.
pub fn action_name(a: SanctionAction) -> &'static str {
    match a {
        SanctionAction::Impose => "impose",
        SanctionAction::Threaten => "threaten",
        SanctionAction::Lift => "lift",
        SanctionAction::Evade => "evade",
        SanctionAction::Oppose => "oppose",
    }
}

/// The relations of an enriched article.
pub fn relations(out: &EnrichedArticle) -> Vec<Relation> {
    let mut rels = Vec::new();
    for e in &out.sanctions {
        let dash = vec!["-".to_string()];
        let imps = if e.imposers.is_empty() {
            &dash
        } else {
            &e.imposers
        };
        let tgts = if e.targets.is_empty() {
            &dash
        } else {
            &e.targets
        };
        for i in imps {
            for t in tgts {
                let r = (
                    i.clone(),
                    t.clone(),
                    action_name(e.action).to_string(),
                    e.negated,
                );
                if !rels.contains(&r) {
                    rels.push(r);
                }
            }
        }
    }
    rels
}

/// What went wrong on one passage.
#[derive(Debug, Clone, Default)]
pub struct Miss {
    /// Id of the passage the misses belong to.
    pub id: String,
    /// Relations found that the passage does not label.
    pub false_relations: Vec<Relation>,
    /// Labelled relations that were not found.
    pub missed_relations: Vec<Relation>,
}

/// Scores over the whole dev set.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Number of passages scored.
    pub passages: usize,
    /// Passages with at least one labelled relation.
    pub with_sanctions: usize,
    /// Relation counts (imposer, target, action, negation) over all passages.
    pub relations: Counts,
    /// Relations found in trap passages (none are labelled there).
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
        if !p.sanctions.is_empty() {
            s.with_sanctions += 1;
        }
        let got = relations(out);
        let before = s.relations.fp;
        s.relations.add_sets(&p.sanctions, &got);
        if p.is_trap() {
            s.trap_false_positives += s.relations.fp - before;
        }
        let miss = Miss {
            id: p.id.clone(),
            false_relations: got
                .iter()
                .filter(|r| !p.sanctions.contains(r))
                .cloned()
                .collect(),
            missed_relations: p
                .sanctions
                .iter()
                .filter(|r| !got.contains(r))
                .cloned()
                .collect(),
        };
        if !miss.false_relations.is_empty() || !miss.missed_relations.is_empty() {
            s.misses.push(miss);
        }
    }
    s
}

/// Enriches every passage and scores the sanctions output.
pub fn evaluate(enricher: &Enricher, passages: &[Passage]) -> Scores {
    let outputs: Vec<EnrichedArticle> = passages.iter().map(|p| p.enrich(enricher)).collect();
    score(passages, &outputs)
}

/// The printable report for `dev_dir`: the dev set with its misses, then the held-out set
/// (figures only).
pub fn report(dev_dir: &Path) -> String {
    let enricher = Enricher::new();
    let mut out = String::new();
    let show = |r: &Relation| format!("{}>{} {}{}", r.0, r.1, r.2, if r.3 { " NOT" } else { "" });
    for file in [DEV_FILE, HOLDOUT_FILE] {
        let passages = match load_file(dev_dir, file) {
            Ok(p) => p,
            Err(e) => {
                out.push_str(&format!("sanctions: cannot load {file}: {e}\n"));
                continue;
            }
        };
        let s = evaluate(&enricher, &passages);
        out.push_str(&format!(
            "sanctions: {} passages, {} with sanctions ({file})\n",
            s.passages, s.with_sanctions
        ));
        out.push_str(&format_line("sanctions relations", &s.relations));
        out.push('\n');
        out.push_str(&format!(
            "trap false positives (relations): {}\n",
            s.trap_false_positives
        ));
        // The held-out file's misses would show what to tune: figures only.
        if file == HOLDOUT_FILE {
            if !s.misses.is_empty() {
                out.push_str("  (misses of the held-out file are not listed)\n");
            }
            continue;
        }
        for m in &s.misses {
            out.push_str(&format!(
                "  {}: +[{}] -[{}]\n",
                m.id,
                m.false_relations
                    .iter()
                    .map(show)
                    .collect::<Vec<_>>()
                    .join(", "),
                m.missed_relations
                    .iter()
                    .map(show)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    out
}
