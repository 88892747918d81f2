//! The tagger's most frequent UPOS confusions on the dev split (gold tokens), to guide work on
//! the tagger without looking at the test split.
//!
//! `cargo run --release -p newswire-nlp --example confusion`

use flate2::read::GzDecoder;
use newswire_nlp::{conllu, Tagger};
use std::collections::BTreeMap;
use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/en_ewt-ud-dev.conllu.gz"
    );
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(path)?).read_to_string(&mut text)?;
    let mut pairs: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut words: BTreeMap<(String, &str, &str), usize> = BTreeMap::new();
    let sentences = conllu::parse(&text)?;
    for s in &sentences {
        let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        let (upos, _) = Tagger::english().tag(&forms);
        for (w, u) in s.words.iter().zip(upos) {
            if w.upos != u {
                *pairs.entry((w.upos.as_str(), u.as_str())).or_default() += 1;
                *words
                    .entry((w.form.to_lowercase(), w.upos.as_str(), u.as_str()))
                    .or_default() += 1;
            }
        }
    }
    let mut pairs: Vec<_> = pairs.into_iter().collect();
    pairs.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    println!("gold -> predicted: count");
    for ((gold, guess), n) in pairs.iter().take(20) {
        println!("{gold:>6} -> {guess:<6} {n}");
    }
    let mut words: Vec<_> = words.into_iter().collect();
    words.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    println!("\nword gold -> predicted: count");
    for ((w, gold, guess), n) in words.iter().take(30) {
        println!("{w:>12} {gold:>6} -> {guess:<6} {n}");
    }
    Ok(())
}
