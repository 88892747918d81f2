//! Parsing feeds: transcoding, newswire's own lenient XML reader (`xml`) and format readers
//! (`formats`: RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF), feed-rs for JSON Feed, panic isolation,
//! salvage of truncated documents, then normalisation: plain text, deterministic ids, dates in
//! UTC with where they came from, clutter removal and language detection.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use newswire_model::id::{article_id, canonical_url, IdInputs};
use newswire_model::{Article, DateSource};
use serde::Serialize;
use url::Url;

mod dates;
mod formats;
mod json;
mod json_probe;
mod language;
mod raw;
mod xml;

pub use dates::parse_date;
pub use language::{detect_language, normalise_lang, resolve_language};

use crate::text::{
    collapse_ws, html_to_text, inline_text, is_clutter, is_clutter_candidate, paragraph_key,
    paragraphs, text_paragraphs,
};
use raw::{RawFeed, RawText};

/// Dates more than this far ahead of the fetch time are clamped to it.
pub const DEFAULT_FUTURE_TOLERANCE_SECS: i64 = 600;

/// Why a document could not be parsed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The document holds nothing but whitespace.
    #[error("empty document")]
    Empty,
    /// The document is something else (an HTML page, another XML vocabulary, plain JSON).
    #[error("not a feed: {0}")]
    NotAFeed(String),
    /// The document is a feed but broken beyond repair; XML errors say "line L, column C: ...".
    #[error("malformed feed: {0}")]
    Malformed(String),
    /// A parser panicked (contained here, so the poller goes on with the next feed).
    #[error("parser panicked: {0}")]
    Panicked(String),
}

/// A parsed, normalised feed.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedFeed {
    /// "rss2", "rss1", "rss0", "atom", "cdf" or "json".
    pub format: String,
    /// The feed's title, one line of plain text.
    pub title: Option<String>,
    /// The feed's home page, resolved to an absolute URL when the document allows.
    pub link: Option<String>,
    /// Declared language of the feed (ISO 639-1 when recognisable).
    pub language: Option<String>,
    /// RSS `<ttl>` in minutes.
    pub ttl_minutes: Option<u32>,
    /// The entries in document order.
    pub entries: Vec<ParsedEntry>,
    /// What was repaired, guessed or left out while reading, one line each.
    pub warnings: Vec<String>,
    /// The feed's id, copied onto its articles.
    #[serde(skip)]
    pub feed_id: String,
    /// The feed's configured URL, copied onto its articles.
    #[serde(skip)]
    pub feed_url: String,
    /// When the document was fetched, copied onto its articles.
    #[serde(skip)]
    pub fetched_at: DateTime<Utc>,
}

/// One entry, normalised: plain-text fields, UTC dates, deterministic id.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParsedEntry {
    /// The newswire id (see `newswire_model::id`).
    pub id: String,
    /// The guid / id as the feed gave it (a relative path reference resolved).
    pub guid: Option<String>,
    /// The article's link, absolute when the document or its URL allow resolving it.
    pub url: Option<String>,
    /// `url` canonicalised (see `newswire_model::id::canonical_url`).
    pub canonical_url: Option<String>,
    /// One line of plain text.
    pub title: String,
    /// Plain-text paragraphs separated by a blank line.
    pub summary: Option<String>,
    /// Body as plain text, paragraphs separated by a blank line.
    pub text: String,
    /// Publication date (UTC, clamped to the fetch time when in the future); `None` when the
    /// feed gave no date.
    pub published: Option<DateTime<Utc>>,
    /// The element `published` came from; `None` exactly when `published` is.
    pub date_source: Option<DateSource>,
    /// Last-update date, when the feed gives one.
    pub updated: Option<DateTime<Utc>>,
    /// Author names.
    pub authors: Vec<String>,
    /// Category labels, without repeats.
    pub categories: Vec<String>,
    /// ISO 639-1 language: declared and confirmed, or detected.
    pub language: Option<String>,
    /// Enclosure URLs (podcast audio, images), resolved like `url`.
    pub enclosures: Vec<String>,
}

impl ParsedEntry {
    /// The entry as an [`Article`].
    pub fn to_article(&self, feed_id: &str, feed_url: &str, fetched_at: DateTime<Utc>) -> Article {
        Article {
            id: self.id.clone(),
            feed_id: feed_id.to_string(),
            feed_url: feed_url.to_string(),
            url: self.url.clone(),
            canonical_url: self.canonical_url.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.text.clone(),
            authors: self.authors.clone(),
            categories: self.categories.clone(),
            language: self.language.clone(),
            published_at: self.published,
            date_source: self.date_source,
            updated_at: self.updated,
            fetched_at,
            duplicate_of: None,
        }
    }
}

impl ParsedFeed {
    /// Every entry as an [`Article`] of this feed.
    pub fn articles(&self) -> Vec<Article> {
        self.entries
            .iter()
            .map(|e| e.to_article(&self.feed_id, &self.feed_url, self.fetched_at))
            .collect()
    }
}

/// What the HTTP response said about a document, beyond its bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    /// The `Content-Type` header, read for its charset.
    pub content_type: Option<&'a str>,
    /// The URL that answered after redirects: relative URLs in the document resolve against
    /// it (the feed's configured URL when `None`).
    pub final_url: Option<&'a str>,
    /// The `Content-Location` header: when present, relative URLs resolve against it
    /// (itself resolved against `final_url`).
    pub content_location: Option<&'a str>,
}

/// Parses RSS 0.9x/1.0/2.0, Atom, CDF or JSON Feed bytes into a normalised feed; relative
/// URLs resolve against `feed_url`.
///
/// `content_type` is the HTTP Content-Type, used for its charset. Never panics: a panic inside
/// a parser becomes [`ParseError::Panicked`].
pub fn parse_document(
    bytes: &[u8],
    content_type: Option<&str>,
    feed_id: &str,
    feed_url: &str,
    fetched_at: DateTime<Utc>,
) -> Result<ParsedFeed, ParseError> {
    let origin = Origin {
        content_type,
        ..Origin::default()
    };
    parse_response(bytes, origin, feed_id, feed_url, fetched_at)
}

/// [`parse_document`] for a fetched response: relative URLs resolve against the innermost
/// `xml:base`, else `origin.content_location`, else `origin.final_url`, else `feed_url`
/// (RFC 3986; only http(s) base URLs are used).
pub fn parse_response(
    bytes: &[u8],
    origin: Origin<'_>,
    feed_id: &str,
    feed_url: &str,
    fetched_at: DateTime<Utc>,
) -> Result<ParsedFeed, ParseError> {
    // feed-rs (JSON Feed) runs under its own catch_unwind (see `json`); this outer one covers
    // the XML reader, the HTML parser, the language detector and the rest of newswire's code.
    catch_unwind(AssertUnwindSafe(|| {
        parse_inner(bytes, origin, feed_id, feed_url, fetched_at)
    }))
    .unwrap_or_else(|panic| Err(ParseError::Panicked(panic_message(&panic))))
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let msg = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    one_line(&msg)
}

fn parse_inner(
    bytes: &[u8],
    origin: Origin<'_>,
    feed_id: &str,
    feed_url: &str,
    fetched_at: DateTime<Utc>,
) -> Result<ParsedFeed, ParseError> {
    let mut warnings = Vec::new();
    let (text, enc_warning) = crate::encoding::to_utf8(bytes, origin.content_type);
    warnings.extend(enc_warning);
    let text = crate::sanitize::strip_document_controls(text, &mut warnings);
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let base = base_url(&origin, feed_url);
    let mut raw = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        json::read(trimmed, base.as_ref())?
    } else {
        read_xml(trimmed, base.as_ref(), &mut warnings)?
    };
    warnings.append(&mut raw.notes);
    if !raw.bad_dates.is_empty() {
        warnings.push(format!(
            "dates not understood, left out: {}",
            raw.bad_dates.join("; ")
        ));
    }
    let mut parsed = normalise(raw, feed_id, feed_url, fetched_at, warnings);
    crate::sanitize::clean_feed(&mut parsed);
    Ok(parsed)
}

/// The URL relative references resolve against: `Content-Location` (resolved against the
/// final URL), else the final URL, else the feed's URL; only an http(s) one.
fn base_url(origin: &Origin<'_>, feed_url: &str) -> Option<Url> {
    let web = |u: &Url| matches!(u.scheme(), "http" | "https");
    let doc = Url::parse(origin.final_url.unwrap_or(feed_url).trim())
        .ok()
        .filter(web);
    let located = origin.content_location.and_then(|cl| match &doc {
        Some(d) => d.join(cl.trim()).ok(),
        None => Url::parse(cl.trim()).ok(),
    });
    located.filter(web).or(doc)
}

fn one_line(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    if s.len() > 300 {
        let mut end = 300;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    } else {
        s
    }
}

/// Reads an XML document; a broken one is salvaged up to its last complete entry.
fn read_xml(
    doc: &str,
    base: Option<&Url>,
    warnings: &mut Vec<String>,
) -> Result<RawFeed, ParseError> {
    let root = root_element(doc);
    match root.as_deref() {
        Some("html") | Some("!doctype html") | Some("head") | Some("body") => {
            return Err(ParseError::NotAFeed("the document is an HTML page".into()))
        }
        None => return Err(ParseError::NotAFeed("no XML root element".into())),
        _ => {}
    }
    if let Some(why) = crate::sanitize::declared_entities(doc) {
        return Err(ParseError::Malformed(why));
    }
    let not_a_feed =
        |r: &str| ParseError::NotAFeed(format!("root element <{r}> is not RSS, RDF, Atom or CDF"));
    let error = match xml::parse(doc, false) {
        Ok(tree) => {
            note_repairs(&tree, warnings);
            return formats::read(&tree, base).ok_or_else(|| not_a_feed(tree.local(tree.root())));
        }
        Err(e) => e,
    };
    if let Some(cut) = error.complete_up_to {
        if let Ok(tree) = xml::parse(&doc[..cut], true) {
            if let Some(feed) = formats::read(&tree, base).filter(|f| !f.entries.is_empty()) {
                note_repairs(&tree, warnings);
                warnings.push(format!(
                    "document is truncated or malformed ({error}); salvaged {} entries",
                    feed.entries.len()
                ));
                return Ok(feed);
            }
        }
    }
    match root.as_deref() {
        Some(r) if !is_feed_root(r) => Err(not_a_feed(r)),
        _ => Err(ParseError::Malformed(error.to_string())),
    }
}

/// Warnings for what the XML reader read past: stray `<` and end tags that did not match.
fn note_repairs(tree: &xml::Doc<'_>, warnings: &mut Vec<String>) {
    if tree.stray_lt > 0 {
        warnings.push(format!(
            "read {} '<' characters that start no tag as text",
            tree.stray_lt
        ));
    }
    if tree.repairs > 0 {
        warnings.push(format!(
            "{} end tags did not match and were repaired: {}{}",
            tree.repairs,
            tree.repair_notes.join("; "),
            if tree.repairs > tree.repair_notes.len() {
                "; ..."
            } else {
                ""
            }
        ));
    }
}

fn is_feed_root(name: &str) -> bool {
    let local = name.rsplit(':').next().unwrap_or(name);
    matches!(local, "rss" | "feed" | "rdf" | "entry" | "channel")
}

/// The lower-cased name of the first element (skipping prolog, comments, doctype except html).
fn root_element(doc: &str) -> Option<String> {
    let mut rest = doc;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start..];
        if rest.starts_with("<?") {
            rest = &rest[rest.find("?>")? + 2..];
        } else if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->")? + 3..];
        } else if rest
            .as_bytes()
            .get(..9)
            .is_some_and(|b| b.eq_ignore_ascii_case(b"<!doctype"))
        {
            let end = rest.find('>')?;
            let decl = rest[..end].to_ascii_lowercase();
            if decl.contains("html") && !decl.contains("rss") {
                return Some("!doctype html".into());
            }
            rest = &rest[end + 1..];
        } else {
            let name: String = rest[1..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            if name.is_empty() {
                return None;
            }
            return Some(name.to_ascii_lowercase());
        }
    }
}

/// A one-line field: HTML read as HTML, text as text.
fn inline(t: &RawText) -> String {
    if t.html {
        inline_text(&t.value)
    } else {
        collapse_ws(&t.value)
    }
}

/// Paragraphs of a text field, page-clutter rules applied.
fn field_paragraphs(t: &RawText) -> Vec<String> {
    let paras = if t.html {
        paragraphs(&t.value)
    } else {
        text_paragraphs(&t.value)
    };
    strip_rules(paras)
}

fn normalise(
    raw: RawFeed,
    feed_id: &str,
    feed_url: &str,
    fetched_at: DateTime<Utc>,
    mut warnings: Vec<String>,
) -> ParsedFeed {
    let feed_lang = raw.language.as_deref().and_then(normalise_lang);
    let title = raw.title.as_ref().map(inline).filter(|t| !t.is_empty());
    let tolerance = Duration::seconds(DEFAULT_FUTURE_TOLERANCE_SECS);
    let mut bodies: Vec<Vec<String>> = Vec::with_capacity(raw.entries.len());
    let mut entries = Vec::with_capacity(raw.entries.len());
    let mut missing_dates = 0usize;
    for (i, entry) in raw.entries.into_iter().enumerate() {
        let guid = entry.guid;
        let url = entry.link.or_else(|| {
            guid.as_deref()
                .filter(|g| entry.guid_is_permalink && formats::is_http(g))
                .map(|g| g.trim().to_string())
        });
        let title = entry.title.as_ref().map(inline).unwrap_or_default();
        let summary_paras = entry
            .summary
            .as_ref()
            .map(field_paragraphs)
            .unwrap_or_default();
        let content_paras = entry
            .content
            .as_ref()
            .map(field_paragraphs)
            .unwrap_or_default();
        let body_paras = if content_paras.is_empty() {
            summary_paras.clone()
        } else {
            content_paras
        };
        let summary = Some(summary_paras.join("\n\n")).filter(|s| !s.is_empty());
        let original = entry.dates.published();
        // The date the feed gave, unclamped: the id must not move with the fetch time.
        let date_for_id = original
            .map(|(d, _)| d.to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_default();
        let (id, _) = article_id(IdInputs {
            feed_id,
            guid: guid.as_deref(),
            link: url.as_deref(),
            title: &title,
            date: &date_for_id,
        });
        let clamp = |d: DateTime<Utc>, what: &str, warnings: &mut Vec<String>| {
            if d > fetched_at + tolerance {
                warnings.push(format!(
                    "entry {}: {what} date {} is in the future; clamped to fetch time",
                    i + 1,
                    d.to_rfc3339_opts(SecondsFormat::Secs, true)
                ));
                fetched_at
            } else {
                d
            }
        };
        let published = original.map(|(d, _)| clamp(d, "published", &mut warnings));
        if published.is_none() {
            missing_dates += 1;
        }
        let updated = entry
            .dates
            .updated()
            .map(|d| clamp(d, "updated", &mut warnings));
        let authors = entry
            .authors
            .iter()
            .map(|a| inline_text(&person_name(a)))
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>();
        let mut categories: Vec<String> = Vec::new();
        for c in &entry.categories {
            let t = inline_text(c);
            if !t.is_empty() && !categories.contains(&t) {
                categories.push(t);
            }
        }
        let declared = entry.language.as_deref().and_then(normalise_lang);
        bodies.push(body_paras);
        entries.push(ParsedEntry {
            id,
            guid,
            canonical_url: url.as_deref().and_then(canonical_url),
            url,
            title,
            summary,
            text: String::new(),
            published,
            date_source: original.map(|(_, s)| s),
            updated,
            authors,
            categories,
            language: declared,
            enclosures: entry.enclosures,
        });
    }
    if missing_dates > 0 {
        warnings.push(format!(
            "{missing_dates} entries have no date; their published date is left empty"
        ));
    }
    // Learn clutter inside this document: short paragraphs repeated across many entries.
    // Each short paragraph's key, computed once for learning and for filtering.
    let keys: Vec<Vec<Option<u64>>> = bodies
        .iter()
        .map(|body| body.iter().map(|p| candidate_key(p)).collect())
        .collect();
    let learnt = repeated_paragraphs(&keys);
    if !learnt.is_empty() {
        warnings.push(format!(
            "dropped {} paragraphs repeated across entries as clutter",
            learnt.len()
        ));
    }
    let mut doc_lang: Option<String> = None;
    for ((entry, paras), keys) in entries.iter_mut().zip(bodies).zip(keys) {
        let kept: Vec<String> = if learnt.is_empty() {
            paras
        } else {
            paras
                .into_iter()
                .zip(keys)
                .filter(|(_, k)| !k.is_some_and(|k| learnt.contains(&k)))
                .map(|(p, _)| p)
                .collect()
        };
        entry.text = kept.join("\n\n");
        if let (Some(s), false) = (&entry.summary, learnt.is_empty()) {
            let kept: Vec<&str> = s
                .split("\n\n")
                .filter(|p| !candidate_key(p).is_some_and(|k| learnt.contains(&k)))
                .collect();
            entry.summary = Some(kept.join("\n\n")).filter(|s| !s.is_empty());
        }
        // Without a declared language, the first reliably detected one of this document is
        // the candidate that cheap confirmation tries for the next entries.
        let declared = entry
            .language
            .take()
            .or_else(|| feed_lang.clone())
            .or_else(|| doc_lang.clone());
        entry.language = resolve_language(declared.as_deref(), &entry.title, &entry.text);
        if doc_lang.is_none() && feed_lang.is_none() {
            doc_lang = entry.language.clone();
        }
    }
    ParsedFeed {
        format: raw.format.to_string(),
        title,
        link: raw.link,
        language: feed_lang,
        ttl_minutes: raw.ttl,
        entries,
        warnings,
        feed_id: feed_id.to_string(),
        feed_url: feed_url.to_string(),
        fetched_at,
    }
}

/// The key of a paragraph that could be learnt clutter (a short one); long ones are not hashed.
fn candidate_key(p: &str) -> Option<u64> {
    is_clutter_candidate(p).then(|| paragraph_key(p))
}

fn strip_rules(paras: Vec<String>) -> Vec<String> {
    paras.into_iter().filter(|p| !is_clutter(p)).collect()
}

/// Keys of short paragraphs that occur in at least 3 entries and at least half of them.
fn repeated_paragraphs(keys: &[Vec<Option<u64>>]) -> HashSet<u64> {
    let n = keys.len();
    if n < 4 {
        return HashSet::new();
    }
    let mut counts: HashMap<u64, usize> = HashMap::new();
    for body in keys {
        let distinct: HashSet<u64> = body.iter().flatten().copied().collect();
        for k in distinct {
            *counts.entry(k).or_default() += 1;
        }
    }
    let threshold = 3.max(n.div_ceil(2));
    counts
        .into_iter()
        .filter(|(_, c)| *c >= threshold)
        .map(|(k, _)| k)
        .collect()
}

/// A person as RSS writes one ("jdoe@example.com (John Doe)", "John Doe <jdoe@example.com>"):
/// the name, else the address.
fn person_name(raw: &str) -> String {
    let s = raw.trim();
    let wrapped = |open: char, close: char| -> Option<(&str, &str)> {
        let at = s.find(open)?;
        let inner = s.strip_suffix(close)?.get(at + 1..)?;
        Some((s[..at].trim(), inner.trim()))
    };
    if let Some((before, inner)) = wrapped('(', ')') {
        if before.contains('@') && !inner.is_empty() {
            return inner.to_string();
        }
    }
    if let Some((before, inner)) = wrapped('<', '>') {
        if inner.contains('@') && !before.is_empty() {
            return before.to_string();
        }
    }
    s.strip_prefix("mailto:").unwrap_or(s).to_string()
}

/// Plain text of an HTML fragment, for callers outside the crate that only need one field.
pub fn text_of(html: &str) -> String {
    html_to_text(html)
}
