//! Runs `analyse_text` (or, with `tag`, tagging alone) over the bench texts a number of times
//! and prints tokens per second of thread CPU time: a fixed workload for `perf stat` and
//! `valgrind --tool=callgrind` (instructions per token), complementing `benches/analyse.rs`.
//!
//! `cargo run --release -p newswire-nlp --example speed -- 20 [tag]`

use newswire_nlp::{analyse_text, sentences, tokenize, Tagger};

const SEED: &str = include_str!("../../../tests/fixtures/reuters-s400.txt");
const DEV: [&str; 6] = [
    include_str!("../../enrich/dev/sanctions-news/batch-01.jsonl"),
    include_str!("../../enrich/dev/sanctions-news/batch-02.jsonl"),
    include_str!("../../enrich/dev/sanctions-news/batch-03.jsonl"),
    include_str!("../../enrich/dev/sanctions-news/batch-04.jsonl"),
    include_str!("../../enrich/dev/sanctions-news/batch-05.jsonl"),
    include_str!("../../enrich/dev/sanctions-news/batch-06.jsonl"),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args().nth(1).map_or(Ok(10), |a| a.parse())?;
    let tag_only = std::env::args().nth(2).is_some_and(|a| a == "tag");
    let mut texts = vec![SEED.to_string()];
    for line in DEV
        .iter()
        .flat_map(|b| b.lines())
        .filter(|l| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line)?;
        texts.push(v["body"].as_str().unwrap_or("").to_string());
    }
    let tagger = Tagger::english();
    let tokens: usize = texts.iter().map(|t| tokenize(t).len()).sum();
    let bytes: usize = texts.iter().map(String::len).sum();
    let words: Vec<Vec<&str>> = texts
        .iter()
        .flat_map(|t| {
            let toks = tokenize(t);
            let spans: Vec<Vec<&str>> = sentences(t, &toks)
                .into_iter()
                .map(|r| toks[r].iter().map(|k| &t[k.start..k.end]).collect())
                .collect();
            spans
        })
        .collect();
    let started = std::time::Instant::now();
    let mut checksum = 0usize;
    for _ in 0..rounds {
        if tag_only {
            words.iter().for_each(|w| checksum += tagger.tag(w).0.len());
        } else {
            texts.iter().for_each(|t| checksum += analyse_text(t).len());
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let n = (tokens * rounds) as f64;
    println!(
        "{} rounds of {tokens} tokens ({bytes} bytes): {:.0} tokens/s, {:.2} MB/s (wall; checksum {checksum})",
        rounds,
        n / secs,
        (bytes * rounds) as f64 / secs / 1e6
    );
    Ok(())
}
