//! Country extraction throughput on news-length texts, per core.
//!
//! Inputs: the seed story (about 3 KB), and articles of about 3 KB each built from the
//! passages of the dev set (`dev/countries.jsonl`), so the mix of names, traps and datelines
//! is realistic. Criterion reports bytes per second (the `bytes` group) and articles per
//! second (the `articles` group).
//!
//! Each group runs twice: with wall-clock time (criterion's default), and with the CPU time of
//! the benchmarking thread (`cpu-time/...`). On a shared machine the wall clock also counts the
//! time the thread waits for a core; the CPU time is the cost per core, which is what the
//! target (50 MB/s per core) is about.
//!
//! `cargo bench -p newswire-enrich --bench countries -- --measurement-time 3`

// criterion_group! defines public functions that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::measurement::Measurement;
use criterion::{black_box, Criterion, Throughput};
use newswire_enrich::countries::CountryMatcher;

#[path = "../../../bench/support/cpu_time.rs"]
mod cpu_time;

const SEED: &str = include_str!("../../../tests/fixtures/reuters-s400.txt");
const DEV: &str = include_str!("../dev/countries.jsonl");

/// (title, body) articles of about 3 KB made of consecutive dev passages.
fn articles() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut title = String::new();
    let mut body = String::new();
    for line in DEV.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("dev set parses");
        if title.is_empty() {
            title = v["title"].as_str().unwrap_or("").to_string();
        }
        body.push_str(v["body"].as_str().unwrap_or(""));
        body.push_str("\n\n");
        if body.len() >= 3000 {
            out.push((std::mem::take(&mut title), std::mem::take(&mut body)));
        }
    }
    out
}

fn groups<M: Measurement>(c: &mut Criterion<M>, prefix: &str) {
    let matcher = CountryMatcher::new();
    let (seed_title, seed_body) = SEED.split_once('\n').unwrap_or(("", SEED));
    let articles = articles();
    let bytes: usize = articles.iter().map(|(t, b)| t.len() + b.len()).sum();

    let mut group = c.benchmark_group(format!("{prefix}countries/bytes"));
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

    let mut group = c.benchmark_group(format!("{prefix}countries/articles"));
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

cpu_time::wall_and_cpu_time_main!(groups);
