//! What a stage does with a record it can never process. Over Kafka the record goes to the
//! dead-letter topic (original key and bytes; origin, stage and reason in headers) and is
//! acknowledged once the DLQ has it, so the partition goes on; on the in-memory bus it is
//! logged and acknowledged. The stage decides after its own decode, so each record is decoded
//! once.

use std::sync::Arc;

use newswire_bus::{dlq, Delivery, Producer};
use newswire_model::topics;

use super::codec::{log_undecodable, DecodeError};
use super::stats::Stats;
use crate::telemetry::ErrorLabels;

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
        stats.decode_error(stage, err.code);
        let Some(producer) = &self.producer else {
            log_undecodable(stage, &delivery.origin, &delivery.record.key, &err);
            delivery.ack.ack();
            return;
        };
        let Delivery {
            record,
            origin,
            ack,
        } = delivery;
        tracing::warn!(stage, topic = %origin.topic, partition = origin.partition,
            offset = origin.offset, key = %record.key, error_code = err.code, error = %err.message,
            "poison record sent to the dead-letter queue");
        let dead = dlq::record(&record, &origin, stage, err.code, &err.message);
        stats
            .metrics
            .dlq_records
            .get_or_create(&ErrorLabels {
                stage,
                error_code: err.code,
            })
            .inc();
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
