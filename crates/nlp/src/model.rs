//! The tagger's model file: a tag dictionary and hashed, quantised perceptron weights.
//!
//! Format (all integers little-endian):
//! ```text
//! magic        8 bytes  "NWPOS\0\0\x01" (format version 1)
//! n_classes    u8       25 (tags::N_CLASSES)
//! n_features   u8       18 (features::N_FEATURES; a different feature set is refused)
//! log2_buckets u8       10..=24: the weight table has 2^log2_buckets rows of n_classes weights
//! reserved     u8       0
//! n_dict       u32      then n_dict entries, sorted by word, no repeats:
//!                         class u8, len u8, len bytes of UTF-8
//! n_lexicon    u32      then n_lexicon entries, sorted by word, no repeats:
//!                         classes u32 (bit per class, nonzero, < 2^n_classes),
//!                         len u8, len bytes of UTF-8 (a lowercased word)
//! n_rows       u32      then n_rows non-empty rows, by increasing bucket:
//!                         gap   LEB128 varint (bucket minus previous bucket minus 1; first: bucket)
//!                         mask  u32, bit c set when class c has a weight (nonzero, < 2^n_classes)
//!                         popcount(mask) weights, i16, in class order
//! checksum     u32      FNV-1a (32-bit) of every byte before it
//! ```
//! Weights are the averaged perceptron weights times one global scale, rounded; the scale is
//! not stored because the argmax does not depend on it.

use crate::features::{lower_hash, Dict, Lexicon, N_FEATURES};
use crate::tags::N_CLASSES;
use std::fmt;

const MAGIC: &[u8; 8] = b"NWPOS\0\0\x01";

/// Row width in memory: the classes padded to 32 weights, so that a row is one 64-byte cache
/// line and scoring a feature touches one line and vectorises cleanly.
pub(crate) const ROW: usize = 32;

/// One feature's weights for every class (the padding stays zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(64))]
pub(crate) struct Row(pub(crate) [i16; ROW]);

/// A decoded model: the weight table and the tag dictionary.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Model {
    /// log2 of the number of rows of `weights`.
    pub(crate) log2_buckets: u8,
    /// `2^log2_buckets` rows of weights, one per class (padded to a cache line).
    pub(crate) weights: Vec<Row>,
    /// Frequent unambiguous words and their class.
    pub(crate) dict: Dict,
    /// Ambiguity classes of lowercased words.
    pub(crate) lexicon: Lexicon,
}

/// Why a model file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub &'static str);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid tagger model: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

fn fnv32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    })
}

/// Encodes a model; `dict` and `lexicon` must be sorted with words of 1..=255 bytes.
pub(crate) fn encode(
    log2_buckets: u8,
    weights: &[i16],
    dict: &[(String, u8)],
    lexicon: &[(String, u32)],
) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend([N_CLASSES as u8, N_FEATURES as u8, log2_buckets, 0]);
    out.extend((dict.len() as u32).to_le_bytes());
    for (word, class) in dict {
        out.extend([*class, word.len() as u8]);
        out.extend(word.as_bytes());
    }
    out.extend((lexicon.len() as u32).to_le_bytes());
    for (word, classes) in lexicon {
        out.extend(classes.to_le_bytes());
        out.push(word.len() as u8);
        out.extend(word.as_bytes());
    }
    let rows: Vec<(usize, &[i16])> = weights
        .chunks(N_CLASSES)
        .enumerate()
        .filter(|(_, r)| r.iter().any(|&w| w != 0))
        .collect();
    out.extend((rows.len() as u32).to_le_bytes());
    let mut next = 0usize;
    for (bucket, row) in rows {
        let mut gap = bucket - next;
        next = bucket + 1;
        while gap >= 0x80 {
            out.push((gap as u8 & 0x7f) | 0x80);
            gap >>= 7;
        }
        out.push(gap as u8);
        let mask = row
            .iter()
            .enumerate()
            .filter(|(_, &w)| w != 0)
            .fold(0u32, |m, (c, _)| m | 1 << c);
        out.extend(mask.to_le_bytes());
        row.iter()
            .filter(|&&w| w != 0)
            .for_each(|w| out.extend(w.to_le_bytes()));
    }
    let sum = fnv32(&out);
    out.extend(sum.to_le_bytes());
    out
}

/// A bounds-checked reader over the model bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or(ModelError("truncated"))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn varint(&mut self) -> Result<usize, ModelError> {
        let mut v = 0usize;
        for shift in (0..35).step_by(7) {
            let b = self.u8()?;
            v |= ((b & 0x7f) as usize) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ModelError("varint too long"))
    }
}

/// Decodes and validates a model: any inconsistency is an error, never a panic.
pub(crate) fn decode(bytes: &[u8]) -> Result<Model, ModelError> {
    let body_len = bytes.len().checked_sub(4).ok_or(ModelError("truncated"))?;
    let (body, sum) = bytes.split_at(body_len);
    if fnv32(body).to_le_bytes() != sum {
        return Err(ModelError("checksum mismatch"));
    }
    let mut r = Reader {
        bytes: body,
        pos: 0,
    };
    if r.take(8)? != MAGIC {
        return Err(ModelError("not a newswire tagger model (magic)"));
    }
    let header = r.take(4)?;
    if header[0] as usize != N_CLASSES || header[1] as usize != N_FEATURES || header[3] != 0 {
        return Err(ModelError(
            "class count or feature set differs from this build",
        ));
    }
    let log2_buckets = header[2];
    if !(10..=24).contains(&log2_buckets) {
        return Err(ModelError("log2_buckets out of range"));
    }
    let dict = decode_dict(&mut r)?;
    let lexicon = decode_lexicon(&mut r)?;
    let weights = decode_rows(&mut r, 1usize << log2_buckets)?;
    if r.pos != body.len() {
        return Err(ModelError("trailing bytes"));
    }
    Ok(Model {
        log2_buckets,
        weights,
        dict,
        lexicon,
    })
}

fn decode_dict(r: &mut Reader<'_>) -> Result<Dict, ModelError> {
    let n = r.u32()? as usize;
    let mut dict = Dict::default();
    let mut prev: Option<&str> = None;
    for _ in 0..n {
        let class = r.u8()?;
        let len = r.u8()? as usize;
        let word = std::str::from_utf8(r.take(len)?)
            .map_err(|_| ModelError("dictionary word is not UTF-8"))?;
        if class as usize >= N_CLASSES || word.is_empty() || prev.is_some_and(|p| p >= word) {
            return Err(ModelError("bad dictionary entry"));
        }
        prev = Some(word);
        dict.insert(word.into(), class);
    }
    Ok(dict)
}

fn decode_lexicon(r: &mut Reader<'_>) -> Result<Lexicon, ModelError> {
    let n = r.u32()? as usize;
    let mut lexicon = Lexicon::default();
    let mut prev: Option<&str> = None;
    for _ in 0..n {
        let classes = r.u32()?;
        let len = r.u8()? as usize;
        let word = std::str::from_utf8(r.take(len)?)
            .map_err(|_| ModelError("lexicon word is not UTF-8"))?;
        if classes == 0
            || classes >> N_CLASSES != 0
            || word.is_empty()
            || prev.is_some_and(|p| p >= word)
        {
            return Err(ModelError("bad lexicon entry"));
        }
        prev = Some(word);
        lexicon.insert(lower_hash(word), classes);
    }
    Ok(lexicon)
}

fn decode_rows(r: &mut Reader<'_>, buckets: usize) -> Result<Vec<Row>, ModelError> {
    let n = r.u32()? as usize;
    let mut weights = vec![Row([0; ROW]); buckets];
    let mut next = 0usize;
    for _ in 0..n {
        let bucket = next.checked_add(r.varint()?).filter(|&b| b < buckets);
        let bucket = bucket.ok_or(ModelError("bucket out of range"))?;
        next = bucket + 1;
        let mask = r.u32()?;
        if mask == 0 || mask >> N_CLASSES != 0 {
            return Err(ModelError("bad class mask"));
        }
        let row = &mut weights[bucket].0;
        // Only the classes in the mask, lowest first (the order they are stored in): most
        // rows hold a few of the 25.
        let mut classes = mask;
        while classes != 0 {
            let c = classes.trailing_zeros() as usize;
            classes &= classes - 1;
            let b = r.take(2)?;
            let w = i16::from_le_bytes([b[0], b[1]]);
            if w == 0 {
                return Err(ModelError("zero weight stored"));
            }
            let slot = row.get_mut(c).ok_or(ModelError("bad class mask"))?;
            *slot = w;
        }
    }
    Ok(weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut w = vec![0i16; 1024 * N_CLASSES];
        w[3] = 7;
        w[200 * N_CLASSES + 24] = -300;
        let dict = vec![("of".to_string(), 1), ("the".to_string(), 5)];
        let lexicon = vec![("ban".to_string(), 1 << 7 | 1 << 17)];
        encode(10, &w, &dict, &lexicon)
    }

    #[test]
    fn round_trips() {
        let m = decode(&sample()).unwrap();
        assert_eq!(m.log2_buckets, 10);
        assert_eq!(m.weights[0].0[3], 7);
        assert_eq!(m.weights[200].0[24], -300);
        assert_eq!(m.weights[200].0[N_CLASSES], 0);
        assert_eq!(m.dict.get("the"), Some(&5));
        assert_eq!(m.lexicon.get(&lower_hash("Ban")), Some(&(1 << 7 | 1 << 17)));
    }

    #[test]
    fn refuses_every_truncation_and_flipped_byte() {
        let good = sample();
        for n in 0..good.len() {
            assert!(decode(&good[..n]).is_err(), "truncated at {n}");
            let mut bad = good.clone();
            bad[n] ^= 0x40;
            assert!(decode(&bad).is_err(), "flipped byte {n}");
        }
    }
}
