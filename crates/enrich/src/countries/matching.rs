//! Finding gazetteer surface forms in a text: one pass over the text, walking an Aho-Corasick
//! automaton (ASCII case-insensitive, anchored) from every capitalised word start, then word
//! boundaries, the case rule, and leftmost-longest selection. The automaton is a contiguous
//! NFA: with ~4,500 surfaces a DFA is over ten megabytes and each step misses the cache, while
//! the NFA is compact and, anchored, dies after a few bytes at most word starts.
//!
//! Case rule: a matched character must equal the pattern's character, or be the upper-case form
//! of a lower-case pattern character. So "Turkey", "TURKEY" and "Republic Of The Congo" match,
//! while "turkey", "us", "Us" and "china" do not.
//!
//! Selection: among the candidates that pass, the leftmost wins, and among those starting at the
//! same place the longest ("Papua New Guinea" over "Guinea", "Democratic Republic of the Congo"
//! over "Republic of the Congo"). Blocking phrases take part in the selection and then hide what
//! they cover ("New Mexico", "guinea pig").

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};

use super::gazetteer::{Pattern, Target};
use crate::text::{char_at, char_before, is_word_char};

/// One selected match of a pattern in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Byte offset of the match's start.
    pub start: usize,
    /// Byte offset just past the match's end.
    pub end: usize,
    /// Index into the gazetteer's patterns.
    pub pattern: usize,
}

/// The compiled automata: names and blocking phrases in one automaton walked, anchored, from each
/// capitalised word start; context cues in a second automaton searched only when a
/// disambiguation rule asks for them.
pub struct Matcher {
    names: NFA,
    /// Automaton pattern id -> gazetteer pattern index.
    name_ids: Vec<usize>,
    /// Every cue, ASCII case folded, leftmost-longest, unanchored: see [`Matcher::find_cues`].
    cues: DFA,
    /// Cue automaton pattern id -> gazetteer pattern index.
    cue_ids: Vec<usize>,
    /// Surface of every gazetteer pattern, by gazetteer index.
    surfaces: Vec<Box<str>>,
    /// Which word starts can begin a name: see [`StartFilter`].
    starts: StartFilter,
}

/// A bitmap over the (case-folded, hashed) first three bytes of every name, and over the two
/// bytes of two-byte names ("US", "UK"): most capitalised words ("The", "He", "President") are
/// ruled out with one look-up instead of a walk through the automaton.
struct StartFilter {
    three: Vec<u64>,
    two: Vec<u64>,
}

impl StartFilter {
    const THREE_BITS: usize = 1 << 15;

    fn new<'a>(surfaces: impl Iterator<Item = &'a [u8]>) -> StartFilter {
        let mut f = StartFilter {
            three: vec![0; Self::THREE_BITS / 64],
            two: vec![0; (1 << 16) / 64],
        };
        for s in surfaces {
            match s {
                [a, b, c, ..] => set(&mut f.three, Self::key3(*a, *b, *c)),
                [a, b] => set(&mut f.two, Self::key2(*a, *b)),
                // One-byte names would need every start: mark all of them.
                _ => f.two.iter_mut().for_each(|w| *w = u64::MAX),
            }
        }
        f
    }

    fn key3(a: u8, b: u8, c: u8) -> usize {
        let (a, b, c) = (
            a.to_ascii_lowercase() as usize,
            b.to_ascii_lowercase() as usize,
            c.to_ascii_lowercase() as usize,
        );
        (a.wrapping_mul(0x9E5) ^ b.wrapping_mul(0x3B) ^ c.wrapping_mul(0x1F1)) % Self::THREE_BITS
    }

    fn key2(a: u8, b: u8) -> usize {
        ((a.to_ascii_lowercase() as usize) << 8) | b.to_ascii_lowercase() as usize
    }

    /// False when no name can start at `bytes[i..]`.
    fn may_start(&self, bytes: &[u8], i: usize) -> bool {
        match bytes.get(i..) {
            Some([a, b, c, ..]) => {
                get(&self.three, Self::key3(*a, *b, *c)) || get(&self.two, Self::key2(*a, *b))
            }
            Some([a, b]) => get(&self.two, Self::key2(*a, *b)),
            _ => false,
        }
    }
}

fn set(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

fn get(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

impl Matcher {
    /// Builds the automaton over every pattern's surface form (names and cue words alike).
    pub fn new(patterns: &[Pattern]) -> Matcher {
        let surfaces: Vec<Box<str>> = patterns.iter().map(|p| p.surface.as_str().into()).collect();
        let (mut name_ids, mut cue_ids) = (Vec::new(), Vec::new());
        for (i, p) in patterns.iter().enumerate() {
            match p.target {
                Target::Cue(_) => cue_ids.push(i),
                Target::Country(..) | Target::Block => name_ids.push(i),
            }
        }
        let names = NFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(name_ids.iter().map(|&i| surfaces[i].as_bytes()))
            .expect("the gazetteer's names always build an automaton");
        let cues = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(aho_corasick::StartKind::Unanchored)
            .prefilter(false)
            .build(cue_ids.iter().map(|&i| surfaces[i].as_bytes()))
            .expect("the cue words always build an automaton");
        let starts = StartFilter::new(name_ids.iter().map(|&i| surfaces[i].as_bytes()));
        Matcher {
            names,
            name_ids,
            cues,
            cue_ids,
            surfaces,
            starts,
        }
    }

    /// Appends to `out` the selected, non-overlapping candidates in `text`, in text order.
    /// `scratch` is reused between calls to avoid allocating.
    ///
    /// Every name and blocking phrase starts with a word character, and by the case rule a
    /// name can only start where the text has a capital (or a non-ASCII letter such as "É"):
    /// so the automaton is walked, anchored, from those word starts only, until it dies. Each walk
    /// reports every pattern that starts there (longest and shorter ones).
    pub fn find(&self, text: &str, scratch: &mut Vec<Candidate>, out: &mut Vec<Candidate>) {
        scratch.clear();
        let bytes = text.as_bytes();
        let Ok(start_state) = self.names.start_state(Anchored::Yes) else {
            return;
        };
        let mut next = 0;
        // Jump from one capital (or non-ASCII lead byte) to the next.
        while let Some(i) = next_capital(bytes, next) {
            next = i + 1;
            let at_word_start = match i.checked_sub(1).map(|p| bytes[p]) {
                None => true,
                Some(p) if p < 0x80 => !p.is_ascii_alphanumeric(),
                Some(_) => !char_before(text, i).is_some_and(is_word_char),
            };
            if !at_word_start || !self.starts.may_start(bytes, i) {
                continue;
            }
            let mut sid = start_state;
            for (j, &byte) in bytes[i..].iter().enumerate() {
                sid = self.names.next_state(Anchored::Yes, sid, byte);
                if self.names.is_dead(sid) {
                    break;
                }
                if !self.names.is_match(sid) {
                    continue;
                }
                let end = i + j + 1;
                for k in 0..self.names.match_len(sid) {
                    let id = self.names.match_pattern(sid, k).as_usize();
                    let Some(&pattern) = self.name_ids.get(id) else {
                        continue;
                    };
                    self.consider(text, i, end, pattern, scratch);
                }
            }
        }
        select_leftmost_longest(scratch, out);
    }

    /// Keeps a raw match that passes the case rule and the word boundaries.
    fn consider(
        &self,
        text: &str,
        start: usize,
        end: usize,
        pattern: usize,
        scratch: &mut Vec<Candidate>,
    ) {
        let surface = &self.surfaces[pattern];
        // A match may end inside a multi-byte character only if the pattern does, which it
        // never does; check anyway, never slice blindly.
        let Some(matched) = text.get(start..end) else {
            return;
        };
        if case_ok(surface, matched) && edges_ok(text, surface, start, end) {
            scratch.push(Candidate {
                start,
                end,
                pattern,
            });
        }
    }

    /// Appends to `out` the context words (cues) in `text`, leftmost-longest, on word
    /// boundaries, in any case.
    pub fn find_cues(&self, text: &str, out: &mut Vec<Candidate>) {
        leftmost_longest(&self.cues, text.as_bytes(), |id, start, end| {
            let Some(&pattern) = self.cue_ids.get(id) else {
                return;
            };
            if edges_ok(text, &self.surfaces[pattern], start, end) {
                out.push(Candidate {
                    start,
                    end,
                    pattern,
                });
            }
        });
    }
}

/// Calls `found(pattern id, start, end)` for each match of a leftmost-longest `dfa` in
/// `bytes`, in order, each search starting where the last match ended: what
/// `AhoCorasick::find_iter` reports (a test compares them), in a loop of one table look-up
/// and one comparison per byte. The library's loop also handles prefilters, anchored
/// searches and streams, and returns through its iterator at every match; the cue search
/// runs over whole articles, so the difference is about a third of its instructions.
fn leftmost_longest(dfa: &DFA, bytes: &[u8], mut found: impl FnMut(usize, usize, usize)) {
    let Ok(start) = dfa.start_state(Anchored::No) else {
        return;
    };
    let mut at = 0;
    while let Some(rest) = bytes.get(at..).filter(|r| !r.is_empty()) {
        let mut sid = start;
        let mut last = None;
        for (i, &byte) in rest.iter().enumerate() {
            sid = dfa.next_state(Anchored::No, sid, byte);
            if dfa.is_special(sid) {
                if dfa.is_dead(sid) {
                    break;
                }
                if dfa.is_match(sid) {
                    last = Some((dfa.match_pattern(sid, 0), at + i + 1));
                }
            }
        }
        let Some((id, end)) = last else {
            return;
        };
        found(id.as_usize(), end - dfa.pattern_len(id), end);
        at = end;
    }
}

/// The first byte at or after `from` that is an ASCII capital or the lead byte of a character
/// of two or more bytes (>= 0xC0), eight bytes at a time: most eight-byte runs of running text
/// hold neither.
fn next_capital(bytes: &[u8], from: usize) -> Option<usize> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let ones = |b: u8| u64::from(b) * 0x0101_0101_0101_0101;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i.saturating_add(8)) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(chunk);
        let t = x & LOW7;
        // Per byte, high bit set: t >= 'A', t > 'Z' (no carry: t <= 0x7f), and for the bytes
        // that had their high bit, bits 7 and 6 both set.
        let upper = t.wrapping_add(ones(0x80 - b'A')) & !t.wrapping_add(ones(0x80 - b'Z' - 1));
        let found = (upper & !x | x & (x << 1)) & HIGH;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let rest = bytes.get(i..)?;
    rest.iter()
        .position(|&b| b.is_ascii_uppercase() || b >= 0xC0)
        .map(|k| i + k)
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
    fn start_filter_keeps_every_name_start() {
        let names = ["Turkey", "US", "Côte d'Ivoire", "The Hague"];
        let f = StartFilter::new(names.iter().map(|s| s.as_bytes()));
        for text in [
            "Turkey's",
            "TURKEY",
            "US-led",
            "Côte",
            "THE HAGUE",
            "the Hague",
        ] {
            assert!(f.may_start(text.as_bytes(), 0), "{text}");
        }
        assert!(!f.may_start(b"Us", 0) || f.may_start(b"US", 0));
        assert!(!f.may_start(b"X", 0));
        assert!(!f.may_start(b"", 0));
    }

    /// The cue search as it was: an unanchored leftmost-longest automaton over every cue.
    fn automaton_cues(g: &super::super::gazetteer::Gazetteer, text: &str) -> Vec<Candidate> {
        use aho_corasick::{AhoCorasickBuilder, MatchKind};
        let ids: Vec<usize> = (0..g.patterns.len())
            .filter(|&i| matches!(g.patterns[i].target, Target::Cue(_)))
            .collect();
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(ids.iter().map(|&i| g.patterns[i].surface.as_bytes()))
            .unwrap();
        ac.find_iter(text)
            .map(|m| (ids[m.pattern().as_usize()], m.start(), m.end()))
            .filter(|&(p, s, e)| edges_ok(text, &g.patterns[p].surface, s, e))
            .map(|(pattern, start, end)| Candidate {
                start,
                end,
                pattern,
            })
            .collect()
    }

    #[test]
    fn cue_search_equals_the_automaton_search() {
        let mut g = super::super::gazetteer::Gazetteer::load();
        g.add_cue_patterns(&super::super::disambiguation::scanned_groups());
        let m = Matcher::new(&g.patterns);
        let cues: Vec<&str> = g
            .patterns
            .iter()
            .filter(|p| matches!(p.target, Target::Cue(_)))
            .map(|p| p.surface.as_str())
            .collect();
        let mut texts: Vec<String> = [
            include_str!("../../dev/countries.jsonl"),
            include_str!("../../dev/weapons_sanctions.jsonl"),
            include_str!("../../../../tests/fixtures/reuters-s400.txt"),
        ]
        .iter()
        .flat_map(|f| f.lines())
        .map(str::to_string)
        .collect();
        // Overlaps, cues inside words, every case, cut-off cues: random strings of cue pieces.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..1 + next(6) {
                let cue = cues[next(cues.len())];
                let cut = (1..=cue.len())
                    .rev()
                    .find(|&e| cue.is_char_boundary(e) && next(3) > 0);
                let piece = &cue[..cut.unwrap_or(cue.len())];
                let piece = match next(3) {
                    0 => piece.to_ascii_uppercase(),
                    1 => piece.to_ascii_lowercase(),
                    _ => piece.to_string(),
                };
                t.push_str(&piece);
                t.push_str(["", " ", "s ", ". ", "x", "-"][next(6)]);
            }
            texts.push(t);
        }
        texts.extend(
            [
                "xBrian Kemp",
                "Black Seattle",
                "similarity",
                "the blocs",
                "COUNTY County",
                "Ga.Atlanta",
            ]
            .map(String::from),
        );
        for text in &texts {
            let mut ours = Vec::new();
            m.find_cues(text, &mut ours);
            assert_eq!(ours, automaton_cues(&g, text), "{text}");
        }
    }

    #[test]
    fn capitals_eight_bytes_at_a_time() {
        let mut bytes: Vec<u8> = (0..=255u8).collect();
        bytes.extend(b"lower case text with Capitals and \xc3\xa9 here and there ZZ".iter());
        for shift in 0..300 {
            let b: Vec<u8> = bytes
                .iter()
                .cycle()
                .skip(shift)
                .take(300)
                .copied()
                .collect();
            for from in 0..b.len() + 2 {
                let naive = b
                    .get(from..)
                    .and_then(|r| r.iter().position(|&c| c.is_ascii_uppercase() || c >= 0xC0))
                    .map(|k| from + k);
                assert_eq!(next_capital(&b, from), naive, "shift {shift} from {from}");
            }
        }
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
