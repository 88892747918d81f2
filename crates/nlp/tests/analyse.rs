//! The whole layer on news sentences (real model), and on arbitrary text (no panics).

use newswire_nlp::{analyse, analyse_text, ChunkKind, Upos, VerbForm};

#[test]
fn passive_and_active_sanctions_sentences() {
    let s = analyse("The sanctions were imposed.");
    let v = &s.chunks[s.chunk_of(3).expect("imposed is in a chunk")];
    assert!(v.kind == ChunkKind::Verb && v.verb.passive, "{s:?}");
    let s = analyse("Washington imposed sanctions on Moscow.");
    assert_eq!((s.upos[1], s.forms[1]), (Upos::Verb, VerbForm::Past));
    let v = &s.chunks[s.chunk_of(1).unwrap()];
    assert!(!v.verb.passive && !v.verb.bare_participle);
    assert_eq!(s.lemma(v.head), "impose");
}

#[test]
fn possessor_and_list_inside_a_prepositional_object() {
    let s = analyse("Beijing condemned penalties on Turkey's defence industry.");
    let on = s.chunk_of(3).unwrap();
    let object = s.pp_object(on).unwrap();
    assert_eq!(s.chunk_text(object), "defence industry");
    let possessor = s.chunks[object].possessor.unwrap();
    assert_eq!(s.chunk_text(possessor), "Turkey");
    let s = analyse("Switzerland, Norway and Liechtenstein adopted the package.");
    let names: Vec<&str> = s.members(0).iter().map(|&c| s.chunk_text(c)).collect();
    assert_eq!(names, ["Switzerland", "Norway", "Liechtenstein"]);
}

#[test]
fn text_splits_into_sentences_with_absolute_spans() {
    let text = "The U.S. acted. Russia did not respond.";
    let s = analyse_text(text);
    assert_eq!(s.len(), 2);
    assert_eq!(s[1].word(0), "Russia");
    assert_eq!(s[1].tokens[0].start, 16);
    let v = &s[1].chunks[s[1].chunk_of(2).unwrap()];
    assert!(v.verb.negated);
}

#[test]
fn arbitrary_text_never_panics() {
    let alphabet: Vec<char> = "aZe.,'’-—$%1 \n\"()sdn't日ǅßIVBto".chars().collect();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for len in 0..400usize {
        let mut s = String::new();
        for _ in 0..len % 60 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            s.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        for sentence in analyse_text(&s) {
            assert_eq!(sentence.upos.len(), sentence.tokens.len());
            for (k, c) in sentence.chunks.iter().enumerate() {
                assert!(c.tokens.contains(&c.head), "{s:?}");
                assert_eq!(sentence.chunk_of(c.head), Some(k));
                let _ = (
                    sentence.chunk_text(k),
                    sentence.lemma(c.head),
                    sentence.members(k),
                );
            }
        }
    }
}

/// The text of the chunk a role lookup returned, or "" for none.
fn role<'t>(s: &newswire_nlp::Sentence<'t>, chunk: Option<usize>) -> &'t str {
    chunk.map_or("", |c| s.chunk_text(c))
}

#[test]
fn subject_object_and_agent_guesses() {
    let s = analyse("The European Union imposed sanctions on Russia.");
    let v = s.chunk_of(3).unwrap();
    assert_eq!(role(&s, s.subject(v)), "The European Union");
    assert_eq!(role(&s, s.object(v)), "sanctions");
    let s = analyse("New sanctions on Iran were imposed by the United States.");
    let v = s.chunk_of(5).unwrap();
    assert_eq!(
        role(&s, s.subject(v)),
        "New sanctions",
        "not the preposition's object"
    );
    assert_eq!(role(&s, s.agent(v)), "the United States");
    assert_eq!(s.object(v).map(|o| s.chunk_text(o)), None);
    let s = analyse("Washington threatened to impose penalties on Tehran.");
    let v = s.chunk_of(3).unwrap();
    assert!(s.chunks[v].verb.infinitive);
    assert_eq!(role(&s, s.subject(v)), "Washington");
    let s = analyse("Turkey's government rejected the EU's demands.");
    let v = s.chunk_of(3).unwrap();
    assert_eq!(role(&s, s.subject(v)), "government");
    assert_eq!(role(&s, s.object(v)), "demands");
}

#[test]
fn hyphenated_modifiers_stay_inside_the_noun_phrase() {
    let s = analyse("The Treasury sanctioned three Hong Kong-based firms.");
    let firms = s.chunk_of(6).unwrap();
    assert_eq!(s.chunk_text(firms), "three Hong Kong-based firms");
    let s = analyse("They condemned U.S.-led sanctions.");
    assert_eq!(s.upos[2], Upos::Adj);
    let s = analyse("Brussels re-imposed sanctions.");
    assert_eq!(s.upos[1], Upos::Verb);
}
