//! Dead-letter records: the original bytes and key of a record no stage could process, with
//! where it came from and why in headers. Transport-agnostic; the topic is the caller's.

use crate::{Origin, Record};

/// Header names on dead-letter records.
pub mod headers {
    /// The topic the record was read from.
    pub const TOPIC: &str = "newswire-dlq-topic";
    /// Its partition (decimal).
    pub const PARTITION: &str = "newswire-dlq-partition";
    /// Its offset (decimal).
    pub const OFFSET: &str = "newswire-dlq-offset";
    /// The stage that gave up on it (`enrich`, `sink`).
    pub const STAGE: &str = "newswire-dlq-stage";
    /// A stable machine-readable reason (`invalid_json`, `schema_violation`, ...).
    pub const ERROR_CODE: &str = "newswire-dlq-error-code";
    /// A human-readable reason.
    pub const ERROR_MESSAGE: &str = "newswire-dlq-error-message";
}

/// Longest error message kept in a header.
const MAX_MESSAGE: usize = 1024;

/// The dead-letter record for `original`: same key, same payload bytes, the original headers,
/// then the DLQ headers.
pub fn record(
    original: &Record,
    origin: &Origin,
    stage: &str,
    code: &str,
    message: &str,
) -> Record {
    let mut message = message.to_string();
    if message.len() > MAX_MESSAGE {
        let mut end = MAX_MESSAGE;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
    }
    let mut out = original.clone();
    // A record that failed before may carry old DLQ headers: the latest reason wins.
    out.headers.retain(|(k, _)| !k.starts_with("newswire-dlq-"));
    out.with_header(headers::TOPIC, origin.topic.clone())
        .with_header(headers::PARTITION, origin.partition.to_string())
        .with_header(headers::OFFSET, origin.offset.to_string())
        .with_header(headers::STAGE, stage)
        .with_header(headers::ERROR_CODE, code)
        .with_header(headers::ERROR_MESSAGE, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_bytes_key_and_names_the_origin() {
        let original =
            Record::new("k1", vec![0xff, b'{']).with_header("content-type", "application/json");
        let origin = Origin {
            topic: "raw".into(),
            partition: 3,
            offset: 42,
        };
        let dead = record(
            &original,
            &origin,
            "enrich",
            "invalid_utf8",
            &"é".repeat(2000),
        );
        assert_eq!(dead.key, "k1");
        assert_eq!(dead.payload, vec![0xff, b'{']);
        assert_eq!(dead.header("content-type"), Some("application/json"));
        assert_eq!(dead.header(headers::TOPIC), Some("raw"));
        assert_eq!(dead.header(headers::PARTITION), Some("3"));
        assert_eq!(dead.header(headers::OFFSET), Some("42"));
        assert_eq!(dead.header(headers::STAGE), Some("enrich"));
        assert_eq!(dead.header(headers::ERROR_CODE), Some("invalid_utf8"));
        assert!(dead.header(headers::ERROR_MESSAGE).unwrap().len() <= 1024);
    }
}
