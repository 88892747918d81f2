//! Feature extraction for the tagger, hashed: each word is reduced once to a few 64-bit hashes
//! (normalised form, suffixes, prefix, shape), and each feature of a position combines a template
//! number with those hashes and the previous tags. No string is built per token or per feature.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Number of features per position (the templates in [`features`]).
pub(crate) const N_FEATURES: usize = 28;

/// The hashes of one word the templates read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WordHashes {
    norm: u64,
    suf3: u64,
    suf2: u64,
    suf4: u64,
    pre1: u64,
    pre3: u64,
    shape: u64,
    amb: u64,
}

/// Lowercased words seen often enough in training, by [`lower_hash`], to the set of classes
/// (bit per class) they were seen with: the "ambiguity class" of a word.
pub(crate) type Lexicon = HashMap<u64, u32, BuildHasherDefault<KeyHasher>>;

/// A hasher for keys that are already uniform 64-bit hashes: it passes them through.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Padding before the first and after the last word.
const START: [WordHashes; 2] = [pad(1), pad(2)];
const END: [WordHashes; 2] = [pad(3), pad(4)];

const fn pad(n: u64) -> WordHashes {
    let h = fmix(n.wrapping_mul(0x517c_c1b7_2722_0a95));
    WordHashes {
        norm: h,
        suf3: h,
        suf2: h,
        suf4: h,
        pre1: h,
        pre3: h,
        shape: h,
        amb: h,
    }
}

/// The splitmix64 finaliser: a cheap, well-mixing bijection on 64 bits.
const fn fmix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A streaming FNV-1a hash over chars, finalised with [`fmix`].
struct Hasher(u64);

impl Hasher {
    fn new(salt: u64) -> Hasher {
        Hasher(0xcbf2_9ce4_8422_2325 ^ salt)
    }
    fn push(&mut self, c: char) {
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn push_lower(&mut self, c: char) {
        if c.is_ascii() {
            self.push(c.to_ascii_lowercase());
        } else {
            c.to_lowercase().for_each(|l| self.push(l));
        }
    }
    fn finish(self) -> u64 {
        fmix(self.0)
    }
}

/// The hash of a lowercased word, the lexicon's key.
pub(crate) fn lower_hash(word: &str) -> u64 {
    let mut h = Hasher::new(1);
    word.chars().for_each(|c| h.push_lower(c));
    h.finish()
}

/// Hashes a word's features once per sentence.
pub(crate) fn word_hashes(word: &str, lexicon: &Lexicon) -> WordHashes {
    let amb = lexicon
        .get(&lower_hash(word))
        .map_or(0x100_0000_0000, |&m| m as u64);
    WordHashes {
        amb: fmix(amb ^ 0xa3b1),
        norm: normalised(word),
        suf3: suffix(word, 3),
        suf2: suffix(word, 2),
        suf4: suffix(word, 4),
        pre1: prefix(word, 1),
        pre3: prefix(word, 3),
        shape: shape(word),
    }
}

/// The lowercased word; numbers fold to two classes (four-digit "years" and other digits).
fn normalised(word: &str) -> u64 {
    let first = word.chars().next();
    if first.is_some_and(|c| c.is_ascii_digit()) {
        let year = word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit());
        return fmix(if year { 0x59 } else { 0x44 });
    }
    lower_hash(word)
}

/// The last `n` chars, lowercased.
fn suffix(word: &str, n: usize) -> u64 {
    let count = word.chars().count();
    let mut h = Hasher::new(n as u64 + 1);
    word.chars()
        .skip(count.saturating_sub(n))
        .for_each(|c| h.push_lower(c));
    h.finish()
}

/// The first `n` chars, case kept.
fn prefix(word: &str, n: usize) -> u64 {
    let mut h = Hasher::new(n as u64 + 16);
    word.chars().take(n).for_each(|c| h.push(c));
    h.finish()
}

/// Capitalisation (none, initial, all, inner), digits, hyphen, period, non-letter start.
fn shape(word: &str) -> u64 {
    let mut upper = 0usize;
    let mut letters = 0usize;
    let (mut digit, mut hyphen, mut period) = (false, false, false);
    for c in word.chars() {
        if c.is_alphabetic() {
            letters += 1;
            upper += c.is_uppercase() as usize;
        }
        digit |= c.is_ascii_digit();
        hyphen |= c == '-';
        period |= c == '.';
    }
    let first_upper = word.chars().next().is_some_and(char::is_uppercase);
    let caps = match (upper, first_upper) {
        (0, _) => 0u64,
        (u, true) if u == letters && letters > 1 => 2,
        (1, true) => 1,
        _ => 3,
    };
    let code = caps
        | (digit as u64) << 2
        | (hyphen as u64) << 3
        | (period as u64) << 4
        | ((letters == 0) as u64) << 5;
    fmix(code ^ 0x5a5a_0000)
}

/// A feature from a template and one value.
#[inline]
fn f1(template: u64, a: u64) -> u64 {
    fmix(a ^ template.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// A feature from a template and two values.
#[inline]
fn f2(template: u64, a: u64, b: u64) -> u64 {
    fmix(f1(template, a) ^ b.rotate_left(17))
}

/// The hashed features of position `i` given the classes of the two previous words
/// (`prev1`, `prev2`; the tagger uses 25 and 26 for "before the sentence").
pub(crate) fn features(ctx: &[WordHashes], i: usize, prev1: u8, prev2: u8) -> [u64; N_FEATURES] {
    let at = |d: isize| -> WordHashes {
        let j = i as isize + d;
        match ctx.get(j.max(0) as usize) {
            _ if j < 0 => START[(-j - 1).min(1) as usize],
            Some(w) => *w,
            None => END[(j as usize).saturating_sub(ctx.len()).min(1)],
        }
    };
    let (w, p1, p2, n1, n2) = (at(0), at(-1), at(-2), at(1), at(2));
    let (t1, t2) = (prev1 as u64, prev2 as u64);
    [
        f1(0, 0),
        f1(1, w.suf3),
        f1(2, w.pre1),
        f1(3, t1),
        f1(4, t2),
        f2(5, t1, t2),
        f1(6, w.norm),
        f2(7, t1, w.norm),
        f1(8, p1.norm),
        f1(9, p1.suf3),
        f1(10, p2.norm),
        f1(11, n1.norm),
        f1(12, n1.suf3),
        f1(13, n2.norm),
        f1(14, w.shape),
        f1(15, w.suf2),
        f2(16, w.shape, t1),
        f2(17, w.norm, n1.norm),
        f1(18, w.suf4),
        f1(19, w.pre3),
        f2(20, p1.norm, w.norm),
        f1(21, n1.shape),
        f1(22, p1.shape),
        f2(23, t1, n1.norm),
        f1(24, w.amb),
        f1(25, n1.amb),
        f1(26, n2.amb),
        f2(27, w.amb, n1.amb),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_folds_but_shape_does_not() {
        let a = word_hashes("Sanctions", &Lexicon::default());
        let b = word_hashes("sanctions", &Lexicon::default());
        assert_eq!(a.norm, b.norm);
        assert_eq!(a.suf3, b.suf3);
        assert_ne!(a.shape, b.shape);
        assert_eq!(
            word_hashes("1999", &Lexicon::default()).norm,
            word_hashes("2024", &Lexicon::default()).norm
        );
        assert_ne!(
            word_hashes("1999", &Lexicon::default()).norm,
            word_hashes("19.5", &Lexicon::default()).norm
        );
    }

    #[test]
    fn features_differ_by_context() {
        let ctx: Vec<WordHashes> = ["the", "ban"]
            .iter()
            .map(|w| word_hashes(w, &Lexicon::default()))
            .collect();
        let a = features(&ctx, 1, 5, 25);
        let b = features(&ctx, 1, 7, 25);
        assert_eq!(a[6], b[6]);
        assert_ne!(a[3], b[3]);
        assert_ne!(features(&ctx, 0, 25, 26)[8], a[8]);
        assert_eq!(
            word_hashes("", &Lexicon::default()).norm,
            word_hashes("", &Lexicon::default()).norm
        );
    }
}
