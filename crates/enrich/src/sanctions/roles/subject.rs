//! Stage 3 of the clause reader, second part: the clause's subject (the nearest eligible
//! actor before the act, with the actors coordinated with it), whether the clause makes it
//! undergo the sanctions (passive, "faces", joins a list), and the speaker of a reported
//! warning or protest.

use newswire_model::SanctionAction;

use super::super::lexicon::{Cue, Entry, TriggerKind};
use super::super::words::{is, Class::*};
use super::super::{prev_word, used_at, SanctionsExtractor};
use super::action::Cued;
use super::trigger::Trigger;
use super::ClauseCtx;

/// The clause's subject.
pub(super) struct Subject {
    /// The subject's codes, coordinated ones included.
    pub(super) codes: Vec<String>,
    /// The subject undergoes the act ("Russia faces", "was blacklisted").
    pub(super) passive: bool,
    /// The subject actor's index.
    pub(super) chosen: Option<usize>,
    /// Who speaks, when the subject search stopped at a speaker.
    pub(super) speaker: Option<usize>,
    /// "despite sanctions", "amid sanctions": the trigger sits in a prepositional phrase.
    pub(super) in_phrase: bool,
}

/// Whether a passive marker lies in `from..to`.
pub(super) fn passive_between(cx: &ClauseCtx<'_>, from: usize, to: usize) -> bool {
    cx.hits
        .iter()
        .any(|&(p, _, e)| *e == Entry::Passive && p >= from && p < to)
}

impl SanctionsExtractor {
    /// The subject before the anchor, marking its actors used.
    pub(super) fn subject(
        &self,
        cx: &ClauseCtx<'_>,
        tr: Trigger,
        cued: Cued,
        joins_a_list: bool,
        used: &mut [bool],
    ) -> Subject {
        let in_phrase = self.in_phrase(cx, tr.t);
        let (chosen, speaker) = self.subject_or_speaker(cx, tr, cued, used, in_phrase);
        let speaker = speaker.or_else(|| self.speaker_before(cx, used, chosen, cued.anchor));
        let mut subject = Subject {
            codes: Vec::new(),
            passive: false,
            chosen,
            speaker,
            in_phrase,
        };
        if let Some(ai) = chosen {
            let a = cx.actors[ai];
            subject.codes.push(a.code.to_string());
            subject.passive = subject_undergoes(cx, tr, cued, joins_a_list, ai);
            used[ai] = true;
            for bi in self.subject_chain(cx, used, ai) {
                if !subject.codes.iter().any(|c| c == cx.actors[bi].code) {
                    subject.codes.push(cx.actors[bi].code.to_string());
                }
                used[bi] = true;
            }
        }
        subject
    }

    /// "despite sanctions", "amid sanctions": without an action cue the clause's subject is
    /// not the sanctions' actor.
    fn in_phrase(&self, cx: &ClauseCtx<'_>, t: usize) -> bool {
        let (words, c0) = (cx.words, cx.c0);
        let mut j = t;
        while j > c0 && self.only_premods(words, j - 1, t) {
            j -= 1;
        }
        j > c0 && matches!(words[j - 1], "despite" | "amid" | "because" | "to" | "for")
    }

    /// Subject: the nearest eligible actor before the anchor; or the speaker, when a
    /// reporting verb comes between it and the act.
    fn subject_or_speaker(
        &self,
        cx: &ClauseCtx<'_>,
        tr: Trigger,
        cued: Cued,
        used: &[bool],
        in_phrase: bool,
    ) -> (Option<usize>, Option<usize>) {
        let (words, actors, c0, c1, anchor) = (cx.words, cx.actors, cx.c0, cx.c1, cued.anchor);
        let no_subject = in_phrase && cued.cue.is_none();
        // A relative clause: ", which imposed..." takes the actor right before the comma.
        let relative = (c0 + 1..anchor)
            .rev()
            .find(|&j| matches!(words[j], "which" | "who") && words[j - 1] == ",");
        let mut chosen = relative.and_then(|w| {
            actors
                .iter()
                .position(|a| a.last + 1 == w && !used_at(used, actors, a))
        });
        // "X told the Commission that his country would keep blocking ...": a subject pronoun
        // after a reporting verb is the speaker, not the one addressed.
        if chosen.is_none() && !no_subject {
            chosen = self.pronoun_speaker(words, &cx.hits, actors, used, (c0, c1), anchor);
        }
        if chosen.is_some() || no_subject {
            return (chosen, None);
        }
        for (ai, a) in actors.iter().enumerate().rev() {
            if a.last > anchor || used[ai] || subject_blocked(cx, ai, anchor) {
                continue;
            }
            if self.subject_eligible_in(words, a, c0, c1, actors, 0) {
                // A reporting verb between the candidate and the anchor, with no action verb
                // after it, makes the candidate the speaker ("the Kremlin said new U.S.
                // sanctions...").
                return if reported_after(cx, tr, cued, a.last) {
                    (None, Some(ai))
                } else {
                    (Some(ai), None)
                };
            }
        }
        (None, None)
    }

    /// "The White House said Russia could face ...": the speaker before a subject.
    fn speaker_before(
        &self,
        cx: &ClauseCtx<'_>,
        used: &[bool],
        chosen: Option<usize>,
        anchor: usize,
    ) -> Option<usize> {
        let (words, actors) = (cx.words, cx.actors);
        let bound = chosen.map_or(anchor, |ai| actors[ai].first);
        actors
            .iter()
            .enumerate()
            .rev()
            .filter(|(ai, a)| a.last <= bound && !used[*ai])
            .find(|(_, a)| self.subject_eligible(words, a, cx.c0, cx.c1))
            .filter(|(_, a)| {
                cx.hits.iter().any(|&(r, _, e)| {
                    let says = *e == Entry::Report
                        || *e == Entry::Action(Cue::Act(SanctionAction::Threaten));
                    says && r >= a.last && r < bound
                })
            })
            .map(|(ai, _)| ai)
    }

    /// Coordinated subjects before actor `ai`: "The US, the EU and Britain imposed". The
    /// whole chain must start where a subject can ("its borders with China and Pakistan, and
    /// Washington has not" is no chain); empty when it does not.
    fn subject_chain(&self, cx: &ClauseCtx<'_>, used: &[bool], ai: usize) -> Vec<usize> {
        let (words, actors) = (cx.words, cx.actors);
        let mut k = actors[ai].first;
        let mut chain: Vec<usize> = Vec::new();
        for (bi, b) in actors.iter().enumerate().rev() {
            if b.last > k || used[bi] {
                continue;
            }
            let gap: Vec<&str> = words[b.last..k]
                .iter()
                .copied()
                .filter(|w| !is(Determiner, w) && *w != "'s")
                .collect();
            if gap
                .iter()
                .all(|w| matches!(*w, "and" | "," | "or" | "as" | "well"))
                && !gap.is_empty()
            {
                chain.push(bi);
                k = b.first;
            } else {
                break;
            }
        }
        let head_ok = chain
            .last()
            .is_none_or(|&h| self.subject_eligible(words, actors[h], cx.c0, cx.c1));
        if !head_ok {
            chain.clear();
        }
        chain
    }
}

/// Whether actor `ai` cannot be the subject: it sits in a relative clause on an earlier
/// actor, or is the object of an earlier act verb.
fn subject_blocked(cx: &ClauseCtx<'_>, ai: usize, anchor: usize) -> bool {
    let (words, hits, actors, c0) = (cx.words, &cx.hits, cx.actors, cx.c0);
    let a = actors[ai];
    // "Chinese banks that help Russia might be sanctioned": an actor inside a relative
    // clause on an earlier one is not the clause's subject.
    // Not the "that" after a verb ("demanded that the United States lift").
    let lo = actors[..ai].last().map_or(c0, |b| b.last);
    let after_verb = |j: usize| {
        words[j - 1].ends_with("ed")
            || is(CallVerb, words[j - 1])
            || hits.iter().any(|&(q, len, e)| {
                matches!(e, Entry::Action(_) | Entry::Report) && q < j && j <= q + len
            })
    };
    // Nor "told Sullivan that Washington is ...": there the actor opens the clause.
    let opens = |j: usize| (j + 1..a.first).all(|k| is(Determiner, words[k]));
    let relative = ai > 0
        && (lo.max(c0 + 1)..a.first)
            .any(|j| matches!(words[j], "that" | "which" | "who") && !after_verb(j) && !opens(j));
    // "suspended Guinea and imposed sanctions": the object of an earlier act verb is not the
    // subject of the next.
    let object_of_act = prev_word(words, a.first, c0) < a.first
        && hits.iter().any(|&(q, len, e)| {
            let act = matches!(
                e,
                Entry::Action(Cue::Act(
                    SanctionAction::Impose
                        | SanctionAction::Lift
                        | SanctionAction::Oppose
                        | SanctionAction::Evade
                )) | Entry::Object
            );
            act && q + len == prev_word(words, a.first, c0) + 1 && q + len < anchor
        });
    relative || object_of_act
}

/// Whether a reporting verb lies between `from` and the anchor with no action verb after it.
fn reported_after(cx: &ClauseCtx<'_>, tr: Trigger, cued: Cued, from: usize) -> bool {
    cx.hits.iter().any(|&(r, _, e)| {
        *e == Entry::Report
            && r >= from
            && r < cued.anchor
            && !matches!(cued.cue, Some((p, _, _)) if p > r && p <= tr.t + tr.len + 3)
    })
}

/// Whether subject `ai` undergoes the act: a passive after it with no other actor in between
/// ("Russia faces", "the Kremlin would face", not "Britain warned China it could face"), a
/// list it joins, or a headline passive ("Russia sanctioned over grain deal").
fn subject_undergoes(
    cx: &ClauseCtx<'_>,
    tr: Trigger,
    cued: Cued,
    joins_a_list: bool,
    ai: usize,
) -> bool {
    let (words, t) = (cx.words, tr.t);
    let a = cx.actors[ai];
    let next_actor = cx
        .actors
        .iter()
        .map(|b| b.first)
        .filter(|&f| f >= a.last)
        .min()
        .unwrap_or(usize::MAX);
    // A passive verb group after the subject ("A Kyrgyz company was blacklisted").
    let parsed_passive = [cued.cue_pos, t]
        .iter()
        .any(|&p| p > a.last && p < next_actor && cx.parse.passive_at(p));
    parsed_passive
        || joins_a_list
        || passive_between(cx, a.last, t.max(cued.anchor).min(next_actor))
        || (tr.kind == TriggerKind::Verb
            && a.last == t
            && words[t] == "sanctioned"
            && matches!(
                words.get(t + 1),
                Some(&("for" | "over" | "by" | "after" | "in"))
            ))
}
