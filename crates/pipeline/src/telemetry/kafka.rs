//! librdkafka's statistics as metrics: each client's summary ([`KafkaStats`]) into the
//! `newswire_kafka_*` families.

use std::collections::HashMap;

use newswire_bus::kafka::KafkaStats;

use super::{BrokerLabels, ClientLabels, ClientPartitionLabels, Metrics};

/// Totals last reported by each librdkafka client instance, to turn them into counter increments.
#[derive(Default)]
pub(super) struct KafkaSeen {
    /// Per instance: sent bytes, received bytes, rebalances.
    totals: HashMap<String, [u64; 3]>,
    /// Per client: the partitions of its last report (gauges of revoked ones are removed).
    partitions: HashMap<String, Vec<ClientPartitionLabels>>,
}

impl Metrics {
    /// Publishes one Kafka client's statistics.
    pub fn kafka_client(&self, stats: &KafkaStats) {
        let client = ClientLabels {
            client: stats.client.clone(),
        };
        let as_gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        self.kafka_queue_messages
            .get_or_create(&client)
            .set(as_gauge(stats.queued_messages));
        self.kafka_queue_bytes
            .get_or_create(&client)
            .set(as_gauge(stats.queued_bytes));
        self.kafka_reply_queue
            .get_or_create(&client)
            .set(as_gauge(stats.reply_queue));
        for broker in &stats.brokers {
            let labels = BrokerLabels {
                client: stats.client.clone(),
                broker: broker.broker.clone(),
            };
            self.kafka_broker_rtt
                .get_or_create(&labels)
                .set(broker.rtt_p99.as_secs_f64());
        }
        let mut seen = self.kafka_seen.lock().unwrap_or_else(|e| e.into_inner());
        self.kafka_totals(&mut seen, stats, &client);
        self.kafka_partitions(&mut seen, stats);
    }

    /// Adds what each total grew by since the instance's previous report.
    fn kafka_totals(&self, seen: &mut KafkaSeen, stats: &KafkaStats, client: &ClientLabels) {
        let now = [
            stats.sent_bytes,
            stats.received_bytes,
            stats.rebalances.unwrap_or(0),
        ];
        let last = seen.totals.entry(stats.instance.clone()).or_default();
        let grown: Vec<u64> = now
            .iter()
            .zip(last.iter())
            .map(|(n, l)| n.saturating_sub(*l))
            .collect();
        *last = now;
        self.kafka_sent_bytes.get_or_create(client).inc_by(grown[0]);
        self.kafka_received_bytes
            .get_or_create(client)
            .inc_by(grown[1]);
        if stats.rebalances.is_some() {
            self.kafka_rebalances.get_or_create(client).inc_by(grown[2]);
        }
    }

    /// Sets the fetch queue of each assigned partition; drops partitions no longer assigned.
    fn kafka_partitions(&self, seen: &mut KafkaSeen, stats: &KafkaStats) {
        let current: Vec<ClientPartitionLabels> = stats
            .partitions
            .iter()
            .map(|p| ClientPartitionLabels {
                client: stats.client.clone(),
                topic: p.topic.clone(),
                partition: p.partition.to_string(),
            })
            .collect();
        for (labels, p) in current.iter().zip(&stats.partitions) {
            self.kafka_fetch_queue
                .get_or_create(labels)
                .set(i64::try_from(p.fetch_queue_messages).unwrap_or(i64::MAX));
        }
        let before = seen
            .partitions
            .insert(stats.client.clone(), current.clone())
            .unwrap_or_default();
        for gone in before.iter().filter(|l| !current.contains(l)) {
            self.kafka_fetch_queue.remove(gone);
        }
    }
}
