//! Throughput of the target-entity recogniser over whole article bodies (every sentence, as
//! `EntityRecognizer::find_all` reads them), in bytes of body per second. The sanctions roles
//! call it only on sentences with a sanctions trigger, so this is an upper bound of its cost.
//!
//! Corpus: the bodies of `dev/sanctions-news/batch-*.jsonl` (passages modelled on sanctions
//! wire copy: dense in names), with their country tags computed once beforehand.
//!
//! `cargo bench -p newswire-enrich --bench entities -- --measurement-time 3`

// criterion_group! defines public functions that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newswire_enrich::countries::CountryMatcher;
use newswire_enrich::sanctions::entities::EntityRecognizer;
use newswire_model::{CountryTag, Field};

const BATCHES: &[&str] = &[
    include_str!("../dev/sanctions-news/batch-01.jsonl"),
    include_str!("../dev/sanctions-news/batch-02.jsonl"),
    include_str!("../dev/sanctions-news/batch-03.jsonl"),
    include_str!("../dev/sanctions-news/batch-04.jsonl"),
];

fn corpus() -> Vec<(String, Vec<CountryTag>)> {
    let countries = CountryMatcher::new();
    BATCHES
        .iter()
        .flat_map(|b| b.lines())
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            let body = v["body"].as_str().unwrap_or("").to_string();
            let tags = countries.extract("", &body);
            (body, tags)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(|(b, _)| b.len()).sum();
    let r = EntityRecognizer::shared();
    let mut g = c.benchmark_group("entities");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("find_all/sanctions-news bodies", |b| {
        b.iter(|| {
            docs.iter()
                .map(|(body, tags)| r.find_all(body, Field::Body, tags).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
