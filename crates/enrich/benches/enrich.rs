//! Throughput of the whole enrichment (countries + weapons + sanctions) on news-length texts,
//! in bytes of title and body per second, plus the weapons and sanctions stages on their own.
//!
//! Corpus: the seed story, and news-length articles (about 3 KB each, the size of a wire story)
//! built by joining the passages of the weapons/sanctions dev set in order (a worst case: almost
//! every sentence names a weapon or a sanctions event).
//!
//! Every measurement runs twice: wall-clock time (`enrich/...`, `stages/...`) and the thread's
//! CPU time (`cpu/...`). On a shared machine the CPU-time figure is the per-core throughput; the
//! wall-clock one also counts the time the thread waited for a core.
//!
//! `cargo bench -p newswire-enrich --bench enrich -- --measurement-time 3`
//!
//! Last figures (2026-11-27, CPU time, medians of 3 runs at load 19-24 on 2 cores): seed story
//! 50.3 MiB/s, dense articles 18.6 MiB/s, weapons stage 84.9 MiB/s, sanctions stage 63.9 MiB/s.
//! Ranges and the comparison with the previous engine: README, "Benchmarks".

// criterion_group! defines public functions that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::measurement::Measurement;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use newswire_enrich::sanctions::SanctionsExtractor;
use newswire_enrich::weapons::WeaponMatcher;
use newswire_enrich::Enricher;
use newswire_model::Article;

#[path = "../../../bench/support/cpu_time.rs"]
mod cpu_time;
use cpu_time::CpuTime;

const SEED: &str = include_str!("../../../tests/fixtures/reuters-s400.txt");
const DEV: &str = include_str!("../dev/weapons_sanctions.jsonl");

/// News-length `(title, body)` articles made of consecutive dev passages.
fn corpus() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut title = String::new();
    let mut body = String::new();
    for line in DEV.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let t = v["title"].as_str().unwrap_or("");
        let b = v["body"].as_str().unwrap_or("");
        if title.is_empty() {
            title = t.to_string();
        } else {
            body.push_str(t);
            body.push_str(".\n\n");
        }
        body.push_str(b);
        body.push_str("\n\n");
        if body.len() >= 3000 {
            out.push((std::mem::take(&mut title), std::mem::take(&mut body)));
        }
    }
    if !body.is_empty() {
        out.push((title, body));
    }
    out
}

fn bench_cpu(c: &mut Criterion<CpuTime>) {
    run(c, "cpu");
}

fn bench(c: &mut Criterion) {
    run(c, "wall");
}

fn run<M: Measurement>(c: &mut Criterion<M>, clock: &str) {
    let enricher = Enricher::new();
    let (seed_title, seed_body) = SEED.split_once('\n').unwrap_or(("", SEED));
    let articles = corpus();
    let corpus_bytes: usize = articles.iter().map(|(t, b)| t.len() + b.len()).sum();

    let mut group = c.benchmark_group(format!("{clock}/enrich"));
    group.throughput(Throughput::Bytes(SEED.len() as u64));
    group.bench_function("seed_story", |b| {
        b.iter_batched(
            || Article::from_text("seed", seed_title, seed_body),
            |a| enricher.enrich(a),
            BatchSize::SmallInput,
        )
    });
    group.throughput(Throughput::Bytes(corpus_bytes as u64));
    group.bench_function(format!("news_articles_x{}", articles.len()), |b| {
        b.iter_batched(
            || {
                articles
                    .iter()
                    .map(|(t, body)| Article::from_text("a", t.as_str(), body.as_str()))
                    .collect::<Vec<_>>()
            },
            |batch| {
                for a in batch {
                    std::hint::black_box(enricher.enrich(a));
                }
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    // The two stages this bench's owner maintains, on the same corpus.
    let weapons = WeaponMatcher::new();
    let sanctions = SanctionsExtractor::new();
    let countries: Vec<_> = articles
        .iter()
        .map(|(t, b)| {
            enricher
                .enrich(Article::from_text("a", t.as_str(), b.as_str()))
                .countries
        })
        .collect();
    let mut group = c.benchmark_group(format!("{clock}/stages"));
    group.throughput(Throughput::Bytes(corpus_bytes as u64));
    group.bench_function("weapons", |b| {
        b.iter(|| {
            for (t, body) in &articles {
                std::hint::black_box(weapons.extract(t, body));
            }
        })
    });
    group.bench_function("sanctions", |b| {
        b.iter(|| {
            for ((t, body), c) in articles.iter().zip(&countries) {
                std::hint::black_box(sanctions.extract(t, body, c));
            }
        })
    });
    group.finish();
}

criterion_group!(wall, bench);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(CpuTime);
    targets = bench_cpu
}
criterion_main!(wall, cpu);
