//! Gazetteer matching from word starts only.
//!
//! Names and class phrases can only begin at a word start, so instead of running an unanchored
//! automaton over every byte of the text, callers pick the word starts and ask for the longest
//! pattern that begins there. A bitmap over the (hashed) first three bytes rules most words out
//! with one look-up; the rest walk a compact contiguous NFA, anchored, which dies after a byte or
//! two unless a pattern really starts there.

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// Patterns matched from chosen start positions, longest first.
pub(crate) struct StartMatcher {
    automaton: Walker,
    /// Byte length of every pattern, by pattern id.
    lens: Vec<usize>,
    /// Bit per (folded, hashed) first three bytes of a pattern.
    first_three: Vec<u64>,
    /// Bit per (folded) two-byte pattern.
    two_byte: Vec<u64>,
    /// Some pattern is two bytes long: `two_byte` is worth a look-up.
    has_two_byte: bool,
    /// Some pattern is a single byte long: the bitmaps cannot rule a start out.
    has_single_byte: bool,
    /// Bytes some pattern begins with (both cases when folding): one look-up rules out
    /// spaces and punctuation before the hash.
    first: [bool; 256],
    fold_case: bool,
}

impl StartMatcher {
    /// Builds the matcher. With `fold_case`, ASCII letters match in any case.
    ///
    /// # Panics
    /// When the automaton cannot be built (more patterns than the NFA can address): the
    /// patterns are the crate's own gazetteers, so this is caught by every test.
    pub(crate) fn new<P: AsRef<[u8]>>(patterns: &[P], fold_case: bool) -> StartMatcher {
        let automaton = if fold_case {
            Walker::Dfa(
                DFA::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .start_kind(StartKind::Anchored)
                    .build(patterns)
                    .expect("gazetteer patterns build an automaton"),
            )
        } else {
            Walker::Nfa(
                NFA::builder()
                    .match_kind(MatchKind::Standard)
                    .build(patterns)
                    .expect("gazetteer patterns build an automaton"),
            )
        };
        let mut m = StartMatcher {
            automaton,
            lens: patterns.iter().map(|p| p.as_ref().len()).collect(),
            first_three: vec![0; THREE_BITS / 64],
            two_byte: vec![0; (1 << 16) / 64],
            has_two_byte: false,
            has_single_byte: false,
            first: [false; 256],
            fold_case,
        };
        for p in patterns {
            if let Some(&b) = p.as_ref().first() {
                m.first[usize::from(b)] = true;
                if fold_case {
                    m.first[usize::from(b.to_ascii_lowercase())] = true;
                    m.first[usize::from(b.to_ascii_uppercase())] = true;
                }
            }
            match p.as_ref() {
                [a, b, c, ..] => {
                    let k = m.key3(*a, *b, *c);
                    set(&mut m.first_three, k);
                }
                [a, b] => {
                    let k = m.key2(*a, *b);
                    set(&mut m.two_byte, k);
                    m.has_two_byte = true;
                }
                _ => m.has_single_byte = true,
            }
        }
        m
    }

    #[inline]
    fn fold(&self, b: u8) -> usize {
        usize::from(if self.fold_case {
            b.to_ascii_lowercase()
        } else {
            b
        })
    }

    #[inline]
    fn key2(&self, a: u8, b: u8) -> usize {
        (self.fold(a) << 8) | self.fold(b)
    }

    #[inline]
    fn key3(&self, a: u8, b: u8, c: u8) -> usize {
        (self.fold(a).wrapping_mul(0x9E5) ^ self.fold(b).wrapping_mul(0x3B) ^ self.fold(c))
            % THREE_BITS
    }

    /// False when no pattern begins with `byte`.
    #[inline]
    pub(crate) fn may_begin(&self, byte: u8) -> bool {
        self.first[usize::from(byte)]
    }

    /// False when no pattern can begin at `bytes[i..]`. Always inlined: called once or twice
    /// per word, out of line it cost more than the test itself.
    #[inline(always)]
    fn may_start(&self, bytes: &[u8], i: usize) -> bool {
        if !bytes.get(i).is_some_and(|&b| self.may_begin(b)) {
            return false;
        }
        if self.has_single_byte {
            return i < bytes.len();
        }
        match bytes.get(i..) {
            Some(&[a, b, c, ..]) => {
                get(&self.first_three, self.key3(a, b, c))
                    || (self.has_two_byte && get(&self.two_byte, self.key2(a, b)))
            }
            Some(&[a, b]) => self.has_two_byte && get(&self.two_byte, self.key2(a, b)),
            _ => false,
        }
    }

    /// The longest pattern that begins at byte `i`: `(pattern id, end)`.
    #[inline]
    pub(crate) fn longest_at(&self, bytes: &[u8], i: usize) -> Option<(usize, usize)> {
        if !self.may_start(bytes, i) {
            return None;
        }
        self.walk(bytes, i)
    }

    fn walk(&self, bytes: &[u8], i: usize) -> Option<(usize, usize)> {
        match &self.automaton {
            Walker::Nfa(nfa) => longest_walk(nfa, &self.lens, bytes, i),
            Walker::Dfa(dfa) => longest_walk(dfa, &self.lens, bytes, i),
        }
    }

    /// Heap bytes held.
    pub(crate) fn memory_usage(&self) -> usize {
        let automaton = match &self.automaton {
            Walker::Nfa(nfa) => nfa.memory_usage(),
            Walker::Dfa(dfa) => dfa.memory_usage(),
        };
        automaton + (self.lens.len() + self.first_three.len() + self.two_byte.len()) * 8
    }
}

const THREE_BITS: usize = 1 << 15;

/// The automaton walked from a start. Folded patterns (the weapon classes, a few hundred
/// phrases) get an anchored-only DFA, one table look-up per byte; the names, thousands of
/// them, stay a compact NFA, whose DFA would be megabytes.
enum Walker {
    Nfa(NFA),
    Dfa(DFA),
}

/// The longest pattern that an anchored walk of `automaton` from `i` matches in full.
#[inline]
fn longest_walk<A: Automaton>(
    automaton: &A,
    lens: &[usize],
    bytes: &[u8],
    i: usize,
) -> Option<(usize, usize)> {
    let mut sid = automaton.start_state(Anchored::Yes).ok()?;
    let mut best = None;
    for (j, &byte) in bytes.get(i..)?.iter().enumerate() {
        sid = automaton.next_state(Anchored::Yes, sid, byte);
        if automaton.is_dead(sid) {
            break;
        }
        if !automaton.is_match(sid) {
            continue;
        }
        // A match state also lists the patterns that are suffixes of this prefix: keep the
        // one that spans it all.
        for k in 0..automaton.match_len(sid) {
            let id = automaton.match_pattern(sid, k).as_usize();
            if lens.get(id) == Some(&(j + 1)) {
                best = Some((id, i + j + 1));
            }
        }
    }
    best
}

fn set(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

#[inline]
fn get(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

#[cfg(test)]
mod tests {
    use super::{longest_walk, StartMatcher};
    use aho_corasick::nfa::contiguous::NFA;
    use aho_corasick::MatchKind;

    #[test]
    fn the_folded_dfa_walk_agrees_with_the_nfa_at_every_offset() {
        let patterns = [
            "drone",
            "drones",
            "Drone",
            "IED",
            "x",
            "xy",
            "air defence system",
            "air defence",
            "\u{00e9}clair",
            "tank",
            "tanks",
            "think tank",
            "",
        ];
        let text = "Drones and DRONES, an air defence system; air defences xyz IED ieds \
                    \u{00e9}clair \u{00c9}CLAIR think tank TANKS X";
        let m = StartMatcher::new(&patterns, true);
        let nfa = NFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .unwrap();
        let lens: Vec<usize> = patterns.iter().map(|p| p.len()).collect();
        let bytes = text.as_bytes();
        for i in 0..=bytes.len() + 1 {
            let want = longest_walk(&nfa, &lens, bytes, i);
            assert_eq!(m.walk(bytes, i), want, "offset {i}");
        }
    }

    #[test]
    fn longest_pattern_at_a_start() {
        let m = StartMatcher::new(&["S-400", "S-4", "Su-35", "Iron Dome"], false);
        let t = b"the S-400s and Iron Dome";
        assert_eq!(m.longest_at(t, 4), Some((0, 9)));
        assert_eq!(m.longest_at(t, 0), None);
        assert_eq!(m.longest_at(t, 15), Some((3, 24)));
        assert_eq!(m.longest_at(b"s-400", 0), None);
        assert_eq!(m.longest_at(t, 99), None);
    }

    #[test]
    fn folded_case_and_short_patterns() {
        let m = StartMatcher::new(&["drone", "IED"], true);
        assert_eq!(m.longest_at(b"DRONES", 0), Some((0, 5)));
        assert_eq!(m.longest_at(b"ieds", 0), Some((1, 3)));
        let m = StartMatcher::new(&["x", "xy"], false);
        assert_eq!(m.longest_at(b"xyz", 0), Some((1, 2)));
        assert_eq!(m.longest_at(b"x", 0), Some((0, 1)));
    }

    #[test]
    fn first_bytes_follow_the_case_rule() {
        let folded = StartMatcher::new(&["drone"], true);
        assert!(folded.may_begin(b'd') && folded.may_begin(b'D') && !folded.may_begin(b' '));
        let exact = StartMatcher::new(&["S-400"], false);
        assert!(exact.may_begin(b'S') && !exact.may_begin(b's'));
        assert_eq!(exact.longest_at(b" S-400", 0), None);
    }
}
