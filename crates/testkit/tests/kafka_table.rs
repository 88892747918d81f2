//! The compacted-topic key/value table against a real Tansu broker: values read back in a new
//! table, the latest value of a key wins, tombstones delete, a key always lands in one
//! partition, and an unreachable broker fails the open with the topic named.

use std::collections::HashSet;
use std::time::Duration;

use newswire_bus::kafka::admin::{ensure_topics, TopicSpec};
use newswire_bus::kafka::rdkafka::producer::{FutureProducer, FutureRecord};
use newswire_bus::kafka::rdkafka::ClientConfig;
use newswire_bus::kafka::table::{KafkaTable, TableOptions};
use newswire_bus::kafka::KafkaSettings;
use newswire_testkit::kafka::read_topic;
use newswire_testkit::{free_port, Tansu};

const TOPIC: &str = "state.v1";

async fn open(
    settings: &KafkaSettings,
) -> (KafkaTable, std::collections::HashMap<String, Vec<u8>>) {
    let (table, contents) = KafkaTable::open(settings, TOPIC, |_| true, TableOptions::default())
        .await
        .unwrap();
    (table, contents.values)
}

/// A record without payload, as an operator would write to delete a key.
async fn tombstone(settings: &KafkaSettings, key: &str) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &settings.brokers)
        .set("partitioner", "murmur2_random")
        .create()
        .unwrap();
    producer
        .send(
            FutureRecord::<str, [u8]>::to(TOPIC).key(key),
            Duration::from_secs(30),
        )
        .await
        .map_err(|(e, _)| e)
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latest_values_survive_into_a_new_table() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    ensure_topics(&settings, &[TopicSpec::new(TOPIC, 3, 1).compacted()])
        .await
        .unwrap();

    let (table, values) = open(&settings).await;
    assert!(values.is_empty(), "a new topic is an empty table");
    for round in 0..3 {
        for key in ["feed-a", "feed-b", "feed-c", "gone"] {
            table
                .put(key, format!("{key}:{round}").into_bytes())
                .unwrap();
        }
        // Each round acknowledged before the next: every value reaches the topic.
        table.flush(Duration::from_secs(30)).await.unwrap();
    }
    assert_eq!(table.failed_puts(), 0);
    drop(table);
    tombstone(&settings, "gone").await;

    let (again, values) = open(&settings).await;
    let mut keys: Vec<&str> = values.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["feed-a", "feed-b", "feed-c"]);
    assert_eq!(values["feed-b"], b"feed-b:2");

    // Every value of a key went to one partition.
    let records = read_topic(
        &settings,
        TOPIC,
        13,
        Duration::from_secs(1),
        Duration::from_secs(30),
    )
    .unwrap();
    assert_eq!(records.len(), 13, "12 puts and a tombstone");
    for key in ["feed-a", "feed-b", "feed-c", "gone"] {
        let partitions: HashSet<i32> = records
            .iter()
            .filter(|(r, _)| r.key == key)
            .map(|(_, o)| o.partition)
            .collect();
        assert_eq!(partitions.len(), 1, "{key} in {partitions:?}");
    }

    // A filtered open keeps only the wanted keys.
    let (_, contents) =
        KafkaTable::open(&settings, TOPIC, |k| k == "feed-a", TableOptions::default())
            .await
            .unwrap();
    assert_eq!(contents.values.len(), 1);
    assert_eq!(contents.records, 13);
    again.flush(Duration::from_secs(1)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_topic_is_named() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    let options = TableOptions {
        metadata_timeout: Duration::from_secs(2),
        ..TableOptions::default()
    };
    let err = KafkaTable::open(&settings, "never.created", |_| true, options)
        .await
        .err()
        .expect("a missing topic fails the open")
        .to_string();
    assert!(err.contains("never.created"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_broker_fails_the_open_naming_the_topic() {
    let settings = KafkaSettings::new(format!("127.0.0.1:{}", free_port().unwrap()));
    let options = TableOptions {
        metadata_timeout: Duration::from_secs(2),
        ..TableOptions::default()
    };
    let err = KafkaTable::open(&settings, TOPIC, |_| true, options)
        .await
        .err()
        .expect("no broker, no table")
        .to_string();
    assert!(err.contains(TOPIC), "{err}");
    assert!(err.contains(&settings.brokers), "{err}");
}

/// Tansu 0.6 reports high watermarks below records it already acknowledged; the table reads
/// to the end of log, so every key written comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_keys_all_come_back() {
    let tansu = Tansu::start().unwrap();
    let settings = tansu.settings();
    ensure_topics(&settings, &[TopicSpec::new(TOPIC, 6, 1).compacted()])
        .await
        .unwrap();
    let (table, _) = open(&settings).await;
    for i in 0..5000 {
        table.put(&format!("feed-{i}"), vec![b'x'; 2000]).unwrap();
    }
    table.flush(Duration::from_secs(120)).await.unwrap();
    let (_, values) = open(&settings).await;
    assert_eq!(values.len(), 5000);
    assert!(values.values().all(|v| v.len() == 2000));
}
