//! Drafts to events: one draft per relation read from a clause; drafts with the same roles,
//! action and negation merge (sectors, programmes and entities united, first evidence kept),
//! partial ones give way to complete ones, and CAATSA is inferred where the law applies.

use std::collections::BTreeSet;

use newswire_model::{CountryTag, Evidence, SanctionAction, SanctionsEvent, TargetEntity};

/// One event before merging, with the sentence it came from.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub(super) imposers: Vec<String>,
    pub(super) targets: Vec<String>,
    pub(super) action: SanctionAction,
    pub(super) negated: bool,
    pub(super) sectors: Vec<String>,
    pub(super) programs: Vec<String>,
    pub(super) evidence: Evidence,
    /// Byte range of the field where the relation's objects are written: from the trigger or
    /// its verb, whichever comes first, to the end of the clause.
    pub(super) region: (usize, usize),
    pub(super) target_entities: Vec<TargetEntity>,
    /// An oppose by a state that stays out of the regime (did not join, refused to impose):
    /// it is never the regime's target.
    pub(super) outsider: bool,
}

/// Appends `s` unless present.
pub(super) fn push(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// Appends the owned `s` unless present: the merge moves strings it already owns instead of
/// copying them.
fn push_owned(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// Removes repeated codes, keeping the first.
pub(super) fn dedup(v: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// CAATSA, inferred: the United States sanctioning the defence industry of a country other than
/// Russia, in an article that mentions Russia, is CAATSA section 231 (the law that punishes
/// significant transactions with Russia's defence sector).
pub(super) fn infer_caatsa(drafts: &mut [Draft], countries: &[CountryTag]) {
    let mentions_russia = countries.iter().any(|c| c.code == "RU");
    if !mentions_russia {
        return;
    }
    for d in drafts.iter_mut() {
        if d.action == SanctionAction::Impose
            && d.imposers.iter().any(|c| c == "US")
            && !d.targets.is_empty()
            && d.targets.iter().all(|c| c != "RU")
            && d.sectors.iter().any(|s| s == "defence industry")
            && !d.programs.iter().any(|p| p == "CAATSA")
        {
            d.programs.push("CAATSA".to_string());
        }
    }
}

/// Merges drafts with the same roles, action and negation; keeps text order of first evidence.
/// A partial event (no imposers, or no targets) or one naming fewer states is dropped when a
/// fuller event with the same action and negation covers it: a headline's "EU adopts sanctions
/// package" is the body's "EU adopted sanctions against Russia". What the covered event adds
/// (sectors, programmes, target entities: "Those designated include X") goes to its cover.
pub(super) fn merge(drafts: Vec<Draft>) -> Vec<SanctionsEvent> {
    let mut merged = merge_same(drafts);
    let cover: Vec<Option<usize>> = (0..merged.len()).map(|i| covering(&merged, i)).collect();
    for (i, c) in cover.iter().enumerate() {
        if let Some(j) = *c {
            // A covered event is dropped below and is never the cover of another (`covering`
            // takes the largest cover, and a covered one has a larger one), so its parts are
            // moved, not copied.
            let partial = take_parts(&mut merged[i]);
            absorb(&mut merged[j], partial);
        }
    }
    let events = merged
        .into_iter()
        .zip(cover)
        .filter_map(|(e, c)| c.is_none().then_some(e))
        .collect::<Vec<_>>();
    drop_targetless(events)
}

/// The event that covers event `i`: same action and negation, both sides named, and each side
/// of `i` included in its own -- a partial event (one side unnamed), or a repeat mention naming
/// fewer states ("London froze the assets of ..." after "the sanctions the EU and the UK have
/// put on Iran"). The largest cover is taken, so a cover is never itself covered and the parts
/// moved to it stay.
fn covering(events: &[SanctionsEvent], i: usize) -> Option<usize> {
    let e = &events[i];
    let within = |a: &[String], b: &[String]| a.iter().all(|c| b.contains(c));
    let size = |f: &SanctionsEvent| f.imposers.len() + f.targets.len();
    let covers = |f: &SanctionsEvent| {
        !std::ptr::eq(e, f)
            && f.action == e.action
            && f.negated == e.negated
            && !f.imposers.is_empty()
            && !f.targets.is_empty()
            && within(&e.imposers, &f.imposers)
            && within(&e.targets, &f.targets)
            && size(f) > size(e)
    };
    let mut best: Option<usize> = None;
    for (j, f) in events.iter().enumerate() {
        if covers(f) && best.is_none_or(|b| size(f) > size(&events[b])) {
            best = Some(j);
        }
    }
    best
}

/// The sectors, programmes and target entities of `e`, taken out of it.
fn take_parts(e: &mut SanctionsEvent) -> SanctionsEvent {
    SanctionsEvent {
        imposers: Vec::new(),
        targets: Vec::new(),
        action: e.action,
        negated: e.negated,
        sectors: std::mem::take(&mut e.sectors),
        programs: std::mem::take(&mut e.programs),
        evidence: e.evidence.clone(),
        target_entities: std::mem::take(&mut e.target_entities),
    }
}

/// Adds the sectors, programmes and target entities of `from` to `into`.
fn absorb(into: &mut SanctionsEvent, from: SanctionsEvent) {
    for s in from.sectors {
        push_owned(&mut into.sectors, s);
    }
    for p in from.programs {
        push_owned(&mut into.programs, p);
    }
    for t in from.target_entities {
        if !into.target_entities.iter().any(|x| x.text == t.text) {
            into.target_entities.push(t);
        }
    }
}

/// An event that names no imposer or no target (and no target entity), in an article where
/// other events name both, is most often a passing mention read as a relation ("U.S. sanctions
/// officials said"); it is dropped. An article whose events are all partial keeps them, so that
/// it still reports sanctions, and evade events are kept (who evades may be unnamed).
fn drop_targetless(events: Vec<SanctionsEvent>) -> Vec<SanctionsEvent> {
    let weak = |e: &SanctionsEvent| {
        (e.imposers.is_empty() || e.targets.is_empty() && e.target_entities.is_empty())
            && e.action != SanctionAction::Evade
    };
    if events.iter().all(weak) {
        return events;
    }
    events.into_iter().filter(|e| !weak(e)).collect()
}

fn merge_same(drafts: Vec<Draft>) -> Vec<SanctionsEvent> {
    let mut out: Vec<SanctionsEvent> = Vec::new();
    for d in drafts {
        let mut imposers = d.imposers;
        let mut targets = d.targets;
        imposers.sort();
        targets.sort();
        if let Some(ev) = out.iter_mut().find(|e| {
            e.imposers == imposers
                && e.targets == targets
                && e.action == d.action
                && e.negated == d.negated
        }) {
            for s in d.sectors {
                push_owned(&mut ev.sectors, s);
            }
            for p in d.programs {
                push_owned(&mut ev.programs, p);
            }
            for t in d.target_entities {
                if !ev.target_entities.iter().any(|x| x.text == t.text) {
                    ev.target_entities.push(t);
                }
            }
            continue;
        }
        out.push(SanctionsEvent {
            imposers,
            targets,
            action: d.action,
            negated: d.negated,
            sectors: d.sectors,
            programs: d.programs,
            evidence: d.evidence,
            target_entities: d.target_entities,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use newswire_model::Field;

    fn draft(imposers: &[&str], targets: &[&str], sector: &str) -> Draft {
        let codes = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Draft {
            imposers: codes(imposers),
            targets: codes(targets),
            action: SanctionAction::Impose,
            negated: false,
            sectors: vec![sector.to_string()],
            programs: Vec::new(),
            evidence: Evidence {
                field: Field::Body,
                start: 0,
                end: 1,
            },
            region: (0, 1),
            target_entities: Vec::new(),
            outsider: false,
        }
    }

    #[test]
    fn narrower_mentions_go_to_the_largest_cover_and_keep_their_parts() {
        // GB>IR is inside EU,GB>IR, which is inside EU,GB>IR,SY: both narrower ones are
        // covered by the largest, and their sectors end there, not in a dropped event.
        let events = merge(vec![
            draft(&["GB"], &["IR"], "aviation"),
            draft(&["EU", "GB"], &["IR"], "shipping"),
            draft(&["EU", "GB"], &["IR", "SY"], "oil"),
            draft(&["US"], &["IR"], "banking"),
        ]);
        let got: Vec<(Vec<String>, Vec<String>, Vec<String>)> = events
            .into_iter()
            .map(|e| (e.imposers, e.targets, e.sectors))
            .collect();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            got,
            [
                (
                    s(&["EU", "GB"]),
                    s(&["IR", "SY"]),
                    s(&["oil", "aviation", "shipping"])
                ),
                (s(&["US"]), s(&["IR"]), s(&["banking"])),
            ]
        );
    }
}
