//! Throughput on the seed story (a news-length text); refined by the extractor work.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newswire_enrich::Enricher;
use newswire_model::Article;

const SEED: &str = include_str!("../../../tests/fixtures/reuters-s400.txt");

fn bench(c: &mut Criterion) {
    let enricher = Enricher::new();
    let (title, body) = SEED.split_once('\n').unwrap_or(("", SEED));
    let mut group = c.benchmark_group("enrich");
    group.throughput(Throughput::Bytes(SEED.len() as u64));
    group.bench_function("seed_story", |b| {
        b.iter(|| enricher.enrich(Article::from_text("seed", title, body)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
