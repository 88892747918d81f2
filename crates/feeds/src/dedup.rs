//! Duplicate detection across feeds: exact by canonical URL, near by SimHash over word
//! shingles of the body, within a time window. Duplicates are recorded, never dropped.

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How two articles are duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateKind {
    /// Same canonical URL, different id.
    Exact,
    /// Bodies within the SimHash distance threshold.
    Near,
}

/// `id` duplicates the earlier article `duplicate_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    pub id: String,
    pub duplicate_of: String,
    pub kind: DuplicateKind,
    /// Hamming distance of the SimHashes (0 for exact duplicates).
    pub distance: u32,
}

/// Shingle size in words.
const SHINGLE: usize = 3;
/// Texts shorter than this many words are not fingerprinted: too little evidence.
pub const MIN_WORDS: usize = 40;

/// 64-bit SimHash over lower-cased word 3-shingles. `None` for short texts.
pub fn simhash(text: &str) -> Option<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() < MIN_WORDS {
        return None;
    }
    let mut weights = [0i32; 64];
    for w in words.windows(SHINGLE) {
        let h = fnv64(&w.join(" "));
        for (bit, weight) in weights.iter_mut().enumerate() {
            if h >> bit & 1 == 1 {
                *weight += 1;
            } else {
                *weight -= 1;
            }
        }
    }
    let mut out = 0u64;
    for (bit, weight) in weights.iter().enumerate() {
        if *weight > 0 {
            out |= 1 << bit;
        }
    }
    Some(out)
}

fn fnv64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // Final avalanche so that nearby shingles spread over all bits.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IndexEntry {
    pub id: String,
    pub feed_id: String,
    pub canonical_url: Option<String>,
    pub simhash: Option<u64>,
    pub at: DateTime<Utc>,
}

/// Recent articles of all feeds, oldest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DedupIndex {
    entries: VecDeque<IndexEntry>,
    #[serde(skip)]
    by_url: HashMap<String, String>,
    #[serde(skip)]
    ids: HashSet<String>,
}

impl DedupIndex {
    /// Rebuilds the URL map after loading.
    pub fn reindex(&mut self) {
        self.by_url = self
            .entries
            .iter()
            .filter_map(|e| e.canonical_url.clone().map(|u| (u, e.id.clone())))
            .collect();
        self.ids = self.entries.iter().map(|e| e.id.clone()).collect();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets entries older than the window.
    pub fn prune(&mut self, now: DateTime<Utc>, window: Duration) {
        let cutoff = now - window;
        let mut changed = false;
        while self.entries.front().is_some_and(|e| e.at < cutoff) {
            self.entries.pop_front();
            changed = true;
        }
        if changed {
            self.reindex();
        }
    }

    /// Checks an article against the index, then adds it. Returns the duplicate record if any.
    pub fn check_and_add(
        &mut self,
        id: &str,
        feed_id: &str,
        canonical_url: Option<&str>,
        text: &str,
        at: DateTime<Utc>,
        max_distance: u32,
    ) -> Option<Duplicate> {
        if self.ids.contains(id) {
            return None;
        }
        let hash = simhash(text);
        let mut found = None;
        if let Some(url) = canonical_url {
            if let Some(other) = self.by_url.get(url) {
                if other != id {
                    found = Some(Duplicate {
                        id: id.into(),
                        duplicate_of: other.clone(),
                        kind: DuplicateKind::Exact,
                        distance: 0,
                    });
                }
            }
        }
        if found.is_none() {
            if let Some(h) = hash {
                found = self
                    .entries
                    .iter()
                    .filter_map(|e| e.simhash.map(|eh| (e, (eh ^ h).count_ones())))
                    .filter(|(_, d)| *d <= max_distance)
                    .min_by_key(|(_, d)| *d)
                    .map(|(e, d)| Duplicate {
                        id: id.into(),
                        duplicate_of: e.id.clone(),
                        kind: DuplicateKind::Near,
                        distance: d,
                    });
            }
        }
        if let Some(url) = canonical_url {
            self.by_url
                .entry(url.to_string())
                .or_insert_with(|| id.to_string());
        }
        self.ids.insert(id.to_string());
        self.entries.push_back(IndexEntry {
            id: id.into(),
            feed_id: feed_id.into(),
            canonical_url: canonical_url.map(str::to_string),
            simhash: hash,
            at,
        });
        found
    }
}

/// Rendezvous (highest random weight) hashing: the feeds shard `i` of `n` polls. Each feed goes
/// to exactly one shard, and adding a shard moves only the feeds it wins.
pub fn shard_feeds<T: AsRef<str>>(feed_ids: &[T], i: usize, n: usize) -> Vec<usize> {
    if n == 0 || i >= n {
        return Vec::new();
    }
    feed_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| shard_of(id.as_ref(), n) == i)
        .map(|(k, _)| k)
        .collect()
}

/// The shard (0..n) that owns a feed id.
pub fn shard_of(feed_id: &str, n: usize) -> usize {
    (0..n.max(1))
        .max_by_key(|s| fnv64(&format!("{feed_id}\u{0}{s}")))
        .unwrap_or(0)
}

/// Parses `i/N` (0-based i).
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = s
        .split_once('/')
        .ok_or_else(|| format!("shard {s:?} is not i/N"))?;
    let i: usize = a
        .trim()
        .parse()
        .map_err(|_| format!("shard index {a:?} is not a number"))?;
    let n: usize = b
        .trim()
        .parse()
        .map_err(|_| format!("shard count {b:?} is not a number"))?;
    if n == 0 || i >= n {
        return Err(format!("shard {i}/{n}: need 0 <= i < N"));
    }
    Ok((i, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str =
        "Russia and Turkey signed a deal to send a second batch of S-400 air defense \
        systems to Ankara, a Russian state news agency said on Tuesday, but a Turkish defense \
        official immediately cast doubt on the report. The TASS news agency quoted the head of \
        Russia's military cooperation service as saying the relevant agreement had already been \
        signed and envisaged the localization of production of some components of the system.";

    #[test]
    fn near_duplicates_are_close_and_others_far() {
        let a = simhash(STORY).unwrap();
        let edited = STORY.replace("on Tuesday", "on Tuesday evening");
        let b = simhash(&edited).unwrap();
        let other = simhash(&STORY.split_whitespace().rev().collect::<Vec<_>>().join(" ")).unwrap();
        assert!((a ^ b).count_ones() <= 10, "{}", (a ^ b).count_ones());
        assert!(
            (a ^ other).count_ones() > 10,
            "{}",
            (a ^ other).count_ones()
        );
        assert_eq!(simhash("too short"), None);
    }

    #[test]
    fn index_records_exact_and_near() {
        let now = Utc::now();
        let mut idx = DedupIndex::default();
        assert!(idx
            .check_and_add("a", "f1", Some("https://x/1"), STORY, now, 3)
            .is_none());
        let d = idx
            .check_and_add("b", "f2", Some("https://x/1"), "short", now, 3)
            .unwrap();
        assert_eq!(
            (d.kind, d.duplicate_of.as_str()),
            (DuplicateKind::Exact, "a")
        );
        let d = idx
            .check_and_add("c", "f3", Some("https://y/2"), STORY, now, 3)
            .unwrap();
        assert_eq!((d.kind, d.distance), (DuplicateKind::Near, 0));
        idx.prune(now + Duration::hours(100), Duration::hours(72));
        assert!(idx.is_empty());
    }

    #[test]
    fn shards_partition_and_are_stable() {
        let ids: Vec<String> = (0..300).map(|i| format!("feed-{i}")).collect();
        let mut all: Vec<usize> = (0..4).flat_map(|s| shard_feeds(&ids, s, 4)).collect();
        all.sort();
        assert_eq!(all, (0..300).collect::<Vec<_>>());
        for s in 0..4 {
            let n = shard_feeds(&ids, s, 4).len();
            assert!((40..110).contains(&n), "shard {s} has {n}");
        }
        // Growing 4 -> 5 shards only moves feeds to the new shard.
        for id in &ids {
            let (before, after) = (shard_of(id, 4), shard_of(id, 5));
            assert!(after == before || after == 4);
        }
        assert_eq!(parse_shard("1/3"), Ok((1, 3)));
        assert!(parse_shard("3/3").is_err());
    }
}
