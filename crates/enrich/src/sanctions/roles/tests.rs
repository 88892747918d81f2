//! One test or two per clause stage, each on a one-clause sentence whose actors are given by
//! hand (code and kind), so that a stage is checked apart from the country recogniser.

use std::sync::OnceLock;

use newswire_model::{Evidence, Field, SanctionAction};

use super::super::lexicon::TriggerKind;
use super::super::structure::Parse;
use super::super::tokens::{tokenize, words as token_words};
use super::super::{actors_in, Actor, ActorKind, SanctionsExtractor};
use super::ClauseCtx;

fn extractor() -> &'static SanctionsExtractor {
    static E: OnceLock<SanctionsExtractor> = OnceLock::new();
    E.get_or_init(SanctionsExtractor::new)
}

/// Runs `f` on the whole of `text` as one clause, with `actors` as (name, code, kind): the
/// first occurrence of each name.
fn with_clause<R>(
    text: &str,
    actors: &[(&str, &'static str, ActorKind)],
    f: impl FnOnce(&SanctionsExtractor, &ClauseCtx<'_>) -> R,
) -> R {
    let ext = extractor();
    let toks = tokenize(text, 0);
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = token_words(&toks, &lower, 0);
    let mut hits = Vec::new();
    for i in 0..words.len() {
        for (len, entry) in ext.phrases.at(&words, i) {
            hits.push((i, len, entry));
        }
    }
    let mut spans: Vec<(usize, usize, &str, ActorKind)> = actors
        .iter()
        .map(|&(name, code, kind)| {
            let s = text.find(name).expect("actor in the text");
            (s, s + name.len(), code, kind)
        })
        .collect();
    spans.sort_by_key(|a| a.0);
    let found = actors_in(text, 0, text.len(), &toks, &spans);
    let refs: Vec<&Actor<'_>> = found.iter().collect();
    let parse = Parse::new(text, 0, &toks, &words);
    let evidence = Evidence {
        field: Field::Body,
        start: 0,
        end: text.len(),
    };
    let cx = ClauseCtx {
        toks: &toks,
        words: &words,
        hits,
        c0: 0,
        c1: words.len(),
        actors: &refs,
        programs: &[],
        program_start: None,
        previous: None,
        evidence: &evidence,
        parse: &parse,
    };
    f(ext, &cx)
}

use ActorKind::{Bloc, Name};

#[test]
fn trigger_is_the_sanctions_noun() {
    let got = with_clause("Canada imposed new sanctions on Iran.", &[], |x, cx| {
        x.choose_trigger(cx)
            .map(|tr| (cx.words[tr.t].to_string(), tr.kind, tr.anaphoric))
    });
    assert_eq!(
        got,
        Some(("sanctions".to_string(), TriggerKind::Core, false))
    );
}

#[test]
fn trigger_refused_as_a_modifier() {
    let got = with_clause("The sanctions committee met on Tuesday.", &[], |x, cx| {
        x.choose_trigger(cx).map(|tr| tr.t)
    });
    assert_eq!(got, None);
}

/// The clause's action and whether it is negated and a refusal.
fn action_of(text: &str) -> (SanctionAction, bool, bool) {
    with_clause(text, &[], |x, cx| {
        let tr = x.choose_trigger(cx).expect("a trigger");
        let act = x.decide_action(cx, tr, x.find_cue(cx, tr));
        (act.action, act.negated, act.refusal)
    })
}

#[test]
fn action_threat_governs_an_infinitive_impose() {
    assert_eq!(
        action_of("Canada threatened to impose sanctions on Iran."),
        (SanctionAction::Threaten, false, false)
    );
}

#[test]
fn action_lift_and_refusal() {
    assert_eq!(
        action_of("The United States lifted sanctions on Cuba."),
        (SanctionAction::Lift, false, false)
    );
    assert_eq!(
        action_of("Brazil refused to impose sanctions on Russia."),
        (SanctionAction::Impose, true, true)
    );
}

#[test]
fn marked_roles_by_agent_and_on_target() {
    let actors = [("Australia", "AU", Name), ("Fiji", "FJ", Name)];
    let got = with_clause(
        "Sanctions were imposed by Australia on Fiji.",
        &actors,
        |x, cx| {
            let tr = x.choose_trigger(cx).expect("a trigger");
            let cued = x.find_cue(cx, tr);
            let roles = x.marked_roles(cx, tr, cued, SanctionAction::Impose);
            (roles.imposers, roles.targets)
        },
    );
    assert_eq!(got, (vec!["AU".to_string()], vec!["FJ".to_string()]));
}

#[test]
fn subject_before_the_act_and_its_passive() {
    let subject_of = |text: &str, actors: &[(&str, &'static str, ActorKind)]| {
        with_clause(text, actors, |x, cx| {
            let tr = x.choose_trigger(cx).expect("a trigger");
            let cued = x.find_cue(cx, tr);
            let act = x.decide_action(cx, tr, cued);
            let mut roles = x.marked_roles(cx, tr, cued, act.action);
            let s = x.subject(cx, tr, cued, act.joins_a_list, &mut roles.used);
            (s.codes, s.passive)
        })
    };
    let actors = [("Canada", "CA", Name), ("Russia", "RU", Name)];
    let got = subject_of("Canada imposed sanctions on Russia.", &actors);
    assert_eq!(got, (vec!["CA".to_string()], false));
    let got = subject_of("Russia was sanctioned by Canada.", &actors);
    assert!(got.1, "{got:?}");
}

#[test]
fn targets_coordinated_and_region_ends_at_a_report() {
    let actors = [
        ("EU", "EU", Bloc),
        ("Russia", "RU", Name),
        ("Belarus", "BY", Name),
    ];
    let text = "The EU imposed sanctions on Russia and Belarus, the ministry said.";
    let (targets, stop_word) = with_clause(text, &actors, |x, cx| {
        let tr = x.choose_trigger(cx).expect("a trigger");
        let cued = x.find_cue(cx, tr);
        let act = x.decide_action(cx, tr, cued);
        let mut roles = x.marked_roles(cx, tr, cued, act.action);
        let subject = x.subject(cx, tr, cued, act.joins_a_list, &mut roles.used);
        let region = x.clause_targets(cx, tr, cued, act, &subject, &mut roles);
        (roles.targets, cx.words[region.stop].to_string())
    });
    assert_eq!(targets, vec!["RU".to_string(), "BY".to_string()]);
    assert_eq!(stop_word, "said");
}

#[test]
fn sectors_before_the_trigger() {
    let actors = [("EU", "EU", Bloc), ("Russia", "RU", Name)];
    let text = "The EU imposed an oil embargo on Russia.";
    let sectors = with_clause(text, &actors, |x, cx| {
        let tr = x.choose_trigger(cx).expect("a trigger");
        let cued = x.find_cue(cx, tr);
        let act = x.decide_action(cx, tr, cued);
        let mut roles = x.marked_roles(cx, tr, cued, act.action);
        let subject = x.subject(cx, tr, cued, act.joins_a_list, &mut roles.used);
        let region = x.clause_targets(cx, tr, cued, act, &subject, &mut roles);
        super::sectors::clause_sectors(cx, tr, region, &mut roles.sectors);
        roles.sectors
    });
    assert_eq!(sectors, vec!["oil".to_string()]);
}

#[test]
fn drafts_put_a_facing_subject_among_the_targets() {
    let actors = [("Russia", "RU", Name), ("EU", "EU", Bloc)];
    let got = with_clause(
        "Russia faces new sanctions from the EU.",
        &actors,
        |x, cx| {
            x.clause(cx)
                .into_iter()
                .map(|d| (d.imposers, d.targets, d.action))
                .collect::<Vec<_>>()
        },
    );
    let want = (
        vec!["EU".to_string()],
        vec!["RU".to_string()],
        SanctionAction::Impose,
    );
    assert_eq!(got, vec![want]);
}
