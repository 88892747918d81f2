//! The word classes of the sanctions rules (`data/sanctions/words.tsv`), read strictly.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use super::data::{bad, rows, DataError};
use super::lexicon::Fnv;

/// The word list, compiled in.
pub(crate) const WORDS_TSV: &str = include_str!("../../data/sanctions/words.tsv");
const FILE: &str = "sanctions/words.tsv";

/// A class of words the rules look up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Stems that make a sentence worth analysing.
    Prefilter,
    /// Words after a possessive or demonym that make it an acting subject.
    Agentive,
    /// Prepositions that keep an actor out of the subject slot.
    Preposition,
    /// Verbs that take "on" as a particle.
    PhrasalOn,
    /// Prepositions that introduce a target.
    TargetPrep,
    /// Determiners skipped before an actor.
    Determiner,
    /// Quantity words skipped before an actor.
    Quantity,
    /// Nouns for targeted parties ("companies in China").
    PartyNoun,
    /// Words where the object of a relation has ended.
    ClauseTurn,
    /// Forms of be and get that can open a passive verb group.
    PassiveAux,
    /// Nouns for a war or its acts: the place after "invasion of" is where it happens, not
    /// whom the sanctions hit.
    ConflictNoun,
    /// Prepositions that give a reason ("over Taiwan arms sales"): not a fallback target.
    ReasonPrep,
    /// Words that make sanctions only proposed ("the planned package"): a threat.
    Proposal,
    /// Nouns for a batch of measures, before "of" ("package of sanctions").
    PackageNoun,
    /// Oppose verbs that stop a measure before it is adopted ("vetoed"): what they stop is
    /// a threat.
    Veto,
    /// First words of negations that are refusals ("refused to impose"): the refusal is also
    /// an oppose.
    Refusal,
    /// Verbs of giving ("granted Serbia a waiver"): the actor right after one receives the
    /// relief, so it is the target of a lift.
    GiveVerb,
    /// Nouns after "sanctions" for a trade or a document, not a measure ("sanctions
    /// compliance", "sanctions lawyers"): no relation.
    PracticeNoun,
    /// Nouns after "sanctions" for a body or a register ("sanctions committee", "sanctions
    /// list"): a relation only with an act in the clause.
    RegisterNoun,
    /// Domestic bodies whose "sanctioned" is a penalty inside one country ("the Fair Trade
    /// Commission sanctioned 70 companies").
    DomesticBody,
    /// Nouns through which an oppose verb governs an act ("resisted pressure to impose"): the
    /// clause states the oppose, not the act.
    GovernedNoun,
    /// Pronouns that stand for a state named before them ("X said his country would ..."):
    /// the speaker is the subject.
    SubjectPronoun,
    /// Nouns for a state as a whole after a possessive or "the" ("his country", "on the
    /// country"): they refer to the state named before.
    StateNoun,
    /// Verbs for a term running out ("expires", "lapsed"): the end of a licence restores the
    /// sanctions it relieved.
    EndingVerb,
    /// Nouns for who speaks for a state ("a spokesman for the Chinese embassy"): the state
    /// after their "for"/"of" can be the subject.
    SpeakerNoun,
    /// Words that open a subordinate clause ("if", "unless", "after"): an act cue after one
    /// is not the act of the trigger's clause.
    Subordinator,
    /// Nouns for a threat before "of" ("U.S. threats of sanctions"): the sanctions are only
    /// threatened, and the owner of the noun threatens them.
    ThreatNoun,
    /// Verbs that call for a measure ("called for", "urged"): their subject asks, and does
    /// not impose.
    CallVerb,
    /// Words that link the sanctions to a verdict on them ("described the sanctions as
    /// illegal", "the measures are unjust"): an oppose word after one is the clause's act.
    VerdictLink,
    /// Verbs that name what their object is ("called the measures unfair", "branded the
    /// sanctions illegal"): an oppose word right after the object is the verdict.
    NamingVerb,
    /// Verbs of helping ("helped Russia evade sanctions"): their subject is an intermediary
    /// among the evaders, never whose sanctions are evaded.
    HelpVerb,
}

const CLASSES: &[(&str, Class)] = &[
    ("prefilter", Class::Prefilter),
    ("agentive", Class::Agentive),
    ("preposition", Class::Preposition),
    ("phrasal_on", Class::PhrasalOn),
    ("target_prep", Class::TargetPrep),
    ("determiner", Class::Determiner),
    ("quantity", Class::Quantity),
    ("party_noun", Class::PartyNoun),
    ("clause_turn", Class::ClauseTurn),
    ("passive_aux", Class::PassiveAux),
    ("conflict_noun", Class::ConflictNoun),
    ("reason_prep", Class::ReasonPrep),
    ("proposal", Class::Proposal),
    ("package_noun", Class::PackageNoun),
    ("veto", Class::Veto),
    ("refusal", Class::Refusal),
    ("give_verb", Class::GiveVerb),
    ("practice_noun", Class::PracticeNoun),
    ("register_noun", Class::RegisterNoun),
    ("domestic_body", Class::DomesticBody),
    ("governed_noun", Class::GovernedNoun),
    ("subject_pronoun", Class::SubjectPronoun),
    ("state_noun", Class::StateNoun),
    ("ending_verb", Class::EndingVerb),
    ("speaker_noun", Class::SpeakerNoun),
    ("subordinator", Class::Subordinator),
    ("threat_noun", Class::ThreatNoun),
    ("call_verb", Class::CallVerb),
    ("verdict_link", Class::VerdictLink),
    ("naming_verb", Class::NamingVerb),
    ("help_verb", Class::HelpVerb),
];

/// The loaded word classes.
///
/// One FNV-hashed map from word to the bit set of its classes: the rules ask several classes
/// of the same words per clause, and one lookup without SipHash answers all of them.
///
/// Each class also keeps the set of its word lengths: most words asked about have a length no
/// word of the class has, and are answered without hashing (the FNV chain is serial, one
/// multiply per byte, so it costs more time than its instruction count says).
#[derive(Debug)]
pub(crate) struct Words {
    classes: HashMap<String, u32, BuildHasherDefault<Fnv>>,
    /// Per class (by its position in [`CLASSES`]), bit `n` set if a word of length `n` (63 and
    /// over share bit 63) is in the class.
    lengths: Vec<u64>,
    prefilter: Vec<String>,
}

/// The bit of a word length in a class's length set.
fn length_bit(word: &str) -> u64 {
    1 << word.len().min(63)
}

/// The bit of `class` in a word's class set: its position in [`CLASSES`].
/// The variants are declared in the order of [`CLASSES`] (a test checks it), so the index is
/// the discriminant: no search per look-up.
fn bit(class: Class) -> u32 {
    1 << (class as u32)
}

impl Words {
    /// Reads a file in the format of `words.tsv`; a bad row is refused with its line and column.
    pub(crate) fn parse(file: &'static str, text: &str) -> Result<Words, DataError> {
        let mut classes: HashMap<String, u32, BuildHasherDefault<Fnv>> = HashMap::default();
        let mut lengths = vec![0u64; CLASSES.len()];
        let mut prefilter = Vec::new();
        for (line, cells) in rows(file, text, 2, 2)? {
            let Some(i) = CLASSES.iter().position(|(n, _)| *n == cells[0]) else {
                return Err(bad(file, line, 1, format!("unknown class {:?}", cells[0])));
            };
            let word = cells[1];
            if word.chars().any(|c| c.is_uppercase()) {
                return Err(bad(file, line, 2, format!("{word:?} is not lower-case")));
            }
            let set = classes.entry(word.to_string()).or_insert(0);
            if *set & (1 << i) != 0 {
                return Err(bad(file, line, 2, format!("{word:?} listed twice")));
            }
            *set |= 1 << i;
            lengths[i] |= length_bit(word);
            if CLASSES[i].1 == Class::Prefilter {
                prefilter.push(word.to_string());
            }
        }
        Ok(Words {
            classes,
            lengths,
            prefilter,
        })
    }

    /// Whether `word` (lower-case) is in `class`.
    pub(crate) fn is(&self, class: Class, word: &str) -> bool {
        self.lengths
            .get(class as usize)
            .is_some_and(|l| l & length_bit(word) != 0)
            && self
                .classes
                .get(word)
                .is_some_and(|set| set & bit(class) != 0)
    }

    /// The prefilter stems, in file order.
    pub(crate) fn prefilter(&self) -> &[String] {
        &self.prefilter
    }
}

/// The shipped word classes (checked by a unit test, so loading cannot fail at run time).
pub(crate) fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| Words::parse(FILE, WORDS_TSV).expect("the shipped words.tsv loads"))
}

/// Whether `word` is in `class` of the shipped word list.
pub(crate) fn is(class: Class, word: &str) -> bool {
    words().is(class, word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_loads() {
        let w = Words::parse(FILE, WORDS_TSV).unwrap();
        assert!(w.is(Class::TargetPrep, "against"));
        assert!(w.is(Class::Determiner, "the"));
        assert!(!w.is(Class::Determiner, "against"));
        // One word, two classes.
        assert!(w.is(Class::Preposition, "against") && w.is(Class::TargetPrep, "against"));
        assert!(w.prefilter().iter().any(|p| p == "sanction"));
    }

    #[test]
    fn classes_are_declared_in_file_order_and_fit_a_bit_set() {
        assert!(CLASSES.len() <= 32);
        for (i, (_, c)) in CLASSES.iter().enumerate() {
            assert_eq!(*c as usize, i, "{c:?}");
        }
    }

    #[test]
    fn a_bad_row_is_refused_with_file_line_and_column() {
        let e = Words::parse("w.tsv", "determiner\tthe\nverbs\tgo\n").unwrap_err();
        assert_eq!((e.file, e.line, e.column), ("w.tsv", 2, 1));
        let e = Words::parse("w.tsv", "determiner\tThe\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 2));
        let e = Words::parse("w.tsv", "determiner\tthe\ndeterminer\tthe\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 2));
        let e = Words::parse("w.tsv", "determiner\n").unwrap_err();
        assert_eq!(e.line, 1);
    }
}
