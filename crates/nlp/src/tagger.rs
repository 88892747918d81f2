//! The part-of-speech tagger: a greedy left-to-right averaged perceptron over hashed features,
//! with a dictionary of frequent unambiguous words that skips scoring.

use crate::features::{features, word_hashes, WordHashes, N_FEATURES};
use crate::model::{decode, Model, ModelError};
use crate::tags::{split_class, Upos, VerbForm, N_CLASSES};
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
        let lex = &self.model.lexicon;
        let ctx: Vec<WordHashes> = words.iter().map(|w| word_hashes(w.as_ref(), lex)).collect();
        let (mut p1, mut p2) = (START1, START2);
        for (i, w) in words.iter().enumerate() {
            let class = match self.model.dict.get(w.as_ref()) {
                Some(&c) => c,
                None => self.predict(&features(&ctx, i, p1, p2)),
            };
            out.push(class);
            (p2, p1) = (p1, class);
        }
    }

    /// The highest-scoring class for one position's features.
    fn predict(&self, feats: &[u64; N_FEATURES]) -> u8 {
        let shift = 64 - self.model.log2_buckets as u32;
        let mut scores = [0i32; N_CLASSES];
        for &f in feats {
            let row = (f >> shift) as usize * N_CLASSES;
            let weights = &self.model.weights[row..row + N_CLASSES];
            for (s, &w) in scores.iter_mut().zip(weights) {
                *s += w as i32;
            }
        }
        argmax(&scores)
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
