//! Stage 6 of the clause reader: the drafts of the clause's events from its reading -- an
//! evasion (whose sanctions, who evades), an opposition (the opposer's event and the regime
//! opposed), or a regime event (impose, threaten, lift) with the imposers the context gives
//! it -- and where each draft's relation is written.

use newswire_model::SanctionAction;

use super::super::events::{dedup, push, Draft};
use super::super::words::{is, Class::*};
use super::super::{opens_reply, prev_word, SanctionsExtractor};
use super::action::{Act, Cued};
use super::marked::Roles;
use super::subject::Subject;
use super::targets::Region;
use super::trigger::Trigger;
use super::{calls_for, draft, evade_regime, own_party_after, relative_impose, ClauseCtx};

/// What stages 1-5 read in the clause.
pub(super) struct Reading {
    pub(super) tr: Trigger,
    pub(super) cued: Cued,
    pub(super) act: Act,
    pub(super) roles: Roles,
    pub(super) subject: Subject,
    pub(super) region: Region,
    /// The programmes' names.
    pub(super) programs: Vec<String>,
}

impl SanctionsExtractor {
    /// The clause's drafts by action, placed on the clause that states them.
    pub(super) fn clause_drafts(&self, cx: &ClauseCtx<'_>, rd: Reading) -> Vec<Draft> {
        let region = rd.region;
        let mut out = match rd.act.action {
            SanctionAction::Evade => vec![self.evade_draft(cx, rd)],
            SanctionAction::Oppose => self.oppose_drafts(cx, rd),
            _ => self.regime_drafts(cx, rd),
        };
        place_drafts(cx, region, &mut out);
        out
    }

    /// Whose sanctions are evaded, and by whom.
    fn evade_draft(&self, cx: &ClauseCtx<'_>, rd: Reading) -> Draft {
        let Reading {
            act,
            mut roles,
            subject,
            programs,
            cued,
            ..
        } = rd;
        // Whose sanctions: the regime named with the trigger, a programme's owner, or the
        // regime of the event just read ("to get around the cap").
        let mut whose = roles.imposers.clone();
        if whose.is_empty() {
            whose = cx.programs.iter().map(|(_, imp)| imp.clone()).collect();
            dedup(&mut whose);
        }
        let mut subject = subject.codes;
        if whose.is_empty() {
            let helping = (cx.c0..cued.cue_pos).any(|j| is(HelpVerb, cx.words[j]));
            whose = evade_regime(cx.actors, &mut subject, &mut roles.targets, helping);
        }
        if whose.is_empty() {
            if let Some(p) = cx.previous {
                whose = p.imposers.clone();
            }
        }
        let mut evaders = subject;
        evaders.extend(roles.targets.iter().cloned());
        evaders.retain(|c| !whose.contains(c));
        dedup(&mut evaders);
        if evaders.is_empty() {
            evaders = named_evaders(cx, &whose, cued.cue_pos);
        }
        // Who evades, unnamed: the parties the last event hit ("the network ... had blended
        // oil to skirt sanctions").
        if evaders.is_empty() {
            if let Some(p) = cx.previous {
                evaders = p.targets.clone();
                evaders.retain(|c| !whose.contains(c));
            }
        }
        draft(
            whose,
            evaders,
            act.action,
            act.negated,
            roles.sectors,
            programs,
            cx.evidence,
        )
    }

    /// The opposer's event, and the regime it opposes (in force, or only a threat).
    fn oppose_drafts(&self, cx: &ClauseCtx<'_>, rd: Reading) -> Vec<Draft> {
        let (words, c0, t) = (cx.words, cx.c0, rd.tr.t);
        let Reading {
            tr,
            cued,
            act,
            roles,
            subject,
            region,
            programs,
        } = rd;
        let mut out = Vec::new();
        let mut t_codes = roles.targets.clone();
        if t_codes.is_empty() && tr.anaphoric {
            if let Some(p) = cx.previous {
                t_codes = p.targets.clone();
            }
        }
        let mut opposers = subject.codes.clone();
        if opposers.is_empty() {
            opposers.extend(subject.speaker.map(|ai| cx.actors[ai].code.to_string()));
        }
        opposers.retain(|c| !roles.imposers.contains(c));
        // "China rejected the sanctions on its chipmakers": the opposer is hit.
        if t_codes.is_empty() && own_party_after(words, t + tr.len, region.np_stop) {
            t_codes = opposers.clone();
        }
        if !opposers.is_empty() {
            let mut d = draft(
                opposers,
                t_codes.clone(),
                SanctionAction::Oppose,
                act.negated,
                roles.sectors.clone(),
                programs.clone(),
                cx.evidence,
            );
            d.outsider = act.outsider;
            out.push(d);
        }
        // What is vetoed or blocked, or only proposed, is not in force yet.
        let vetoed = cued.cue.is_some_and(|(p, _, _)| is(Veto, words[p]))
            || (t >= c0 + 2 && words[t - 1] == "of" && is(ThreatNoun, words[t - 2]));
        let regime_action = if act.proposed || vetoed || cued.opposed_threat {
            SanctionAction::Threaten
        } else {
            SanctionAction::Impose
        };
        let mut regime = roles.imposers;
        if regime.is_empty() {
            regime = governed_owner(cx, cued.cue_pos, t, &opposers_of(&out));
        }
        if !regime.is_empty() {
            out.push(draft(
                regime,
                t_codes,
                regime_action,
                false,
                roles.sectors,
                programs,
                cx.evidence,
            ));
        }
        out
    }

    /// A regime event (impose, threaten, lift), with the refusal and the imposition a lift
    /// ends as events of their own.
    fn regime_drafts(&self, cx: &ClauseCtx<'_>, mut rd: Reading) -> Vec<Draft> {
        let (words, tr, act) = (cx.words, rd.tr, rd.act);
        let action = act.action;
        let mut out = Vec::new();
        // "Cuba demanded that the United States lift its embargo": who asks for the relief is
        // relieved.
        if action == SanctionAction::Lift && rd.roles.targets.is_empty() {
            if let Some(caller) = self.caller_before(words, cx.actors, rd.subject.chosen) {
                push(&mut rd.roles.targets, caller);
            }
        }
        let mut imp = self.subject_in_regime(cx, &mut rd, &mut out);
        imposers_from_context(cx, &mut rd, &mut imp);
        let Reading {
            roles, programs, ..
        } = rd;
        let (targets, sectors) = (roles.targets, roles.sectors);
        if action == SanctionAction::Impose && act.negated && act.refusal && !imp.is_empty() {
            // Who refuses to impose stays out of the regime.
            let mut d = draft(
                imp.clone(),
                targets.clone(),
                SanctionAction::Oppose,
                false,
                Vec::new(),
                Vec::new(),
                cx.evidence,
            );
            d.outsider = true;
            out.push(d);
        }
        // "ended the trade ban it had imposed in 2006": the lift and the imposition.
        if action == SanctionAction::Lift && relative_impose(words, &cx.hits, tr.t + tr.len, cx.c1)
        {
            out.push(draft(
                imp.clone(),
                targets.clone(),
                SanctionAction::Impose,
                false,
                sectors.clone(),
                programs.clone(),
                cx.evidence,
            ));
        }
        out.push(draft(
            imp,
            targets,
            action,
            act.negated,
            sectors,
            programs,
            cx.evidence,
        ));
        out
    }

    /// The regime's imposers with the subject's place in the event: the sanctions are on a
    /// subject that undergoes them, a distinct subject's own act is a separate event (pushed
    /// to `out`), and otherwise the subject imposes.
    fn subject_in_regime(
        &self,
        cx: &ClauseCtx<'_>,
        rd: &mut Reading,
        out: &mut Vec<Draft>,
    ) -> Vec<String> {
        let (words, c0) = (cx.words, cx.c0);
        let subject = std::mem::take(&mut rd.subject.codes);
        let roles = &mut rd.roles;
        let mut imp = roles.imposers.clone();
        let subject_distinct =
            !subject.is_empty() && subject.iter().all(|c| !roles.imposers.contains(c));
        if rd.subject.passive
            || (subject_distinct && !imp.is_empty() && roles.targets.is_empty() && !rd.act.is_join)
        {
            // "Russia faces new sanctions"; "Iran demanded the lifting of U.S. sanctions": the
            // subject is who the sanctions are on.
            for c in subject {
                push(&mut roles.targets, &c);
            }
        } else if subject_distinct && !imp.is_empty() && rd.act.action == SanctionAction::Threaten {
            // "Greece called for EU sanctions against Turkey": the sanctions are the regime's,
            // and only threatened.
        } else if subject_distinct && !imp.is_empty() {
            // "Turkey will not enforce Western sanctions on Russia": the regime stands; the
            // subject's own act is a separate event. "Russia bars 227 Americans in reply to US
            // sanctions": the sanctions answered are on the subject.
            let answered = self.answers_regime(words, c0, rd.tr.t);
            let on = if answered {
                subject.clone()
            } else {
                roles.targets.clone()
            };
            out.push(draft(
                imp.clone(),
                on,
                SanctionAction::Impose,
                false,
                roles.sectors.clone(),
                rd.programs.clone(),
                cx.evidence,
            ));
            imp = subject;
        } else if !calls_for(words, rd.cued.cue) {
            // "Ukraine called for new sanctions against Russia": who calls for them is not who
            // would impose them.
            for c in subject {
                push(&mut imp, &c);
            }
        }
        imp
    }
}

/// Imposers (and targets) the context supplies: a programme's owner, the event referred
/// back to, the speaker of a warning; no imposer is also a target.
fn imposers_from_context(cx: &ClauseCtx<'_>, rd: &mut Reading, imp: &mut Vec<String>) {
    let roles = &mut rd.roles;
    if imp.is_empty() {
        for (_, i) in cx.programs {
            push(imp, i);
        }
    }
    // "in retaliation for the penalties Washington imposed": not the event before; its
    // target is the retaliator (filled by the sentence stage).
    if rd.tr.anaphoric && !opens_reply(cx.words, cx.c0) {
        if let Some(p) = cx.previous {
            if imp.is_empty() {
                *imp = p.imposers.clone();
            }
            if roles.targets.is_empty() {
                roles.targets = p.targets.clone();
                for s in &p.sectors {
                    push(&mut roles.sectors, s);
                }
            }
        }
    }
    // "The White House said Russia could face more sanctions": the warning is the speaker's
    // threat.
    if rd.act.action == SanctionAction::Threaten && imp.is_empty() && !roles.targets.is_empty() {
        imp.extend(rd.subject.speaker.map(|ai| cx.actors[ai].code.to_string()));
    }
    imp.retain(|c| !roles.targets.contains(c));
}

/// The opposers of the drafts so far.
fn opposers_of(out: &[Draft]) -> Vec<String> {
    out.iter()
        .flat_map(|d| d.imposers.iter().cloned())
        .collect()
}

/// "vetoed a UN resolution to impose sanctions on Syria": the owner of a governing noun
/// between the oppose cue and the trigger owns the regime it would set up, unless it opposes.
fn governed_owner(cx: &ClauseCtx<'_>, cue: usize, t: usize, opposers: &[String]) -> Vec<String> {
    let owner = cx.actors.iter().find(|a| {
        a.first > cue
            && a.last < t
            && is(GovernedNoun, cx.words[a.last])
            && !opposers.iter().any(|c| c == a.code)
    });
    owner.map(|a| vec![a.code.to_string()]).unwrap_or_default()
}

/// "A North Korean tanker ... in breach of UN sanctions": with no subject, the parties named
/// before the breach are who evades; a place after a preposition ("intermediaries in the
/// UAE") is not.
fn named_evaders(cx: &ClauseCtx<'_>, whose: &[String], cue_pos: usize) -> Vec<String> {
    let (words, c0) = (cx.words, cx.c0);
    let mut evaders = Vec::new();
    let mut placed = false;
    for a in cx
        .actors
        .iter()
        .filter(|a| a.last <= cue_pos && a.first >= c0)
    {
        let before = prev_word(words, a.first, c0);
        let listed = before < a.first && matches!(words[before], "and" | "or" | ",");
        placed = (before < a.first && is(Preposition, words[before])) || (listed && placed);
        if !placed && !whose.iter().any(|c| c == a.code) {
            push(&mut evaders, a.code);
        }
    }
    evaders
}

/// The UN is never a target of sanctions: a "UN" read as one ("UN experts said ... the
/// sanctions on Syria") is the regime's owner when the draft has none, else no party.
fn un_never_targeted(d: &mut Draft) {
    let Some(i) = d.targets.iter().position(|c| c == "UN") else {
        return;
    };
    d.targets.remove(i);
    if d.imposers.is_empty() && d.action != SanctionAction::Oppose {
        d.imposers.push("UN".to_string());
    }
}

/// Drops drafts with no party, and places the rest: the region of the relation's objects,
/// and as evidence the clause that states the relation, not the whole sentence.
fn place_drafts(cx: &ClauseCtx<'_>, region: Region, out: &mut Vec<Draft>) {
    let (toks, c0, c1) = (cx.toks, cx.c0, cx.c1);
    out.iter_mut().for_each(un_never_targeted);
    out.retain(|d| !d.imposers.is_empty() || !d.targets.is_empty());
    let from = toks[region.from].start;
    let to = toks[region.stop.max(region.from + 1) - 1].end;
    let last = (c0..c1).rev().find(|&j| !toks[j].punct).unwrap_or(c1 - 1);
    let (cs, ce) = (toks[c0].start, toks[last].end);
    for d in out {
        d.region = (from, to);
        d.evidence.start = cs.max(d.evidence.start);
        d.evidence.end = ce.min(d.evidence.end).max(d.evidence.start);
    }
}
