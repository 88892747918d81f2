//! Records on the wire: JSON payloads and the headers every newswire record carries.

use newswire_bus::Record;
use newswire_model::topics::{headers, ARTICLE_SCHEMA, CONTENT_TYPE_JSON, ENRICHED_SCHEMA};
use newswire_model::{Article, EnrichedArticle};

/// Why a record could not be decoded; the code goes into DLQ headers and metrics.
#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct DecodeError {
    /// `invalid_utf8`, `invalid_json`, `schema_violation`, `schema_version`.
    pub code: &'static str,
    /// What exactly is wrong, for the log and the DLQ headers.
    pub message: String,
}

fn record(key: &str, payload: Vec<u8>, schema: &str, stage: &str) -> Record {
    Record::new(key, payload)
        .with_header(headers::CONTENT_TYPE, CONTENT_TYPE_JSON)
        .with_header(headers::SCHEMA, schema)
        .with_header(headers::STAGE, stage)
}

/// A raw article as the poll stage sends it.
pub fn encode_article(article: &Article) -> Record {
    let payload = serde_json::to_vec(article).expect("an Article always serialises");
    record(&article.id, payload, ARTICLE_SCHEMA, "poll")
        .with_header(headers::FEED, article.feed_id.clone())
}

/// An enriched article as the enrich stage sends it.
pub fn encode_enriched(enriched: &EnrichedArticle) -> Record {
    let payload = newswire_model::json::enriched_to_vec(enriched);
    let mut rec = record(&enriched.article.id, payload, ENRICHED_SCHEMA, "enrich");
    if !enriched.article.feed_id.is_empty() {
        rec = rec.with_header(headers::FEED, enriched.article.feed_id.clone());
    }
    rec
}

/// A raw article from its record, checked against the `article/1` schema.
pub fn decode_article(record: &Record) -> Result<Article, DecodeError> {
    decode(record, ARTICLE_SCHEMA)
}

/// An enriched article from its record, checked against the `enriched-article/1` schema.
pub fn decode_enriched(record: &Record) -> Result<EnrichedArticle, DecodeError> {
    decode(record, ENRICHED_SCHEMA)
}

fn decode<T: serde::de::DeserializeOwned>(record: &Record, schema: &str) -> Result<T, DecodeError> {
    newswire_model::wire::decode(record.header(headers::SCHEMA), schema, &record.payload).map_err(
        |e| DecodeError {
            code: e.code,
            message: e.message,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let article = Article::from_text("id1", "t", "b");
        let rec = encode_article(&article);
        assert_eq!(rec.key, "id1");
        assert_eq!(rec.header(headers::SCHEMA), Some(ARTICLE_SCHEMA));
        assert_eq!(decode_article(&rec).unwrap(), article);

        let garbage = Record::new("k", b"{not json".to_vec());
        assert_eq!(decode_article(&garbage).unwrap_err().code, "invalid_json");
        let wrong = Record::new("k", b"{\"title\": 5}".to_vec());
        assert_eq!(decode_article(&wrong).unwrap_err().code, "schema_violation");
        let bytes = Record::new("k", vec![0xff, 0xfe]);
        assert_eq!(decode_article(&bytes).unwrap_err().code, "invalid_utf8");
        let version =
            Record::new("k", rec.payload.clone()).with_header(headers::SCHEMA, "article/2");
        assert_eq!(decode_article(&version).unwrap_err().code, "schema_version");
    }
}
