//! Stage 4 of the clause reader: the targets beyond those marked by position -- a subject
//! that undergoes the act, who joins a list, coordinated targets, and the object phrase of
//! the act (lists, demonyms, "its potash industry") within the object region, which ends at
//! a reporting verb, a clause turn or a reason clause.

use newswire_model::SanctionAction;

use super::super::events::push;
use super::super::lexicon::Entry;
use super::super::triggers::clause_turn;
use super::super::words::{is, Class::*};
use super::super::{extend_coordination, prev_word, SanctionsExtractor};
use super::action::{Act, Cued};
use super::marked::Roles;
use super::subject::{passive_between, Subject};
use super::trigger::Trigger;
use super::{own_party_after, parallel_modifiers, reason_clause, ClauseCtx, TargetScope};

/// Where the relation's objects are written: tokens `from..stop`; noun-phrase targets end at
/// `np_stop`, fallback targets at a reason clause (`reason_at`) too.
#[derive(Clone, Copy)]
pub(super) struct Region {
    pub(super) from: usize,
    pub(super) stop: usize,
    pub(super) reason_at: usize,
    pub(super) np_stop: usize,
}

/// The region where the relation's objects are written: from the trigger or its verb to the
/// clause's end, or to a reporting verb ("..., the ministry said").
fn object_region(cx: &ClauseCtx<'_>, tr: Trigger, cued: Cued) -> Region {
    let (words, c0, c1, t, cue_pos) = (cx.words, cx.c0, cx.c1, tr.t, cued.cue_pos);
    let from = cued.anchor.min(cue_pos).min(t);
    // "six of whom it said belong to ...", "a network it says helps Iran": a report inside
    // the object phrase does not end it.
    let parenthetical = |r: usize| {
        r >= from + 2
            && is(SubjectPronoun, words[r - 1])
            && !matches!(words[r - 2], "," | "." | "and" | "but")
    };
    let stop = cx
        .hits
        .iter()
        .filter(|&&(p, _, e)| *e == Entry::Report && p > from && !parenthetical(p))
        .map(|&(p, _, _)| p)
        .min()
        .unwrap_or(c1);
    // Only up to the last actor: a reason after it cuts nothing (speed).
    let last_actor = cx
        .actors
        .iter()
        .map(|a| a.first)
        .max()
        .unwrap_or(c0)
        .min(c1);
    let reason_at = reason_clause(words, cue_pos.max(t) + 1, last_actor).unwrap_or(c1);
    let np_stop = stop
        .min(clause_turn(words, cue_pos.max(t) + 1, c1))
        .min(reason_at);
    Region {
        from,
        stop,
        reason_at,
        np_stop,
    }
}

impl SanctionsExtractor {
    /// The targets after the subject: its undergoer, who joins a list, coordinated targets
    /// and, for impose, threaten and lift, the object phrase. Returns the object region.
    pub(super) fn clause_targets(
        &self,
        cx: &ClauseCtx<'_>,
        tr: Trigger,
        cued: Cued,
        act: Act,
        subject: &Subject,
        roles: &mut Roles,
    ) -> Region {
        let (words, actors) = (cx.words, cx.actors);
        undergoer_target(cx, tr, cued, subject, roles);
        if act.joins_a_list {
            for (ai, a) in actors.iter().enumerate() {
                if a.last <= cued.anchor && !roles.used[ai] {
                    push(&mut roles.targets, a.code);
                    roles.used[ai] = true;
                }
            }
        }
        // Coordinated targets after the first: "on Russia and Belarus".
        extend_coordination(actors, words, &mut roles.used, &mut roles.targets);
        let region = object_region(cx, tr, cued);
        if matches!(
            act.action,
            SanctionAction::Impose | SanctionAction::Threaten | SanctionAction::Lift
        ) {
            self.object_targets(cx, tr.anaphoric, subject, region, roles);
        }
        region
    }

    /// Targets in the object phrase, the clause's own state behind a possessive pronoun, and
    /// failing any, the fallback for a known imposer.
    fn object_targets(
        &self,
        cx: &ClauseCtx<'_>,
        anaphoric: bool,
        subject: &Subject,
        region: Region,
        roles: &mut Roles,
    ) {
        let (words, actors, c0) = (cx.words, cx.actors, cx.c0);
        let (obj_from, np_stop) = (region.from, region.np_stop);
        let known: Vec<String> = subject
            .codes
            .iter()
            .chain(&roles.imposers)
            .cloned()
            .collect();
        let mut scope = TargetScope {
            words,
            actors,
            imposers: &known,
            c0,
            from: obj_from,
            stop: np_stop,
        };
        self.np_targets(&scope, &mut roles.used, &mut roles.targets);
        // "lift sanctions on its potash industry": the possessive pronoun is the state the
        // clause began with ("Belarus has freed prisoners after the US agreed to ...").
        let pronoun = own_party_after(words, obj_from, np_stop.min(cx.c1));
        if roles.targets.is_empty() && pronoun {
            if let Some(a) = actors
                .iter()
                .find(|a| a.last <= obj_from && !known.iter().any(|c| c == a.code))
            {
                push(&mut roles.targets, a.code);
            }
        }
        parallel_modifiers(actors, words, &mut roles.used, &mut roles.targets);
        extend_coordination(actors, words, &mut roles.used, &mut roles.targets);
        // A subject beside a named regime becomes its target below ("Iran demanded the
        // lifting of U.S. sanctions").
        let subject_is_target = !subject.codes.is_empty()
            && !roles.imposers.is_empty()
            && subject.codes.iter().all(|c| !roles.imposers.contains(c));
        if roles.targets.is_empty()
            && !subject.passive
            && !subject_is_target
            && !anaphoric
            && !known.is_empty()
        {
            scope.stop = region.stop.min(region.reason_at);
            self.fallback_targets(&scope, &mut roles.used, &mut roles.targets);
        }
    }
}

/// A passive verb or a "face" cue with no eligible subject: the actor named first in the
/// subject phrase is the target ("A Kyrgyz company was recently blacklisted by Washington",
/// "Chinese banks that help Russia could face U.S. sanctions").
fn undergoer_target(
    cx: &ClauseCtx<'_>,
    tr: Trigger,
    cued: Cued,
    subject: &Subject,
    roles: &mut Roles,
) {
    let (words, c0) = (cx.words, cx.c0);
    let verb_at = cued.cue_pos.min(tr.t);
    let undergoes = cx.parse.passive_at(verb_at) || passive_between(cx, c0, verb_at + 1);
    if subject.chosen.is_some() || !undergoes || subject.in_phrase {
        return;
    }
    let subj = cx.actors.iter().enumerate().find(|(ai, a)| {
        let before = prev_word(words, a.first, c0);
        !roles.used[*ai]
            && a.last <= verb_at
            && (before == a.first || !is(Preposition, words[before]))
    });
    if let Some((ai, a)) = subj {
        push(&mut roles.targets, a.code);
        roles.used[ai] = true;
    }
}
