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
    /// Id of the later article, the one that repeats.
    pub id: String,
    /// Id of the article first seen with this URL or text.
    pub duplicate_of: String,
    /// Whether the URL or the body matched.
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

/// One remembered article: what later articles are compared against.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IndexEntry {
    /// The article's id, so a duplicate can name it.
    pub id: String,
    /// Feed the article came from.
    pub feed_id: String,
    /// Its canonical URL, for exact duplicates.
    pub canonical_url: Option<String>,
    /// SimHash of its body, for near duplicates; `None` for texts too short to fingerprint.
    pub simhash: Option<u64>,
    /// When it was seen, which decides when it leaves the window.
    pub at: DateTime<Utc>,
}

/// Recent articles of all feeds, oldest first, with lookups by id, canonical URL and SimHash
/// band (the bands make a near-duplicate check look at a few buckets instead of every entry).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DedupIndex {
    entries: VecDeque<IndexEntry>,
    #[serde(skip)]
    by_url: HashMap<String, String>,
    #[serde(skip)]
    ids: HashSet<String>,
    #[serde(skip)]
    near: BandIndex,
    /// Sequence number of `entries[0]`; entries are numbered as they are added.
    #[serde(skip)]
    front_seq: u64,
    /// Entries dropped since the band buckets were last rebuilt (their numbers linger there).
    #[serde(skip)]
    stale: usize,
}

/// SimHash buckets for one distance bound `d`: the 64 bits cut into `d + 1` bands, so two
/// hashes within distance `d` agree on at least one whole band (pigeonhole) and share a bucket.
#[derive(Debug, Clone, Default)]
struct BandIndex {
    max_distance: Option<u32>,
    /// (shift, width) of each band.
    bands: Vec<(u32, u32)>,
    /// One map per band: band value -> sequence numbers of the entries holding it.
    buckets: Vec<HashMap<u64, Vec<u64>>>,
}

impl BandIndex {
    fn new(max_distance: u32) -> BandIndex {
        let n = (max_distance + 1).min(64);
        let mut bands = Vec::with_capacity(n as usize);
        let mut shift = 0;
        for i in 0..n {
            let width = 64 / n + u32::from(i < 64 % n);
            bands.push((shift, width));
            shift += width;
        }
        BandIndex {
            max_distance: Some(max_distance),
            buckets: vec![HashMap::new(); bands.len()],
            bands,
        }
    }

    fn keys(&self, hash: u64) -> impl Iterator<Item = u64> + '_ {
        self.bands.iter().map(move |&(shift, width)| {
            let mask = if width >= 64 {
                u64::MAX
            } else {
                (1 << width) - 1
            };
            hash >> shift & mask
        })
    }

    fn insert(&mut self, hash: u64, seq: u64) {
        let keys: Vec<u64> = self.keys(hash).collect();
        for (bucket, key) in self.buckets.iter_mut().zip(keys) {
            bucket.entry(key).or_default().push(seq);
        }
    }

    /// Sequence numbers sharing a band with `hash` (may repeat, may be stale).
    fn candidates(&self, hash: u64) -> impl Iterator<Item = u64> + '_ {
        self.buckets
            .iter()
            .zip(self.keys(hash))
            .filter_map(|(bucket, key)| bucket.get(&key))
            .flatten()
            .copied()
    }
}

impl DedupIndex {
    /// Rebuilds the lookups after loading or dropping entries. The first article of a URL wins.
    pub fn reindex(&mut self) {
        self.by_url.clear();
        for e in &self.entries {
            if let Some(u) = &e.canonical_url {
                self.by_url.entry(u.clone()).or_insert_with(|| e.id.clone());
            }
        }
        self.ids = self.entries.iter().map(|e| e.id.clone()).collect();
        self.rebuild_bands(self.near.max_distance);
    }

    fn rebuild_bands(&mut self, max_distance: Option<u32>) {
        self.near = max_distance.map(BandIndex::new).unwrap_or_default();
        if self.near.max_distance.is_some() {
            for (i, e) in self.entries.iter().enumerate() {
                if let Some(h) = e.simhash {
                    self.near.insert(h, self.front_seq + i as u64);
                }
            }
        }
        self.stale = 0;
    }

    /// Number of articles remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets entries older than the window.
    pub fn prune(&mut self, now: DateTime<Utc>, window: Duration) {
        let cutoff = now - window;
        let mut changed = false;
        while self.entries.front().is_some_and(|e| e.at < cutoff) {
            self.pop_oldest();
            changed = true;
        }
        if changed {
            self.reindex();
        }
    }

    /// Drops the oldest entry from the entries and the id and URL lookups; its band bucket
    /// numbers go stale and are skipped until the next rebuild.
    fn pop_oldest(&mut self) {
        let Some(e) = self.entries.pop_front() else {
            return;
        };
        self.front_seq += 1;
        self.stale += 1;
        self.ids.remove(&e.id);
        if let Some(u) = &e.canonical_url {
            if self.by_url.get(u) == Some(&e.id) {
                self.by_url.remove(u);
            }
        }
    }

    /// The closest earlier entry within `max_distance` of `hash` (oldest first among equals).
    fn nearest(&mut self, hash: u64, max_distance: u32) -> Option<(u64, u32)> {
        if self.near.max_distance != Some(max_distance) {
            self.rebuild_bands(Some(max_distance));
        }
        let front = self.front_seq;
        self.near
            .candidates(hash)
            .filter(|seq| *seq >= front)
            .filter_map(|seq| {
                let eh = self.entries.get((seq - front) as usize)?.simhash?;
                Some((seq, (eh ^ hash).count_ones()))
            })
            .filter(|(_, d)| *d <= max_distance)
            .min_by_key(|(seq, d)| (*d, *seq))
    }

    /// Checks an article against the index, then adds it, keeping at most `max_entries` (the
    /// oldest go first). Returns the duplicate record if any.
    #[allow(clippy::too_many_arguments)]
    pub fn check_and_add(
        &mut self,
        id: &str,
        feed_id: &str,
        canonical_url: Option<&str>,
        text: &str,
        at: DateTime<Utc>,
        max_distance: u32,
        max_entries: usize,
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
            if let Some((seq, d)) = hash.and_then(|h| self.nearest(h, max_distance)) {
                found = Some(Duplicate {
                    id: id.into(),
                    duplicate_of: self.entries[(seq - self.front_seq) as usize].id.clone(),
                    kind: DuplicateKind::Near,
                    distance: d,
                });
            }
        }
        self.add(id, feed_id, canonical_url, hash, at, max_entries);
        found
    }

    fn add(
        &mut self,
        id: &str,
        feed_id: &str,
        canonical_url: Option<&str>,
        hash: Option<u64>,
        at: DateTime<Utc>,
        max_entries: usize,
    ) {
        while self.entries.len() >= max_entries.max(1) {
            self.pop_oldest();
        }
        if self.stale > self.entries.len().max(1024) {
            self.rebuild_bands(self.near.max_distance);
        }
        if let Some(url) = canonical_url {
            self.by_url
                .entry(url.to_string())
                .or_insert_with(|| id.to_string());
        }
        self.ids.insert(id.to_string());
        if let Some(h) = hash {
            if self.near.max_distance.is_some() {
                self.near
                    .insert(h, self.front_seq + self.entries.len() as u64);
            }
        }
        self.entries.push_back(IndexEntry {
            id: id.into(),
            feed_id: feed_id.into(),
            canonical_url: canonical_url.map(str::to_string),
            simhash: hash,
            at,
        });
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
            .check_and_add("a", "f1", Some("https://x/1"), STORY, now, 3, 100)
            .is_none());
        let d = idx
            .check_and_add("b", "f2", Some("https://x/1"), "short", now, 3, 100)
            .unwrap();
        assert_eq!(
            (d.kind, d.duplicate_of.as_str()),
            (DuplicateKind::Exact, "a")
        );
        let d = idx
            .check_and_add("c", "f3", Some("https://y/2"), STORY, now, 3, 100)
            .unwrap();
        assert_eq!((d.kind, d.distance), (DuplicateKind::Near, 0));
        idx.prune(now + Duration::hours(100), Duration::hours(72));
        assert!(idx.is_empty());
    }

    /// The band lookup finds exactly what a scan of every entry finds, for every bound, also
    /// after the cap has dropped entries.
    #[test]
    fn band_lookup_agrees_with_a_full_scan() {
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        for max_distance in [0, 3, 6, 11, 32] {
            let mut idx = DedupIndex::default();
            let mut hashes: Vec<u64> = Vec::new();
            for i in 0..3000u64 {
                // Half the hashes are an earlier one with a few bits flipped.
                let h = match hashes.len() {
                    n if n > 0 && next() % 2 == 0 => {
                        let mut h = hashes[(next() % n as u64) as usize];
                        for _ in 0..next() % 9 {
                            h ^= 1 << (next() % 64);
                        }
                        h
                    }
                    _ => next(),
                };
                hashes.push(h);
                let expected = idx
                    .entries
                    .iter()
                    .enumerate()
                    .filter_map(|(k, e)| Some((k, (e.simhash? ^ h).count_ones())))
                    .filter(|(_, d)| *d <= max_distance)
                    .min_by_key(|(k, d)| (*d, *k))
                    .map(|(k, d)| (idx.entries[k].id.clone(), d));
                let got = idx
                    .nearest(h, max_distance)
                    .map(|(seq, d)| (idx.entries[(seq - idx.front_seq) as usize].id.clone(), d));
                assert_eq!(got, expected, "hash {i}, bound {max_distance}");
                idx.add(&format!("id{i}"), "f", None, Some(h), Utc::now(), 500);
            }
            assert_eq!(idx.len(), 500);
            assert_eq!(idx.ids.len(), 500);
        }
    }

    #[test]
    fn the_cap_forgets_the_oldest() {
        let now = Utc::now();
        let mut idx = DedupIndex::default();
        idx.check_and_add("a", "f", Some("https://x/1"), STORY, now, 3, 2);
        idx.check_and_add("b", "f", Some("https://x/2"), "short", now, 3, 2);
        idx.check_and_add("c", "f", Some("https://x/3"), "short", now, 3, 2);
        assert_eq!(idx.len(), 2);
        // "a" is gone: neither its URL nor its text match any more.
        assert!(idx
            .check_and_add("d", "f", Some("https://x/1"), STORY, now, 3, 2)
            .is_none());
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
