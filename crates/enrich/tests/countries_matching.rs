//! Matching: longest match, possessives, hyphenated forms, diacritics, curly apostrophes, case
//! rules, abbreviations, former names, demonyms, seats, datelines.

use std::sync::OnceLock;

use newswire_enrich::countries::CountryMatcher;
use newswire_model::{CountryTag, Field, MentionKind};

fn matcher() -> &'static CountryMatcher {
    static M: OnceLock<CountryMatcher> = OnceLock::new();
    M.get_or_init(CountryMatcher::new)
}

fn codes(body: &str) -> Vec<String> {
    let mut c: Vec<String> = matcher()
        .extract("", body)
        .into_iter()
        .map(|t| t.code)
        .collect();
    c.sort();
    c
}

/// (code, text, kind) of every mention, in text order.
fn mentions(title: &str, body: &str) -> Vec<(String, String, MentionKind)> {
    let tags: Vec<CountryTag> = matcher().extract(title, body);
    let mut all: Vec<(Field, usize, String, String, MentionKind)> = tags
        .iter()
        .flat_map(|t| {
            t.mentions
                .iter()
                .map(|m| (m.field, m.start, t.code.clone(), m.text.clone(), m.kind))
        })
        .collect();
    all.sort_by_key(|a| (a.0, a.1));
    all.into_iter().map(|(_, _, c, t, k)| (c, t, k)).collect()
}

#[track_caller]
fn assert_codes(body: &str, expected: &[&str]) {
    assert_eq!(codes(body), expected, "in: {body}");
}

#[test]
fn longest_match_wins() {
    assert_codes("Guinea-Bissau held elections.", &["GW"]);
    assert_codes("Papua New Guinea signed the pact.", &["PG"]);
    assert_codes("Equatorial Guinea fined them.", &["GQ"]);
    assert_codes("Niger and Nigeria share a border.", &["NE", "NG"]);
    assert_codes("Nigerien and Nigerian troops met.", &["NE", "NG"]);
    assert_codes("Dominica is not the Dominican Republic.", &["DM", "DO"]);
    assert_codes("South Sudan split from Sudan.", &["SD", "SS"]);
    assert_codes("American Samoa and Samoa met.", &["AS", "WS"]);
    let m = mentions("", "Papua New Guinea");
    assert_eq!(
        m,
        [("PG".into(), "Papua New Guinea".into(), MentionKind::Name)]
    );
}

#[test]
fn possessives_and_hyphens() {
    let m = mentions(
        "",
        "Turkey's Turkish-made drones, the U.S.-led coalition and the Russia-Ukraine war",
    );
    let got: Vec<(&str, &str)> = m.iter().map(|(c, t, _)| (c.as_str(), t.as_str())).collect();
    assert_eq!(
        got,
        [
            ("TR", "Turkey"),
            ("TR", "Turkish"),
            ("US", "U.S."),
            ("RU", "Russia"),
            ("UA", "Ukraine")
        ]
    );
    assert_codes("Russia’s war and Turkey’s role", &["RU", "TR"]);
    assert_codes("Russia–Ukraine talks", &["RU", "UA"]);
    assert_codes("Russians and Turks", &["RU", "TR"]);
}

#[test]
fn diacritics_and_curly_apostrophes() {
    assert_codes("Türkiye and Turkiye", &["TR"]);
    assert_codes("Côte d’Ivoire, Côte d'Ivoire and Cote d'Ivoire", &["CI"]);
    assert_codes("São Tomé and Príncipe", &["ST"]);
    assert_codes("Curaçao and Curacao", &["CW"]);
    // No Latin-1 folding where it would make a common word: "Male" is not Malé.
    assert_codes("Male voters turned out.", &[]);
    assert_codes("The president flew to Malé.", &["MV"]);
}

#[test]
fn case_rules() {
    assert_codes("Let us know", &[]);
    assert_codes("The US and the U.S.A.", &["US"]);
    assert_codes("TURKEY AND RUSSIA SIGN DEAL", &["RU", "TR"]);
    assert_codes("turkey and china", &[]);
    assert_codes("the Democratic Republic Of The Congo", &["CD"]);
    assert_codes("Oman, not a woman", &["OM"]);
}

#[test]
fn names_of_every_kind() {
    let m = mentions(
        "",
        "Burma, the Kremlin, Downing Street, the Élysée, Czechia, Eswatini, the UAE, Kyiv, Kiev, \
         the USSR and North Macedonia",
    );
    let got: Vec<(&str, &str, MentionKind)> = m
        .iter()
        .map(|(c, t, k)| (c.as_str(), t.as_str(), *k))
        .collect();
    assert_eq!(
        got,
        [
            ("MM", "Burma", MentionKind::FormerName),
            ("RU", "Kremlin", MentionKind::Seat),
            ("GB", "Downing Street", MentionKind::Seat),
            ("FR", "Élysée", MentionKind::Seat),
            ("CZ", "Czechia", MentionKind::Name),
            ("SZ", "Eswatini", MentionKind::Name),
            ("AE", "UAE", MentionKind::Abbreviation),
            ("UA", "Kyiv", MentionKind::Capital),
            ("UA", "Kiev", MentionKind::Capital),
            ("RU", "USSR", MentionKind::FormerName),
            ("MK", "North Macedonia", MentionKind::Name),
        ]
    );
    assert_codes(
        "Swaziland, Zaire, Yugoslavia, Czechoslovakia, the Soviet Union",
        &["CD", "CZ", "RS", "RU", "SZ"],
    );
    assert_codes(
        "Britain, the UK, Great Britain, England and Scotland",
        &["GB"],
    );
    assert_codes("Xi flew from Beijing to Tehran", &["CN", "IR"]);
    assert_codes("Kosovo and Palestine", &["PS", "XK"]);
}

#[test]
fn cities_have_lower_weight_than_names() {
    let tags = matcher().extract("", "Shanghai markets fell. Japan said its markets rose.");
    assert_eq!(tags[0].code, "JP");
    assert_eq!(tags[1].code, "CN");
    assert_eq!(tags[1].mentions[0].kind, MentionKind::City);
    assert!(tags[0].salience > tags[1].salience);
}

#[test]
fn datelines_are_recorded_but_never_primary_by_themselves() {
    for body in [
        "LONDON, Aug 16 (Reuters) – Russia and Turkey signed a deal.",
        "LONDON, Aug 16 (Reuters) - Russia and Turkey signed a deal.",
        "LONDON (AP) -- Russia and Turkey signed a deal.",
        "LONDON — Russia and Turkey signed a deal.",
    ] {
        let tags = matcher().extract("Russia and Turkey sign deal", body);
        let gb = tags.iter().find(|t| t.code == "GB").expect(body);
        assert!(!gb.primary, "{body}");
        assert_eq!(gb.mentions.len(), 1);
        assert_eq!(gb.mentions[0].kind, MentionKind::Dateline);
        assert_eq!(gb.mentions[0].text, "LONDON");
        assert!(tags.iter().filter(|t| t.primary).count() == 2, "{body}");
    }
    // A dateline naming the country as well.
    let tags = matcher().extract(
        "",
        "KYIV, Ukraine (AP) — Drones hit Russia's Belgorod region.",
    );
    let ua = tags.iter().find(|t| t.code == "UA").unwrap();
    assert!(ua.mentions.iter().all(|m| m.kind == MentionKind::Dateline));
    assert!(!ua.primary);
    let ru = tags.iter().find(|t| t.code == "RU").unwrap();
    assert!(ru.primary);
}

#[test]
fn title_outranks_body_and_is_primary() {
    let tags = matcher().extract(
        "Kenya sends police to Haiti",
        "The first officers left Nairobi on Monday. Funding came mostly from the United States.",
    );
    let order: Vec<&str> = tags.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(order[..2], ["KE", "HT"]);
    let primary: Vec<&str> = tags
        .iter()
        .filter(|t| t.primary)
        .map(|t| t.code.as_str())
        .collect();
    assert_eq!(primary, ["KE", "HT"]);
}
