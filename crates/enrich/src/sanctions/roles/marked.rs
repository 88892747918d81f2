//! Stage 3 of the clause reader, first part: the roles the clause marks on an actor by its
//! position -- an agent ("by X", "from X", "the sanctions X imposed"), a target after
//! on/against/of, a premodifier ("U.S. sanctions", "anti-Russian sanctions"), who is given
//! relief, and the object of "sanctioned X".

use newswire_model::SanctionAction;

use super::super::events::push;
use super::super::lexicon::{Cue, Entry, TriggerKind};
use super::super::triggers::trigger_sector;
use super::super::words::{is, Class::*};
use super::super::SanctionsExtractor;
use super::super::{extend_coordination, prev_word, skippable, Actor, ActorKind};
use super::action::Cued;
use super::trigger::Trigger;
use super::ClauseCtx;

/// The roles found so far: imposer and target codes, sectors, and which actors are taken.
pub(super) struct Roles {
    pub(super) imposers: Vec<String>,
    pub(super) targets: Vec<String>,
    pub(super) sectors: Vec<String>,
    /// Per actor of the clause: already given a role.
    pub(super) used: Vec<bool>,
}

/// The role an actor's position marks.
enum Marked {
    Imposer,
    /// A target; `sector` when a sector named right after it is the target's.
    Target {
        sector: bool,
    },
    Unmarked,
}

impl SanctionsExtractor {
    /// Imposers and targets marked by position, with coordinated agents.
    pub(super) fn marked_roles(
        &self,
        cx: &ClauseCtx<'_>,
        tr: Trigger,
        cued: Cued,
        action: SanctionAction,
    ) -> Roles {
        let mut roles = Roles {
            imposers: Vec::new(),
            targets: Vec::new(),
            sectors: Vec::new(),
            used: vec![false; cx.actors.len()],
        };
        for (ai, a) in cx.actors.iter().enumerate() {
            match self.marked_role(cx, tr, cued, action, a) {
                Marked::Imposer => push(&mut roles.imposers, a.code),
                Marked::Target { sector } => {
                    push(&mut roles.targets, a.code);
                    if sector {
                        self.sector_after(cx.words, a, cx.c1, &mut roles.sectors);
                    }
                }
                Marked::Unmarked => continue,
            }
            roles.used[ai] = true;
        }
        // Coordinated agents: "imposed by Canberra and Wellington".
        extend_coordination(cx.actors, cx.words, &mut roles.used, &mut roles.imposers);
        roles
    }

    /// The role actor `a`'s position marks, tried in order.
    fn marked_role(
        &self,
        cx: &ClauseCtx<'_>,
        tr: Trigger,
        cued: Cued,
        action: SanctionAction,
        a: &Actor<'_>,
    ) -> Marked {
        let (words, hits) = (cx.words, &cx.hits);
        let before = prev_word(words, a.first, cx.c0);
        let before_word = if before < a.first { words[before] } else { "" };
        if self.agent_marked(cx, tr, cued, a, before) {
            return Marked::Imposer;
        }
        // "placed on China's unreliable entity list": the owner of the list after "on" is who
        // keeps it, not who is put on it.
        let owns_trigger = a.possessive && a.last <= tr.t && self.only_premods(words, a.last, tr.t);
        if !owns_trigger && target_prep_marked(cx, tr, a, before) {
            return Marked::Target { sector: true };
        }
        // "granted Serbia a sanctions exemption": who is given relief is relieved, also when
        // it stands right before the trigger ("give Damascus sanctions relief").
        if action == SanctionAction::Lift && before < a.first && is(GiveVerb, before_word) {
            return Marked::Target { sector: false };
        }
        // X sanctions (premodifier); a trigger that opens with a verb or a preposition
        // ("froze the assets", "from entering") or is a past verb form ("China blacklisted
        // three firms") has none.
        if tr.kind != TriggerKind::Verb
            && !self.opens_with_verb_or_prep(words[tr.t])
            && !past_form(cx, tr.t)
            && a.last <= tr.t
            && self.only_premods(words, a.last, tr.t)
        {
            return self.premod_role(cx, tr, a);
        }
        // sanctioned X / blacklisted X / sanctions-hit X
        if before < a.first
            && hits
                .iter()
                .any(|&(p, len, e)| *e == Entry::Object && p + len == before + 1)
            && (a.kind != ActorKind::Demonym || self.followed_by_noun(words, a, cx.c1))
        {
            return Marked::Target { sector: true };
        }
        Marked::Unmarked
    }

    /// Whether `a` is an agent of the sanctions: "by X" after the trigger or an act, the
    /// subject of a relative clause on the trigger, or "from X".
    fn agent_marked(
        &self,
        cx: &ClauseCtx<'_>,
        tr: Trigger,
        cued: Cued,
        a: &Actor<'_>,
        before: usize,
    ) -> bool {
        let (words, hits, t, tlen) = (cx.words, &cx.hits, tr.t, tr.len);
        let before_word = if before < a.first { words[before] } else { "" };
        // by X, right after the trigger or an action verb ("sanctions imposed by X", "was
        // sanctioned by X"), not any "by" ("drones used by Russia").
        let by_agent = before_word == "by"
            && (before >= t && before <= t + tlen + 2
                || hits.iter().any(|&(p, len, e)| {
                    matches!(e, Entry::Action(_) | Entry::Trigger(_) | Entry::Passive)
                        && p + len <= before
                        && p + len + 1 >= before
                })
                || self.agent_after_object(cx, before)
                || governed_agent(words, a, before, cx.c0));
        // the sanctions (that) X (keeps) imposing: the subject of a relative clause on the
        // trigger imposes it.
        if by_agent || self.relative_subject(words, hits, a, t + tlen, cx.c1) {
            return true;
        }
        // "warnings from London to impose ...": who a threat comes from.
        let threat_from = before_word == "from"
            && before > cx.c0
            && hits.iter().any(|&(p, len, e)| {
                *e == Entry::Action(Cue::Act(SanctionAction::Threaten)) && p + len == before
            });
        // sanctions from X; sanctions relief from X
        let after_trigger = before == t + tlen
            || cued
                .relief
                .is_some_and(|(p, len)| p == t + tlen && before == p + len);
        threat_from || before_word == "from" && after_trigger
    }

    /// The role of an actor premodifying the trigger: the verb's subject ("Canada sanctions
    /// Russian officials"), a target ("anti-Russian sanctions") or the regime's imposer.
    fn premod_role(&self, cx: &ClauseCtx<'_>, tr: Trigger, a: &Actor<'_>) -> Marked {
        let (words, actors, c0, t, tlen) = (cx.words, cx.actors, cx.c0, tr.t, tr.len);
        // "Canada sanctions Russian officials": the trigger is a verb with an object, and the
        // actor before it its subject.
        let mut after = t + tlen;
        while after < cx.c1 && skippable(words[after]) {
            after += 1;
        }
        // "Britain sanctions its officials": an object phrase follows the verb.
        let object_next = actors.iter().any(|b| b.first == after)
            || words.get(t + tlen).is_some_and(|w| {
                matches!(*w, "its" | "their" | "his" | "her") || is(Determiner, w)
            });
        if a.last == t && words[t] == "sanctions" && object_next {
            return Marked::Unmarked;
        }
        // "anti-Russian sanctions" are on Russia, and so is "the Russian oil price cap": a
        // demonym before a sector names whose sector it is.
        let sector_of = a.kind == ActorKind::Demonym
            && (trigger_sector(words, t, tlen).is_some()
                || (a.last..t).any(|j| {
                    self.phrases
                        .at(words, j)
                        .any(|(_, e)| matches!(e, Entry::Sector(_)))
                }));
        let anti = a.first > c0 && words[a.first - 1] == "anti" || sector_of;
        let target_like = anti || a.kind == ActorKind::Name && !a.possessive;
        let has_prep_target = actors
            .iter()
            .any(|b| b.first > t && is(TargetPrep, words[prev_word(words, b.first, c0)]));
        if anti || target_like && !has_prep_target {
            Marked::Target { sector: false }
        } else {
            Marked::Imposer
        }
    }
}

/// Whether `a` follows on / against / of that belongs to the sanctions phrase: near the
/// trigger ("sanctions on Friday on eight Iranian companies") or right after an action verb
/// ("imposed on X"), not "supplying drones for the war against Ukraine" further on.
fn target_prep_marked(cx: &ClauseCtx<'_>, tr: Trigger, a: &Actor<'_>, before: usize) -> bool {
    let (words, t, tlen) = (cx.words, tr.t, tr.len);
    let before_word = if before < a.first { words[before] } else { "" };
    // "the assets of X", "a package of sanctions of"... right after the trigger
    let of_after_trigger = before_word == "of" && before == t + tlen;
    // "called on X to lift", "relied on X": a phrasal verb, not a target.
    let phrasal = before_word == "on" && before > cx.c0 && is(PhrasalOn, words[before - 1]);
    let near_trigger = before + 1 >= t && before <= t + tlen + 6;
    let after_cue = cx.hits.iter().any(|&(p, len, e)| {
        matches!(e, Entry::Action(_) | Entry::Object) && p + len <= before && p + len + 3 >= before
    });
    (is(TargetPrep, before_word) || of_after_trigger)
        && before < a.first
        && !phrasal
        && (near_trigger || after_cue || before < t)
}

impl SanctionsExtractor {
    /// "the sanctions imposed on Russia by the United States": an agent phrase after the
    /// object of an act verb (target preposition, then at most four words with no clause
    /// turn) is the act's agent, as right after the verb.
    fn agent_after_object(&self, cx: &ClauseCtx<'_>, by: usize) -> bool {
        let words = cx.words;
        cx.hits.iter().any(|&(p, len, e)| {
            let verb = matches!(e, Entry::Action(Cue::Act(_)) | Entry::Passive);
            let obj = p + len;
            verb && obj + 1 < by
                && by <= obj + 5
                && is(TargetPrep, words[obj])
                && !words[obj + 1..by]
                    .iter()
                    .any(|w| is(ClauseTurn, w) || *w == ",")
        })
    }
}

/// "a decision by Washington to lift", "moves by Brussels to impose": the agent of a noun that
/// governs the act is the act's agent.
fn governed_agent(words: &[&str], a: &Actor<'_>, by: usize, c0: usize) -> bool {
    by > c0
        && words[by] == "by"
        && is(GovernedNoun, words[by - 1])
        && words.get(a.last) == Some(&"to")
}

/// Whether the trigger word at `t` is a past verb form written on its own ("blacklisted",
/// "embargoed"), not the second part of a compound ("U.S.-blacklisted").
fn past_form(cx: &ClauseCtx<'_>, t: usize) -> bool {
    cx.words[t].ends_with("ed") && !cx.toks[t].hyphen_before
}
