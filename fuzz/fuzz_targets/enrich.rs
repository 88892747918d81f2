//! Arbitrary title and body (split at the first NUL byte, converted lossily to UTF-8) through
//! `Enricher::enrich`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use newswire_enrich::Enricher;
use newswire_model::{Article, EnrichedArticle, Evidence, Field, Mention};

fn field<'a>(article: &'a Article, which: Field) -> &'a str {
    match which {
        Field::Title => &article.title,
        Field::Body => &article.body,
    }
}

/// A mention's span lies in its field, on char boundaries, and covers exactly its text.
fn check_mention(article: &Article, m: &Mention) {
    let slice = field(article, m.field).get(m.start..m.end);
    assert_eq!(
        slice,
        Some(m.text.as_str()),
        "mention {m:?} does not match its span"
    );
    assert!(m.start < m.end, "empty mention {m:?}");
}

fn check_evidence(article: &Article, e: &Evidence) {
    let slice = field(article, e.field).get(e.start..e.end);
    assert!(
        slice.is_some(),
        "evidence {e:?} outside its field or off a char boundary"
    );
}

fn check(out: &EnrichedArticle) {
    let a = &out.article;
    let mentions = out.countries.iter().flat_map(|c| &c.mentions);
    let mentions = mentions.chain(out.weapons.iter().flat_map(|w| &w.mentions));
    for m in mentions.chain(out.weapon_classes.iter().flat_map(|w| &w.mentions)) {
        check_mention(a, m);
    }
    for event in &out.sanctions {
        check_evidence(a, &event.evidence);
    }
    for country in &out.countries {
        assert!(
            (0.0..=1.0).contains(&country.salience),
            "salience {country:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    static ENRICHER: OnceLock<Enricher> = OnceLock::new();
    let enricher = ENRICHER.get_or_init(Enricher::new);
    let (title, body) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let title = String::from_utf8_lossy(title);
    let body = String::from_utf8_lossy(body);
    check(&enricher.enrich(Article::from_text("fuzz", title, body)));
});
