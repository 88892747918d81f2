//! Target entities: the named companies, banks, people, vessels, state agencies and armed or
//! political groups in a sentence, with their kind and country.
//!
//! The recogniser finds every such name; which of them a sanctions event targets is decided by
//! the sanctions roles. Build one [`EntityRecognizer`] (or use [`EntityRecognizer::shared`]) and
//! call [`EntityRecognizer::find`] per sentence, or [`EntityRecognizer::find_all`] per field.
//!
//! How a name is found, in order:
//! 1. **Gazetteer** (`data/sanctions/entities.tsv`): frequently sanctioned entities with their
//!    kind and country ("Sberbank" bank RU, "the IRGC" agency IR), and names that are never a
//!    target entity (imposing bodies, news agencies, lists, regions: "Treasury", "White House").
//! 2. **Capitalised chunks**: runs of capitalised words, with particles ("de", "al-"), "&",
//!    and "of"/"for" after an organisation word ("Bank of Russia"). Sentence-start words, months
//!    and days are stripped, and a chunk that is only a country is no entity.
//! 3. **Kind** from the cues of `data/sanctions/entity_cues.tsv`: a legal form at the end
//!    ("DMCC", "PJSC"), a head word ("Energy", "Bank", "Ministry", "Cartel"), a title before a
//!    person ("Foreign Minister ..."), a descriptor beside the name ("the tanker ...", "lender
//!    ...", "..., a shipping firm"), a given name ("Igor ..."), or the other names of a list
//!    ("A, B and C" share the kind known for any of them). A chunk with no cue is dropped.
//! 4. **Country** from the gazetteer, a country named inside the name ("Central Bank of
//!    Venezuela"), a premodifier ("Iranian firm X", "Russia's X", "UAE-based X",
//!    "Panama-flagged tanker X"), an apposition ("X, a Turkish company", "X, based in Dubai"),
//!    or the list the name is in ("Chinese firms A, B and C").
//!
//! Headlines in title case ("US Sanctions Iranian Oil Network") give only gazetteer names and
//! names with a legal form, since every word there is capitalised.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use newswire_model::{CountryTag, EntityKind, Field};

use super::tokens::{ascii_alnum_run, at};

/// The gazetteer of named entities, compiled in.
pub const ENTITIES_TSV: &str = include_str!("../../data/sanctions/entities.tsv");
/// The recogniser's cue words, compiled in.
pub const CUES_TSV: &str = include_str!("../../data/sanctions/entity_cues.tsv");
/// Data files of the recogniser: `(name, contents)`, for the gazetteer version hash.
pub const DATA_FILES: &[(&str, &str)] = &[
    ("sanctions/entities.tsv", ENTITIES_TSV),
    ("sanctions/entity_cues.tsv", CUES_TSV),
];

/// A named entity found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityMention {
    /// Byte range of the name in the field (the sentence's `base` added), without a leading
    /// "the" or title: "the tanker Adrian Darya 1" gives "Adrian Darya 1".
    pub span: Range<usize>,
    /// What the entity is.
    pub kind: EntityKind,
    /// ISO 3166-1 alpha-2 code of the entity's country (seat, nationality, flag), if known.
    pub country: Option<String>,
}

/// FNV-1a: every token is looked up in two word tables, and SipHash's resistance to chosen keys
/// buys nothing for tables compiled into the binary.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type WordMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// A bit per (first byte, last byte, length) class of the keys of a word table: most words of a
/// sentence are in no table, and one bit test is cheaper than hashing them. No false negatives.
#[derive(Debug)]
struct Prefilter([u64; 64]);

impl Prefilter {
    fn of<V>(map: &WordMap<V>) -> Self {
        let mut bits = [0u64; 64];
        for k in map.keys() {
            let b = Self::bit(k);
            bits[b / 64] |= 1 << (b % 64);
        }
        Prefilter(bits)
    }

    fn bit(w: &str) -> usize {
        let b = w.as_bytes();
        let (first, last) = (b.first().copied(), b.last().copied());
        let (first, last) = (
            usize::from(first.unwrap_or(0)),
            usize::from(last.unwrap_or(0)),
        );
        (first * 251 + last * 31 + b.len()) % 4096
    }

    fn may_hold(&self, w: &str) -> bool {
        let b = Self::bit(w);
        self.0[b / 64] & (1 << (b % 64)) != 0
    }
}

/// A row of a data file the loader refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The data file.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// The column at fault.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: field {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

impl std::error::Error for LoadError {}

/// What a cue word can be (a word may be several: "Bank" is a head and a lead).
#[derive(Debug, Clone, Copy, Default)]
struct Cue {
    suffix: bool,
    head: Option<EntityKind>,
    lead: Option<EntityKind>,
    descriptor: Option<EntityKind>,
    title: bool,
    noble: bool,
    particle: bool,
    given: bool,
    stop: bool,
    located: bool,
}

/// A gazetteer name: `kind` is `None` for a name that is never a target entity.
#[derive(Debug, Clone)]
struct Known {
    tokens: Vec<String>,
    kind: Option<EntityKind>,
    country: Option<String>,
}

/// Finds target entities in sentences. See the [module documentation](self).
#[derive(Debug)]
pub struct EntityRecognizer {
    cues: WordMap<Cue>,
    /// Gazetteer names by first token, longest first.
    known: WordMap<Vec<Known>>,
    cue_filter: Prefilter,
    known_filter: Prefilter,
}

impl Default for EntityRecognizer {
    fn default() -> Self {
        Self::new()
    }
}

// ---------------------------------------------------------------------------------------------
// Loading

fn parse_kind(s: &str) -> Option<EntityKind> {
    Some(match s {
        "company" => EntityKind::Company,
        "bank" => EntityKind::Bank,
        "person" => EntityKind::Person,
        "vessel" => EntityKind::Vessel,
        "agency" => EntityKind::Agency,
        "group" => EntityKind::Group,
        _ => return None,
    })
}

fn is_iso2(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// Data lines of a TSV file: `(1-based line number, columns)`, comments and blanks skipped.
fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i, l.split('\t').collect()))
}

fn load_cues(file: &str, text: &str) -> Result<WordMap<Cue>, LoadError> {
    let mut cues: WordMap<Cue> = WordMap::default();
    for (line, cols) in rows(text) {
        let err = |field, reason: String| LoadError {
            file: file.to_string(),
            line,
            field,
            reason,
        };
        if cols.len() != 3 {
            let reason = format!("expected 3 tab-separated columns, found {}", cols.len());
            return Err(err("row", reason));
        }
        let word = cols[1].replace('_', " ");
        if word.is_empty() || word.contains(char::is_whitespace) {
            return Err(err("word", format!("{:?} is not one word", cols[1])));
        }
        let kind = match cols[2] {
            "-" => None,
            k => Some(parse_kind(k).ok_or_else(|| err("kind", format!("unknown kind {k:?}")))?),
        };
        let needs_kind = matches!(cols[0], "suffix" | "head" | "lead" | "descriptor" | "given");
        if needs_kind != kind.is_some() {
            let reason = if needs_kind {
                format!("cue {} needs a kind", cols[0])
            } else {
                format!("cue {} takes no kind (write -)", cols[0])
            };
            return Err(err("kind", reason));
        }
        let cue = cues.entry(word).or_default();
        match cols[0] {
            "suffix" => cue.suffix = true,
            "head" => cue.head = kind,
            "lead" => cue.lead = kind,
            "descriptor" => cue.descriptor = kind,
            "given" => cue.given = true,
            "title" => cue.title = true,
            "noble" => cue.noble = true,
            "particle" => cue.particle = true,
            "stop" => cue.stop = true,
            "located" => cue.located = true,
            other => return Err(err("cue", format!("unknown cue {other:?}"))),
        }
    }
    Ok(cues)
}

fn load_known(
    file: &str,
    text: &str,
    cues: &WordMap<Cue>,
) -> Result<WordMap<Vec<Known>>, LoadError> {
    let mut known: WordMap<Vec<Known>> = WordMap::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, cols) in rows(text) {
        let err = |field, reason: String| LoadError {
            file: file.to_string(),
            line,
            field,
            reason,
        };
        if cols.len() != 4 {
            let reason = format!("expected 4 tab-separated columns, found {}", cols.len());
            return Err(err("row", reason));
        }
        let kind = match cols[1] {
            "not_entity" => None,
            k => Some(parse_kind(k).ok_or_else(|| err("kind", format!("unknown kind {k:?}")))?),
        };
        let country = match cols[2] {
            "-" => None,
            c if is_iso2(c) => Some(c.to_string()),
            c => return Err(err("country", format!("{c:?} is not an ISO2 code or -"))),
        };
        let aliases = cols[3].split('|').filter(|a| !a.is_empty());
        for name in std::iter::once(cols[0]).chain(aliases) {
            let field = if name == cols[0] { "name" } else { "aliases" };
            let tokens: Vec<String> = tokenize(name, cues)
                .iter()
                .map(|t| name[t.start..t.end].to_string())
                .collect();
            let Some(first) = tokens.first().cloned() else {
                return Err(err(field, "empty name".to_string()));
            };
            if let Some(prev) = seen.insert(name.to_string(), line) {
                return Err(err(field, format!("{name:?} is already on line {prev}")));
            }
            let list = known.entry(first).or_default();
            list.push(Known {
                tokens,
                kind,
                country: country.clone(),
            });
            list.sort_by_key(|k| std::cmp::Reverse(k.tokens.len()));
        }
    }
    Ok(known)
}

impl EntityRecognizer {
    /// The recogniser over the data files compiled into the crate.
    pub fn new() -> Self {
        // The shipped files are checked by a unit test; they cannot fail here.
        Self::from_tsv(ENTITIES_TSV, CUES_TSV).expect("the shipped entity data files load")
    }

    /// One recogniser for the whole process, built on first use.
    pub fn shared() -> &'static EntityRecognizer {
        static SHARED: OnceLock<EntityRecognizer> = OnceLock::new();
        SHARED.get_or_init(EntityRecognizer::new)
    }

    /// A recogniser over the given gazetteer and cue files (in the formats of
    /// `data/sanctions/entities.tsv` and `entity_cues.tsv`); a bad row is refused with its file,
    /// line and field.
    pub fn from_tsv(entities_tsv: &str, cues_tsv: &str) -> Result<Self, LoadError> {
        let cues = load_cues("sanctions/entity_cues.tsv", cues_tsv)?;
        let known = load_known("sanctions/entities.tsv", entities_tsv, &cues)?;
        Ok(EntityRecognizer {
            cue_filter: Prefilter::of(&cues),
            known_filter: Prefilter::of(&known),
            cues,
            known,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// A token of a sentence: a word (`word == true`) or one punctuation character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tok {
    start: usize,
    end: usize,
    word: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\'' | '\u{2019}' | '-' | '.' | '&')
}

/// Splits `text` into words and punctuation. A possessive "'s" is a token of its own, a
/// hyphenated lower-case tail after a capitalised word ("UAE-based") is split off with its
/// hyphen, and a full stop stays on a word only when it abbreviates: a cue word ("Co.", "Mr."),
/// an initial ("Bradley T. Smith") or a word with a full stop inside ("U.S.", "S.A.").
/// Walks bytes, decoding only non-ASCII characters.
fn tokenize(text: &str, cues: &WordMap<Cue>) -> Vec<Tok> {
    let mut out = Vec::with_capacity(text.len() / 4 + 1);
    let mut i = 0;
    while let Some((c, len)) = at(text, i) {
        if c.is_whitespace() {
            i += len;
            continue;
        }
        if !c.is_alphanumeric() && c != '&' {
            out.push(Tok {
                start: i,
                end: i + len,
                word: false,
            });
            i += len;
            continue;
        }
        let run = ascii_alnum_run(text.as_bytes().get(i..).unwrap_or(&[]));
        if run > 0 && !at(text, i + run).is_some_and(|(d, _)| is_word_char(d)) {
            // Plain ASCII letters and digits, most words: nothing to split off.
            out.push(Tok {
                start: i,
                end: i + run,
                word: true,
            });
            i += run;
            continue;
        }
        let end = word_end(text, i + len);
        push_word(text, i, end, cues, &mut out);
        i = end;
    }
    out
}

/// The end of the run of word characters from byte `from`.
fn word_end(text: &str, mut end: usize) -> usize {
    loop {
        end += ascii_alnum_run(text.as_bytes().get(end..).unwrap_or(&[]));
        match at(text, end) {
            Some((d, len)) if is_word_char(d) => end += len,
            _ => return end,
        }
    }
}

fn push_word(text: &str, start: usize, mut end: usize, cues: &WordMap<Cue>, out: &mut Vec<Tok>) {
    let full_end = end;
    // Trailing quote marks, hyphens and a full stop that ends the sentence are punctuation,
    // one token each after the word.
    loop {
        let w = &text[start..end];
        let last = w.chars().next_back().unwrap_or(' ');
        let initial = w.len() == 2 && w.starts_with(|c: char| c.is_ascii_uppercase());
        let abbreviation =
            last == '.' && (initial || w[..w.len() - 1].contains('.') || cues.contains_key(w));
        if matches!(last, '\'' | '\u{2019}' | '-') || (last == '.' && !abbreviation) {
            end -= last.len_utf8();
            if end == start {
                break;
            }
            continue;
        }
        break;
    }
    if end > start {
        let w = &text[start..end];
        // "People's" in "People's Liberation Army" is part of the name, not a possessive.
        let possessive = ["'s", "\u{2019}s"]
            .iter()
            .find(|p| w.len() > p.len() && w.ends_with(*p) && !w.starts_with("People"));
        let stem_end = possessive.map_or(end, |p| end - p.len());
        split_hyphen_tail(text, start, stem_end, out);
        if stem_end < end {
            out.push(Tok {
                start: stem_end,
                end,
                word: false,
            });
        }
    }
    let trailing = text.get(end..full_end).unwrap_or("");
    out.extend(trailing.char_indices().map(|(k, c)| Tok {
        start: end + k,
        end: end + k + c.len_utf8(),
        word: false,
    }));
}

/// "UAE-based" -> "UAE", "-based"; "al-Assad" and "Alfa-Bank" stay whole.
fn split_hyphen_tail(text: &str, start: usize, end: usize, out: &mut Vec<Tok>) {
    let w = &text[start..end];
    let starts_upper = w.chars().next().is_some_and(char::is_uppercase);
    // Only a capitalised word is cut; the others are not searched.
    let cut = starts_upper
        .then(|| {
            w.char_indices().skip(1).find(|&(k, c)| {
                c == '-' && w[k + 1..].chars().next().is_some_and(|d| d.is_lowercase())
            })
        })
        .flatten();
    match cut {
        Some((k, _)) => {
            out.push(Tok {
                start,
                end: start + k,
                word: true,
            });
            out.push(Tok {
                start: start + k,
                end,
                word: true,
            });
        }
        _ => out.push(Tok {
            start,
            end,
            word: true,
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// The sentence being read

/// One sentence with its tokens and what each token is.
struct Sentence<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    /// The country code of the mention each token lies in.
    country: Vec<Option<&'a str>>,
    /// The cues of each token, looked up once.
    cues: Vec<Cue>,
    /// Tokens already taken by a gazetteer name or an earlier candidate.
    taken: Vec<bool>,
    /// Every capitalised word is capitalised (a headline): only strong cues count.
    title_case: bool,
}

impl<'a> Sentence<'a> {
    fn new(
        text: &'a str,
        base: usize,
        countries: &[(Range<usize>, &'a str)],
        cues: &WordMap<Cue>,
        filter: &Prefilter,
    ) -> Self {
        let toks = tokenize(text, cues);
        let country = toks
            .iter()
            .map(|t| {
                let (s, e) = (t.start + base, t.end + base);
                countries
                    .iter()
                    .find(|(r, _)| r.start < e && s < r.end)
                    .map(|(_, c)| *c)
            })
            .collect();
        let taken = vec![false; toks.len()];
        let token_cues = toks
            .iter()
            .map(|t| {
                let w = &text[t.start..t.end];
                let cue = filter.may_hold(w).then(|| cues.get(w)).flatten();
                cue.copied().unwrap_or_default()
            })
            .collect();
        let mut s = Sentence {
            text,
            toks,
            country,
            cues: token_cues,
            taken,
            title_case: false,
        };
        s.title_case = s.is_title_case();
        s
    }

    fn word(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| &self.text[t.start..t.end])
    }

    /// The cues of token `i` (none past the end).
    fn cue(&self, i: usize) -> Cue {
        self.cues.get(i).copied().unwrap_or_default()
    }

    fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.word)
    }

    /// A capitalised word ("Sberbank", "H3C", "al-Assad", "iFlytek").
    fn is_cap(&self, i: usize) -> bool {
        if !self.is_word(i) {
            return false;
        }
        let w = self.word(i);
        // ASCII first letters without decoding: a capital is one, and no particle or
        // "iFlytek" starts with anything but a lower-case letter; after a lower-case ASCII
        // letter, only an upper-case second letter or a particle ("al-", "el-", "bin-") is.
        let bytes = w.as_bytes();
        match (bytes.first(), bytes.get(1)) {
            (Some(a), _) if a.is_ascii_uppercase() => return true,
            (Some(a), _) if a.is_ascii() && !a.is_ascii_lowercase() => return false,
            (Some(a), None) if a.is_ascii() => return false,
            (Some(a), Some(b))
                if a.is_ascii()
                    && b.is_ascii()
                    && !b.is_ascii_uppercase()
                    && !matches!(a, b'a' | b'e' | b'b') =>
            {
                return false
            }
            _ => {}
        }
        let mut cs = w.chars();
        let (Some(a), b) = (cs.next(), cs.next()) else {
            return false;
        };
        if a.is_uppercase() {
            return true;
        }
        let particle_hyphen = ["al-", "el-", "bin-"]
            .iter()
            .any(|p| w.starts_with(p) && w[p.len()..].starts_with(char::is_uppercase));
        particle_hyphen || (a.is_lowercase() && b.is_some_and(char::is_uppercase))
    }

    /// A headline: no full stop at the end, and at least four words of four letters or more,
    /// 80% of them capitalised. (Body sentences full of names stay sentences.)
    fn is_title_case(&self) -> bool {
        if self.text.trim_end().ends_with(['.', '"', '\u{201d}', ')']) {
            return false;
        }
        let (mut long, mut caps) = (0usize, 0usize);
        for i in 0..self.toks.len() {
            let w = self.word(i);
            if self.is_word(i) && w.chars().count() >= 4 && w.starts_with(char::is_alphabetic) {
                long += 1;
                caps += usize::from(self.is_cap(i));
            }
        }
        long >= 4 && caps * 10 >= long * 8
    }
}

// ---------------------------------------------------------------------------------------------
// Candidates

/// A name being classified: tokens `[first, last]`.
#[derive(Debug, Clone)]
struct Cand {
    first: usize,
    last: usize,
    kind: Option<EntityKind>,
    country: Option<String>,
    /// The kind came from the gazetteer and is not to be overridden.
    fixed: bool,
}

impl EntityRecognizer {
    /// The named entities of one sentence.
    ///
    /// `sentence` is the sentence's text, `base` its byte offset in its field, and `countries`
    /// the country mentions in it as `(byte range in the field, ISO2 code)`, e.g. from the
    /// record's `countries[].mentions[]`. Spans in the result are byte ranges in the field.
    /// Never panics.
    pub fn find(
        &self,
        sentence: &str,
        base: usize,
        countries: &[(Range<usize>, &str)],
    ) -> Vec<EntityMention> {
        let mut s = Sentence::new(sentence, base, countries, &self.cues, &self.cue_filter);
        let mut cands = self.gazetteer_names(&mut s);
        cands.extend(self.chunks(&mut s));
        cands.sort_by_key(|c| c.first);
        self.apply_descriptors(&s, &mut cands);
        self.share_across_lists(&s, &mut cands);
        for c in cands.iter_mut().filter(|c| c.country.is_none()) {
            c.country = self.country_around(&s, c);
        }
        self.country_from_employer(&s, &mut cands);
        drop_parenthesised_acronyms(&s, &mut cands);
        cands
            .into_iter()
            .filter_map(|c| {
                let kind = c.kind?;
                let span = base + s.toks[c.first].start..base + s.toks[c.last].end;
                Some(EntityMention {
                    span,
                    kind,
                    country: c.country,
                })
            })
            .collect()
    }

    /// The named entities of a whole field (`title` or `body` text), sentence by sentence,
    /// with the country mentions of `countries` (the record's country tags) that lie in it.
    pub fn find_all(
        &self,
        text: &str,
        field: Field,
        countries: &[CountryTag],
    ) -> Vec<EntityMention> {
        let mentions: Vec<(Range<usize>, &str)> = countries
            .iter()
            .flat_map(|c| {
                c.mentions
                    .iter()
                    .filter(|m| m.field == field)
                    .map(|m| (m.start..m.end, c.code.as_str()))
            })
            .collect();
        let mut out = Vec::new();
        for (start, end) in crate::sentences::split(text) {
            let Some(sentence) = text.get(start..end) else {
                continue;
            };
            let inside: Vec<(Range<usize>, &str)> = mentions
                .iter()
                .filter(|(r, _)| r.start >= start && r.end <= end)
                .cloned()
                .collect();
            out.extend(self.find(sentence, start, &inside));
        }
        out
    }

    /// Gazetteer names, longest first at each token. A name that is only part of a longer run
    /// of capitalised words ("Mir" in "Mir Hossein Mousavi") is left to the chunker.
    fn gazetteer_names(&self, s: &mut Sentence) -> Vec<Cand> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < s.toks.len() {
            let Some(k) = self.known_at(s, i) else {
                i += 1;
                continue;
            };
            let last = i + k.tokens.len() - 1;
            let org_follows = {
                let cue = s.cue(last + 1);
                s.is_cap(last + 1) && (cue.suffix || cue.head.is_some())
            };
            if self.inside_longer_name(s, i, last) || (k.kind.is_none() && org_follows) {
                i += 1;
                continue;
            }
            let extended = self.org_extension(s, last);
            s.taken[i..=extended].iter_mut().for_each(|t| *t = true);
            if let Some(kind) = k.kind {
                let company_extension = extended > last;
                out.push(Cand {
                    first: i,
                    last: extended,
                    kind: Some(if company_extension && kind != EntityKind::Bank {
                        EntityKind::Company
                    } else {
                        kind
                    }),
                    country: k.country.clone(),
                    fixed: true,
                });
            }
            i = extended + 1;
        }
        out
    }

    fn known_at(&self, s: &Sentence, i: usize) -> Option<&Known> {
        let w = s.word(i);
        let list = self.known_filter.may_hold(w).then(|| self.known.get(w))??;
        list.iter().find(|k| {
            i + k.tokens.len() <= s.toks.len()
                && k.tokens
                    .iter()
                    .enumerate()
                    .all(|(j, t)| s.word(i + j) == t.as_str())
        })
    }

    /// A capitalised word right before or after that is neither a country, a title, a stop
    /// word nor an organisation word makes `[first, last]` part of a longer name.
    fn inside_longer_name(&self, s: &Sentence, first: usize, last: usize) -> bool {
        let name_word = |i: usize| {
            let cue = s.cue(i);
            s.is_cap(i)
                && s.country[i].is_none()
                && !cue.title
                && !cue.stop
                && !cue.suffix
                && cue.head.is_none()
                && !(self.known_filter.may_hold(s.word(i)) && self.known.contains_key(s.word(i)))
        };
        (first > 0 && name_word(first - 1) && !s.taken[first - 1]) || name_word(last + 1)
    }

    /// "Rosneft Trading SA", "Huawei Technologies": capitalised words after a gazetteer name
    /// that end in a legal form or a company head extend it; returns the last token.
    fn org_extension(&self, s: &Sentence, last: usize) -> usize {
        let mut j = last + 1;
        let mut end = last;
        while s.is_cap(j) && j <= last + 4 {
            let cue = s.cue(j);
            if cue.title {
                break;
            }
            if cue.suffix || cue.head == Some(EntityKind::Company) {
                end = j;
            }
            j += 1;
        }
        end
    }
}

// ---------------------------------------------------------------------------------------------
// Chunks of capitalised words

impl EntityRecognizer {
    fn chunks(&self, s: &mut Sentence) -> Vec<Cand> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < s.toks.len() {
            if s.taken[i] || !s.is_cap(i) {
                i += 1;
                continue;
            }
            let last = self.chunk_end(s, i);
            s.taken[i..=last].iter_mut().for_each(|t| *t = true);
            if let Some(c) = self.classify(s, i, last) {
                out.push(c);
            }
            i = last + 1;
        }
        out
    }

    /// The last token of the chunk that starts at `first`.
    fn chunk_end(&self, s: &Sentence, first: usize) -> usize {
        let free_cap = |i: usize| s.is_cap(i) && !s.taken[i];
        let mut last = first;
        let mut after_of = false;
        loop {
            let next = last + 1;
            let w = s.word(next);
            if s.cue(last).suffix && !self.ends_in_suffixes(s, next) {
                return last;
            }
            let cue = s.cue(next);
            // A word between two parts of one name: "de", "&", "and" inside a name, the comma
            // of "Co., Ltd.".
            let bridge = cue.particle
                || w == "&"
                || (w == "and" && self.joins_and(s, first, last, after_of))
                || (w == "," && s.cue(next + 1).suffix);
            let mid_stop = cue.stop && w != "May";
            // "the Netzah Yehuda battalion": a lower-case unit word ends the name.
            if w.starts_with(char::is_lowercase) && cue.head.is_some() {
                return next;
            }
            if free_cap(next) && !mid_stop {
                last = next;
            } else if bridge && free_cap(next + 1) {
                last = next + 1;
            } else if matches!(w, "of" | "for") && self.joins_of(s, last, next + 1) {
                last = self.skip_the(s, next + 1);
                after_of = true;
            } else if w.bytes().all(|b| b.is_ascii_digit())
                && !w.is_empty()
                && w.len() <= 3
                && self.vessel_before(s, first)
            {
                last = next;
            } else {
                return last;
            }
        }
    }

    /// After a legal form only more legal forms continue a name ("Co., Ltd.", "Holding AG"):
    /// whether the tokens from `i` are a comma or a legal form.
    fn ends_in_suffixes(&self, s: &Sentence, i: usize) -> bool {
        s.cue(i).suffix || (s.word(i) == "," && s.cue(i + 1).suffix)
    }

    /// "of"/"for" (optionally "of the") joins after an organisation word or a title ("Secretary
    /// of State"), unless a company is followed by its country ("Sepehr Energy of Iran").
    fn joins_of(&self, s: &Sentence, left: usize, right: usize) -> bool {
        let right = self.skip_the(s, right);
        if !s.is_cap(right) || s.taken[right] {
            return false;
        }
        let cue = s.cue(left);
        if cue.title {
            return true;
        }
        let org = cue.head.or(cue.lead);
        match org {
            None => false,
            Some(EntityKind::Company) => s.country[right].is_none(),
            Some(_) => true,
        }
    }

    fn skip_the(&self, s: &Sentence, i: usize) -> usize {
        if s.word(i) == "the" && s.is_cap(i + 1) {
            i + 1
        } else {
            i
        }
    }

    /// "and" joins inside "Bank for Development and Reconstruction", and after one bare word
    /// when the name goes on to an organisation word ("Political and Security Committee").
    fn joins_and(&self, s: &Sentence, first: usize, last: usize, after_of: bool) -> bool {
        if after_of {
            return true;
        }
        // Leading stop and country words do not count: "The U.S. Securities and Exchange
        // Commission".
        let first = (first..=last)
            .find(|&i| s.country[i].is_none() && !s.cue(i).stop)
            .unwrap_or(first);
        let single_bare = first == last && {
            let cue = s.cue(first);
            !cue.given && cue.head.is_none() && !cue.suffix && s.country[first].is_none()
        };
        if !single_bare {
            return false;
        }
        let mut j = last + 2;
        while s.is_cap(j + 1) && !s.taken[j + 1] {
            j += 1;
        }
        s.cue(j).head.is_some()
    }

    fn vessel_before(&self, s: &Sentence, first: usize) -> bool {
        first > 0 && s.cue(first - 1).descriptor == Some(EntityKind::Vessel)
    }

    /// Decides what the chunk `[first, last]` names, if anything it can tell.
    fn classify(&self, s: &Sentence, first: usize, last: usize) -> Option<Cand> {
        let first = (first..=last).find(|&i| !s.cue(i).stop)?;
        if (first..=last).all(|i| s.country[i].is_some() || !s.is_word(i)) {
            return None;
        }
        if let Some(c) = self.organisation(s, first, last) {
            return Some(c);
        }
        if s.title_case {
            return None;
        }
        if let Some(person) = self.titled_person(s, first, last) {
            return person;
        }
        self.plain_name(s, first, last)
    }

    /// A name ending in a legal form or an organisation word, or led by one ("Banco de ...").
    fn organisation(&self, s: &Sentence, first: usize, last: usize) -> Option<Cand> {
        let suffix = s.cue(last).suffix;
        let kind = if suffix {
            let bank = (first..last).any(|i| s.cue(i).head == Some(EntityKind::Bank));
            Some(if bank {
                EntityKind::Bank
            } else {
                EntityKind::Company
            })
        } else if s.title_case {
            None
        } else {
            self.head_kind(s, first, last)
        };
        let kind = kind?;
        let named = (first..=last).filter(|&i| s.is_cap(i)).count();
        if named < 2 && !single_word_bank(s.word(first)) {
            return None;
        }
        let country = (first..=last)
            .find_map(|i| s.country[i])
            .map(str::to_string);
        Some(Cand {
            first,
            last,
            kind: Some(kind),
            country,
            fixed: false,
        })
    }

    /// The kind given by the chunk's organisation word: the last word, the word before "of",
    /// "for" or a particle ("Cartel del Noreste"), or a leading word ("Banco"); a single word
    /// ending in "bank" is a bank.
    fn head_kind(&self, s: &Sentence, first: usize, last: usize) -> Option<EntityKind> {
        if first == last && single_word_bank(s.word(first)) {
            return Some(EntityKind::Bank);
        }
        if let Some(k) = s.cue(last).head {
            return Some(k);
        }
        let before_of =
            (first..last).find(|&i| matches!(s.word(i + 1), "of" | "for") || s.cue(i + 1).particle);
        if let Some(k) = before_of.and_then(|i| s.cue(i).head) {
            return Some(k);
        }
        s.cue(first).lead
    }

    /// "Foreign Minister Sergei Lavrov" -> "Sergei Lavrov"; "Treasury Secretary" alone is
    /// nothing (`Some(None)`); `None` when the chunk has no title.
    fn titled_person(&self, s: &Sentence, first: usize, last: usize) -> Option<Option<Cand>> {
        let t = (first..=last).rev().find(|&i| s.cue(i).title)?;
        let mut name = t + 1;
        if s.word(name) == "of" {
            name += 2;
        }
        while name <= last && s.cue(name).title {
            name += 1;
        }
        if name > last {
            return Some(None);
        }
        let country = (first..t).find_map(|i| s.country[i]).map(str::to_string);
        Some(Some(Cand {
            first: name,
            last,
            kind: Some(EntityKind::Person),
            country,
            fixed: false,
        }))
    }

    /// A chunk without organisation word or title: a premodifying country is stripped
    /// ("Russian Oleg Deripaska"), then a given name or a noble title makes a person; anything
    /// else waits for a descriptor or a list to tell its kind.
    fn plain_name(&self, s: &Sentence, first: usize, last: usize) -> Option<Cand> {
        let start = (first..=last).find(|&i| s.country[i].is_none() && s.is_word(i))?;
        // "ambassador to Russia John Sullivan": the country is the preposition's object.
        let governed = first > 0 && is_preposition(s.word(first - 1));
        let country = (first..start)
            .find_map(|i| s.country[i])
            .filter(|_| !governed)
            .map(str::to_string);
        let first_cue = s.cue(start);
        let words = (start..=last).filter(|&i| s.is_word(i)).count();
        let person = (first_cue.given && (2..=5).contains(&words))
            || (first_cue.noble && (2..=3).contains(&words));
        Some(Cand {
            first: start,
            last,
            kind: person.then_some(EntityKind::Person),
            country,
            fixed: false,
        })
    }
}

/// "Sberbank", "Promsvyazbank": one word ending in "bank".
fn single_word_bank(w: &str) -> bool {
    w.len() > 5 && w.ends_with("bank") && w.starts_with(char::is_uppercase)
}

// ---------------------------------------------------------------------------------------------
// Context: descriptors, lists, countries

impl EntityRecognizer {
    /// Kinds from the context: a descriptor before the name ("the tanker X", "lender X", "a
    /// company called X", "the deputy minister, X"), a hyphenated place cue ("Turkey-based X" is
    /// a company), or an apposition after it ("X, a Dubai-based shipping firm"). A vessel
    /// descriptor right before wins over other cues; the others only fill a missing kind.
    fn apply_descriptors(&self, s: &Sentence, cands: &mut [Cand]) {
        for c in cands.iter_mut().filter(|c| !c.fixed) {
            let before = self
                .descriptor_before(s, c.first)
                .and_then(|i| s.cue(i).descriptor);
            // "the tanker Pacific Energy", "ambassador Qin Gang": a ship or a person, whatever
            // the name's own words suggest.
            if matches!(before, Some(EntityKind::Vessel | EntityKind::Person)) {
                c.kind = before;
                continue;
            }
            if c.kind.is_none() {
                let located = c.first > 0 && s.cue(c.first - 1).located;
                c.kind = before
                    .or_else(|| self.apposition(s, c.last).0)
                    .or(located.then_some(EntityKind::Company));
            }
        }
    }

    /// The token of the descriptor that names the name starting at `first`, if any: right
    /// before it (past a "the"), before "called"/"named"/"known as", or before a comma when it
    /// names a person or a vessel.
    fn descriptor_before(&self, s: &Sentence, first: usize) -> Option<usize> {
        let mut i = first.checked_sub(1)?;
        if s.word(i) == "the" {
            i = i.checked_sub(1)?;
        }
        let mut after_comma = false;
        if matches!(s.word(i), "called" | "named" | "dubbed") {
            i = i.checked_sub(1)?;
        } else if s.word(i) == "as" && i > 0 && s.word(i - 1) == "known" {
            i = i.checked_sub(2)?;
        } else if s.word(i) == "," {
            i = i.checked_sub(1)?;
            after_comma = true;
        }
        let kind = s.cue(i).descriptor?;
        let close = !after_comma || matches!(kind, EntityKind::Person | EntityKind::Vessel);
        close.then_some(i)
    }

    /// The kind and country an apposition after token `last` gives: ", who ...", or a comma and
    /// a lower-case phrase up to the next punctuation that holds a descriptor (the first one
    /// names the kind: ", director of information at Japan's foreign ministry" is a person).
    /// The country is the one nearest before that descriptor (", a U.S.-designated Russian
    /// firm" is Russian), or a possessive after it ("at Japan's foreign ministry").
    fn apposition(&self, s: &Sentence, last: usize) -> (Option<EntityKind>, Option<String>) {
        let start = last + 2;
        if s.word(last + 1) != "," {
            return (None, None);
        }
        if s.word(start) == "who" {
            return (Some(EntityKind::Person), None);
        }
        // ", a ...", ", the ...", ", director of ...", ", former legislator": not ", while ..."
        // or ", along with ...".
        // A bare descriptor opens one only as a noun phrase (", director of ...", ", adviser
        // and ..."), not as a subject (", officials said").
        let noun_at = |i: usize| {
            s.cue(i).descriptor.is_some()
                && (matches!(s.word(i + 1), "of" | "at" | "for" | "to" | "and")
                    || !s.is_word(i + 1))
        };
        let opens = matches!(s.word(start), "a" | "an" | "the")
            || noun_at(start)
            || (is_plain_lower(s.word(start)) && noun_at(start + 1));
        if !opens {
            return (None, None);
        }
        let end = (start..s.toks.len())
            .take(10)
            .find(|&i| !s.is_word(i) && !matches!(s.word(i), "'s" | "\u{2019}s" | "."))
            .unwrap_or(s.toks.len().min(start + 10));
        let Some(d) = (start..end).find(|&i| s.cue(i).descriptor.is_some()) else {
            return (None, None);
        };
        let kind = s.cue(d).descriptor;
        let before = (start..d).rev().find_map(|i| s.country[i]);
        let possessive_after = (d..end)
            .find(|&i| s.country[i].is_some() && matches!(s.word(i + 1), "'s" | "\u{2019}s"))
            .and_then(|i| s.country[i]);
        (kind, before.or(possessive_after).map(str::to_string))
    }

    /// Lists and what introduces them: names in one list ("A, B and C") share the kind known
    /// for them; a list (or a single name) after an introducer ("four Kyrgyz companies --
    /// A, B", "seven Russian citizens: A", "firms including A") takes its descriptor's kind
    /// and country, and so does a list premodified as a whole ("Chinese firms A, B and C").
    fn share_across_lists(&self, s: &Sentence, cands: &mut [Cand]) {
        let mut start = 0;
        while start < cands.len() {
            let mut end = start;
            while end + 1 < cands.len() && listed_together(s, &cands[end], &cands[end + 1]) {
                end += 1;
            }
            self.share(s, &mut cands[start..=end]);
            start = end + 1;
        }
    }

    fn share(&self, s: &Sentence, list: &mut [Cand]) {
        let mut known = list.iter().filter_map(|c| c.kind);
        let mut shared_kind = known
            .next()
            .filter(|k| list.len() > 1 && known.all(|x| x == *k));
        let mut shared_country = (list.len() > 1)
            .then(|| self.premodifier_country(s, list[0].first))
            .flatten();
        if let Some(intro) = self.introducer(s, list[0].first) {
            shared_kind = shared_kind.or(s.cue(intro).descriptor);
            shared_country = shared_country.or_else(|| self.premodifier_country(s, intro + 1));
        }
        for c in list.iter_mut() {
            if c.kind.is_none() {
                c.kind = shared_kind;
            }
            if c.country.is_none() {
                c.country = shared_country.clone();
            }
        }
    }

    /// The last token of the phrase that introduces a list starting at `first`: a descriptor
    /// before a colon, a dash or "including"/"such as"/"namely" ("four Kyrgyz companies --"),
    /// or a plural one before a comma ("three Belarusian potash companies, A, B and C").
    fn introducer(&self, s: &Sentence, first: usize) -> Option<usize> {
        let mut i = first;
        let (mut marked, mut comma) = (false, false);
        for _ in 0..4 {
            i = i.checked_sub(1)?;
            match s.word(i) {
                ":" | "-" | "\u{2014}" | "\u{2013}" | "including" | "include" | "includes"
                | "namely" => marked = true,
                "," => comma = true,
                "such" | "as" | "are" | "were" | "the" => {}
                w => {
                    let plural = comma && w.ends_with('s');
                    let introduces = marked || plural;
                    return (introduces && s.cue(i).descriptor.is_some()).then_some(i);
                }
            }
        }
        None
    }

    /// The country of a name from its context: a premodifier, an apposition after, or a place
    /// named right after it.
    fn country_around(&self, s: &Sentence, c: &Cand) -> Option<String> {
        self.premodifier_country(s, c.first)
            .or_else(|| self.apposition(s, c.last).1)
            .or_else(|| self.based_in(s, c.last))
    }

    /// "Iranian firm X", "Russia's X", "UAE-based X", "Panama-flagged tanker X", "Russian X": a
    /// country right before the name (not the object of a preposition: "ambassador to Russia
    /// X"), or before it with a descriptor, a hyphenated place cue or "'s" between; one more
    /// lower-case word may stand before a descriptor ("Iranian oil firm X").
    fn premodifier_country(&self, s: &Sentence, first: usize) -> Option<String> {
        let mut i = first;
        let (mut marked, mut descriptor, mut others) = (false, false, 0);
        for distance in 1..=5 {
            i = i.checked_sub(1)?;
            if let Some(code) = s.country[i] {
                let mut run = i;
                while run > 0 && s.country[run - 1] == Some(code) {
                    run -= 1;
                }
                let governed = run > 0 && is_preposition(s.word(run - 1));
                let ok = if distance == 1 { !governed } else { marked };
                return ok.then(|| code.to_string());
            }
            let w = s.word(i);
            let cue = s.cue(i);
            if cue.descriptor.is_some() {
                descriptor = true;
                marked = true;
            } else if cue.located
                || matches!(
                    w,
                    "'s" | "\u{2019}s" | "state" | "state-owned" | "state-run"
                )
            {
                marked = true;
            } else if descriptor && others == 0 && s.is_word(i) && is_plain_lower(w) {
                others += 1;
            } else {
                return None;
            }
        }
        None
    }

    /// "Rosneft chief executive Igor Sechin", "Lockheed Martin executive X": a person right
    /// after an organisation and one or two descriptor words takes the organisation's country.
    fn country_from_employer(&self, s: &Sentence, cands: &mut [Cand]) {
        for k in 0..cands.len() {
            if cands[k].kind != Some(EntityKind::Person) || cands[k].country.is_some() {
                continue;
            }
            let first = cands[k].first;
            let words = (1..=2)
                .take_while(|&n| n <= first)
                .take_while(|&n| s.cue(first - n).descriptor.is_some())
                .count();
            if words == 0 || words >= first {
                continue;
            }
            let employer_last = first - words - 1;
            let country = cands
                .iter()
                .find(|e| e.last == employer_last && e.kind != Some(EntityKind::Person))
                .and_then(|e| e.country.clone());
            cands[k].country = country;
        }
    }

    /// "X, based in Dubai", "X (Iran)", "X of China" right after the name.
    fn based_in(&self, s: &Sentence, last: usize) -> Option<String> {
        let mut i = last + 1;
        if s.word(i) == "," {
            i += 1;
        }
        let bracketed = s.word(last + 1) == "(" && s.word(last + 3) == ")";
        if matches!(s.word(i), "based" | "registered" | "headquartered") && s.word(i + 1) == "in" {
            i += 2;
        } else if bracketed || s.word(last + 1) == "of" {
            i = last + 2;
        } else {
            return None;
        }
        s.country.get(i).copied().flatten().map(str::to_string)
    }
}

/// A lower-case word that may modify a descriptor ("oil" in "oil firm"), not a pronoun or a
/// word that starts another phrase.
fn is_plain_lower(w: &str) -> bool {
    w.starts_with(char::is_lowercase)
        && !is_function_word(w)
        && !matches!(w, "his" | "her" | "its" | "their" | "our" | "my" | "your")
}

/// Prepositions whose object is not a premodifier ("ambassador to Russia John Sullivan").
fn is_preposition(w: &str) -> bool {
    matches!(
        w,
        "to" | "in"
            | "from"
            | "of"
            | "on"
            | "against"
            | "with"
            | "for"
            | "by"
            | "at"
            | "into"
            | "over"
            | "across"
            | "near"
    )
}

/// Words a premodifier search does not walk past: they start another phrase.
fn is_function_word(w: &str) -> bool {
    matches!(
        w,
        "of" | "on"
            | "in"
            | "by"
            | "for"
            | "with"
            | "to"
            | "from"
            | "and"
            | "or"
            | "against"
            | "at"
            | "as"
            | "that"
            | "which"
            | "who"
            | "is"
            | "was"
            | "are"
            | "were"
            | "said"
            | "says"
            | "has"
            | "have"
            | "had"
            | "sanctioned"
            | "targeted"
            | "blacklisted"
            | "designated"
            | "including"
            | "such"
    )
}

/// Two names separated only by ",", "and", ", and", "&" or "as well as" (with an optional
/// "the") belong to one list.
fn listed_together(s: &Sentence, a: &Cand, b: &Cand) -> bool {
    // The longest list joint is four words: more words between are no joint.
    let mut between = [""; 5];
    let mut n = 0;
    for w in (a.last + 1..b.first)
        .map(|i| s.word(i))
        .filter(|w| *w != "the")
    {
        let Some(slot) = between.get_mut(n) else {
            return false;
        };
        *slot = w;
        n += 1;
    }
    matches!(
        &between[..n],
        [","] | ["and"] | [",", "and"] | ["&"] | ["as", "well", "as"] | [",", "as", "well", "as"]
    )
}

/// "the Islamic Revolutionary Guard Corps (IRGC)": an all-capitals name in brackets right after
/// another name is its abbreviation, not a second entity.
fn drop_parenthesised_acronyms(s: &Sentence, cands: &mut Vec<Cand>) {
    let ends: Vec<usize> = cands.iter().map(|c| c.last).collect();
    cands.retain(|c| {
        let bracketed = c.first >= 2
            && s.word(c.first - 1) == "("
            && s.word(c.last + 1) == ")"
            && ends.contains(&(c.first - 2));
        let acronym = (c.first..=c.last).all(|i| {
            let w = s.word(i);
            !w.chars().any(char::is_lowercase)
        });
        !(bracketed && acronym)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(text, kind, country)` of every entity in `sentence`, with `countries` given as
    /// `(mention text, code)` and found by position.
    fn found(
        sentence: &str,
        countries: &[(&str, &str)],
    ) -> Vec<(String, EntityKind, Option<String>)> {
        let mentions: Vec<(Range<usize>, &str)> = countries
            .iter()
            .flat_map(|(m, code)| {
                sentence
                    .match_indices(m)
                    .map(move |(i, _)| (i..i + m.len(), *code))
            })
            .collect();
        EntityRecognizer::shared()
            .find(sentence, 0, &mentions)
            .into_iter()
            .map(|e| (sentence[e.span].to_string(), e.kind, e.country))
            .collect()
    }

    fn one(
        text: &str,
        kind: EntityKind,
        country: Option<&str>,
    ) -> (String, EntityKind, Option<String>) {
        (text.to_string(), kind, country.map(str::to_string))
    }

    use EntityKind::*;

    #[test]
    fn the_shipped_data_loads() {
        let r = EntityRecognizer::from_tsv(ENTITIES_TSV, CUES_TSV);
        assert!(r.is_ok(), "{:?}", r.err());
        assert!(EntityRecognizer::new().known.len() > 200);
    }

    #[test]
    fn the_prefilter_lets_every_table_word_through() {
        let r = EntityRecognizer::new();
        assert!(r.cues.keys().all(|k| r.cue_filter.may_hold(k)));
        assert!(r.known.keys().all(|k| r.known_filter.may_hold(k)));
        // It does rule words out, or it would buy nothing.
        let sentence = "the sanctions were announced on Tuesday , officials said";
        let ruled_out = sentence
            .split(' ')
            .filter(|w| !r.cue_filter.may_hold(w))
            .count();
        assert!(ruled_out > 0);
    }

    #[test]
    fn a_bad_row_is_refused_with_file_line_and_field() {
        let good_cues = "suffix\tLtd\tcompany\n";
        let cases = [
            (
                "Sberbank\tbank\tRU\t\nVTB\tlender\tRU\t\n",
                "entities.tsv:2: field kind",
            ),
            (
                "Sberbank\tbank\tRussia\t\n",
                "entities.tsv:1: field country",
            ),
            ("Sberbank\tbank\tRU\n", "entities.tsv:1: field row"),
            (
                "# c\nSberbank\tbank\tRU\t\nSber\tbank\tRU\tSberbank\n",
                "entities.tsv:3: field aliases",
            ),
        ];
        for (tsv, want) in cases {
            let err = EntityRecognizer::from_tsv(tsv, good_cues)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{err} should contain {want}");
        }
        let cues = [
            ("suffix\tLtd\n", "entity_cues.tsv:1: field row"),
            ("suffix\tLtd\tfirm\n", "entity_cues.tsv:1: field kind"),
            ("title\tMr\tperson\n", "entity_cues.tsv:1: field kind"),
            ("head\tBank\t-\n", "entity_cues.tsv:1: field kind"),
            (
                "suffix\tLtd\tcompany\nprefix\tBy\t-\n",
                "entity_cues.tsv:2: field cue",
            ),
            ("stop\tNew York\t-\n", "entity_cues.tsv:1: field word"),
        ];
        for (tsv, want) in cues {
            let err = EntityRecognizer::from_tsv("", tsv).unwrap_err().to_string();
            assert!(err.contains(want), "{err} should contain {want}");
        }
    }

    #[test]
    fn gazetteer_names_carry_kind_and_country() {
        assert_eq!(
            found(
                "Washington sanctioned Sberbank and the IRGC.",
                &[("Washington", "US")]
            ),
            vec![
                one("Sberbank", Bank, Some("RU")),
                one("IRGC", Agency, Some("IR"))
            ]
        );
        assert_eq!(
            found(
                "China sanctioned Northrop Grumman and General Dynamics.",
                &[("China", "CN")]
            ),
            vec![
                one("Northrop Grumman", Company, Some("US")),
                one("General Dynamics", Company, Some("US"))
            ]
        );
        assert_eq!(
            found("It named Hezbollah and Ramzan Kadyrov.", &[]),
            vec![
                one("Hezbollah", Group, Some("LB")),
                one("Ramzan Kadyrov", Person, Some("RU"))
            ]
        );
    }

    #[test]
    fn a_legal_form_or_company_word_makes_a_company() {
        assert_eq!(
            found("The Treasury designated Sepehr Energy on Tuesday.", &[]),
            vec![one("Sepehr Energy", Company, Some("IR"))]
        );
        assert_eq!(
            found(
                "Officials named Babylon Navigation DMCC and Polyus PJSC.",
                &[]
            ),
            vec![
                one("Babylon Navigation DMCC", Company, None),
                one("Polyus PJSC", Company, Some("RU"))
            ]
        );
        assert_eq!(
            found(
                "It listed Shandong Haiyou Petrochemical Co., Ltd. as well.",
                &[]
            ),
            vec![one(
                "Shandong Haiyou Petrochemical Co., Ltd.",
                Company,
                None
            )]
        );
    }

    #[test]
    fn bank_words_make_banks() {
        assert_eq!(
            found(
                "Sanctions hit Credit Bank of Moscow and Banco de Venezuela.",
                &[("Moscow", "RU"), ("Venezuela", "VE")]
            ),
            vec![
                one("Credit Bank of Moscow", Bank, Some("RU")),
                one("Banco de Venezuela", Bank, Some("VE"))
            ]
        );
        assert_eq!(
            found("It added Novikompromtorgbank to the list.", &[]),
            vec![one("Novikompromtorgbank", Bank, None)]
        );
    }

    #[test]
    fn agency_words_make_agencies() {
        assert_eq!(
            found(
                "The EU listed the Belarusian Defence Ministry.",
                &[("Belarusian", "BY")]
            ),
            vec![one("Belarusian Defence Ministry", Agency, Some("BY"))]
        );
        assert_eq!(
            found("Iran's Ministry of Defence was named.", &[("Iran", "IR")]),
            vec![one("Ministry of Defence", Agency, Some("IR"))]
        );
    }

    #[test]
    fn armed_groups_by_head_word() {
        assert_eq!(
            found(
                "The US targeted the Cartel del Noreste in Mexico.",
                &[("US", "US"), ("Mexico", "MX")]
            ),
            vec![one("Cartel del Noreste", Group, None)]
        );
    }

    #[test]
    fn vessels_follow_a_vessel_word() {
        assert_eq!(
            found(
                "The US blacklisted the tanker Adrian Darya 1.",
                &[("US", "US")]
            ),
            vec![one("Adrian Darya 1", Vessel, Some("IR"))]
        );
        assert_eq!(
            found(
                "It named the Panama-flagged vessel Ocean Star 7.",
                &[("Panama", "PA")]
            ),
            vec![one("Ocean Star 7", Vessel, Some("PA"))]
        );
    }

    #[test]
    fn titles_and_given_names_make_people() {
        assert_eq!(
            found(
                "It sanctioned Foreign Minister Faisal Mekdad and Igor Sechin.",
                &[]
            ),
            vec![
                one("Faisal Mekdad", Person, None),
                one("Igor Sechin", Person, Some("RU"))
            ]
        );
        assert_eq!(
            found(
                "The list includes Russian billionaire Oleg Tinkov.",
                &[("Russian", "RU")]
            ),
            vec![one("Oleg Tinkov", Person, Some("RU"))]
        );
        assert_eq!(
            found(
                "Britain sanctioned Baroness Goldie, Moscow said.",
                &[("Britain", "GB"), ("Moscow", "RU")]
            ),
            vec![one("Baroness Goldie", Person, None)]
        );
    }

    #[test]
    fn country_from_premodifier_apposition_and_place() {
        assert_eq!(
            found(
                "OFAC named Iranian firm Pars Kimia Trading.",
                &[("Iranian", "IR")]
            ),
            vec![one("Pars Kimia Trading", Company, Some("IR"))]
        );
        assert_eq!(
            found(
                "It named UAE-based Babylon Navigation DMCC.",
                &[("UAE", "AE")]
            ),
            vec![one("Babylon Navigation DMCC", Company, Some("AE"))]
        );
        assert_eq!(
            found(
                "It named Hong Kong-registered Sino Link Shipping.",
                &[("Hong Kong", "HK")]
            ),
            vec![one("Sino Link Shipping", Company, Some("HK"))]
        );
        assert_eq!(
            found(
                "It named Denkar Logistics, a Turkish company, too.",
                &[("Turkish", "TR")]
            ),
            vec![one("Denkar Logistics", Company, Some("TR"))]
        );
        assert_eq!(
            found("It named Kaveh Energy of Iran.", &[("Iran", "IR")]),
            vec![one("Kaveh Energy", Company, Some("IR"))]
        );
    }

    #[test]
    fn descriptors_and_lists_give_kind_and_country() {
        assert_eq!(
            found(
                "Washington sanctioned Chinese firms Quantix, Zhonghe Microelectronics and Lumen.",
                &[("Washington", "US"), ("Chinese", "CN")]
            ),
            vec![
                one("Quantix", Company, Some("CN")),
                one("Zhonghe Microelectronics", Company, Some("CN")),
                one("Lumen", Company, Some("CN"))
            ]
        );
        assert_eq!(
            found("The state lender Zarbank was cut off.", &[]),
            vec![one("Zarbank", Bank, None)]
        );
    }

    #[test]
    fn false_alarms_are_not_entities() {
        let none = |s: &str, c: &[(&str, &str)]| assert_eq!(found(s, c), vec![], "{s}");
        none("Shares fell on Monday after the announcement.", &[]);
        none("The Treasury Secretary said more would come.", &[]);
        none(
            "The White House said the European Union would follow.",
            &[("White House", "US")],
        );
        none(
            "In March, Russia and Iran signed a treaty.",
            &[("Russia", "RU"), ("Iran", "IR")],
        );
        none(
            "The United States imposed sanctions, Reuters reported.",
            &[("United States", "US")],
        );
        none(
            "Sanctions on the Kremlin were added to the Entity List in January.",
            &[("Kremlin", "RU")],
        );
        none("Officials said New sanctions would follow.", &[]);
    }

    #[test]
    fn a_title_keeps_the_name_and_drops_the_office() {
        assert_eq!(
            found("Treasury Secretary Janet Yellen said it.", &[]),
            vec![one("Janet Yellen", Person, Some("US"))]
        );
    }

    #[test]
    fn headlines_in_title_case_give_only_strong_names() {
        assert_eq!(
            found(
                "US Sanctions Iranian Oil Network And Sepehr Energy",
                &[("US", "US"), ("Iranian", "IR")]
            ),
            vec![one("Sepehr Energy", Company, Some("IR"))]
        );
    }

    #[test]
    fn an_abbreviation_in_brackets_is_not_a_second_entity() {
        assert_eq!(
            found(
                "It named the Islamic Revolutionary Guard Corps (IRGC).",
                &[]
            ),
            vec![one("Islamic Revolutionary Guard Corps", Agency, Some("IR"))]
        );
    }

    #[test]
    fn spans_are_field_offsets() {
        let r = EntityRecognizer::shared();
        let found = r.find("It named Sberbank.", 100, &[]);
        assert_eq!(found[0].span, 109..117);
        let body = "Markets fell. The US sanctioned Sberbank.";
        let all = r.find_all(body, Field::Body, &[]);
        assert_eq!(&body[all[0].span.clone()], "Sberbank");
    }

    #[test]
    fn initials_and_peoples_stay_inside_names() {
        assert_eq!(
            found("Minister S. Jaishankar met Michael T. Smith.", &[]),
            vec![
                one("S. Jaishankar", Person, None),
                one("Michael T. Smith", Person, None)
            ]
        );
        assert_eq!(
            found("It named units of the People's Liberation Army.", &[]),
            vec![one("People's Liberation Army", Agency, None)]
        );
    }

    #[test]
    fn a_list_takes_the_kind_and_country_of_what_introduces_it() {
        assert_eq!(
            found(
                "It hit four Kyrgyz companies -- Orion Trade, Kelvix and Marbury.",
                &[("Kyrgyz", "KG")]
            ),
            vec![
                one("Orion Trade", Company, Some("KG")),
                one("Kelvix", Company, Some("KG")),
                one("Marbury", Company, Some("KG"))
            ]
        );
        assert_eq!(
            found(
                "It eased curbs on two Belarusian firms, Zorkat and Velmir.",
                &[("Belarusian", "BY")]
            ),
            vec![
                one("Zorkat", Company, Some("BY")),
                one("Velmir", Company, Some("BY"))
            ]
        );
    }

    #[test]
    fn an_apposition_gives_its_nearest_country_and_only_as_a_noun_phrase() {
        assert_eq!(
            found(
                "It named Tarvex, a U.S.-designated Russian procurement firm.",
                &[("U.S.", "US"), ("Russian", "RU")]
            ),
            vec![one("Tarvex", Company, Some("RU"))]
        );
        assert_eq!(
            found("In 2022, Kolvar, officials said, was listed.", &[]),
            vec![],
            "', officials said' is no apposition"
        );
        assert_eq!(
            found(
                "It named Hamid Zarvi, director of trade at Iran's oil ministry.",
                &[("Iran", "IR")]
            ),
            vec![one("Hamid Zarvi", Person, Some("IR"))]
        );
    }

    #[test]
    fn a_person_takes_the_country_of_the_organisation_before_them() {
        assert_eq!(
            found("It listed Rosneft chief executive Vadim Orlov.", &[]),
            vec![
                one("Rosneft", Company, Some("RU")),
                one("Vadim Orlov", Person, Some("RU"))
            ]
        );
    }

    #[test]
    fn a_country_governed_by_a_preposition_is_not_a_premodifier() {
        assert_eq!(
            found(
                "It banned ambassador to Russia John Sullivan.",
                &[("Russia", "RU")]
            ),
            vec![one("John Sullivan", Person, None)]
        );
    }

    #[test]
    fn a_place_or_unit_word_can_be_part_of_a_name() {
        assert_eq!(
            found(
                "Australia listed the Black Sea Bank.",
                &[("Australia", "AU")]
            ),
            vec![one("Black Sea Bank", Bank, None)]
        );
        assert_eq!(
            found(
                "Washington weighed sanctions on the Netzah Yehuda battalion.",
                &[("Washington", "US")]
            ),
            vec![one("Netzah Yehuda battalion", Agency, None)]
        );
        assert_eq!(
            found(
                "Former Chinese ambassador Qin Gang spoke.",
                &[("Chinese", "CN")]
            ),
            vec![one("Qin Gang", Person, Some("CN"))],
            "a person descriptor wins over the head word Gang"
        );
    }

    #[test]
    fn never_panics_on_odd_text() {
        let r = EntityRecognizer::shared();
        for s in [
            "",
            "'",
            "'s",
            "-",
            "A-",
            "É-é",
            "Co.",
            "Ltd, Ltd",
            "of of",
            "( )",
            "1 2 3",
            "Ünal-ı",
            "X\u{2019}s",
        ] {
            let _ = r.find(s, 0, &[(0..1, "XX"), (5..500, "YY")]);
        }
        // Random sentences over the characters the rules look at, with country ranges that
        // fall anywhere (also inside characters).
        let alphabet: Vec<char> = "aZ É-'\u{2019}.,&:()0 ofandtheBankCo.Ltd\u{201d}ş-based"
            .chars()
            .collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(x % 40) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                text.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let a = (x % 7) as usize;
            let _ = r.find(&text, 3, &[(a..a + 3, "XX")]);
            let _ = r.find_all(&text, Field::Title, &[]);
        }
    }
}
