//! Sanctions events: one test per rule and per trap.
//!
//! Most tests build the country tags by hand (so that they test the sanctions rules alone, not
//! the country recogniser); the seed-story tests run the whole [`Enricher`].

use std::sync::OnceLock;

use newswire_enrich::sanctions::SanctionsExtractor;
use newswire_enrich::Enricher;
use newswire_model::{Article, CountryTag, Field, Mention, MentionKind, SanctionAction};

fn extractor() -> &'static SanctionsExtractor {
    static X: OnceLock<SanctionsExtractor> = OnceLock::new();
    X.get_or_init(SanctionsExtractor::new)
}

/// Country tags for every occurrence of each `(code, surface, kind)` in `body`.
fn tags(body: &str, specs: &[(&str, &str, MentionKind)]) -> Vec<CountryTag> {
    let mut out: Vec<CountryTag> = Vec::new();
    for (code, surface, kind) in specs {
        let mut mentions = Vec::new();
        let mut from = 0;
        while let Some(p) = body[from..].find(surface) {
            let start = from + p;
            let end = start + surface.len();
            let before_ok = start == 0 || !body.as_bytes()[start - 1].is_ascii_alphanumeric();
            let after_ok = end >= body.len() || !body.as_bytes()[end].is_ascii_alphanumeric();
            if before_ok && after_ok {
                mentions.push(Mention {
                    text: surface.to_string(),
                    field: Field::Body,
                    start,
                    end,
                    kind: *kind,
                });
            }
            from = end;
        }
        if let Some(t) = out.iter_mut().find(|t| t.code == *code) {
            t.mentions.extend(mentions);
        } else {
            out.push(CountryTag {
                code: code.to_string(),
                name: code.to_string(),
                salience: 0.5,
                primary: false,
                mentions,
            });
        }
    }
    out
}

use MentionKind::{Abbreviation as Abbr, Capital, Demonym, Name, Seat};

type Rel = (String, String, SanctionAction, bool);

/// (imposer, target, action, negated) pairs; a missing side is "-".
fn rels(body: &str, specs: &[(&str, &str, MentionKind)]) -> Vec<Rel> {
    let events = extractor().extract("", body, &tags(body, specs));
    let mut out = Vec::new();
    for e in events {
        let imps = if e.imposers.is_empty() {
            vec!["-".to_string()]
        } else {
            e.imposers.clone()
        };
        let tgts = if e.targets.is_empty() {
            vec!["-".to_string()]
        } else {
            e.targets.clone()
        };
        for i in &imps {
            for t in &tgts {
                out.push((i.clone(), t.clone(), e.action, e.negated));
            }
        }
    }
    out.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    out
}

fn r(i: &str, t: &str, a: SanctionAction, n: bool) -> Rel {
    (i.to_string(), t.to_string(), a, n)
}

use SanctionAction::{Evade, Impose, Lift, Oppose, Threaten};

#[test]
fn imposes_with_subject_and_target() {
    let body = "The United States imposed sanctions on Iran on Monday.";
    assert_eq!(
        rels(body, &[("US", "United States", Name), ("IR", "Iran", Name)]),
        vec![r("US", "IR", Impose, false)]
    );
}

#[test]
fn metonyms_resolve_through_country_mentions() {
    let body = "Washington slapped fresh sanctions on Moscow after the attack.";
    assert_eq!(
        rels(
            body,
            &[("US", "Washington", Capital), ("RU", "Moscow", Capital)]
        ),
        vec![r("US", "RU", Impose, false)]
    );
    let body = "The White House said the Kremlin would face new sanctions.";
    let got = rels(
        body,
        &[("US", "White House", Seat), ("RU", "Kremlin", Seat)],
    );
    assert!(got.iter().any(|x| x.1 == "RU"), "{got:?}");
}

#[test]
fn premodifier_imposers_and_blocs() {
    let body = "U.S. sanctions against Venezuela remain in force.";
    assert_eq!(
        rels(body, &[("US", "U.S.", Abbr), ("VE", "Venezuela", Name)]),
        vec![r("US", "VE", Impose, false)]
    );
    let body = "The EU's 14th package of sanctions targets Russian LNG.";
    let got = rels(body, &[("RU", "Russian", Demonym)]);
    assert_eq!(got, vec![r("EU", "RU", Impose, false)]);
    let body = "Brussels adopted new sanctions on Belarus.";
    assert_eq!(
        rels(
            body,
            &[("BE", "Brussels", Capital), ("BY", "Belarus", Name)]
        ),
        vec![r("EU", "BY", Impose, false)]
    );
    let body = "The G7 agreed a price cap on Russian oil.";
    assert_eq!(
        rels(body, &[("RU", "Russian", Demonym)]),
        vec![r("G7", "RU", Impose, false)]
    );
    let body = "ECOWAS lifted sanctions on Niger.";
    assert_eq!(
        rels(body, &[("NE", "Niger", Name)]),
        vec![r("ECOWAS", "NE", Lift, false)]
    );
}

#[test]
fn bare_country_premodifier_is_the_target() {
    let body = "Iran sanctions were tightened by the Treasury.";
    assert_eq!(
        rels(body, &[("IR", "Iran", Name)]),
        vec![r("US", "IR", Impose, false)]
    );
}

#[test]
fn seed_sentence_not_joined_gives_oppose_and_regime() {
    let body = "Turkey has not joined Western sanctions against Russia but has been active in mediation efforts since Russia invaded Ukraine in February.";
    let got = rels(
        body,
        &[
            ("TR", "Turkey", Name),
            ("RU", "Russia", Name),
            ("UA", "Ukraine", Name),
        ],
    );
    assert_eq!(
        got,
        vec![r("TR", "RU", Oppose, false), r("WEST", "RU", Impose, false)]
    );
}

#[test]
fn negation_sets_negated() {
    let body = "Japan will not impose sanctions on China, the minister said.";
    assert_eq!(
        rels(body, &[("JP", "Japan", Name), ("CN", "China", Name)]),
        vec![r("JP", "CN", Impose, true)]
    );
    let body = "India did not lift its embargo on Pakistan.";
    assert_eq!(
        rels(body, &[("IN", "India", Name), ("PK", "Pakistan", Name)]),
        vec![r("IN", "PK", Lift, true)]
    );
    let body = "Brazil has no plans to impose sanctions on Russia.";
    assert_eq!(
        rels(body, &[("BR", "Brazil", Name), ("RU", "Russia", Name)]),
        vec![r("BR", "RU", Impose, true)]
    );
}

#[test]
fn threats_and_modals() {
    let body = "Britain threatened sanctions against Iran over the drones.";
    assert_eq!(
        rels(body, &[("GB", "Britain", Name), ("IR", "Iran", Name)]),
        vec![r("GB", "IR", Threaten, false)]
    );
    let body = "Canada could impose sanctions on Eritrea next month.";
    assert_eq!(
        rels(body, &[("CA", "Canada", Name), ("ER", "Eritrea", Name)]),
        vec![r("CA", "ER", Threaten, false)]
    );
}

#[test]
fn evasion_roles() {
    let body = "Iran has helped Russia evade Western sanctions, officials said.";
    let got = rels(body, &[("IR", "Iran", Name), ("RU", "Russia", Name)]);
    assert_eq!(got, vec![r("WEST", "RU", Evade, false)]);
}

#[test]
fn oppose_roles() {
    let body = "China condemned the U.S. sanctions on Iran as illegal.";
    let got = rels(
        body,
        &[
            ("CN", "China", Name),
            ("US", "U.S.", Abbr),
            ("IR", "Iran", Name),
        ],
    );
    assert_eq!(
        got,
        vec![r("CN", "IR", Oppose, false), r("US", "IR", Impose, false)]
    );
}

#[test]
fn passive_subject_is_the_target() {
    let body = "Russia was hit with sweeping sanctions by the European Union.";
    assert_eq!(
        rels(body, &[("RU", "Russia", Name)]),
        vec![r("EU", "RU", Impose, false)]
    );
    let body = "North Korea remains under UN sanctions.";
    assert_eq!(
        rels(body, &[("KP", "North Korea", Name)]),
        vec![r("UN", "KP", Impose, false)]
    );
}

#[test]
fn following_sentence_inherits_roles() {
    let body = "The EU imposed sanctions on Belarus in June. The measures were lifted in 2025.";
    assert_eq!(
        rels(body, &[("BY", "Belarus", Name)]),
        vec![r("EU", "BY", Impose, false), r("EU", "BY", Lift, false)]
    );
    let body = "Canada imposed sanctions on Myanmar. Myanmar condemned the sanctions.";
    assert_eq!(
        rels(body, &[("CA", "Canada", Name), ("MM", "Myanmar", Name)]),
        vec![r("CA", "MM", Impose, false), r("MM", "MM", Oppose, false)]
    );
}

#[test]
fn measures_without_a_previous_event_are_nothing() {
    let body = "The measures were lifted in 2025 by France.";
    assert!(rels(body, &[("FR", "France", Name)]).is_empty());
}

#[test]
fn sectors_and_programs() {
    let body = "The United States imposed sanctions on Turkey's defence industry under CAATSA.";
    let t = tags(
        body,
        &[("US", "United States", Name), ("TR", "Turkey", Name)],
    );
    let ev = extractor().extract("", body, &t);
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].sectors, vec!["defence industry"]);
    assert_eq!(ev[0].programs, vec!["CAATSA"]);
    let body = "The EU extended Council Regulation (EU) No 833/2014 on Russian banks.";
    let ev = extractor().extract("", body, &tags(body, &[("RU", "Russian", Demonym)]));
    assert_eq!(ev[0].programs, vec!["EU Regulation 833/2014"]);
    assert_eq!(ev[0].imposers, vec!["EU"]);
    assert_eq!(ev[0].sectors, vec!["banking"]);
    let body = "Resolution 1718 imposed an arms embargo on North Korea.";
    let ev = extractor().extract("", body, &tags(body, &[("KP", "North Korea", Name)]));
    assert_eq!(ev[0].programs, vec!["UNSCR 1718"]);
    assert_eq!(ev[0].imposers, vec!["UN"]);
    assert_eq!(ev[0].sectors, vec!["arms"]);
}

#[test]
fn evidence_is_the_clause() {
    let body = "Markets fell. Australia imposed sanctions on Iran. Stocks rose.";
    let t = tags(body, &[("AU", "Australia", Name), ("IR", "Iran", Name)]);
    let ev = extractor().extract("", body, &t);
    assert_eq!(
        &body[ev[0].evidence.start..ev[0].evidence.end],
        "Australia imposed sanctions on Iran"
    );
    let body = "Australia imposed sanctions on Iran, but markets shrugged the news off.";
    let t = tags(body, &[("AU", "Australia", Name), ("IR", "Iran", Name)]);
    let ev = extractor().extract("", body, &t);
    assert_eq!(
        &body[ev[0].evidence.start..ev[0].evidence.end],
        "Australia imposed sanctions on Iran"
    );
}

#[test]
fn approval_sense_is_not_sanctions() {
    let body = "Brazil hosted a FIFA-sanctioned match against Argentina.";
    assert!(rels(body, &[("BR", "Brazil", Name), ("AR", "Argentina", Name)]).is_empty());
    let body = "Britain's regulator sanctioned the merger with a French rival.";
    assert!(rels(body, &[("GB", "Britain", Name), ("FR", "French", Demonym)]).is_empty());
    let body = "The board sanctioned the merger on Tuesday.";
    assert!(rels(body, &[]).is_empty());
}

#[test]
fn sports_bans_are_not_sanctions() {
    let body = "The IOC imposed sanctions on Russia's Olympic committee over doping.";
    assert!(rels(body, &[("RU", "Russia", Name)]).is_empty());
    let body = "UEFA banned Russian clubs from the Champions League.";
    assert!(rels(body, &[("RU", "Russian", Demonym)]).is_empty());
}

#[test]
fn western_place_names_are_not_the_bloc() {
    let body = "Morocco faces no sanctions over Western Sahara.";
    let got = rels(
        body,
        &[("MA", "Morocco", Name), ("EH", "Western Sahara", Name)],
    );
    assert!(got.iter().all(|x| x.0 != "WEST"), "{got:?}");
}

#[test]
fn export_controls_only_when_punitive() {
    let body = "Washington imposed export controls on China's chip industry.";
    let got = rels(
        body,
        &[("US", "Washington", Capital), ("CN", "China", Name)],
    );
    assert_eq!(got, vec![r("US", "CN", Impose, false)]);
    let body = "Japan's export controls office processes licence requests from Korea.";
    assert!(rels(body, &[("JP", "Japan", Name), ("KR", "Korea", Name)]).is_empty());
}

#[test]
fn seed_story_end_to_end() {
    let seed = include_str!("../../../tests/fixtures/reuters-s400.txt");
    let (title, body) = seed.split_once('\n').unwrap();
    let out = Enricher::new().enrich(Article::from_text("seed", title, body));
    let w: Vec<(&str, &str, Option<&str>)> = out
        .weapons
        .iter()
        .map(|w| (w.name.as_str(), w.category.as_str(), w.origin.as_deref()))
        .collect();
    assert!(w.contains(&("S-400", "air_defence", Some("RU"))), "{w:?}");
    assert!(w.contains(&("F-35", "fighter", Some("US"))), "{w:?}");
    assert_eq!(w.len(), 2, "{w:?}");
    let s = &out.sanctions;
    let us_tr = s
        .iter()
        .find(|e| e.imposers == ["US"] && e.targets == ["TR"] && e.action == Impose)
        .expect("US imposes on TR");
    assert!(!us_tr.negated);
    assert!(us_tr.sectors.contains(&"defence industry".to_string()));
    assert_eq!(us_tr.programs, vec!["CAATSA"]);
    assert!(s.iter().any(|e| e.imposers == ["WEST"]
        && e.targets == ["RU"]
        && e.action == Impose
        && !e.negated));
    assert!(s
        .iter()
        .any(|e| e.imposers == ["TR"] && e.targets == ["RU"] && e.action == Oppose));
    let ongoing = body.find("The process is ongoing").unwrap();
    for e in s {
        assert!(
            !(e.evidence.start <= ongoing && ongoing < e.evidence.end),
            "event from 'The process is ongoing': {e:?}"
        );
    }
    assert_eq!(s.len(), 3, "{s:#?}");
}

#[test]
fn never_panics_on_odd_input() {
    let long = "sanctions on ".repeat(500);
    for body in [
        "",
        "sanctions",
        "the measures",
        "Resolution",
        "resolution 12345678901234567890",
        "833/2014",
        "é/2014 regulation ü 12/2014",
        "’s sanctions n’t",
        "-sanctioned",
        long.as_str(),
        "Sanctions.\n\n.The measures. The sanctions; but while",
    ] {
        let t = tags(body, &[("RU", "Russia", Name)]);
        let _ = extractor().extract(body, body, &t);
    }
}

#[test]
fn object_of_a_lift_verb_is_the_target() {
    let body = "The United States removed Cuba from the list, easing sanctions.";
    assert_eq!(
        rels(body, &[("US", "United States", Name), ("CU", "Cuba", Name)]),
        vec![r("US", "CU", Lift, false)]
    );
}

#[test]
fn headline_passive() {
    let body = "Russia sanctioned over grain deal";
    assert_eq!(
        rels(body, &[("RU", "Russia", Name)]),
        vec![r("-", "RU", Impose, false)]
    );
}

#[test]
fn relative_clause_subject() {
    let body = "Troops moved to Belarus, which remains under EU sanctions for its role.";
    assert_eq!(
        rels(body, &[("BY", "Belarus", Name)]),
        vec![r("EU", "BY", Impose, false)]
    );
}

#[test]
fn a_speaker_is_not_the_imposer() {
    let body = "The Kremlin said new U.S. sanctions on Russian banks would change nothing.";
    let got = rels(
        body,
        &[
            ("RU", "Kremlin", Seat),
            ("US", "U.S.", Abbr),
            ("RU", "Russian", Demonym),
        ],
    );
    assert_eq!(got, vec![r("US", "RU", Impose, false)]);
}

#[test]
fn called_on_x_to_lift() {
    let body = "South Africa called on the United States to lift sanctions on Zimbabwe.";
    let got = rels(
        body,
        &[
            ("ZA", "South Africa", Name),
            ("US", "United States", Name),
            ("ZW", "Zimbabwe", Name),
        ],
    );
    assert_eq!(got, vec![r("US", "ZW", Lift, false)]);
}

#[test]
fn threatened_to_impose_is_a_threat() {
    let body = "The EU threatened to suspend visas and to impose sanctions on Georgian officials.";
    assert_eq!(
        rels(body, &[("GE", "Georgian", Demonym)]),
        vec![r("EU", "GE", Threaten, false)]
    );
}

#[test]
fn refusal_to_enforce_keeps_the_regime() {
    let body = "Turkey said it would not enforce Western sanctions on Russian grain.";
    let got = rels(body, &[("TR", "Turkey", Name), ("RU", "Russian", Demonym)]);
    assert_eq!(
        got,
        vec![r("TR", "RU", Impose, true), r("WEST", "RU", Impose, false)]
    );
}

#[test]
fn two_triggers_in_one_sentence_get_their_own_roles() {
    let body = "Britain imposed sanctions on tankers in Russia's shadow fleet, which help Moscow evade the G7 oil price cap.";
    let got = rels(
        body,
        &[
            ("GB", "Britain", Name),
            ("RU", "Russia", Name),
            ("RU", "Moscow", Capital),
        ],
    );
    assert!(got.contains(&r("G7", "RU", Evade, false)), "{got:?}");
}

#[test]
fn a_preposition_far_from_the_trigger_is_not_a_target() {
    let body = "The European Union imposed sanctions on Friday on eight Iranian companies it accused of supplying drones to Russia for use in the war against Ukraine.";
    let got = rels(
        body,
        &[
            ("IR", "Iranian", Demonym),
            ("RU", "Russia", Name),
            ("UA", "Ukraine", Name),
        ],
    );
    assert_eq!(got, vec![r("EU", "IR", Impose, false)]);
}

#[test]
fn a_place_in_a_coordination_is_not_a_subject() {
    let body = "Britain imposed sanctions on Belarus. The firms used intermediaries in the United Arab Emirates and Kazakhstan to evade the restrictions.";
    let got = rels(
        body,
        &[
            ("GB", "Britain", Name),
            ("BY", "Belarus", Name),
            ("AE", "United Arab Emirates", Name),
            ("KZ", "Kazakhstan", Name),
        ],
    );
    assert!(got.iter().all(|x| x.1 != "KZ" && x.1 != "AE"), "{got:?}");
}
