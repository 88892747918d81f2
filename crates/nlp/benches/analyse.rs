//! Tokenize + tag + chunk throughput on news text, per core.
//!
//! Input: the seed story and the bodies of the sanctions dev passages
//! (`crates/enrich/dev/sanctions-news/*.jsonl`), about 170 KB of wire copy, split into
//! sentences by `analyse_text`. Criterion reports tokens per second (`tokens` group) and bytes
//! per second (`bytes` group), for the whole analysis and for tagging alone.
//!
//! Each group runs twice: with wall-clock time, and with the CPU time of the benchmarking
//! thread (`cpu-time/...`), the cost per core on a shared machine.
//!
//! `cargo bench -p newswire-nlp --bench analyse -- --measurement-time 3`
// criterion_group! generates public functions that cannot carry docs.
#![allow(missing_docs)]

use criterion::measurement::Measurement;
use criterion::{black_box, Criterion, Throughput};
use newswire_nlp::{analyse_text, sentences, tokenize, Tagger};

#[path = "../../../bench/support/cpu_time.rs"]
mod cpu_time;

#[path = "support/texts.rs"]
mod texts;

fn groups<M: Measurement>(c: &mut Criterion<M>, prefix: &str) {
    let texts = texts::texts().expect("dev set parses");
    let tagger = Tagger::english();
    let bytes: usize = texts.iter().map(String::len).sum();
    let tokens: usize = texts.iter().map(|t| tokenize(t).len()).sum();
    // Sentences as word lists, for the tagging-only figure.
    let sentence_words: Vec<Vec<&str>> = texts
        .iter()
        .flat_map(|t| {
            let toks = tokenize(t);
            sentences(t, &toks)
                .into_iter()
                .map(|r| toks[r].iter().map(|k| &t[k.start..k.end]).collect())
                .collect::<Vec<_>>()
        })
        .collect();
    let analyse_all = || {
        for t in &texts {
            black_box(analyse_text(black_box(t)));
        }
    };
    let tag_all = || {
        for words in &sentence_words {
            black_box(tagger.tag(black_box(words)));
        }
    };
    for (name, throughput) in [
        ("tokens", Throughput::Elements(tokens as u64)),
        ("bytes", Throughput::Bytes(bytes as u64)),
    ] {
        let mut group = c.benchmark_group(format!("{prefix}nlp/{name}"));
        group.throughput(throughput);
        group.bench_function("analyse_text", |b| b.iter(analyse_all));
        group.bench_function("tag_only", |b| b.iter(tag_all));
        group.finish();
    }
}

cpu_time::wall_and_cpu_time_main!(groups);
