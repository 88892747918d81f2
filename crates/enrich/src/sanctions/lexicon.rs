//! The sanctions lexicon (`data/sanctions/*.tsv`) and a token-level phrase matcher.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: the phrase table is hit once per token, and SipHash's DoS resistance buys nothing
/// for a fixed, compiled-in key set.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

use newswire_model::SanctionAction;

use super::data::{bad, rows, DataError, Row};
use super::tokens::{tokenize, words};

/// What a trigger phrase needs before it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TriggerKind {
    /// Counts on its own ("sanctions", "embargo", "Entity List").
    Core,
    /// Counts with a country target or punitive framing ("export controls").
    Conditional,
    /// A verb form with an approval reading to rule out ("sanctioned").
    Verb,
    /// Refers back to an earlier event ("the measures").
    Anaphor,
}

/// An action cue; `Join` becomes impose, or oppose when negated; `Outside` ("stayed out of",
/// "has not backed") is an oppose by a state outside the regime, never its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    Act(SanctionAction),
    Join,
    Outside,
}

/// Everything a lexicon phrase can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    Trigger(TriggerKind),
    Action(Cue),
    Negation,
    Modal,
    Passive,
    Object,
    Premod,
    Sport,
    Approval,
    Report,
    Sector(String),
}

/// Phrases keyed by their first token, longest first.
#[derive(Debug, Default)]
pub(crate) struct PhraseTable {
    by_first: FastMap<String, Vec<(Vec<String>, Entry)>>,
}

impl PhraseTable {
    pub(crate) fn insert(&mut self, phrase: &str, entry: Entry) {
        let lower = phrase.to_ascii_lowercase();
        let toks: Vec<String> = words(&tokenize(phrase, 0), &lower, 0)
            .into_iter()
            .map(str::to_string)
            .collect();
        let Some(first) = toks.first().cloned() else {
            return;
        };
        let list = self.by_first.entry(first).or_default();
        list.push((toks, entry));
        list.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
    }

    /// Whether the one-word phrase `word` has an entry matching `pred`.
    pub(crate) fn single_is(&self, word: &str, pred: impl Fn(&Entry) -> bool) -> bool {
        self.by_first
            .get(word)
            .is_some_and(|list| list.iter().any(|(t, e)| t.len() == 1 && pred(e)))
    }

    /// Every entry whose phrase starts at token `i` of `words`, longest first: `(len, entry)`.
    pub(crate) fn at<'a>(
        &'a self,
        words: &'a [&'a str],
        i: usize,
    ) -> impl Iterator<Item = (usize, &'a Entry)> + 'a {
        self.by_first
            .get(words[i])
            .into_iter()
            .flatten()
            .filter(move |(toks, _)| {
                i + toks.len() <= words.len() && toks.iter().zip(&words[i..]).all(|(a, b)| a == b)
            })
            .map(|(toks, e)| (toks.len(), e))
    }
}

pub(crate) const LEXICON_TSV: &str = include_str!("../../data/sanctions/lexicon.tsv");
pub(crate) const SECTORS_TSV: &str = include_str!("../../data/sanctions/sectors.tsv");
pub(crate) const ACTORS_TSV: &str = include_str!("../../data/sanctions/actors.tsv");
pub(crate) const PROGRAMS_TSV: &str = include_str!("../../data/sanctions/programs.tsv");

/// The rows of a shipped lexicon file, strictly: `min..=max` non-empty cells each.
pub(crate) fn data_rows<'a>(
    file: &'static str,
    tsv: &'a str,
    min: usize,
    max: usize,
) -> Result<Vec<Row<'a>>, DataError> {
    rows(file, tsv, min, max)
}

/// Builds the phrase table from the lexicon and sector files; an unknown kind or value is
/// refused with its line and column.
pub(crate) fn load() -> Result<PhraseTable, DataError> {
    parse(LEXICON_TSV, SECTORS_TSV)
}

/// As [`load`], from given texts in the formats of `lexicon.tsv` and `sectors.tsv`.
pub(crate) fn parse(lexicon: &str, sectors: &str) -> Result<PhraseTable, DataError> {
    const LEX: &str = "sanctions/lexicon.tsv";
    let mut table = PhraseTable::default();
    for (line, cols) in rows(LEX, lexicon, 2, 3)? {
        let value = cols.get(2).copied().unwrap_or("");
        let entry = match (cols[0], value) {
            ("trigger", "core") => Entry::Trigger(TriggerKind::Core),
            ("trigger", "conditional") => Entry::Trigger(TriggerKind::Conditional),
            ("trigger", "verb") => Entry::Trigger(TriggerKind::Verb),
            ("trigger", "anaphor") => Entry::Trigger(TriggerKind::Anaphor),
            ("action", "impose") => Entry::Action(Cue::Act(SanctionAction::Impose)),
            ("action", "threaten") => Entry::Action(Cue::Act(SanctionAction::Threaten)),
            ("action", "lift") => Entry::Action(Cue::Act(SanctionAction::Lift)),
            ("action", "evade") => Entry::Action(Cue::Act(SanctionAction::Evade)),
            ("action", "oppose") => Entry::Action(Cue::Act(SanctionAction::Oppose)),
            ("action", "join") => Entry::Action(Cue::Join),
            ("action", "outside") => Entry::Action(Cue::Outside),
            ("trigger" | "action", v) => {
                return Err(bad(
                    LEX,
                    line,
                    3,
                    format!("unknown {} value {v:?}", cols[0]),
                ))
            }
            (k, "") => match k {
                "negation" => Entry::Negation,
                "modal" => Entry::Modal,
                "passive" => Entry::Passive,
                "object" => Entry::Object,
                "premod" => Entry::Premod,
                "sport" => Entry::Sport,
                "approval" => Entry::Approval,
                "report" => Entry::Report,
                _ => return Err(bad(LEX, line, 1, format!("unknown kind {k:?}"))),
            },
            (_, v) => return Err(bad(LEX, line, 3, format!("unexpected value {v:?}"))),
        };
        table.insert(cols[1], entry);
    }
    for (_, cols) in rows("sanctions/sectors.tsv", sectors, 2, 2)? {
        table.insert(cols[0], Entry::Sector(cols[1].to_string()));
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_lexicon_loads() {
        assert!(load().is_ok());
    }

    #[test]
    fn an_unknown_kind_or_value_is_refused_with_line_and_column() {
        let e = parse("trigger\tsanctions\tcore\nverb\tgo\n", "").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        let e = parse("action\tlifted\tlifts\n", "").unwrap_err();
        assert_eq!((e.line, e.column), (1, 3));
        let e = parse("negation\tnot\textra\n", "").unwrap_err();
        assert_eq!((e.line, e.column), (1, 3));
        let e = parse("", "oil\n").unwrap_err();
        assert_eq!(e.file, "sanctions/sectors.tsv");
    }
}
