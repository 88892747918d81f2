//! The tagger's accuracy on the vendored UD English EWT test split (gold tokens): the one
//! figure the project reports. The split is never trained or tuned on.

use flate2::read::GzDecoder;
use newswire_nlp::conllu;
use newswire_nlp::train::{evaluate, Accuracy};
use newswire_nlp::Tagger;
use std::io::Read;

fn accuracy_on(split: &str) -> Accuracy {
    let path = format!(
        "{}/corpus/en_ewt-ud-{split}.conllu.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(path).expect("vendored split"))
        .read_to_string(&mut text)
        .expect("gzip");
    let sentences = conllu::parse(&text).expect("CoNLL-U");
    evaluate(Tagger::english(), &sentences)
}

#[test]
fn upos_accuracy_on_ewt_test_is_at_least_95_percent() {
    let acc = accuracy_on("test");
    println!(
        "EWT test: {} words, UPOS {:.4}, verb form {:.4} over {} verbs",
        acc.words,
        acc.upos(),
        acc.verb_form(),
        acc.verbs
    );
    assert!(acc.words > 25_000, "the whole split was read");
    assert!(acc.upos() >= 0.95, "UPOS accuracy {:.4} < 0.95", acc.upos());
    assert!(
        acc.verb_form() >= 0.93,
        "verb form accuracy {:.4} < 0.93",
        acc.verb_form()
    );
}
