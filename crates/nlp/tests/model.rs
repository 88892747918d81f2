//! The compiled-in model decodes, and a damaged copy of it is refused rather than used.

use newswire_nlp::{Tagger, Upos, VerbForm};

const MODEL: &[u8] = include_bytes!("../model/tagger.bin");

#[test]
fn english_model_decodes_and_tags() {
    let tagger = Tagger::try_english().expect("compiled-in model decodes");
    let (upos, forms) = tagger.tag(&["The", "sanctions", "were", "imposed", "."]);
    assert_eq!(
        upos,
        [Upos::Det, Upos::Noun, Upos::Aux, Upos::Verb, Upos::Punct]
    );
    assert_eq!(forms[3], VerbForm::PastParticiple);
    assert_eq!(tagger.tag::<&str>(&[]), (vec![], vec![]));
}

#[test]
fn damaged_models_are_errors() {
    assert!(Tagger::from_bytes(&[]).is_err());
    assert!(Tagger::from_bytes(&MODEL[..MODEL.len() - 1]).is_err());
    assert!(Tagger::from_bytes(&MODEL[..MODEL.len() / 2]).is_err());
    for at in [0, 9, 12, 20, MODEL.len() / 3, MODEL.len() - 2] {
        let mut bad = MODEL.to_vec();
        bad[at] ^= 0x01;
        assert!(
            Tagger::from_bytes(&bad).is_err(),
            "flipped bit at {at} accepted"
        );
    }
    let mut longer = MODEL.to_vec();
    longer.push(0);
    assert!(Tagger::from_bytes(&longer).is_err());
}

#[test]
fn model_is_compact() {
    assert!(MODEL.len() < 5_000_000, "model is {} bytes", MODEL.len());
}
