//! The sentence structure the roles read, from the linguistic layer (`newswire-nlp`): only
//! sentences with a trigger are analysed. The layer's tokens are mapped onto the sanctions
//! tokens by byte offsets, so both tokenizers can keep their own conventions.

use std::cell::OnceCell;

use newswire_nlp::{analyse, ChunkKind};

use super::tokens::Tok;
use super::words::{is, Class::PassiveAux};

/// The parse of one trigger sentence, made on first use: most clauses never ask (speed: the
/// tagger is the dearest step of the sanctions stage).
pub(super) struct Parse<'a> {
    sentence: &'a str,
    base: usize,
    toks: &'a [Tok],
    words: &'a [&'a str],
    passive: OnceCell<Vec<bool>>,
}

impl<'a> Parse<'a> {
    /// The sentence `sentence` at byte `base` of its field, with its sanctions tokens and their
    /// lower-cased words.
    pub(super) fn new(
        sentence: &'a str,
        base: usize,
        toks: &'a [Tok],
        words: &'a [&'a str],
    ) -> Self {
        Parse {
            sentence,
            base,
            toks,
            words,
            passive: OnceCell::new(),
        }
    }

    /// Whether sanctions token `i` lies in a passive verb group ("were imposed", "was
    /// blacklisted", "have been added"). Without a form of be or get in the three words before
    /// it, it cannot, and the sentence is not analysed.
    pub(super) fn passive_at(&self, i: usize) -> bool {
        let aux_before = (i.saturating_sub(3)..i).any(|j| is(PassiveAux, self.words[j]));
        aux_before
            && self
                .passive
                .get_or_init(|| passive_tokens(self.sentence, self.base, self.toks))
                .get(i)
                .copied()
                .unwrap_or(false)
    }
}

/// Per sanctions token of one sentence: whether it lies in a passive verb group.
fn passive_tokens(sentence: &str, base: usize, toks: &[Tok]) -> Vec<bool> {
    let s = analyse(sentence);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for c in s
        .chunks
        .iter()
        .filter(|c| c.kind == ChunkKind::Verb && c.verb.passive)
    {
        let (Some(a), Some(b)) = (
            s.tokens.get(c.tokens.start),
            s.tokens.get(c.tokens.end.wrapping_sub(1)),
        ) else {
            continue;
        };
        spans.push((base + a.start, base + b.end));
    }
    toks.iter()
        .map(|t| spans.iter().any(|&(a, b)| t.start < b && a < t.end))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn passive_words(text: &str) -> Vec<String> {
        let toks = tokenize(text, 10);
        let lower = text.to_ascii_lowercase();
        let words = super::super::tokens::words(&toks, &lower, 10);
        let parse = Parse::new(text, 10, &toks, &words);
        (0..toks.len())
            .filter(|&i| parse.passive_at(i))
            .map(|i| text[toks[i].start - 10..toks[i].end - 10].to_string())
            .collect()
    }

    #[test]
    fn a_passive_verb_group_is_marked() {
        let got = passive_words("A Kyrgyz company was blacklisted by Washington.");
        assert!(got.contains(&"blacklisted".to_string()), "{got:?}");
    }

    #[test]
    fn no_auxiliary_no_analysis() {
        let text = "Washington blacklisted a firm.";
        let toks = tokenize(text, 0);
        let lower = text.to_ascii_lowercase();
        let words = super::super::tokens::words(&toks, &lower, 0);
        let parse = Parse::new(text, 0, &toks, &words);
        assert!(!parse.passive_at(1));
        assert!(parse.passive.get().is_none(), "analysed without need");
    }

    #[test]
    fn an_active_verb_is_not() {
        assert!(passive_words("Washington blacklisted a Kyrgyz company.").is_empty());
    }
}
