//! Stage 1 of the clause reader: which lexicon trigger in the clause is the sanctions, and
//! whether it refers back to the event read before ("the measures", "such sanctions").

use newswire_model::SanctionAction;

use super::super::lexicon::{Cue, Entry, TriggerKind};
use super::super::words::{is, Class::*};
use super::super::{prev_word, ActorKind, SanctionsExtractor};
use super::{modifies_non_measure, relative_impose, ClauseCtx};

/// The clause's trigger: tokens `t..t + len`, its kind, and whether it points back at the
/// previous event.
#[derive(Clone, Copy)]
pub(super) struct Trigger {
    pub(super) t: usize,
    pub(super) len: usize,
    pub(super) kind: TriggerKind,
    pub(super) anaphoric: bool,
}

impl SanctionsExtractor {
    /// The first trigger that counts, a non-anaphoric one over an anaphor; failing any, a
    /// programme named in the clause.
    pub(super) fn choose_trigger(&self, cx: &ClauseCtx<'_>) -> Option<Trigger> {
        let (words, c0) = (cx.words, cx.c0);
        let mut trigger: Option<(usize, usize, TriggerKind)> = None;
        let mut anaphoric = false;
        for &(t, len, entry) in &cx.hits {
            let Entry::Trigger(kind) = entry else {
                continue;
            };
            if !self.trigger_counts(cx, t, len, *kind) {
                continue;
            }
            if *kind == TriggerKind::Anaphor {
                if trigger.is_none() {
                    trigger = Some((t, len, *kind));
                    anaphoric = true;
                }
            } else if trigger.is_none() || anaphoric {
                trigger = Some((t, len, *kind));
                anaphoric = false;
            }
        }
        if trigger.is_none() && !cx.programs.is_empty() {
            // A programme named alone ("designated under CAATSA") is a trigger at the clause's
            // first action cue or its start.
            // At the programme's own position, so that "on X" right after it is a target.
            let at = cx
                .program_start
                .map(|start| cx.toks.partition_point(|t| t.end <= start))
                .filter(|&i| i >= c0 && i < cx.c1)
                .unwrap_or(c0);
            trigger = Some((at, 1, TriggerKind::Core));
        }
        let (t, len, kind) = trigger?;
        // "the sanctions" right after an event refers back to it too.
        let definite =
            t > c0 && matches!(words[t - 1], "the" | "these" | "those" | "such" | "similar");
        anaphoric |= definite && cx.previous.is_some();
        Some(Trigger {
            t,
            len,
            kind,
            anaphoric,
        })
    }

    /// Whether the trigger hit `t..t + len` of `kind` names sanctions here.
    fn trigger_counts(&self, cx: &ClauseCtx<'_>, t: usize, len: usize, kind: TriggerKind) -> bool {
        match kind {
            TriggerKind::Core => !modifies_non_measure(cx.words, &cx.hits, t, len, cx.c1),
            TriggerKind::Verb => self.verb_trigger_counts(cx.toks, cx.words, t, cx.c1, cx.actors),
            TriggerKind::Conditional => conditional_counts(cx, t, len),
            TriggerKind::Anaphor => self.anaphor_counts(cx, t, len),
        }
    }

    /// "the measures", or "measures it imposed": a measure the clause says was imposed needs
    /// no earlier event.
    fn anaphor_counts(&self, cx: &ClauseCtx<'_>, t: usize, len: usize) -> bool {
        let (words, c0, actors) = (cx.words, cx.c0, cx.actors);
        cx.previous.is_some()
            && t > c0
            && matches!(words[t - 1], "the" | "these" | "those" | "such" | "similar")
            || relative_impose(words, &cx.hits, t + len, cx.c1)
            // "a seventh package of restrictions" is sanctions by itself.
            || (t >= c0 + 2 && words[t - 1] == "of" && is(PackageNoun, words[t - 2]))
            // "European Union restrictions", "Tokyo's measures": whose they are makes them a
            // regime.
            || actors.iter().any(|a| {
                a.kind != ActorKind::Demonym
                    && a.last <= t
                    && a.last + 3 >= t
                    && self.only_premods(words, a.last, t)
            })
            // "tough measures against the Israeli government": aimed at a state right after.
            || target_after(cx, t + len)
            // "the anti-Russian measures": aimed at a state, so a regime.
            || actors.iter().any(|a| {
                a.first > c0
                    && words[a.first - 1] == "anti"
                    && a.last <= t
                    && self.only_premods(words, a.last, t)
            })
    }
}

/// A conditional trigger ("bars entry", "resolutions") counts with a punitive act outside it,
/// a target right after it, or a bloc before it; resolutions only when broken.
fn conditional_counts(cx: &ClauseCtx<'_>, t: usize, len: usize) -> bool {
    let (words, hits, actors) = (cx.words, &cx.hits, cx.actors);
    // Not the trigger's own verb ("bars entry"): the framing is outside it.
    let punitive = hits.iter().any(|&(p, _, e)| {
        (p < t || p >= t + len)
            && matches!(
                e,
                Entry::Action(Cue::Act(
                    SanctionAction::Impose
                        | SanctionAction::Lift
                        | SanctionAction::Threaten
                        | SanctionAction::Evade
                ))
            )
    });
    let bloc_before = actors
        .iter()
        .any(|a| a.kind == ActorKind::Bloc && a.last == t);
    // "barred entry to nine British journalists": who is refused entry; not "a travel ban to
    // the EU", where the EU is the destination.
    let entry = words[t + len - 1] == "entry";
    let target_after = target_after(cx, t + len)
        || (entry
            && actors.iter().any(|a| {
                a.first >= t + len
                    && a.first <= t + len + 3
                    && words[prev_word(words, a.first, cx.c0)] == "to"
            }));
    // "in breach of UN Security Council resolutions": resolutions are sanctions only when
    // broken.
    let broken = hits
        .iter()
        .any(|(_, _, e)| matches!(e, Entry::Action(Cue::Act(SanctionAction::Evade))));
    if words[t] == "resolutions" {
        broken
    } else {
        punitive || target_after || bloc_before
    }
}

/// Whether a state follows within three words after `after`, introduced by a target
/// preposition ("on Russia", "against the Israeli government").
fn target_after(cx: &ClauseCtx<'_>, after: usize) -> bool {
    cx.actors.iter().any(|a| {
        a.first >= after
            && a.first <= after + 3
            && is(TargetPrep, cx.words[prev_word(cx.words, a.first, cx.c0)])
    })
}
