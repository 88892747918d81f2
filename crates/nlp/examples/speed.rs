//! Runs `analyse_text` (or, with `tag`, tagging alone) over the bench texts a number of rounds
//! and prints the median and range of tokens per second of thread CPU time over the rounds; also
//! the fixed workload for `valgrind --tool=callgrind` (instructions per token). Complements
//! `benches/analyse.rs`.
//!
//! `cargo run --release -p newswire-nlp --example speed -- 20 [tag]`

use newswire_nlp::{analyse_text, sentences, tokenize, Tagger};

#[path = "../benches/support/texts.rs"]
mod texts;

// The benches' CPU clock; this example uses only `thread_cpu_ns`, not the criterion wiring.
#[allow(dead_code)]
#[path = "../../../bench/support/cpu_time.rs"]
mod cpu_time;
use cpu_time::thread_cpu_ns;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args().nth(1).map_or(Ok(10), |a| a.parse())?;
    let tag_only = std::env::args().nth(2).is_some_and(|a| a == "tag");
    let texts = texts::texts()?;
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
    let mut checksum = 0usize;
    let mut rates = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = thread_cpu_ns();
        if tag_only {
            words.iter().for_each(|w| checksum += tagger.tag(w).0.len());
        } else {
            texts.iter().for_each(|t| checksum += analyse_text(t).len());
        }
        let secs = (thread_cpu_ns().saturating_sub(started)).max(1) as f64 / 1e9;
        rates.push(tokens as f64 / secs);
    }
    rates.sort_by(f64::total_cmp);
    if let (Some(lo), Some(hi)) = (rates.first(), rates.last()) {
        let median = rates[rates.len() / 2];
        let mb = |r: f64| r * bytes as f64 / tokens as f64 / 1e6;
        println!(
            "{rounds} rounds of {tokens} tokens ({bytes} bytes), thread CPU time: median {:.0} tokens/s \
             [{lo:.0}, {hi:.0}], {:.2} MB/s [{:.2}, {:.2}] (checksum {checksum})",
            median,
            mb(median),
            mb(*lo),
            mb(*hi)
        );
    }
    Ok(())
}
