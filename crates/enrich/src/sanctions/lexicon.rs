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

/// An action cue; `Join` becomes impose, or oppose when negated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    Act(SanctionAction),
    Join,
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

pub(crate) fn data_lines(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// Builds the phrase table from the lexicon and sector files.
pub(crate) fn load() -> PhraseTable {
    let mut table = PhraseTable::default();
    for cols in data_lines(LEXICON_TSV) {
        let (Some(kind), Some(phrase)) = (cols.first(), cols.get(1)) else {
            continue;
        };
        let value = cols.get(2).copied().unwrap_or("");
        let entry = match *kind {
            "trigger" => Entry::Trigger(match value {
                "conditional" => TriggerKind::Conditional,
                "verb" => TriggerKind::Verb,
                "anaphor" => TriggerKind::Anaphor,
                _ => TriggerKind::Core,
            }),
            "action" => Entry::Action(match value {
                "threaten" => Cue::Act(SanctionAction::Threaten),
                "lift" => Cue::Act(SanctionAction::Lift),
                "evade" => Cue::Act(SanctionAction::Evade),
                "oppose" => Cue::Act(SanctionAction::Oppose),
                "join" => Cue::Join,
                _ => Cue::Act(SanctionAction::Impose),
            }),
            "negation" => Entry::Negation,
            "modal" => Entry::Modal,
            "passive" => Entry::Passive,
            "object" => Entry::Object,
            "premod" => Entry::Premod,
            "sport" => Entry::Sport,
            "approval" => Entry::Approval,
            "report" => Entry::Report,
            _ => continue,
        };
        table.insert(phrase, entry);
    }
    for cols in data_lines(SECTORS_TSV) {
        if let (Some(phrase), Some(sector)) = (cols.first(), cols.get(1)) {
            table.insert(phrase, Entry::Sector(sector.to_string()));
        }
    }
    table
}
