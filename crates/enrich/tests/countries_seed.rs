//! The seed story (tests/fixtures/reuters-s400.txt at the repository root): TR, RU and US are
//! primary, UA is mentioned but not primary, GB appears only through the dateline, and NATO is
//! not a country.

use newswire_enrich::countries::CountryMatcher;
use newswire_model::{CountryTag, Field, MentionKind};

const SEED: &str = include_str!("../../../tests/fixtures/reuters-s400.txt");

fn seed() -> (&'static str, &'static str) {
    SEED.split_once('\n').unwrap_or(("", SEED))
}

fn tag<'a>(tags: &'a [CountryTag], code: &str) -> Option<&'a CountryTag> {
    tags.iter().find(|t| t.code == code)
}

#[test]
fn seed_story_primaries() {
    let (title, body) = seed();
    let tags = CountryMatcher::new().extract(title, body);
    for t in &tags {
        eprintln!(
            "{} {} {:.3} {} {:?}",
            t.code,
            t.name,
            t.salience,
            t.primary,
            t.mentions
                .iter()
                .map(|m| (&m.text[..], m.kind))
                .collect::<Vec<_>>()
        );
    }
    let primaries: Vec<&str> = tags
        .iter()
        .filter(|t| t.primary)
        .map(|t| t.code.as_str())
        .collect();
    let mut sorted = primaries.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["RU", "TR", "US"]);

    let ua = tag(&tags, "UA").expect("Ukraine is mentioned");
    assert!(!ua.primary);

    let gb = tag(&tags, "GB").expect("the London dateline is recorded");
    assert!(!gb.primary);
    assert!(gb.mentions.iter().all(|m| m.kind == MentionKind::Dateline));
    assert_eq!(gb.mentions.len(), 1);
    assert_eq!(gb.mentions[0].text, "LONDON");

    let codes: Vec<&str> = tags.iter().map(|t| t.code.as_str()).collect();
    let mut set = codes.clone();
    set.sort_unstable();
    assert_eq!(set, ["GB", "RU", "TR", "UA", "US"], "NATO and nothing else");
}

#[test]
fn seed_story_sorted_by_salience_and_offsets_exact() {
    let (title, body) = seed();
    let tags = CountryMatcher::new().extract(title, body);
    assert!(tags.windows(2).all(|w| w[0].salience >= w[1].salience));
    assert_eq!(tags[0].salience, 1.0);
    for t in &tags {
        assert!((0.0..=1.0).contains(&t.salience));
        for m in &t.mentions {
            let text = if m.field == Field::Title { title } else { body };
            assert_eq!(&text[m.start..m.end], m.text);
        }
    }
    // Mentions a sanctions extractor relies on: capitals and demonyms, curly possessives.
    let tr = tag(&tags, "TR").unwrap();
    assert!(tr
        .mentions
        .iter()
        .any(|m| m.text == "Ankara" && m.kind == MentionKind::Capital));
    assert!(tr
        .mentions
        .iter()
        .any(|m| m.text == "Turkish" && m.field == Field::Title));
    let us = tag(&tags, "US").unwrap();
    assert!(us
        .mentions
        .iter()
        .any(|m| m.text == "Washington" && m.kind == MentionKind::Capital));
    assert_eq!(
        us.mentions
            .iter()
            .filter(|m| m.text == "United States")
            .count(),
        2
    );
    let ru = tag(&tags, "RU").unwrap();
    assert!(ru
        .mentions
        .iter()
        .any(|m| m.text == "Russia" && body[m.end..].starts_with('’')));
}
