//! Decoding a record's JSON payload on the consumer side, with the error codes that go into
//! DLQ headers and metrics.
//!
//! Pure and I/O-free so that the fuzz targets (`fuzz/`) can drive exactly the code a consumer
//! runs: the schema-header check, the UTF-8 check and the JSON decode.

use serde::de::DeserializeOwned;

/// The record's schema header names another schema (or another version of it).
pub const SCHEMA_VERSION: &str = "schema_version";
/// The payload is not UTF-8.
pub const INVALID_UTF8: &str = "invalid_utf8";
/// The payload is not JSON (syntax error or truncated).
pub const INVALID_JSON: &str = "invalid_json";
/// The payload is JSON but not a record of the expected schema.
pub const SCHEMA_VIOLATION: &str = "schema_violation";

/// Why a payload could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct DecodeError {
    /// One of [`SCHEMA_VERSION`], [`INVALID_UTF8`], [`INVALID_JSON`], [`SCHEMA_VIOLATION`].
    pub code: &'static str,
    /// What was wrong, for logs and the DLQ's error-message header.
    pub message: String,
}

impl DecodeError {
    fn new(code: &'static str, message: String) -> Self {
        DecodeError { code, message }
    }
}

/// Decodes `payload` as a `T` of schema `expected`.
///
/// `schema_header` is the record's schema header, if it has one: a record without it is
/// decoded as `expected` (producers before the header existed did not set it).
pub fn decode<T: DeserializeOwned>(
    schema_header: Option<&str>,
    expected: &str,
    payload: &[u8],
) -> Result<T, DecodeError> {
    if let Some(found) = schema_header {
        if found != expected {
            let message = format!("expected schema {expected}, record says {found}");
            return Err(DecodeError::new(SCHEMA_VERSION, message));
        }
    }
    let text = std::str::from_utf8(payload)
        .map_err(|e| DecodeError::new(INVALID_UTF8, format!("payload is not UTF-8: {e}")))?;
    serde_json::from_str(text).map_err(|e| {
        let code = if e.is_syntax() || e.is_eof() {
            INVALID_JSON
        } else {
            SCHEMA_VIOLATION
        };
        DecodeError::new(code, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::ARTICLE_SCHEMA;
    use crate::Article;

    fn code(header: Option<&str>, payload: &[u8]) -> &'static str {
        decode::<Article>(header, ARTICLE_SCHEMA, payload)
            .unwrap_err()
            .code
    }

    #[test]
    fn each_failure_has_its_code() {
        assert_eq!(code(Some("article/999"), b"{}"), SCHEMA_VERSION);
        assert_eq!(code(None, &[0xff, 0xfe]), INVALID_UTF8);
        assert_eq!(code(None, b"{not json"), INVALID_JSON);
        assert_eq!(code(None, b"{\"id\": \"a\""), INVALID_JSON);
        assert_eq!(code(None, b"{\"id\": 5}"), SCHEMA_VIOLATION);
    }

    #[test]
    fn a_record_written_before_target_entities_still_decodes() {
        use crate::topics::ENRICHED_SCHEMA;
        use crate::EnrichedArticle;
        let old = br#"{"id": "a", "feed_id": "f", "feed_url": "u", "title": "t", "body": "b",
            "fetched_at": "2022-08-16T00:00:00Z", "countries": [], "weapons": [],
            "weapon_classes": [], "enrichment": {"engine_version": "0.1.0",
            "gazetteer_version": "g", "took_us": 1},
            "sanctions": [{"imposers": ["US"], "targets": ["TR"], "action": "impose",
                "negated": false, "sectors": [], "programs": [],
                "evidence": {"field": "body", "start": 0, "end": 1}}]}"#;
        let rec: EnrichedArticle = decode(Some(ENRICHED_SCHEMA), ENRICHED_SCHEMA, old).unwrap();
        assert!(rec.sanctions[0].target_entities.is_empty());
        assert_eq!(rec.sanctions[0].targets, vec!["TR"]);
    }

    #[test]
    fn decodes_with_or_without_the_header() {
        let article = Article::from_text("id1", "t", "b");
        let json = serde_json::to_vec(&article).unwrap();
        let with: Article = decode(Some(ARTICLE_SCHEMA), ARTICLE_SCHEMA, &json).unwrap();
        let without: Article = decode(None, ARTICLE_SCHEMA, &json).unwrap();
        assert_eq!(with, article);
        assert_eq!(without, article);
    }
}
