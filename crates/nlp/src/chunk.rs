//! Rule-based phrase chunks over the tags, in one left-to-right pass: verb groups
//! (AUX* ADV* VERB PART?), noun phrases (DET/ADJ/NUM/compound nouns, head = last nominal),
//! prepositions with their object and an attachment guess; then possessors and coordination.

use crate::lemma::lemma;
use crate::tags::{Upos, VerbForm};
use std::ops::Range;

/// What kind of phrase a chunk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChunkKind {
    /// A noun phrase ("the EU's latest package" is two: possessor "the EU" and "latest package").
    Noun,
    /// A verb group ("have not been imposed").
    Verb,
    /// A preposition ("on", "out of"); its object is a separate noun chunk.
    Prep,
}

/// Properties of a verb group (all false for other chunks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VerbFlags {
    /// A form of be or get before a past participle ("were imposed", "got sanctioned").
    pub passive: bool,
    /// "not", "n't", "never" or "no" inside the group.
    pub negated: bool,
    /// A modal auxiliary in the group (will, would, could, may, might, should, must, can, shall).
    pub modal: bool,
    /// The group starts with infinitive "to" ("to impose").
    pub infinitive: bool,
    /// A past participle with no auxiliary ("sanctions imposed by ...", or a simple past the
    /// tagger read as a participle): passive in a reduced relative clause.
    pub bare_participle: bool,
}

/// A phrase: a contiguous run of tokens of one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Noun phrase, verb group or preposition.
    pub kind: ChunkKind,
    /// Token indices of the chunk.
    pub tokens: Range<usize>,
    /// Token index of the head: last nominal of a noun phrase, main verb of a verb group,
    /// last word of a preposition.
    pub head: usize,
    /// Noun phrase: the chunk index of its possessor ("Turkey" in "Turkey's defence industry").
    pub possessor: Option<usize>,
    /// Preposition: the chunk index of its object noun phrase.
    pub object: Option<usize>,
    /// Preposition: the chunk index it most likely modifies (a noun phrase for of/from/in/with
    /// and similar, otherwise the nearest preceding verb group).
    pub attachment: Option<usize>,
    /// Noun phrase: index into the sentence's coordinations when it is a member of a list.
    pub coordination: Option<usize>,
    /// Verb group flags.
    pub verb: VerbFlags,
}

/// A list of coordinated noun phrases ("Russia, Belarus and Iran").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordination {
    /// Chunk indices of the members, in order.
    pub members: Vec<usize>,
    /// Token index of the conjunction before the last member.
    pub conjunction: usize,
}

/// Prepositions that attach to the nearest preceding noun phrase.
const NOMINAL_PREPOSITIONS: &[&str] = &[
    "of",
    "from",
    "in",
    "with",
    "at",
    "among",
    "including",
    "inside",
    "within",
    "near",
    "like",
    "between",
    "without",
    "outside",
];

const POSSESSIVE_PRONOUNS: &[&str] = &["its", "his", "their", "our", "my", "your", "whose", "her"];

/// The words and tags of one sentence, as the chunker reads them.
pub(crate) struct Tagged<'a> {
    pub(crate) words: &'a [&'a str],
    pub(crate) upos: &'a [Upos],
    pub(crate) forms: &'a [VerbForm],
}

impl Tagged<'_> {
    fn len(&self) -> usize {
        self.words.len()
    }
    fn tag(&self, i: usize) -> Option<Upos> {
        self.upos.get(i).copied()
    }
    fn is(&self, i: usize, word: &str) -> bool {
        self.words
            .get(i)
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    }
    fn is_negation(&self, i: usize) -> bool {
        ["not", "n't", "n’t", "never", "no"]
            .iter()
            .any(|w| self.is(i, w))
    }
    fn is_possessive_mark(&self, i: usize) -> bool {
        self.tag(i) == Some(Upos::Part) && ["'s", "’s", "'", "’"].iter().any(|w| self.is(i, w))
    }
}

/// Chunks a tagged sentence: chunks in token order, and the coordinations among them.
pub(crate) fn chunk(t: &Tagged<'_>) -> (Vec<Chunk>, Vec<Coordination>) {
    let mut chunks = Vec::new();
    let mut i = 0;
    let mut possessor: Option<(usize, usize)> = None; // (chunk index, token the possessed starts at)
    while i < t.len() {
        let next = if let Some(end) = verb_group_end(t, i) {
            chunks.push(verb_group(t, i..end));
            end
        } else if t.tag(i) == Some(Upos::Adp) {
            let end = (i..t.len())
                .find(|&j| t.tag(j) != Some(Upos::Adp))
                .unwrap_or(t.len());
            chunks.push(new_chunk(ChunkKind::Prep, i..end, end - 1));
            end
        } else if let Some((range, head)) = noun_phrase(t, i) {
            let mut c = new_chunk(ChunkKind::Noun, range.clone(), head);
            c.possessor = possessor
                .filter(|&(_, at)| at == range.start)
                .map(|(k, _)| k);
            chunks.push(c);
            let possessive_pronoun = range.len() == 1 && is_possessive_pronoun(t, head);
            if possessive_pronoun {
                possessor = Some((chunks.len() - 1, range.end));
            } else if t.is_possessive_mark(range.end) {
                possessor = Some((chunks.len() - 1, range.end + 1));
            }
            range.end + t.is_possessive_mark(range.end) as usize
        } else {
            i + 1
        };
        i = next.max(i + 1);
    }
    link_prepositions(t, &mut chunks);
    let coordinations = coordinations(t, &mut chunks);
    (chunks, coordinations)
}

fn new_chunk(kind: ChunkKind, tokens: Range<usize>, head: usize) -> Chunk {
    Chunk {
        kind,
        tokens,
        head,
        possessor: None,
        object: None,
        attachment: None,
        coordination: None,
        verb: VerbFlags::default(),
    }
}

/// "its", "their", "her" before a noun phrase.
fn is_possessive_pronoun(t: &Tagged<'_>, i: usize) -> bool {
    let before_np = matches!(
        t.tag(i + 1),
        Some(Upos::Noun | Upos::Propn | Upos::Adj | Upos::Num)
    );
    t.tag(i) == Some(Upos::Pron) && before_np && POSSESSIVE_PRONOUNS.iter().any(|w| t.is(i, w))
}

/// The end of the verb group starting at `i`, if one starts there.
fn verb_group_end(t: &Tagged<'_>, i: usize) -> Option<usize> {
    let mut j = i;
    if t.is(i, "to") && t.tag(i) == Some(Upos::Part) {
        j += 1;
    }
    if !matches!(t.tag(j), Some(Upos::Aux | Upos::Verb)) {
        return None;
    }
    let mut end = j;
    let mut main_verb: Option<usize> = None;
    while let Some(tag) = t.tag(j) {
        match tag {
            Upos::Aux if main_verb.is_none() => end = j + 1,
            Upos::Verb => match main_verb {
                None => end = j + 1,
                Some(m) if get_passive(t, m, j) => end = j + 1,
                Some(_) => break,
            },
            Upos::Part if t.is_negation(j) && main_verb.is_none() => end = j + 1,
            Upos::Adv if main_verb.is_none() => {
                if t.is_negation(j) {
                    end = j + 1;
                }
            }
            Upos::Part if !t.is(j, "to") && !t.is_possessive_mark(j) => {
                end = j + 1;
                break;
            }
            _ => break,
        }
        if tag == Upos::Verb {
            main_verb = Some(j);
        }
        j += 1;
    }
    Some(end)
}

/// "got sanctioned": a form of get followed by a past participle stays one group.
fn get_passive(t: &Tagged<'_>, get: usize, j: usize) -> bool {
    t.forms.get(j) == Some(&VerbForm::PastParticiple) && lemma(t.words[get]) == "get"
}

/// A verb group chunk over `range` with its flags.
fn verb_group(t: &Tagged<'_>, range: Range<usize>) -> Chunk {
    let verbal = |j: &usize| matches!(t.tag(*j), Some(Upos::Aux | Upos::Verb));
    let main_verb = range.clone().rev().find(|&j| t.tag(j) == Some(Upos::Verb));
    let head = main_verb
        .or_else(|| range.clone().rev().find(verbal))
        .unwrap_or(range.start);
    let participle = main_verb.is_some_and(|m| t.forms[m] == VerbForm::PastParticiple);
    let helpers: Vec<usize> = range
        .clone()
        .filter(verbal)
        .filter(|&j| j != head)
        .collect();
    let modals = [
        "will", "would", "could", "may", "might", "should", "must", "can", "shall",
    ];
    let flags = VerbFlags {
        passive: participle
            && helpers
                .iter()
                .any(|&j| matches!(&*lemma(t.words[j]), "be" | "get")),
        negated: range.clone().any(|j| t.is_negation(j)),
        modal: helpers
            .iter()
            .chain([head].iter())
            .any(|&j| t.tag(j) == Some(Upos::Aux) && modals.contains(&&*lemma(t.words[j]))),
        infinitive: t.is(range.start, "to"),
        bare_participle: participle && helpers.is_empty() && !t.is(range.start, "to"),
    };
    let mut c = new_chunk(ChunkKind::Verb, range, head);
    c.verb = flags;
    c
}

/// The noun phrase starting at `i`: its tokens and head, if `i` starts one.
fn noun_phrase(t: &Tagged<'_>, i: usize) -> Option<(Range<usize>, usize)> {
    if t.tag(i) == Some(Upos::Pron) {
        return Some((i..i + 1, i));
    }
    let mut j = i;
    while j < t.len() && inside_noun_phrase(t, i, j) {
        j += 1;
    }
    let head = (i..j)
        .rev()
        .find(|&k| t.tag(k).is_some_and(Upos::is_nominal))?;
    Some((i..head + 1, head))
}

/// Whether token `j` continues the noun phrase that started at `start`.
fn inside_noun_phrase(t: &Tagged<'_>, start: usize, j: usize) -> bool {
    let (prev, next) = (j.checked_sub(1).and_then(|p| t.tag(p)), t.tag(j + 1));
    match t.tag(j) {
        Some(Upos::Det) => (start..j).all(|k| t.tag(k) == Some(Upos::Det)),
        Some(Upos::Adj | Upos::Num | Upos::Noun | Upos::Propn) => true,
        Some(Upos::Sym) => next == Some(Upos::Num) || prev == Some(Upos::Num),
        Some(Upos::Adv) => next == Some(Upos::Adj) && !prev.is_some_and(Upos::is_nominal),
        Some(Upos::Cconj | Upos::Punct) => {
            let between_adjectives =
                j > start && prev == Some(Upos::Adj) && next == Some(Upos::Adj);
            between_adjectives && (t.tag(j) == Some(Upos::Cconj) || t.is(j, ","))
        }
        _ => false,
    }
}

/// Sets each preposition's object and attachment.
fn link_prepositions(t: &Tagged<'_>, chunks: &mut [Chunk]) {
    for k in 0..chunks.len() {
        if chunks[k].kind != ChunkKind::Prep {
            continue;
        }
        let end = chunks[k].tokens.end;
        let object = chunks
            .get(k + 1)
            .filter(|c| c.kind == ChunkKind::Noun && c.tokens.start == end);
        let possessed = chunks.get(k + 2).filter(|c| c.possessor == Some(k + 1));
        chunks[k].object = object.map(|_| if possessed.is_some() { k + 2 } else { k + 1 });
        let nominal = NOMINAL_PREPOSITIONS.iter().any(|p| t.is(chunks[k].head, p));
        let nearest = |kind: ChunkKind| (0..k).rev().find(|&p| chunks[p].kind == kind);
        chunks[k].attachment = if nominal {
            nearest(ChunkKind::Noun).or_else(|| nearest(ChunkKind::Verb))
        } else {
            nearest(ChunkKind::Verb).or_else(|| nearest(ChunkKind::Noun))
        };
    }
}

/// Finds lists of noun phrases joined by commas and a final and/or/nor.
fn coordinations(t: &Tagged<'_>, chunks: &mut [Chunk]) -> Vec<Coordination> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < chunks.len() {
        match coordination_at(t, chunks, k) {
            Some(c) => {
                k = c.members[c.members.len() - 1] + 1;
                for &m in &c.members {
                    chunks[m].coordination = Some(out.len());
                }
                out.push(c);
            }
            None => k += 1,
        }
    }
    out
}

/// What separates two adjacent noun phrases of a list.
enum Gap {
    Comma,
    Conjunction { token: usize, after_comma: bool },
}

fn gap(t: &Tagged<'_>, between: Range<usize>) -> Option<Gap> {
    let conj = |j: usize| {
        t.tag(j) == Some(Upos::Cconj) && ["and", "or", "nor", "&"].iter().any(|w| t.is(j, w))
    };
    let (a, n) = (between.start, between.len());
    match n {
        1 if t.is(a, ",") => Some(Gap::Comma),
        1 if conj(a) => Some(Gap::Conjunction {
            token: a,
            after_comma: false,
        }),
        2 if t.is(a, ",") && conj(a + 1) => Some(Gap::Conjunction {
            token: a + 1,
            after_comma: true,
        }),
        _ => None,
    }
}

/// The list whose first member is chunk `k`, if there is one.
fn coordination_at(t: &Tagged<'_>, chunks: &[Chunk], k: usize) -> Option<Coordination> {
    let is_member = |m: usize| {
        let c = &chunks[m];
        let is_possessor = chunks.get(m + 1).is_some_and(|n| n.possessor == Some(m));
        c.kind == ChunkKind::Noun && !is_possessor
    };
    if !is_member(k) {
        return None;
    }
    let mut members = vec![k];
    loop {
        let (cur, next) = (members[members.len() - 1], members[members.len() - 1] + 1);
        if next >= chunks.len() || !is_member(next) {
            return None;
        }
        match gap(t, chunks[cur].tokens.end..chunks[next].tokens.start)? {
            Gap::Comma => members.push(next),
            Gap::Conjunction { token, after_comma } => {
                members.push(next);
                let then_verb = chunks.get(next + 1).is_some_and(|v| {
                    v.kind == ChunkKind::Verb && v.tokens.start == chunks[next].tokens.end
                });
                let clauses = after_comma && members.len() == 2 && then_verb;
                return (!clauses).then_some(Coordination {
                    members,
                    conjunction: token,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks "word/TAG" or "word/TAG/form" items (form: p = past, n = participle, g, s = present).
    fn run(spec: &str) -> (Vec<&str>, Vec<Chunk>, Vec<Coordination>) {
        let mut words = Vec::new();
        let mut upos = Vec::new();
        let mut forms = Vec::new();
        for item in spec.split(' ') {
            let mut parts = item.split('/');
            words.push(parts.next().unwrap());
            upos.push(Upos::parse(parts.next().unwrap()).unwrap());
            forms.push(match parts.next() {
                Some("p") => VerbForm::Past,
                Some("n") => VerbForm::PastParticiple,
                Some("g") => VerbForm::Gerund,
                Some("s") => VerbForm::Present,
                _ => VerbForm::None,
            });
        }
        let t = Tagged {
            words: &words,
            upos: &upos,
            forms: &forms,
        };
        let (c, l) = chunk(&t);
        (words, c, l)
    }

    fn text(words: &[&str], c: &Chunk) -> String {
        words[c.tokens.clone()].join(" ")
    }

    #[test]
    fn noun_phrases_with_heads() {
        let (w, c, _) = run("the/DET new/ADJ EU/PROPN steel/NOUN import/NOUN ban/NOUN hit/VERB/p 22/NUM Iranian/ADJ firms/NOUN");
        assert_eq!(c.len(), 3);
        assert_eq!(
            (text(&w, &c[0]), c[0].head),
            ("the new EU steel import ban".into(), 5)
        );
        assert_eq!(c[1].kind, ChunkKind::Verb);
        assert_eq!(
            (text(&w, &c[2]), w[c[2].head]),
            ("22 Iranian firms".into(), "firms")
        );
        let (w, c, _) = run("gave/VERB/p Iran/PROPN the/DET weapons/NOUN");
        assert_eq!(text(&w, &c[1]), "Iran");
        assert_eq!(text(&w, &c[2]), "the weapons");
    }

    #[test]
    fn possessors_split_off() {
        let (w, c, _) = run("Turkey/PROPN 's/PART defence/NOUN industry/NOUN");
        assert_eq!(c.len(), 2);
        assert_eq!(text(&w, &c[0]), "Turkey");
        assert_eq!(
            (text(&w, &c[1]), c[1].possessor),
            ("defence industry".into(), Some(0))
        );
        let (w, c, _) = run("Beijing/PROPN extended/VERB/p its/PRON ban/NOUN");
        assert_eq!((text(&w, &c[3]), c[3].possessor), ("ban".into(), Some(2)));
        let (_, c, _) = run("they/PRON ban/VERB/s it/PRON");
        assert!(c.iter().all(|c| c.possessor.is_none()));
    }

    #[test]
    fn coordination_lists() {
        let (w, c, l) = run("Russia/PROPN ,/PUNCT Belarus/PROPN and/CCONJ Iran/PROPN");
        assert_eq!(l.len(), 1);
        let members: Vec<String> = l[0].members.iter().map(|&m| text(&w, &c[m])).collect();
        assert_eq!(members, ["Russia", "Belarus", "Iran"]);
        assert_eq!((l[0].conjunction, c[2].coordination), (3, Some(0)));
        let (_, _, l) = run("Russia/PROPN ,/PUNCT the/DET EU/PROPN said/VERB/p");
        assert!(l.is_empty(), "an apposition is not a list");
        let (_, _, l) = run("on/ADP Russia/PROPN ,/PUNCT and/CCONJ China/PROPN objected/VERB/p");
        assert!(l.is_empty(), "two clauses joined by ', and'");
        let (w, c, _) = run("Iranian/ADJ and/CCONJ Syrian/ADJ firms/NOUN");
        assert_eq!(text(&w, &c[0]), "Iranian and Syrian firms");
    }

    #[test]
    fn prepositions_objects_and_attachment() {
        let (_, c, l) = run("imposed/VERB/p penalties/NOUN on/ADP a/DET network/NOUN of/ADP firms/NOUN from/ADP Turkey/PROPN and/CCONJ Iran/PROPN");
        // chunks: 0 VG, 1 NP penalties, 2 on, 3 a network, 4 of, 5 firms, 6 from, 7 Turkey, 8 Iran
        assert_eq!((c[2].object, c[2].attachment), (Some(3), Some(0)));
        assert_eq!((c[4].object, c[4].attachment), (Some(5), Some(3)));
        assert_eq!((c[6].object, c[6].attachment), (Some(7), Some(5)));
        assert_eq!(l[0].members, [7, 8]);
        let (_, c, _) = run("asset/NOUN freezes/NOUN on/ADP Turkey/PROPN 's/PART banks/NOUN");
        assert_eq!((c[1].object, c[1].attachment), (Some(3), Some(0)));
    }

    #[test]
    fn verb_group_flags() {
        let (_, c, _) = run("sanctions/NOUN were/AUX/p not/PART imposed/VERB/n");
        let v = &c[1];
        assert_eq!((v.tokens.clone(), v.head), (1..4, 3));
        assert!(v.verb.passive && v.verb.negated && !v.verb.modal && !v.verb.bare_participle);
        let (_, c, _) = run("Washington/PROPN has/AUX/s imposed/VERB/n sanctions/NOUN");
        assert!(!c[1].verb.passive);
        let (_, c, _) = run("they/PRON could/AUX soon/ADV be/AUX/s lifted/VERB/n");
        assert!(c[1].verb.modal && c[1].verb.passive && c[1].tokens == (1..5));
        let (_, c, _) = run("firms/NOUN got/VERB/p sanctioned/VERB/n");
        assert!(c[1].verb.passive && c[1].head == 2);
        let (_, c, _) = run("sanctions/NOUN imposed/VERB/n by/ADP Washington/PROPN");
        assert!(c[1].verb.bare_participle && !c[1].verb.passive);
        let (_, c, _) = run("threatened/VERB/p to/PART impose/VERB/s curbs/NOUN");
        assert_eq!((c[0].tokens.clone(), c[1].tokens.clone()), (0..1, 1..3));
        assert!(c[1].verb.infinitive);
        let (_, c, _) = run("it/PRON was/AUX/p never/ADV clear/ADJ");
        assert!(c[1].verb.negated && c[1].tokens == (1..3) && c[1].head == 1);
    }
}
