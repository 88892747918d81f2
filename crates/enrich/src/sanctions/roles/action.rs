//! Stage 2 of the clause reader: the action cue nearest the trigger, its negation and
//! modality, and from them the clause's action (impose, lift, threaten, oppose, evade).

use newswire_model::SanctionAction;

use super::super::lexicon::{Cue, Entry, TriggerKind};
use super::super::words::{is, Class::*};
use super::super::SanctionsExtractor;
use super::trigger::Trigger;
use super::{
    complement, gerund_denied, governing_oppose, is_licence, not_ruled_out, still_to_come,
    ClauseCtx,
};

/// The clause's action cue and the positions the later stages measure from.
#[derive(Clone, Copy)]
pub(super) struct Cued {
    /// (token, length, cue) of the act, if any.
    pub(super) cue: Option<(usize, usize, Cue)>,
    /// A lift noun compounded with the trigger ("sanctions relief"): (token, length).
    pub(super) relief: Option<(usize, usize)>,
    /// A threat the clause opposes ("warned against any attempt to sanction").
    pub(super) opposed_threat: bool,
    /// The cue when it comes before the trigger, else the trigger.
    pub(super) anchor: usize,
    /// The cue's token, or the trigger's.
    pub(super) cue_pos: usize,
}

/// The clause's action and what shapes its drafts.
#[derive(Clone, Copy)]
pub(super) struct Act {
    pub(super) action: SanctionAction,
    /// Whether the action as reported is negated.
    pub(super) negated: bool,
    /// "refused to impose": the negated act is also an opposition by who refuses.
    pub(super) refusal: bool,
    /// Who does not join or stays out of a regime is not among its targets.
    pub(super) outsider: bool,
    /// Only proposed or still to come.
    pub(super) proposed: bool,
    pub(super) is_join: bool,
    /// "27 entities joined the Entity List": who joins a list is on it.
    pub(super) joins_a_list: bool,
}

/// Negation around the cue.
struct Negation {
    negated: bool,
    refusal: bool,
    window_start: usize,
}

impl SanctionsExtractor {
    /// The act of the clause: the nearest cue, a lift compounded with the trigger, the
    /// trigger's own verb, and an oppose that governs it.
    pub(super) fn find_cue(&self, cx: &ClauseCtx<'_>, tr: Trigger) -> Cued {
        let (t, tlen, hits) = (tr.t, tr.len, &cx.hits);
        let mut cue = verdict_after(cx, tr).or_else(|| nearest_cue(cx, tr));
        if cue.is_none() && tr.kind == TriggerKind::Verb {
            cue = Some((t, tlen, Cue::Act(SanctionAction::Impose)));
        }
        // "sought sanctions relief", "won a sanctions waiver": a lift noun compounded with the
        // trigger names the act; the verb before it only asks for or gets it.
        let relief = hits
            .iter()
            .find(|&&(p, _, e)| {
                p == t + tlen && *e == Entry::Action(Cue::Act(SanctionAction::Lift))
            })
            .map(|&(p, len, _)| (p, len));
        if let Some((p, len)) = relief.filter(|_| tr.kind == TriggerKind::Core) {
            cue = Some((p, len, Cue::Act(SanctionAction::Lift)));
        }
        // "unfroze the assets": with no cue outside it, the trigger's own verb is the act.
        if cue.is_none() {
            cue = hits.iter().find_map(|&(p, len, e)| match e {
                Entry::Action(c) if p >= t && p + len <= t + tlen => Some((p, len, *c)),
                _ => None,
            });
        }
        // An opposed threat ("warned against any attempt by Canada to sanction") stays a
        // threat: the regime is not in force.
        let mut opposed_threat = false;
        if let Some(found) = cue {
            let found = self.act_over_description(cx.words, hits, cx.actors, found, t, tlen);
            let governed = governing_oppose(cx.words, hits, cx.actors, found);
            opposed_threat = governed.2 != found.2 && found.2 == Cue::Act(SanctionAction::Threaten);
            cue = Some(governed);
        }
        let anchor = match cue {
            Some((p, _, _)) if p < t => p,
            _ => t,
        };
        Cued {
            cue,
            relief,
            opposed_threat,
            anchor,
            cue_pos: cue.map(|(p, _, _)| p).unwrap_or(t),
        }
    }

    /// The clause's action from its cue, negation and modality, with a licence, a proposal,
    /// a join or a "not ruled out" reshaping it.
    pub(super) fn decide_action(&self, cx: &ClauseCtx<'_>, tr: Trigger, cued: Cued) -> Act {
        let (words, hits, t, tlen) = (cx.words, &cx.hits, tr.t, tr.len);
        let cue = cued.cue;
        let neg = negation(cx, tr, cued);
        // "resisted pressure to align with", "blocked moves to join": an oppose cue before the
        // join cue makes it a refusal.
        let refused = matches!(cue, Some((p, _, Cue::Join)) if hits.iter().any(|&(q, _, e)| {
            *e == Entry::Action(Cue::Act(SanctionAction::Oppose)) && q < p && q + 8 >= p
        }));
        // "more sanctions would follow": the sanctions are the subject of "follow", not joined.
        let to_come = still_to_come(words, t + tlen, cx.c1);
        let (mut action, mut negated_out) = match cue {
            Some((p, _, Cue::Join)) if to_come && p > t => (SanctionAction::Threaten, false),
            Some((_, _, Cue::Join)) => {
                if neg.negated || refused {
                    (SanctionAction::Oppose, false)
                } else {
                    (SanctionAction::Impose, false)
                }
            }
            Some((_, _, Cue::Act(a))) => (a, neg.negated),
            Some((_, _, Cue::Outside)) => (SanctionAction::Oppose, false),
            None => (SanctionAction::Impose, neg.negated),
        };
        // A general licence relieves sanctions; its end restores them.
        if is_licence(words, t, tlen) {
            (action, negated_out) = licence_action(words[cued.cue_pos], action, negated_out);
        }
        // "the planned package of sanctions", "proposed sanctions": only a threat so far.
        // The regime's owner may sit in between: "possible EU sanctions".
        let proposed = (cx.c0..t)
            .rev()
            .take(7)
            .any(|j| is(Proposal, words[j]) && self.premods_around(words, cx.actors, j, t))
            || to_come;
        let is_join = matches!(cue, Some((_, _, Cue::Join)));
        if action == SanctionAction::Impose && !negated_out && proposed && !is_join {
            action = SanctionAction::Threaten;
        }
        let joins_a_list = is_join
            && !neg.negated
            && words[t..t + tlen]
                .iter()
                .any(|w| matches!(*w, "list" | "blacklist"));
        if action == SanctionAction::Impose
            && threat_framed(cx, tr, cued)
            && !negated_out
            && !is_join
        {
            action = SanctionAction::Threaten;
        }
        if action == SanctionAction::Oppose && is_join {
            negated_out = false;
        }
        let ruled_from = neg.window_start.saturating_sub(3);
        if action == SanctionAction::Impose
            && not_ruled_out(words, hits, ruled_from, cued.cue_pos.max(t))
        {
            action = SanctionAction::Threaten;
            negated_out = false;
        }
        Act {
            action,
            negated: negated_out,
            refusal: neg.refusal,
            outsider: matches!(cue, Some((_, _, Cue::Join | Cue::Outside))),
            proposed,
            is_join,
            joins_a_list,
        }
    }
}

/// A verdict on the sanctions after them: "described the proposed sanctions on Syria as
/// inappropriate", "the measures are unjust", "called the measures unfair" -- an oppose word after a linking word (one
/// adverb may sit between) within ten words of the trigger, no comma between, is the act, whatever verb
/// describes the sanctions before it.
fn verdict_after(cx: &ClauseCtx<'_>, tr: Trigger) -> Option<(usize, usize, Cue)> {
    let (words, end) = (cx.words, tr.t + tr.len);
    cx.hits.iter().find_map(|&(q, len, e)| {
        let oppose = *e == Entry::Action(Cue::Act(SanctionAction::Oppose));
        // No comma between: "in reply to the sanctions we imposed, is unacceptable" judges
        // what the sanctions answer, not the sanctions.
        let near = q > end && q <= end + 10 && q < cx.c1 && !words[end..q].contains(&",");
        let linked = near
            && (is(VerdictLink, words[q - 1])
                || (q >= end + 2 && words[q - 1].ends_with("ly") && is(VerdictLink, words[q - 2])));
        // "called the measures unfair": the object's verdict follows it directly.
        let named = q == end && named_object(words, cx.c0, tr.t);
        (oppose && (linked || named)).then_some((q, len, Cue::Act(SanctionAction::Oppose)))
    })
}

/// Whether a naming verb stands at most four words before the trigger at `t`, with only its
/// object's determiners and premodifiers between ("called the new U.S. measures").
fn named_object(words: &[&str], c0: usize, t: usize) -> bool {
    (t.saturating_sub(4).max(c0)..t).any(|j| {
        is(NamingVerb, words[j])
            && words[j + 1..t]
                .iter()
                .all(|w| !matches!(*w, "," | "for" | "on" | "to" | "that"))
    })
}

/// The action cue nearest the trigger, not inside a subordinate clause after it ("threatened
/// X with sanctions if it did not restore civilian rule") nor inside another trigger phrase.
fn nearest_cue(cx: &ClauseCtx<'_>, tr: Trigger) -> Option<(usize, usize, Cue)> {
    let (hits, t, tlen) = (&cx.hits, tr.t, tr.len);
    // Only looked for when a cue follows the trigger (speed: most clauses have none).
    let cue_after = hits
        .iter()
        .any(|&(p, _, e)| p >= t + tlen && matches!(e, Entry::Action(_)));
    let barrier = (t + tlen..cx.c1)
        .filter(|_| cue_after)
        .find(|&j| is(Subordinator, cx.words[j]))
        .unwrap_or(cx.c1);
    let mut cue: Option<(usize, usize, Cue)> = None;
    let mut best = usize::MAX;
    for &(p, len, entry) in hits {
        let Entry::Action(c) = entry else { continue };
        if p >= t && p < t + tlen || p >= barrier {
            continue;
        }
        // "travel bans and asset freezes": a word of another trigger phrase is a noun, not
        // the clause's verb.
        let in_trigger = hits.iter().any(|&(q, qlen, f)| {
            matches!(f, Entry::Trigger(TriggerKind::Core)) && q <= p && p < q + qlen && qlen > 1
        });
        if in_trigger {
            continue;
        }
        let dist = if p < t {
            t - (p + len - 1)
        } else {
            p - (t + tlen - 1)
        };
        // Prefer cues before the trigger on ties.
        let score = dist * 2 + usize::from(p > t);
        if dist <= 12 && score < best {
            best = score;
            cue = Some((p, len, *c));
        }
    }
    cue
}

/// Negation shortly before the cue, or right before the trigger ("no new sanctions"), and
/// whether it is a refusal.
fn negation(cx: &ClauseCtx<'_>, tr: Trigger, cued: Cued) -> Negation {
    let (words, hits, t) = (cx.words, &cx.hits, tr.t);
    let cue_pos = cued.cue_pos;
    let window_start = cue_pos.saturating_sub(4).max(cx.c0);
    // A negation inside a cue phrase ("would not hesitate to") is the cue's, not the act's.
    let in_cue = |p: usize| {
        hits.iter()
            .any(|&(q, len, e)| matches!(e, Entry::Action(_)) && len > 1 && q <= p && p < q + len)
    };
    let negated = hits.iter().any(|&(p, _, e)| {
        *e == Entry::Negation
            && !in_cue(p)
            && ((p >= window_start && p < cue_pos) || (p < t && p + 3 >= t && words[p] == "no"))
    }) || gerund_denied(words, cue_pos, t + tr.len, cx.c1);
    // "refused to impose", "declined to impose", "its refusal to impose": the negated act is
    // also an opposition by the one who refuses.
    let refusal = hits.iter().any(|&(p, _, e)| {
        *e == Entry::Negation && p >= window_start && p < cue_pos && is(Refusal, words[p])
    });
    Negation {
        negated,
        refusal,
        window_start,
    }
}

/// Whether an impose is framed as a threat: a modal shortly before the cue, or an infinitive
/// impose governed by a threat verb.
fn threat_framed(cx: &ClauseCtx<'_>, tr: Trigger, cued: Cued) -> bool {
    let (words, hits, c0, t) = (cx.words, &cx.hits, cx.c0, tr.t);
    let cue_pos = cued.cue_pos;
    let conditional = words[c0..cx.c1]
        .iter()
        .any(|w| matches!(*w, "if" | "unless"));
    let modal = hits.iter().any(|&(p, _, e)| {
        *e == Entry::Modal
            && p + 3 >= cue_pos
            && p < cue_pos
            // "will/would impose ... if": only a conditional future is a threat.
            && (!matches!(words[p], "would" | "will") || conditional)
    });
    // "threatened to impose", "plans to impose": an infinitive impose governed by a threat.
    // Also its complement clause: "warned Venezuela it would reimpose", "threatened to
    // suspend visa-free travel and impose sanctions".
    // The act governs the trigger ("... impose sanctions"), not a participle after it.
    let governed_threat = matches!(cued.cue, Some((p, _, Cue::Act(SanctionAction::Impose)))
    if p > c0 && p < t && hits.iter().any(|&(q, len, e)| {
        *e == Entry::Action(Cue::Act(SanctionAction::Threaten))
            && q + len <= p
            && q + 12 >= p
            && (words[p - 1] == "to" || complement(words, q + len, p))
    }));
    modal || governed_threat
}

/// A general licence relieves sanctions; its end restores them. `cue_word` is the cue's.
fn licence_action(cue_word: &str, action: SanctionAction, negated: bool) -> (SanctionAction, bool) {
    match (action, negated) {
        // "the licence expires", "will not be renewed"; not "licences that suspend
        // sanctions", where the licence is the lift.
        (SanctionAction::Lift, false) if is(EndingVerb, cue_word) => {
            (SanctionAction::Impose, false)
        }
        (SanctionAction::Impose, true) => (SanctionAction::Impose, false),
        (SanctionAction::Impose, false) => (SanctionAction::Lift, false),
        other => other,
    }
}
