//! Country extraction throughput on news-length texts, per core.
//!
//! Inputs: the seed story (about 3 KB), and articles of about 3 KB each built from the
//! passages of the dev set (`dev/countries.jsonl`), so the mix of names, traps and datelines
//! is realistic. Criterion reports bytes per second (the `bytes` group) and articles per
//! second (the `articles` group).
//!
//! `cargo bench -p newswire-enrich --bench countries -- --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use newswire_enrich::countries::CountryMatcher;
use newswire_enrich::eval::countries::parse;

const SEED: &str = include_str!("../../../tests/fixtures/reuters-s400.txt");
const DEV: &str = include_str!("../dev/countries.jsonl");

/// (title, body) articles of about 3 KB made of consecutive dev passages.
fn articles() -> Vec<(String, String)> {
    let passages = parse(DEV).expect("dev set parses");
    let mut out = Vec::new();
    let mut title = String::new();
    let mut body = String::new();
    for p in passages {
        if title.is_empty() {
            title = p.title.clone();
        }
        body.push_str(&p.body);
        body.push_str("\n\n");
        if body.len() >= 3000 {
            out.push((std::mem::take(&mut title), std::mem::take(&mut body)));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let matcher = CountryMatcher::new();
    let (seed_title, seed_body) = SEED.split_once('\n').unwrap_or(("", SEED));
    let articles = articles();
    let bytes: usize = articles.iter().map(|(t, b)| t.len() + b.len()).sum();

    let mut group = c.benchmark_group("countries/bytes");
    group.throughput(Throughput::Bytes(SEED.len() as u64));
    group.bench_function("seed_story", |b| {
        b.iter(|| matcher.extract(black_box(seed_title), black_box(seed_body)))
    });
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("dev_articles", |b| {
        b.iter(|| {
            for (t, body) in &articles {
                black_box(matcher.extract(black_box(t), black_box(body)));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("countries/articles");
    group.throughput(Throughput::Elements(articles.len() as u64));
    group.bench_function("dev_articles", |b| {
        b.iter(|| {
            for (t, body) in &articles {
                black_box(matcher.extract(black_box(t), black_box(body)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
