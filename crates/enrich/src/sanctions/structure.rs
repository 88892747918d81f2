//! The sentence structure the roles read, from the linguistic layer (`newswire-nlp`): only
//! sentences with a trigger are analysed. The layer's tokens are mapped onto the sanctions
//! tokens by byte offsets, so both tokenizers can keep their own conventions.

use newswire_nlp::{analyse, ChunkKind};

use super::tokens::Tok;

/// Per sanctions token of one sentence: whether it lies in a passive verb group ("were
/// imposed", "was blacklisted", "have been added").
pub(super) fn passive_tokens(sentence: &str, base: usize, toks: &[Tok]) -> Vec<bool> {
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
        let p = passive_tokens(text, 10, &toks);
        toks.iter()
            .zip(p)
            .filter(|(_, p)| *p)
            .map(|(t, _)| text[t.start - 10..t.end - 10].to_string())
            .collect()
    }

    #[test]
    fn a_passive_verb_group_is_marked() {
        let got = passive_words("A Kyrgyz company was blacklisted by Washington.");
        assert!(got.contains(&"blacklisted".to_string()), "{got:?}");
    }

    #[test]
    fn an_active_verb_is_not() {
        assert!(passive_words("Washington blacklisted a Kyrgyz company.").is_empty());
    }
}
