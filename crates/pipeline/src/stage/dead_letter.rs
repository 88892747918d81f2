//! What a stage does with a record it can never process. Over Kafka the record goes to the
//! dead-letter topic (original key and bytes; origin, stage and reason in headers) and is
//! acknowledged once the DLQ has it, so the partition goes on; on the in-memory bus it is
//! logged and acknowledged. The stage decides after its own decode, so each record is decoded
//! once.

use std::sync::Arc;

use newswire_bus::{dlq, Delivery, Origin, Producer, Record};
use newswire_model::topics;

use super::codec::DecodeError;
use super::stats::Stats;
use crate::events::{RecordDeadLettered, RecordUndecodable};

/// Where a stage's undecodable records go: the dead-letter topic, or nowhere (logged).
#[derive(Clone, Default)]
pub struct DeadLetters {
    producer: Option<Arc<dyn Producer>>,
}

impl DeadLetters {
    /// Undecodable records go to `newswire.articles.dlq.v1` through `producer`.
    pub fn to_topic(producer: Arc<dyn Producer>) -> Self {
        DeadLetters {
            producer: Some(producer),
        }
    }

    /// Counts, reports and disposes of one delivery `stage` could not decode.
    pub async fn reject(
        &self,
        stage: &'static str,
        stats: &Stats,
        delivery: Delivery,
        err: DecodeError,
    ) {
        let Some(producer) = &self.producer else {
            RecordUndecodable {
                stage,
                origin: &delivery.origin,
                key: &delivery.record.key,
                error: &err,
            }
            .emit(stats);
            delivery.ack.ack();
            return;
        };
        let Delivery {
            record,
            origin,
            ack,
        } = delivery;
        let dead = letter(stage, stats, &record, &origin, &err);
        match producer.send(topics::DLQ, dead).await {
            Ok(receipt) => {
                tokio::spawn(async move {
                    match receipt.wait().await {
                        Ok(()) => ack.ack(),
                        Err(e) => {
                            ack.nack(format!("dead-letter queue did not take the record: {e}"))
                        }
                    }
                });
            }
            Err(e) => ack.nack(format!("cannot send to the dead-letter queue: {e}")),
        }
    }
}

/// The dead-letter record for a record `stage` could not decode, counted and logged: what
/// every path to the DLQ shares (the streaming stages and the exactly-once enrich path).
pub fn letter(
    stage: &'static str,
    stats: &Stats,
    record: &Record,
    origin: &Origin,
    err: &DecodeError,
) -> Record {
    RecordDeadLettered {
        stage,
        origin,
        key: &record.key,
        error: err,
    }
    .emit(stats);
    dlq::record(record, origin, stage, err.code, &err.message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stage::codec::decode_article;
    use crate::telemetry::Metrics;

    #[test]
    fn a_letter_keeps_the_record_and_counts_it_as_error_and_dead_letter() {
        let stats = Stats::new(Metrics::new(true), &["enrich"]);
        let record = Record::new("k1", b"{not json".to_vec());
        let origin = Origin {
            topic: topics::RAW.to_string(),
            partition: 2,
            offset: 7,
        };
        let err = decode_article(&record).unwrap_err();
        let dead = letter("enrich", &stats, &record, &origin, &err);
        assert_eq!(
            (dead.key.as_str(), dead.payload.as_slice()),
            ("k1", &b"{not json"[..])
        );
        assert_eq!(dead.header(dlq::headers::ERROR_CODE), Some("invalid_json"));
        assert_eq!(dead.header(dlq::headers::OFFSET), Some("7"));
        assert_eq!(Stats::get(&stats.decode_errors), 1);
        let text = stats.metrics.encode();
        assert!(
            text.contains(
                "newswire_dlq_records_total{stage=\"enrich\",error_code=\"invalid_json\"} 1"
            ),
            "{text}"
        );
    }
}
