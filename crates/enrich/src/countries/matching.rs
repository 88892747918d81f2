//! Finding gazetteer surface forms in a text: one Aho-Corasick pass (ASCII case-insensitive,
//! overlapping), then word boundaries, the case rule, and leftmost-longest selection.
//!
//! Case rule: a matched character must equal the pattern's character, or be the upper-case form
//! of a lower-case pattern character. So "Turkey", "TURKEY" and "Republic Of The Congo" match,
//! while "turkey", "us", "Us" and "china" do not.
//!
//! Selection: among the candidates that pass, the leftmost wins, and among those starting at the
//! same place the longest ("Papua New Guinea" over "Guinea", "Democratic Republic of the Congo"
//! over "Republic of the Congo"). Blocking phrases take part in the selection and then hide what
//! they cover ("New Mexico", "guinea pig").

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::gazetteer::{Pattern, Target};
use crate::text::{char_at, char_before, is_word_char};

/// One selected match of a pattern in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
}

/// The compiled automaton over every pattern's surface.
pub struct Matcher {
    automaton: AhoCorasick,
    surfaces: Vec<Box<str>>,
    is_cue: Vec<bool>,
}

impl Matcher {
    pub fn new(patterns: &[Pattern]) -> Matcher {
        let surfaces: Vec<Box<str>> = patterns.iter().map(|p| p.surface.as_str().into()).collect();
        let is_cue = patterns
            .iter()
            .map(|p| matches!(p.target, Target::Cue(_)))
            .collect();
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(surfaces.iter().map(|s| s.as_bytes()))
            .expect("the gazetteer's patterns always build an automaton");
        Matcher {
            automaton,
            surfaces,
            is_cue,
        }
    }

    /// Appends to `out` the selected, non-overlapping candidates in `text`, in text order, and
    /// to `cues` the context words found (leftmost-longest among themselves; no case rule).
    /// `scratch` is reused between calls to avoid allocating.
    pub fn find(
        &self,
        text: &str,
        scratch: &mut Vec<Candidate>,
        out: &mut Vec<Candidate>,
        cues: &mut Vec<Candidate>,
    ) {
        scratch.clear();
        let cues_from = cues.len();
        for m in self.automaton.find_overlapping_iter(text) {
            let (start, end, pattern) = (m.start(), m.end(), m.pattern().as_usize());
            let surface = &self.surfaces[pattern];
            // Matches are ASCII case-insensitive over whole UTF-8 sequences of the pattern, so
            // they always start and end on char boundaries; check anyway, never slice blindly.
            let Some(matched) = text.get(start..end) else {
                continue;
            };
            if self.is_cue[pattern] {
                if edges_ok(text, surface, start, end) {
                    cues.push(Candidate {
                        start,
                        end,
                        pattern,
                    });
                }
                continue;
            }
            if !case_ok(surface, matched) || !edges_ok(text, surface, start, end) {
                continue;
            }
            scratch.push(Candidate {
                start,
                end,
                pattern,
            });
        }
        select_leftmost_longest(scratch, out);
        // The cues found in this text, selected the same way among themselves.
        let mut found_cues: Vec<Candidate> = cues.drain(cues_from..).collect();
        select_leftmost_longest(&mut found_cues, cues);
    }
}

/// Appends to `out` the leftmost-longest non-overlapping subset of `candidates`.
fn select_leftmost_longest(candidates: &mut [Candidate], out: &mut Vec<Candidate>) {
    candidates.sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut last_end = 0;
    for c in candidates.iter() {
        if c.start >= last_end {
            out.push(*c);
            last_end = c.end;
        }
    }
}

/// The case rule (see the module docs).
pub fn case_ok(surface: &str, matched: &str) -> bool {
    if surface.len() != matched.len() {
        return false;
    }
    surface
        .bytes()
        .zip(matched.bytes())
        .all(|(p, m)| p == m || (p.is_ascii_lowercase() && m == p.to_ascii_uppercase()))
}

/// Word boundaries, checked only where the pattern's own edge is a word character: "U.S." may be
/// followed by anything ("U.S.-led", "U.S.,"), "Turkey" may not be followed by "s".
fn edges_ok(text: &str, surface: &str, start: usize, end: usize) -> bool {
    let first_is_word = surface.chars().next().is_some_and(is_word_char);
    let last_is_word = surface.chars().next_back().is_some_and(is_word_char);
    let before_ok = !first_is_word || !char_before(text, start).is_some_and(is_word_char);
    let after_ok = !last_is_word || !char_at(text, end).is_some_and(is_word_char);
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_rule() {
        assert!(case_ok("Turkey", "Turkey"));
        assert!(case_ok("Turkey", "TURKEY"));
        assert!(!case_ok("Turkey", "turkey"));
        assert!(!case_ok("US", "us"));
        assert!(!case_ok("US", "Us"));
        assert!(case_ok("Republic of the Congo", "Republic Of The Congo"));
        assert!(!case_ok("China", "china"));
    }

    #[test]
    fn edges() {
        assert!(edges_ok("U.S.-led", "U.S.", 0, 4));
        assert!(edges_ok("the U.S.", "U.S.", 4, 8));
        assert!(!edges_ok("AUS.", "US", 1, 3));
        assert!(!edges_ok("Turkeys", "Turkey", 0, 6));
        assert!(edges_ok("Turkey’s", "Turkey", 0, 6));
        assert!(!edges_ok("woman", "Oman", 1, 5));
    }
}
