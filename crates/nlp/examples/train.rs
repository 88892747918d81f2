//! Trains the English tagger on the vendored UD English EWT train split, choosing the number of
//! passes on the dev split, and writes `crates/nlp/model/tagger.bin`.
//!
//! `cargo run --release -p newswire-nlp --example train`

use flate2::read::GzDecoder;
use newswire_nlp::conllu::{self, TreebankSentence};
use newswire_nlp::train::{train, TrainOptions};
use std::io::Read;
use std::path::Path;

fn read_split(
    dir: &Path,
    split: &str,
) -> Result<Vec<TreebankSentence>, Box<dyn std::error::Error>> {
    let path = dir.join(format!("en_ewt-ud-{split}.conllu.gz"));
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(&path)?).read_to_string(&mut text)?;
    Ok(conllu::parse(&text)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let train_split = read_split(&root.join("corpus"), "train")?;
    let dev = read_split(&root.join("corpus"), "dev")?;
    let opts = TrainOptions::default();
    let started = std::time::Instant::now();
    let (bytes, report) = train(&train_split, &dev, &opts);
    for (i, acc) in report.dev.iter().enumerate() {
        println!(
            "pass {:2}: dev UPOS {:.4} verb form {:.4}",
            i + 1,
            acc.upos(),
            acc.verb_form()
        );
    }
    let out = root.join("model/tagger.bin");
    std::fs::write(&out, &bytes)?;
    println!(
        "kept pass {}; {} dictionary words; {} bytes -> {} in {:.1} s",
        report.best_iteration,
        report.dict_words,
        bytes.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
