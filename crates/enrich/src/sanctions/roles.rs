//! The clause reader: the events of one clause, read in six stages, each in a module of its
//! own beside this one and each taking the clause's shared inputs (`ClauseCtx`) and the
//! results of the stages before it:
//! 1. `trigger` -- which lexicon trigger names the sanctions, and whether it refers back;
//! 2. `action` -- the action cue nearest the trigger, its negation and modality, the action;
//! 3. `marked` and `subject` -- roles marked by position (agent phrases "by X",
//!    premodifiers and possessors "U.S. sanctions", "the EU's package", the object phrase of
//!    on/against/targeting), then the subject (passive voice from newswire-nlp makes it the
//!    target) and the speaker;
//! 4. `targets` -- the remaining targets and the object region, with the lists and demonyms
//!    inside it ("on 12 Chinese companies", "entities in China and Turkey");
//! 5. `sectors` -- the sectors the sanctions cover;
//! 6. `drafts` -- the drafts, with the special roles of evade and oppose.
//!
//! Where the order is not clean: imposers and targets are not separate stages, because one
//! pass over the actors decides per actor which of the two its position marks (`marked`), and
//! the subject's role is settled only when drafting (`subject_in_regime`: the target of a
//! named regime, a separate event's imposer, or the imposer), since it depends on the
//! regime's imposers and on the targets found in stage 4.
//!
//! Small rule functions below the clause reader: `relative_subject` ("the sanctions that X
//! imposed"), `fallback_targets` (a known imposer with no target named), `evade_regime` (whose
//! sanctions are evaded), `relative_impose` ("the ban it had imposed": lift and impose),
//! `act_over_description` ("blocked the proposed sanctions": the oppose is the act),
//! `modifies_non_measure` ("sanctions compliance", "the sanctions committee" without an act),
//! `domestic_penalty` ("the Fair Trade Commission sanctioned") and `agentive_head`
//! ("Switzerland's Federal Council" acts). Each pattern has a test of its
//! own in `tests/sanctions_roles.rs`.

mod action;
mod drafts;
mod marked;
mod sectors;
mod subject;
mod targets;
#[cfg(test)]
mod tests;
mod trigger;

use newswire_model::{Evidence, SanctionAction};

use super::events::{dedup, push, Draft};
use super::lexicon::{Cue, Entry};
use super::structure::Parse;
use super::tokens::Tok;
use super::words::{is, Class::*};
use super::{extend_coordination, prev_word, Actor, ActorKind, SanctionsExtractor};
use drafts::Reading;

/// Where the target rules look: the clause's words and actors, the imposers known so far
/// (never targets), and the object region `from..stop` of the clause starting at `c0`.
#[derive(Clone, Copy)]
pub(super) struct TargetScope<'a> {
    pub(super) words: &'a [&'a str],
    pub(super) actors: &'a [&'a Actor<'a>],
    pub(super) imposers: &'a [String],
    pub(super) c0: usize,
    pub(super) from: usize,
    pub(super) stop: usize,
}

/// The shared inputs of the clause stages: the sentence's tokens and words, the clause
/// `c0..c1`, its lexicon hits, actors and programmes, and the event read just before it.
pub(super) struct ClauseCtx<'a> {
    pub(super) toks: &'a [Tok],
    pub(super) words: &'a [&'a str],
    /// Lexicon hits inside the clause: (token, length, entry).
    pub(super) hits: Vec<(usize, usize, &'a Entry)>,
    pub(super) c0: usize,
    pub(super) c1: usize,
    pub(super) actors: &'a [&'a Actor<'a>],
    /// (programme, its imposer) named in the clause.
    pub(super) programs: &'a [(String, String)],
    /// Byte offset of the first programme named in the clause.
    pub(super) program_start: Option<usize>,
    pub(super) previous: Option<&'a Draft>,
    pub(super) evidence: &'a Evidence,
    pub(super) parse: &'a Parse<'a>,
}

impl SanctionsExtractor {
    /// The events of one clause `toks[c0..c1]`, read in stages: each stage's result feeds
    /// the next.
    pub(super) fn clause(&self, cx: &ClauseCtx<'_>) -> Vec<Draft> {
        // 1. The trigger.
        let Some(tr) = self.choose_trigger(cx) else {
            return Vec::new();
        };
        // 2. Action cue, negation and modality.
        let cued = self.find_cue(cx, tr);
        let act = self.decide_action(cx, tr, cued);
        // 3. Roles: imposers and targets marked by position, then the subject.
        let mut roles = self.marked_roles(cx, tr, cued, act.action);
        let subject = self.subject(cx, tr, cued, act.joins_a_list, &mut roles.used);
        // 4. Targets, and the region where the relation's objects are written.
        let region = self.clause_targets(cx, tr, cued, act, &subject, &mut roles);
        // 5. Sectors and programmes.
        sectors::clause_sectors(cx, tr, region, &mut roles.sectors);
        let programs = cx.programs.iter().map(|(p, _)| p.clone()).collect();
        // 6. Drafts.
        let reading = Reading {
            tr,
            cued,
            act,
            roles,
            subject,
            region,
            programs,
        };
        self.clause_drafts(cx, reading)
    }

    /// A verb-form trigger ("sanctioned", "sanction") counts unless it has the approval
    /// reading: a hyphen compound whose first part is not a state ("FIFA-sanctioned"), or an
    /// object like "the merger".
    fn verb_trigger_counts(
        &self,
        toks: &[Tok],
        words: &[&str],
        t: usize,
        c1: usize,
        actors: &[&Actor],
    ) -> bool {
        if toks[t].hyphen_before {
            // "U.S.-sanctioned" counts, "FIFA-sanctioned"/"state-sanctioned" does not.
            let by_state = t > 0 && actors.iter().any(|a| a.last == t);
            let approval_next = words.get(t + 1).is_some_and(|w| self.is_approval(w));
            return by_state && !approval_next;
        }
        // Object: skip determiners.
        let mut j = t + 1;
        while j < c1 && is(Determiner, words[j]) {
            j += 1;
        }
        if j < c1 && self.is_approval(words[j]) {
            return false;
        }
        if domestic_penalty(words, t, actors) {
            return false;
        }
        // Need a state somewhere in the clause.
        !actors.is_empty()
    }

    fn is_approval(&self, word: &str) -> bool {
        self.phrases.single_is(word, |e| *e == Entry::Approval)
    }

    /// Whether actor `a` is the subject of a relative clause right after the trigger that ends
    /// at `after`: only "that"/"which" and determiners between, and an action verb within
    /// three words after it ("the sanctions that the United States keeps imposing", "the
    /// export controls Seoul announced").
    fn relative_subject(
        &self,
        words: &[&str],
        hits: &[(usize, usize, &Entry)],
        a: &Actor,
        after: usize,
        c1: usize,
    ) -> bool {
        if a.first < after || a.kind == ActorKind::Demonym || a.possessive {
            return false;
        }
        let between = &words[after..a.first];
        let relative = between
            .iter()
            .all(|w| matches!(*w, "that" | "which") || is(Determiner, w));
        let verb = hits.iter().any(|&(p, _, e)| {
            matches!(e, Entry::Action(Cue::Act(_))) && p >= a.last && p <= (a.last + 3).min(c1)
        });
        relative && verb
    }

    /// Whether the trigger at `t` follows "in reply/response to" or "(in) retaliation for"
    /// within four words (its premodifiers and the regime's name: "in reply to US sanctions"):
    /// sanctions a retaliation answers.
    fn answers_regime(&self, words: &[&str], c0: usize, t: usize) -> bool {
        (t.saturating_sub(4).max(c0)..=t).any(|j| {
            let before = &words[c0..j];
            before.ends_with(&["in", "reply", "to"])
                || before.ends_with(&["in", "response", "to"])
                || before.ends_with(&["retaliation", "for"])
        })
    }

    /// Whether a trigger phrase starting with `word` opens with a verb or a preposition, so
    /// that no premodifier can come before it.
    fn opens_with_verb_or_prep(&self, word: &str) -> bool {
        is(Preposition, word)
            || self
                .phrases
                .single_is(word, |e| matches!(e, Entry::Action(_)))
    }

    /// The clause's act when the nearest cue only describes the sanctions: "Hungary blocked
    /// the EU's proposed sanctions", "Russia denounced the sanctions imposed by Japan" -- an
    /// oppose or lift cue shortly before the trigger is the act; the description still makes
    /// the regime proposed, or gives its imposer ("by Japan").
    fn act_over_description(
        &self,
        words: &[&str],
        hits: &[(usize, usize, &Entry)],
        actors: &[&Actor],
        cue: (usize, usize, Cue),
        t: usize,
        tlen: usize,
    ) -> (usize, usize, Cue) {
        let (p, _, c) = cue;
        // "vetoed a proposed EU sanctions package": the regime's owner may sit in between.
        let premod = p < t && is(Proposal, words[p]) && self.premods_around(words, actors, p, t);
        // "criticised U.S. threats of sanctions": the threat noun describes the sanctions.
        let threat_noun = p + 1 < t
            && c == Cue::Act(SanctionAction::Threaten)
            && words[t - 1] == "of"
            && matches!(words[p], "threat" | "threats" | "prospect");
        // "the sanctions imposed on", "any sanctions targeting": a participle right after the
        // trigger describes the sanctions.
        let participle = p == t + tlen
            && c == Cue::Act(SanctionAction::Impose)
            && (words[p].ends_with("ed") || words[p].ends_with("ing"));
        // "outraged by the sanctions Ukraine imposed": a relative clause describes them too.
        let relative = p > t + tlen
            && p <= t + tlen + 5
            && c == Cue::Act(SanctionAction::Impose)
            && actors
                .iter()
                .any(|a| a.last <= p && self.relative_subject(words, hits, a, t + tlen, p + 1));
        if !(premod || participle || threat_noun || relative) {
            return cue;
        }
        let start = p.min(t);
        hits.iter()
            .filter(|&&(q, len, e)| {
                matches!(
                    e,
                    Entry::Action(Cue::Act(SanctionAction::Oppose | SanctionAction::Lift))
                ) && q + len <= start
                    && q + 8 >= start
            })
            .max_by_key(|&&(q, _, _)| q)
            .map(|&(q, len, e)| match e {
                Entry::Action(c) => (q, len, *c),
                _ => cue,
            })
            .unwrap_or(cue)
    }

    /// As [`Self::only_premods`], with actor mentions allowed anywhere in the span ("a proposed
    /// EU sanctions package", "the planned U.S. and British measures").
    fn premods_around(&self, words: &[&str], actors: &[&Actor], from: usize, to: usize) -> bool {
        let mut start = from;
        let mut j = from;
        while j < to {
            match actors.iter().find(|a| a.first == j && a.last > j) {
                Some(a) => {
                    if !self.only_premods(words, start, j) {
                        return false;
                    }
                    j = a.last;
                    start = j;
                }
                None => j += 1,
            }
        }
        start >= to || self.only_premods(words, start, to)
    }

    /// Only premodifier words (and possessive marks) between `from` and `to`.
    /// Also ordinals, proposal words and "package of" ("the EU's planned 20th package of
    /// anti-Russian sanctions"), "anti" and hyphens.
    fn only_premods(&self, words: &[&str], from: usize, to: usize) -> bool {
        if to < from || to - from > 7 {
            return false;
        }
        let span = &words[from..to];
        span.iter().enumerate().all(|(k, w)| {
            let next = span.get(k + 1).copied();
            let prev = k.checked_sub(1).map(|j| span[j]);
            matches!(*w, "'s" | "s" | "anti" | "-")
                || is(Proposal, w)
                || ordinal(w)
                || ((is(PackageNoun, w) || is(ThreatNoun, w)) && next == Some("of"))
                || (*w == "of" && prev.is_some_and(|p| is(PackageNoun, p) || is(ThreatNoun, p)))
                || self.phrases.single_is(w, |e| *e == Entry::Premod)
        })
    }

    fn followed_by_noun(&self, words: &[&str], a: &Actor, c1: usize) -> bool {
        a.last < c1 && !words[a.last].starts_with(|c: char| c.is_ascii_punctuation())
    }

    /// The speaker a subject pronoun before `anchor` stands for: the pronoun ("it", "his
    /// country") comes after a reporting verb with no actor between it and the act, and the
    /// speaker is the nearest eligible actor before that verb.
    fn pronoun_speaker(
        &self,
        words: &[&str],
        hits: &[(usize, usize, &Entry)],
        actors: &[&Actor],
        used: &[bool],
        (c0, c1): (usize, usize),
        anchor: usize,
    ) -> Option<usize> {
        let from = actors
            .iter()
            .filter(|a| a.last <= anchor)
            .map(|a| a.last)
            .max()
            .unwrap_or(c0);
        let pronoun = (from..anchor).find(|&j| pronoun_subject(words, j, j + 1))?;
        let report = hits
            .iter()
            .filter(|&&(r, _, e)| *e == Entry::Report && r < pronoun)
            .map(|&(r, _, _)| r)
            .max()?;
        actors
            .iter()
            .enumerate()
            .rev()
            .find(|(ai, a)| {
                a.last <= report && !used[*ai] && self.subject_eligible(words, a, c0, c1)
            })
            .map(|(ai, _)| ai)
    }

    /// The state that calls on the subject `chosen` to act: an actor before it with a call
    /// verb ("demanded", "urged") between them.
    fn caller_before<'a>(
        &self,
        words: &[&str],
        actors: &[&'a Actor],
        chosen: Option<usize>,
    ) -> Option<&'a str> {
        let subject = actors[chosen?];
        actors
            .iter()
            .filter(|a| a.last <= subject.first && a.code != subject.code)
            .find(|a| (a.last..subject.first).any(|j| is(CallVerb, words[j])))
            .map(|a| a.code)
    }

    /// Can this actor be the subject of the clause's verb?
    fn subject_eligible(&self, words: &[&str], a: &Actor, c0: usize, c1: usize) -> bool {
        self.subject_eligible_in(words, a, c0, c1, &[], 0)
    }

    /// As [`Self::subject_eligible`]; a coordinated actor ("in the UAE and Kazakhstan") is
    /// eligible only if the head of its coordination is.
    fn subject_eligible_in(
        &self,
        words: &[&str],
        a: &Actor,
        c0: usize,
        c1: usize,
        actors: &[&Actor],
        depth: usize,
    ) -> bool {
        let before = prev_word(words, a.first, c0);
        if depth < 4 && before < a.first && matches!(words[before], "and" | "or" | ",") {
            // Only a tight coordination ("the UAE and Kazakhstan"); ", and" usually joins
            // clauses ("..., and Washington has not").
            let head = actors.iter().find(|b| b.last == before);
            if let Some(h) = head {
                return self.subject_eligible_in(words, h, c0, c1, actors, depth + 1);
            }
        }
        let phrasal = words[before] == "on" && before > c0 && is(PhrasalOn, words[before - 1]);
        // "a spokesman for the Chinese embassy condemned": the state a speaker serves acts.
        let served = before > c0
            && matches!(words[before], "for" | "of" | "at")
            && is(SpeakerNoun, words[prev_word(words, before, c0)]);
        if before < a.first && is(Preposition, words[before]) && !phrasal && !served {
            return false;
        }
        let mut j = a.last;
        if words.get(j) == Some(&"'s") {
            j += 1;
        }
        let agentive = agentive_head(words, j, c1);
        match a.kind {
            ActorKind::Demonym => agentive,
            _ if a.possessive => agentive,
            _ => true,
        }
    }

    /// Targets written inside the object noun phrase: "on 12 Chinese companies", "entities in
    /// China and Turkey", "imports from Japan", "chip tools to Russia". `region` is the token
    /// range `from..stop` after the trigger or its verb in the clause starting at `c0`; agents ("by X") are left alone.
    fn np_targets(&self, scope: &TargetScope<'_>, used: &mut [bool], targets: &mut Vec<String>) {
        let TargetScope {
            words,
            actors,
            imposers,
            c0,
            from,
            stop,
        } = *scope;
        let region = (from, stop);
        for (ai, a) in actors.iter().enumerate() {
            if used[ai] || a.first < region.0 || a.last > region.1 {
                continue;
            }
            let before = prev_word(words, a.first, c0);
            let bw = if before < a.first { words[before] } else { "" };
            if bw == "by" {
                continue;
            }
            let head_prep = |w: &str| {
                matches!(
                    w,
                    "on" | "against" | "targeting" | "from" | "to" | "including"
                )
            };
            // "in"/"of" only after a noun for the targeted parties ("companies in China").
            let party_in =
                matches!(bw, "in" | "of") && before > c0 && is(PartyNoun, words[before - 1]);
            let inside = head_prep(bw) || party_in;
            // A demonym or possessive heading the object: "on 12 Chinese companies",
            // "blacklisted 13 Chinese firms", "on four extremist Israeli settlers"; not "parts
            // for Iranian drones".
            let lead = before + 1 == a.first && before <= region.0 + 1
                || head_prep(bw)
                || (before > c0 && head_prep(words[prev_word(words, before, c0)]));
            let modifier =
                matches!(a.kind, ActorKind::Demonym | ActorKind::Abbreviation) || a.possessive;
            let modifier = modifier && lead && self.followed_by_noun(words, a, region.1);
            if (inside || modifier) && !imposers.iter().any(|c| c == a.code) {
                push(targets, a.code);
                used[ai] = true;
            }
        }
    }

    /// Who is hit when no rule named a target though the imposer is known: the first actor
    /// the object region names ("sanctioned a North Korea-linked group", "on 14 men ... for the
    /// Somali group"), else the one nearest before the verb after the subject ("puts 12
    /// Chinese firms on its blacklist"), with its list. Agents ("by X"), the imposers, a reason
    /// ("over Taiwan arms sales") and the place of a war ("over the invasion of Ukraine") are
    /// not targets.
    fn fallback_targets(
        &self,
        scope: &TargetScope<'_>,
        used: &mut [bool],
        targets: &mut Vec<String>,
    ) {
        let TargetScope {
            words,
            actors,
            imposers,
            c0,
            from,
            stop,
        } = *scope;
        let known = |a: &Actor| imposers.iter().any(|c| c == a.code);
        // The object starts after the last imposer named before the verb.
        let lo = actors
            .iter()
            .enumerate()
            .filter(|(ai, a)| used[*ai] && known(a) && a.last <= from)
            .map(|(_, a)| a.last)
            .max()
            .unwrap_or(c0);
        let eligible = |(ai, a): &(usize, &&Actor)| {
            let before = prev_word(words, a.first, c0);
            let bw = if before < a.first { words[before] } else { "" };
            let war_place = is(Preposition, bw)
                && before > c0
                && is(ConflictNoun, words[prev_word(words, before, c0)]);
            !used[*ai]
                && !known(a)
                && a.first >= lo
                && a.last <= stop
                && bw != "by"
                && !is(ReasonPrep, bw)
                && !war_place
                && (a.kind != ActorKind::Demonym || self.followed_by_noun(words, a, stop))
        };
        let candidates: Vec<(usize, &&Actor)> =
            actors.iter().enumerate().filter(|c| eligible(c)).collect();
        let pick = candidates
            .iter()
            .find(|(_, a)| a.first >= from)
            .or_else(|| candidates.iter().rev().find(|(_, a)| a.last <= from));
        if let Some(&(ai, a)) = pick {
            push(targets, a.code);
            used[ai] = true;
            extend_coordination(actors, words, used, targets);
        }
    }

    /// A sector phrase within three words after a target actor ("Turkey's defence industry").
    fn sector_after(&self, words: &[&str], a: &Actor, c1: usize, sectors: &mut Vec<String>) {
        let mut j = a.last;
        if words.get(j) == Some(&"'s") {
            j += 1;
        }
        let end = (j + 3).min(c1);
        while j < end {
            for (_, e) in self.phrases.at(words, j) {
                if let Entry::Sector(s) = e {
                    push(sectors, s);
                    return;
                }
            }
            j += 1;
        }
    }
}

/// "20th", "3rd", "1st": a number with an ordinal suffix.
/// "sanctions" naming what a body or a trade deals with, not a measure: "a sanctions
/// compliance conference", "her sanctions order", "the sanctions screening process" never
/// state a relation; "the sanctions committee", "the sanctions list" do only with an act in
/// the clause ("the sanctions committee added ...", "removed from the sanctions list") or a
/// move on or off the register ("taken off its sanctions list").
fn modifies_non_measure(
    words: &[&str],
    hits: &[(usize, usize, &Entry)],
    t: usize,
    len: usize,
    c1: usize,
) -> bool {
    if len != 1 || !matches!(words[t], "sanctions" | "sanction") || t + 1 >= c1 {
        return false;
    }
    let head = words[t + 1];
    if is(PracticeNoun, head) {
        return true;
    }
    let acted = hits.iter().any(|&(_, _, e)| {
        matches!(
            e,
            Entry::Action(
                Cue::Act(SanctionAction::Impose | SanctionAction::Lift | SanctionAction::Evade)
                    | Cue::Join
            )
        )
    });
    // "taken three businessmen off its sanctions list": moved on or off the register.
    let moved =
        (t.saturating_sub(3)..t).any(|j| matches!(words[j], "off" | "from" | "to" | "onto"));
    is(RegisterNoun, head) && !acted && !moved
}

/// "The Securities and Exchange Commission has sanctioned an audit firm": the subject right
/// before the verb (past auxiliaries) is a domestic body, a regulator or a court, and not
/// part of a sanctioning actor ("the European Commission").
fn domestic_penalty(words: &[&str], t: usize, actors: &[&Actor]) -> bool {
    let mut k = t;
    while k > 0
        && matches!(
            words[k - 1],
            "has" | "have" | "had" | "also" | "was" | "were"
        )
    {
        k -= 1;
    }
    k > 0 && is(DomesticBody, words[k - 1]) && !actors.iter().any(|a| a.last == k)
}

fn ordinal(word: &str) -> bool {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(&word[digits..], "st" | "nd" | "rd" | "th")
}

/// Whose sanctions are evaded when no regime is named with them: a bloc among the parties
/// ("North Korea used thefts to skirt sanctions, UN panel says": blocs do not evade), else a
/// subject acting on other evaders ("Washington cracks down on Russian efforts to dodge
/// sanctions"), unless the subject only helps them (`helping`: "Kyrgyz firms helped Russia
/// evade sanctions"). Who is taken out of `subject` and `targets`.
fn evade_regime(
    actors: &[&Actor],
    subject: &mut Vec<String>,
    targets: &mut Vec<String>,
    helping: bool,
) -> Vec<String> {
    let bloc = |c: &String| {
        actors
            .iter()
            .any(|a| a.code == c.as_str() && a.kind == ActorKind::Bloc)
    };
    let mut whose: Vec<String> = subject
        .iter()
        .chain(targets.iter())
        .filter(|c| bloc(c))
        .cloned()
        .collect();
    dedup(&mut whose);
    if whose.is_empty() {
        let others = targets.iter().any(|c| !subject.contains(c));
        if !subject.is_empty() && others && !helping {
            whose = std::mem::take(subject);
        }
    }
    subject.retain(|c| !whose.contains(c));
    targets.retain(|c| !whose.contains(c));
    whose
}

/// Whether a relative clause or participle right after the trigger ending at `after` says the
/// measure was imposed ("the ban (that) it had imposed", "measures they first imposed",
/// "restrictions imposed by the EU"): a pronoun, auxiliaries and adverbs of time at most before
/// an impose verb.
fn relative_impose(
    words: &[&str],
    hits: &[(usize, usize, &Entry)],
    after: usize,
    c1: usize,
) -> bool {
    let end = (after + 5).min(c1);
    hits.iter().any(|&(q, _, e)| {
        *e == Entry::Action(Cue::Act(SanctionAction::Impose))
            && q >= after
            && q < end
            && words[after..q].iter().all(|w| {
                matches!(
                    *w,
                    "that"
                        | "which"
                        | "it"
                        | "they"
                        | "had"
                        | "has"
                        | "have"
                        | "first"
                        | "originally"
                )
            })
    })
}

/// "opposes lifting sanctions", "resisted pressure to impose", "rejected calls to ease them":
/// an oppose verb that governs the act, directly or through a noun of pressure or request and
/// "to", makes the clause an oppose of that act; the act itself does not happen.
fn governing_oppose(
    words: &[&str],
    hits: &[(usize, usize, &Entry)],
    actors: &[&Actor],
    cue: (usize, usize, Cue),
) -> (usize, usize, Cue) {
    let (p, _, c) = cue;
    let act = matches!(
        c,
        Cue::Act(SanctionAction::Impose | SanctionAction::Lift | SanctionAction::Threaten)
    );
    if !act {
        return cue;
    }
    // "rejected a bill that would have imposed ...": the noun's relative clause.
    let link = |w: &&str| {
        matches!(
            *w,
            "to" | "for"
                | "any"
                | "further"
                | "new"
                | "that"
                | "which"
                | "would"
                | "could"
                | "have"
                // "a decision by EU foreign ministers to put ...": the noun's agent.
                | "by"
        ) || is(Determiner, w)
            || is(Agentive, w)
            || is(GovernedNoun, w)
    };
    hits.iter()
        .filter(|&&(q, len, e)| {
            *e == Entry::Action(Cue::Act(SanctionAction::Oppose))
                && q + len <= p
                && q + len + 8 >= p
                // "condemned Washington's decision to impose": the owner of the noun.
                && (q + len..p).all(|j| {
                    link(&words[j])
                        || words[j] == "'s"
                        || actors.iter().any(|a| a.first <= j && j < a.last)
                })
        })
        .max_by_key(|&&(q, _, _)| q)
        .map(|&(q, len, _)| (q, len, Cue::Act(SanctionAction::Oppose)))
        .unwrap_or(cue)
}

/// "has not ruled out sanctions", "refused to rule out penalties": a denied denial leaves the
/// measure possible, so the clause is a threat, not a negated act. `before` bounds the
/// search (the cue or the trigger).
fn not_ruled_out(
    words: &[&str],
    hits: &[(usize, usize, &Entry)],
    from: usize,
    before: usize,
) -> bool {
    hits.iter().any(|&(r, _, e)| {
        *e == Entry::Negation
            && matches!(words[r], "ruled" | "rule" | "rules" | "ruling")
            && r >= from
            && r < before
            && hits
                .iter()
                .any(|&(n, len, f)| *f == Entry::Negation && n < r && n + len + 2 >= r)
    })
}

/// Whether a target preposition between `from` and `to` governs a party of a state already
/// named: "on its potash industry", "on their banks", "on the country", "against his nation".
/// The pronoun may sit a few words into the phrase ("on people and companies connected to the
/// country's energy industry"), not past a comma or a reason.
fn own_party_after(words: &[&str], from: usize, to: usize) -> bool {
    let to = to.min(words.len());
    let owner = |k: usize| {
        let noun = words.get(k + 1).copied().unwrap_or("");
        matches!(words[k], "its" | "their")
            || matches!(words[k], "the" | "his" | "her") && matches!(noun, "country" | "nation")
    };
    // From each owner word back to its preposition (owner words are rare; lookups are not).
    (from..to).filter(|&k| owner(k)).any(|k| {
        (k.saturating_sub(7).max(from)..k)
            .rev()
            .take_while(|&j| words[j] != "," && words[j] != "for" && !is(ReasonPrep, words[j]))
            .any(|j| is(TargetPrep, words[j]))
    })
}

/// Whether a subject pronoun ("it", "he", "his country", "its government") stands between
/// the speaker ending at `from` and the act at `anchor`: the act is the speaker's own.
fn pronoun_subject(words: &[&str], from: usize, anchor: usize) -> bool {
    // Pronouns are short words: the length test spares most class lookups.
    (from..anchor).any(|j| {
        let next = words.get(j + 1).copied().unwrap_or("");
        let owner = matches!(words[j], "its" | "his" | "her" | "their") && is(StateNoun, next);
        owner || words[j].len() <= 4 && is(SubjectPronoun, words[j])
    })
}

/// Whether the trigger at `t` is a general licence ("General License 44", "general licences"):
/// a relief from sanctions, not a measure.
fn is_licence(words: &[&str], t: usize, len: usize) -> bool {
    len == 2
        && words[t] == "general"
        && matches!(
            words[t + 1],
            "licence" | "license" | "licences" | "licenses"
        )
}

/// Extends the targets over coordinated noun phrases that each carry a state as modifier:
/// "on Myanmar generals and Cambodian officials", "Russian banks, Iranian traders and Chinese
/// firms". The phrase before the conjunction is a few words without a preposition.
fn parallel_modifiers(
    actors: &[&Actor],
    words: &[&str],
    used: &mut [bool],
    targets: &mut Vec<String>,
) {
    let modifier = |a: &Actor| {
        matches!(
            a.kind,
            ActorKind::Demonym | ActorKind::Abbreviation | ActorKind::Name
        ) && !words
            .get(a.last)
            .is_none_or(|w| is(Preposition, w) || *w == "," || *w == ".")
    };
    for i in 1..actors.len() {
        let (prev, next) = (actors[i - 1], actors[i]);
        if used[i] || !used[i - 1] || !targets.iter().any(|c| c == prev.code) {
            continue;
        }
        let gap = words.get(prev.last..next.first).unwrap_or(&[]);
        let Some((&sep, head)) = gap.split_last() else {
            continue;
        };
        let joined = (1..=3).contains(&head.len())
            && matches!(sep, "and" | "or" | ",")
            && head
                .iter()
                .all(|w| !is(Preposition, w) && !matches!(*w, "," | "and" | "or" | "by"));
        // A comma joins a list only if it goes on to "and"/"or" ("Russian banks, Belarusian
        // traders and ..."), not "settlers, Germany's deputy minister said".
        let after = words
            .get(next.last..(next.last + 6).min(words.len()))
            .unwrap_or(&[]);
        let listed = sep != "," || after.iter().any(|w| matches!(*w, "and" | "or"));
        if joined && listed && modifier(prev) && modifier(next) {
            push(targets, next.code);
            used[i] = true;
        }
    }
}

/// Where a reason starts after `from` ("over arms sales to Taiwan", "for selling weapons to
/// Taiwan": "for" only with a gerund, as it also gives destinations): the states named in it
/// are not the targets; looked for before `to`.
fn reason_clause(words: &[&str], from: usize, to: usize) -> Option<usize> {
    // The gerund is tested first: a string test is cheaper than a class lookup.
    (from..to).find(|&j| {
        let gerund = words
            .get(j + 1)
            .is_some_and(|w| w.len() > 4 && w.ends_with("ing") && *w != "including");
        // "over arms sales to Taiwan" is a reason; "over 20 firms" a quantity.
        let number = words
            .get(j + 1)
            .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()) || is(Quantity, w));
        (gerund && words[j] == "for") || (is(ReasonPrep, words[j]) && !number)
    })
}

/// Whether the words between a threat verb ending at `from` and an act at `to` open its
/// complement: an infinitive or a future or conditional ("to", "would", "will", "could"),
/// with no clause break (";", "but") between.
fn complement(words: &[&str], from: usize, to: usize) -> bool {
    let span = &words[from..to];
    span.iter()
        .any(|w| matches!(*w, "to" | "would" | "will" | "could" | "might" | "may"))
        && !span.iter().any(|w| matches!(*w, ";" | "but" | "."))
}

/// Whether the clause's cue is a call for the measure ("called for", "urged", "pushed for"):
/// its subject asks for the sanctions and does not impose them.
fn calls_for(words: &[&str], cue: Option<(usize, usize, Cue)>) -> bool {
    matches!(cue, Some((p, _, Cue::Act(SanctionAction::Threaten))) if is(CallVerb, words[p]))
}

/// "(that) lifting sanctions on Russia is not on the agenda", "easing the measures is out of the
/// question": a gerund act opening its clause, denied by the verb after its object.
fn gerund_denied(words: &[&str], cue: usize, after: usize, c1: usize) -> bool {
    let opens = cue == 0 || matches!(words[cue - 1], "that" | "," | "but" | "and" | "\"");
    if !(words[cue].ends_with("ing") && opens && cue < after) {
        return false;
    }
    let end = (after + 8).min(c1);
    (after..end).take_while(|&j| words[j] != ",").any(|j| {
        let next = words.get(j + 1).copied().unwrap_or("");
        matches!(words[j], "is" | "are" | "was" | "were" | "remains")
            && matches!(next, "not" | "n't" | "out" | "off" | "never")
    })
}

/// "sanctions against Georgian officials were possible", "more sanctions would follow": the
/// sanctions after `after` are said to be still to come, a threat. Looks a few words on, not
/// past a comma.
fn still_to_come(words: &[&str], after: usize, c1: usize) -> bool {
    let end = (after + 8).min(c1);
    (after..end).take_while(|&j| words[j] != ",").any(|j| {
        let next = words.get(j + 1).copied().unwrap_or("");
        let be = matches!(
            words[j],
            "is" | "are" | "was" | "were" | "remain" | "remained"
        );
        let modal = matches!(words[j], "would" | "will" | "could" | "may" | "might");
        (be && is(Proposal, next)) || (modal && matches!(next, "follow" | "come"))
    })
}

/// Whether the noun phrase starting at `j` after a possessive or demonym is headed by an
/// agentive noun within three words: "Turkey's government", "Switzerland's Federal Council",
/// "the Swiss State Secretariat"; the premodifiers between are plain words, not a
/// preposition, determiner, auxiliary or clause turn (where the phrase has ended).
fn agentive_head(words: &[&str], j: usize, c1: usize) -> bool {
    for &w in words.get(j..(j + 3).min(c1)).unwrap_or(&[]) {
        if is(Agentive, w) {
            return true;
        }
        let plain = w.bytes().all(|b| b.is_ascii_alphabetic());
        if !plain
            || is(Preposition, w)
            || is(Determiner, w)
            || is(PassiveAux, w)
            || is(ClauseTurn, w)
        {
            return false;
        }
    }
    false
}

/// A draft of one event, placed at first on the whole sentence (`evidence`).
fn draft(
    imposers: Vec<String>,
    targets: Vec<String>,
    action: SanctionAction,
    negated: bool,
    sectors: Vec<String>,
    programs: Vec<String>,
    evidence: &Evidence,
) -> Draft {
    let mut programs = programs;
    dedup(&mut programs);
    Draft {
        imposers,
        targets,
        action,
        negated,
        sectors,
        programs,
        evidence: evidence.clone(),
        region: (evidence.start, evidence.end),
        target_entities: Vec::new(),
        outsider: false,
    }
}
