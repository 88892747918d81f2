//! Arbitrary payloads and schema headers through the consumer-side decoder
//! (`newswire_model::wire::decode`), as article and as enriched article.
//!
//! The first byte picks the schema header (none, the right one, another); the rest is the
//! payload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newswire_model::topics::{ARTICLE_SCHEMA, ENRICHED_SCHEMA};
use newswire_model::wire::{self, DecodeError};
use newswire_model::{Article, EnrichedArticle};

const CODES: &[&str] = &[
    wire::SCHEMA_VERSION,
    wire::INVALID_UTF8,
    wire::INVALID_JSON,
    wire::SCHEMA_VIOLATION,
];

fn header(pick: u8, expected: &'static str) -> Option<&'static str> {
    match pick % 3 {
        0 => None,
        1 => Some(expected),
        _ => Some("article/0"),
    }
}

fn check_error(err: &DecodeError) {
    assert!(CODES.contains(&err.code), "unknown code {err}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, payload)) = data.split_first() else {
        return;
    };
    match wire::decode::<Article>(header(pick, ARTICLE_SCHEMA), ARTICLE_SCHEMA, payload) {
        // What a consumer decoded, it can re-encode, and that decodes to the same article.
        Ok(article) => {
            let json = serde_json::to_vec(&article).expect("an Article always serialises");
            let again: Article = wire::decode(None, ARTICLE_SCHEMA, &json).expect("re-decode");
            assert_eq!(again, article);
        }
        Err(e) => check_error(&e),
    }
    match wire::decode::<EnrichedArticle>(header(pick, ENRICHED_SCHEMA), ENRICHED_SCHEMA, payload) {
        Ok(enriched) => {
            let json = serde_json::to_vec(&enriched).expect("an EnrichedArticle always serialises");
            let again = wire::decode::<EnrichedArticle>(None, ENRICHED_SCHEMA, &json);
            assert!(
                again.is_ok(),
                "re-encoded record does not decode: {again:?}"
            );
        }
        Err(e) => check_error(&e),
    }
});
