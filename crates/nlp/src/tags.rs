//! The tag sets: Universal POS tags, the verb form read from the Penn tag, and the joint
//! class the tagger predicts (one UPOS, plus a verb form for VERB and AUX).

/// A Universal Dependencies part-of-speech tag (<https://universaldependencies.org/u/pos/>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Upos {
    /// Adjective.
    Adj,
    /// Adposition (preposition or postposition).
    Adp,
    /// Adverb.
    Adv,
    /// Auxiliary verb (be, have, do, modals).
    Aux,
    /// Coordinating conjunction.
    Cconj,
    /// Determiner.
    Det,
    /// Interjection.
    Intj,
    /// Common noun.
    Noun,
    /// Numeral.
    Num,
    /// Particle ('s, not, to).
    Part,
    /// Pronoun.
    Pron,
    /// Proper noun.
    Propn,
    /// Punctuation.
    Punct,
    /// Subordinating conjunction.
    Sconj,
    /// Symbol ($, %).
    Sym,
    /// Verb (not auxiliary).
    Verb,
    /// Other.
    X,
}

impl Upos {
    /// Every tag, in the order of their numeric codes.
    pub const ALL: [Upos; 17] = [
        Upos::Adj,
        Upos::Adp,
        Upos::Adv,
        Upos::Aux,
        Upos::Cconj,
        Upos::Det,
        Upos::Intj,
        Upos::Noun,
        Upos::Num,
        Upos::Part,
        Upos::Pron,
        Upos::Propn,
        Upos::Punct,
        Upos::Sconj,
        Upos::Sym,
        Upos::Verb,
        Upos::X,
    ];

    /// The tag as written in CoNLL-U (`NOUN`, `PROPN`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Upos::Adj => "ADJ",
            Upos::Adp => "ADP",
            Upos::Adv => "ADV",
            Upos::Aux => "AUX",
            Upos::Cconj => "CCONJ",
            Upos::Det => "DET",
            Upos::Intj => "INTJ",
            Upos::Noun => "NOUN",
            Upos::Num => "NUM",
            Upos::Part => "PART",
            Upos::Pron => "PRON",
            Upos::Propn => "PROPN",
            Upos::Punct => "PUNCT",
            Upos::Sconj => "SCONJ",
            Upos::Sym => "SYM",
            Upos::Verb => "VERB",
            Upos::X => "X",
        }
    }

    /// Parses a CoNLL-U UPOS field; `None` for anything else.
    pub fn parse(s: &str) -> Option<Upos> {
        Upos::ALL.into_iter().find(|u| u.as_str() == s)
    }

    /// True for the tags a noun phrase can end on (its head).
    pub fn is_nominal(self) -> bool {
        matches!(self, Upos::Noun | Upos::Propn | Upos::Pron | Upos::Num)
    }
}

/// The form of a verb or auxiliary, from its Penn Treebank tag; `None` for other words and modals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VerbForm {
    /// Not a verb, or a verb without a form (modals: MD).
    None,
    /// Base or present tense: VB, VBP, VBZ ("impose", "imposes").
    Present,
    /// Simple past: VBD ("imposed sanctions").
    Past,
    /// Past participle: VBN ("were imposed", "has imposed").
    PastParticiple,
    /// Gerund or present participle: VBG ("imposing").
    Gerund,
}

impl VerbForm {
    /// The form a Penn tag (XPOS) names.
    pub fn from_xpos(xpos: &str) -> VerbForm {
        match xpos {
            "VB" | "VBP" | "VBZ" => VerbForm::Present,
            "VBD" => VerbForm::Past,
            "VBN" => VerbForm::PastParticiple,
            "VBG" => VerbForm::Gerund,
            _ => VerbForm::None,
        }
    }
}

/// Number of joint classes: 17 UPOS tags with no form, plus 4 forms each for VERB and AUX.
pub(crate) const N_CLASSES: usize = 25;

const FORMS: [VerbForm; 4] = [
    VerbForm::Present,
    VerbForm::Past,
    VerbForm::PastParticiple,
    VerbForm::Gerund,
];

/// The joint class of a tag and form; forms other than `None` only count for VERB and AUX.
pub(crate) fn class_of(upos: Upos, form: VerbForm) -> u8 {
    let base = match upos {
        Upos::Verb => 17,
        Upos::Aux => 21,
        _ => return upos as u8,
    };
    match FORMS.iter().position(|f| *f == form) {
        Some(i) => base + i as u8,
        None => upos as u8,
    }
}

/// The tag and form of a joint class (`class < N_CLASSES`; out of range reads as `X`).
pub(crate) fn split_class(class: u8) -> (Upos, VerbForm) {
    match class {
        0..=16 => (Upos::ALL[class as usize], VerbForm::None),
        17..=20 => (Upos::Verb, FORMS[(class - 17) as usize]),
        21..=24 => (Upos::Aux, FORMS[(class - 21) as usize]),
        _ => (Upos::X, VerbForm::None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_round_trip() {
        for c in 0..N_CLASSES as u8 {
            let (u, f) = split_class(c);
            assert_eq!(class_of(u, f), c);
        }
        assert_eq!(class_of(Upos::Noun, VerbForm::Past), Upos::Noun as u8);
    }

    #[test]
    fn upos_parses_its_own_names() {
        for u in Upos::ALL {
            assert_eq!(Upos::parse(u.as_str()), Some(u));
        }
        assert_eq!(Upos::parse("NN"), None);
    }

    #[test]
    fn xpos_forms() {
        assert_eq!(VerbForm::from_xpos("VBN"), VerbForm::PastParticiple);
        assert_eq!(VerbForm::from_xpos("VBD"), VerbForm::Past);
        assert_eq!(VerbForm::from_xpos("VBZ"), VerbForm::Present);
        assert_eq!(VerbForm::from_xpos("MD"), VerbForm::None);
    }
}
