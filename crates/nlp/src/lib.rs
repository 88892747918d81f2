//! newswire's general linguistic layer: tokens, part-of-speech tags (UPOS plus the verb form
//! of verbs) and phrase chunks, for extractors that read a sentence's structure rather than
//! word windows.
//!
//! # Layout
//! - [`tokenize`]: news-English tokenizer with byte spans ("U.S.", "S-400", "Turkey" + "'s").
//! - [`tags`]: the UPOS tag set, verb forms, and the joint classes the tagger predicts.
//! - `features`: hashed perceptron features of a position, no allocation per token.
//! - `model`: the compact model file format (documented there), strict decoder.
//! - [`tagger`](Tagger): greedy averaged-perceptron tagger with a tag dictionary; the English
//!   model (trained on UD English EWT, CC BY-SA 4.0) is compiled in.
//! - [`train`]: training (deterministic) and evaluation, used by `examples/train.rs`.
//! - [`conllu`]: strict CoNLL-U reader for the vendored treebank.
//! - [`chunk`]: rule-based noun phrases, verb groups, prepositions, possessors, coordination.
//! - [`lemma`]: base forms of verbs (imposed -> impose, froze -> freeze).
//!
//! # Example
//! ```
//! use newswire_nlp::{analyse, ChunkKind, Upos, VerbForm};
//!
//! let s = analyse("Sanctions were imposed on Russia, Belarus and Iran.");
//! assert_eq!(s.word(1), "were");
//! assert_eq!(s.upos[2], Upos::Verb);
//! assert_eq!(s.forms[2], VerbForm::PastParticiple);
//! let verb = &s.chunks[s.chunk_of(2).unwrap()];
//! assert!(verb.kind == ChunkKind::Verb && verb.verb.passive);
//! assert_eq!(s.lemma(verb.head), "impose");
//! let on = s.chunk_of(3).unwrap();
//! let object = s.pp_object(on).unwrap();
//! let targets: Vec<&str> = s.members(object).iter().map(|&c| s.chunk_text(c)).collect();
//! assert_eq!(targets, ["Russia", "Belarus", "Iran"]);
//! ```

pub mod chunk;
pub mod conllu;
mod features;
pub mod lemma;
mod model;
mod tagger;
pub mod tags;
pub mod tokenize;
pub mod train;

pub use chunk::{Chunk, ChunkKind, Coordination, VerbFlags};
pub use model::ModelError;
pub use tagger::Tagger;
pub use tags::{Upos, VerbForm};
pub use tokenize::{tokenize, Token};

use std::borrow::Cow;

/// One analysed sentence: tokens, their tags and verb forms, and the chunks over them.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence<'t> {
    /// The text the token spans point into.
    pub text: &'t str,
    /// Tokens in order.
    pub tokens: Vec<Token>,
    /// One UPOS tag per token.
    pub upos: Vec<Upos>,
    /// One verb form per token (`VerbForm::None` for non-verbs).
    pub forms: Vec<VerbForm>,
    /// Chunks in token order; a token belongs to at most one.
    pub chunks: Vec<Chunk>,
    /// Lists of coordinated noun phrases; members point back with `Chunk::coordination`.
    pub coordinations: Vec<Coordination>,
}

/// Tokenizes, tags and chunks `text` as one sentence.
pub fn analyse(text: &str) -> Sentence<'_> {
    let tokens = tokenize(text);
    let words: Vec<&str> = tokens.iter().map(|t| &text[t.start..t.end]).collect();
    let (upos, forms) = Tagger::english().tag(&words);
    let tagged = chunk::Tagged {
        words: &words,
        upos: &upos,
        forms: &forms,
    };
    let (chunks, coordinations) = chunk::chunk(&tagged);
    Sentence {
        text,
        tokens,
        upos,
        forms,
        chunks,
        coordinations,
    }
}

impl<'t> Sentence<'t> {
    /// The text of token `i` ("" when out of range).
    pub fn word(&self, i: usize) -> &'t str {
        let text: &'t str = self.text;
        self.tokens
            .get(i)
            .and_then(|t| text.get(t.start..t.end))
            .unwrap_or("")
    }

    /// The index of the chunk containing token `i`.
    pub fn chunk_of(&self, i: usize) -> Option<usize> {
        let k = self.chunks.partition_point(|c| c.tokens.end <= i);
        self.chunks
            .get(k)
            .filter(|c| c.tokens.contains(&i))
            .map(|_| k)
    }

    /// The object noun phrase of a preposition chunk.
    pub fn pp_object(&self, chunk: usize) -> Option<usize> {
        self.chunks.get(chunk).and_then(|c| c.object)
    }

    /// The members of the list a noun phrase belongs to, or just the phrase itself.
    pub fn members(&self, chunk: usize) -> Vec<usize> {
        match self.chunks.get(chunk).and_then(|c| c.coordination) {
            Some(k) => self
                .coordinations
                .get(k)
                .map_or_else(Vec::new, |c| c.members.clone()),
            None => vec![chunk],
        }
    }

    /// The text a chunk spans, from its first to its last token ("" when out of range).
    pub fn chunk_text(&self, chunk: usize) -> &'t str {
        let text: &'t str = self.text;
        let Some(c) = self.chunks.get(chunk) else {
            return "";
        };
        let (Some(a), Some(b)) = (
            self.tokens.get(c.tokens.start),
            self.tokens.get(c.tokens.end.wrapping_sub(1)),
        ) else {
            return "";
        };
        text.get(a.start..b.end).unwrap_or("")
    }

    /// The base form of token `i` read as a verb ("imposed" -> "impose").
    pub fn lemma(&self, i: usize) -> Cow<'t, str> {
        lemma::lemma(self.word(i))
    }
}
