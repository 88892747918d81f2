//! A strict CoNLL-U reader (<https://universaldependencies.org/format.html>) for the training,
//! tuning and test splits: words with their UPOS, Penn tag, head and relation.

use crate::tags::{Upos, VerbForm};
use std::fmt;

/// One word of a treebank sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The surface form (FORM).
    pub form: String,
    /// The universal tag (UPOS).
    pub upos: Upos,
    /// The Penn Treebank tag (XPOS), `_` when absent.
    pub xpos: String,
    /// The head's 1-based index, 0 for the root; `None` when the field is `_`.
    pub head: Option<usize>,
    /// The dependency relation (DEPREL).
    pub deprel: String,
}

impl Word {
    /// The verb form of a VERB or AUX word, from its Penn tag; `None` for every other word.
    pub fn verb_form(&self) -> VerbForm {
        match self.upos {
            Upos::Verb | Upos::Aux => VerbForm::from_xpos(&self.xpos),
            _ => VerbForm::None,
        }
    }
}

/// A sentence of a treebank: its syntactic words (multiword ranges and empty nodes skipped).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TreebankSentence {
    /// The words in order.
    pub words: Vec<Word>,
}

/// A malformed CoNLL-U line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConlluError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for ConlluError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CoNLL-U line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for ConlluError {}

/// Parses a CoNLL-U document; refuses a line with the wrong field count or an unknown UPOS.
pub fn parse(text: &str) -> Result<Vec<TreebankSentence>, ConlluError> {
    let mut out = Vec::new();
    let mut current = TreebankSentence::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            if !current.words.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some(word) = parse_line(line).map_err(|reason| ConlluError {
            line: n + 1,
            reason,
        })? {
            current.words.push(word);
        }
    }
    if !current.words.is_empty() {
        out.push(current);
    }
    Ok(out)
}

/// One token line: `Ok(None)` for multiword ranges (`1-2`) and empty nodes (`8.1`).
fn parse_line(line: &str) -> Result<Option<Word>, &'static str> {
    let fields: Vec<&str> = line.split('\t').collect();
    if fields.len() != 10 {
        return Err("expected 10 tab-separated fields");
    }
    let id = fields[0];
    if id.contains('-') || id.contains('.') {
        return Ok(None);
    }
    if id.parse::<usize>().is_err() {
        return Err("ID is not a number");
    }
    let upos = Upos::parse(fields[3]).ok_or("unknown UPOS")?;
    let head = match fields[6] {
        "_" => None,
        h => Some(h.parse::<usize>().map_err(|_| "HEAD is not a number")?),
    };
    Ok(Some(Word {
        form: fields[1].to_string(),
        upos,
        xpos: fields[4].to_string(),
        head,
        deprel: fields[7].to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# sent_id = 1\n# text = I don't.\n1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_\n\
        2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n2\tdo\tdo\tAUX\tVBP\t_\t3\taux\t_\t_\n\
        3\tn't\tnot\tPART\tRB\t_\t0\troot\t_\t_\n3.1\tgo\tgo\tVERB\tVB\t_\t_\t_\t_\t_\n\
        4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n\n1\tYes\tyes\tINTJ\tUH\t_\t0\troot\t_\t_\n";

    #[test]
    fn skips_comments_ranges_and_empty_nodes() {
        let s = parse(DOC).unwrap();
        assert_eq!(s.len(), 2);
        let forms: Vec<&str> = s[0].words.iter().map(|w| w.form.as_str()).collect();
        assert_eq!(forms, ["I", "do", "n't", "."]);
        assert_eq!(s[0].words[1].verb_form(), VerbForm::Present);
        assert_eq!(s[0].words[2].head, Some(0));
        assert_eq!(s[1].words[0].upos, Upos::Intj);
    }

    #[test]
    fn refuses_bad_lines() {
        assert_eq!(parse("1\tI\tI\tPRON\n").unwrap_err().line, 1);
        let bad_tag = "# c\n1\tI\tI\tPRONOUN\tPRP\t_\t0\troot\t_\t_\n";
        assert_eq!(
            parse(bad_tag).unwrap_err(),
            ConlluError {
                line: 2,
                reason: "unknown UPOS"
            }
        );
    }
}
