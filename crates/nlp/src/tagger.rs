//! The part-of-speech tagger: a greedy left-to-right averaged perceptron over hashed features,
//! with a dictionary of frequent unambiguous words that skips scoring.

use crate::features::{features, sentence_hashes, N_FEATURES};
use crate::lemma::lemma;
use crate::model::{decode, Model, ModelError, ROW};
use crate::tags::{class_of, split_class, Upos, VerbForm, N_CLASSES};
use std::sync::OnceLock;

/// The model trained on UD English EWT by `examples/train.rs` (see model/NOTICE.md).
const ENGLISH: &[u8] = include_bytes!("../model/tagger.bin");

/// Classes standing for the two positions before the sentence.
pub(crate) const START1: u8 = N_CLASSES as u8;
pub(crate) const START2: u8 = N_CLASSES as u8 + 1;

/// A trained tagger; [`Tagger::english`] is the one shipped with the crate.
#[derive(Debug, Clone)]
pub struct Tagger {
    model: Model,
}

impl Tagger {
    /// The English tagger compiled into the crate, decoded on first use.
    ///
    /// # Panics
    /// Only if the model compiled into the crate is corrupt, which the crate's tests rule out;
    /// use [`Tagger::try_english`] to handle that case instead.
    pub fn english() -> &'static Tagger {
        match Tagger::try_english() {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        }
    }

    /// The English tagger, or why its compiled-in model could not be decoded.
    pub fn try_english() -> Result<&'static Tagger, ModelError> {
        static TAGGER: OnceLock<Result<Tagger, ModelError>> = OnceLock::new();
        TAGGER
            .get_or_init(|| Tagger::from_bytes(ENGLISH))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Decodes a model file (format in the `model` module); a corrupt file is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, ModelError> {
        decode(bytes).map(|model| Tagger { model })
    }

    /// Tags one sentence of words: a UPOS tag and a verb form per word.
    pub fn tag<W: AsRef<str>>(&self, words: &[W]) -> (Vec<Upos>, Vec<VerbForm>) {
        let mut classes = Vec::with_capacity(words.len());
        self.tag_classes(words, &mut classes);
        classes.iter().map(|&c| split_class(c)).unzip()
    }

    /// Tags one sentence into joint classes, appended to `out`.
    pub(crate) fn tag_classes<W: AsRef<str>>(&self, words: &[W], out: &mut Vec<u8>) {
        let ctx = sentence_hashes(words, &self.model.lexicon);
        let (mut p1, mut p2) = (START1, START2);
        let base = out.len();
        for (i, w) in words.iter().enumerate() {
            let class = match self.model.dict.get(w.as_ref()) {
                Some(&c) => c,
                None => self.predict(&features(&ctx, i, p1, p2)),
            };
            let class = if class == Upos::Adj as u8 && ctx[i].classes == 0 {
                passive_participle(words, i, &out[base..]).unwrap_or(class)
            } else if split_class(class).0 == Upos::Verb && is_compound_modifier(w.as_ref()) {
                Upos::Adj as u8
            } else {
                class
            };
            out.push(class);
            (p2, p1) = (p1, class);
        }
    }

    /// The highest-scoring class for one position's features.
    fn predict(&self, feats: &[u64; N_FEATURES]) -> u8 {
        let shift = 64 - self.model.log2_buckets as u32;
        let mut scores = [0i32; ROW];
        for &f in feats {
            let row: &[i16; ROW] = &self.model.weights[(f >> shift) as usize].0;
            add_row(&mut scores, row);
        }
        argmax(&scores[..N_CLASSES])
    }
}

/// An unknown "-ed" word tagged ADJ right after a form of be or get (adverbs and "not" aside)
/// is a passive participle: "the sanctions were imposed." In the treebank, -ed words after be
/// are participles (VBN) nine times in ten; the model, never having seen the word, guesses
/// the adjective when nothing follows it.
fn passive_participle<W: AsRef<str>>(words: &[W], i: usize, classes: &[u8]) -> Option<u8> {
    let word = words[i].as_ref();
    if !(word.len() > 4 && word.ends_with("ed")) {
        return None;
    }
    let skip = |&j: &usize| classes[j] == Upos::Adv as u8 || classes[j] == Upos::Part as u8;
    let j = (0..i).rev().find(|j| !skip(j))?;
    let verbal = split_class(classes[j]).0;
    let be_or_get = matches!(&*lemma(words[j].as_ref()), "be" | "get");
    (matches!(verbal, Upos::Aux | Upos::Verb) && be_or_get)
        .then(|| class_of(Upos::Verb, VerbForm::PastParticiple))
}

/// "U.S.-led", "Hong Kong-based", "Turkish-made": a hyphenated word the model reads as a verb
/// (from its last part) is a compound modifier, an adjective. The treebank splits hyphens, so
/// the model never saw such tokens whole. Verbs with a hyphenated prefix ("re-imposed",
/// "co-operate") stay verbs.
fn is_compound_modifier(word: &str) -> bool {
    const VERB_PREFIXES: &[&str] = &[
        "re", "co", "pre", "de", "un", "mis", "over", "out", "cross", "dis",
    ];
    let Some((first, rest)) = word.split_once('-') else {
        return false;
    };
    let joined = !first.is_empty() && rest.chars().next().is_some_and(char::is_alphabetic);
    joined && !VERB_PREFIXES.iter().any(|p| first.eq_ignore_ascii_case(p))
}

/// Adds one feature's weights to the scores. Not inlined: inlined into the loop over features,
/// the compiler keeps the 32 scores in scalar registers instead of vector ones.
#[inline(never)]
fn add_row(scores: &mut [i32; ROW], row: &[i16; ROW]) {
    for c in 0..ROW {
        scores[c] += i32::from(row[c]);
    }
}

/// The index of the largest score (the first on ties).
pub(crate) fn argmax<T: PartialOrd + Copy>(scores: &[T]) -> u8 {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best as u8
}
