//! Parsing feeds with feed-rs, made robust: transcoding, repair, panic isolation, salvage of
//! truncated documents, entity decoding, deterministic ids, dates in UTC, clutter removal and
//! language detection.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use feed_rs::model::{Entry, Feed, FeedType};
use newswire_model::id::{article_id, canonical_url, IdInputs};
use newswire_model::Article;
use regex::Regex;
use serde::Serialize;

mod json_probe;

use crate::text::{
    html_to_text, inline_text, is_clutter, is_clutter_candidate, paragraph_key, paragraphs,
};

/// Dates more than this far ahead of the fetch time are clamped to it.
pub const DEFAULT_FUTURE_TOLERANCE_SECS: i64 = 600;

/// Why a document could not be parsed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty document")]
    Empty,
    #[error("not a feed: {0}")]
    NotAFeed(String),
    #[error("malformed feed: {0}")]
    Malformed(String),
    #[error("parser panicked: {0}")]
    Panicked(String),
}

/// A parsed, normalised feed.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedFeed {
    /// "rss2", "rss1", "rss0", "atom" or "json".
    pub format: String,
    pub title: Option<String>,
    pub link: Option<String>,
    /// Declared language of the feed (ISO 639-1 when recognisable).
    pub language: Option<String>,
    /// RSS `<ttl>` in minutes.
    pub ttl_minutes: Option<u32>,
    pub entries: Vec<ParsedEntry>,
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub feed_id: String,
    #[serde(skip)]
    pub feed_url: String,
    #[serde(skip)]
    pub fetched_at: DateTime<Utc>,
}

/// One entry, normalised: plain-text fields, UTC dates, deterministic id.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParsedEntry {
    /// The newswire id (see `newswire_model::id`).
    pub id: String,
    /// The guid / id as the feed gave it.
    pub guid: Option<String>,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    /// Body as plain text, paragraphs separated by a blank line.
    pub text: String,
    /// Publication date; the fetch time when the feed gave none (with a warning).
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    pub language: Option<String>,
    /// The feed gave no date: `published` is the fetch time.
    #[serde(skip)]
    pub date_missing: bool,
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
            date_source: None,
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

/// Parses RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes into a normalised feed.
///
/// `content_type` is the HTTP Content-Type, used for its charset. Never panics: a panic inside
/// feed-rs becomes [`ParseError::Panicked`].
pub fn parse_document(
    bytes: &[u8],
    content_type: Option<&str>,
    feed_id: &str,
    feed_url: &str,
    fetched_at: DateTime<Utc>,
) -> Result<ParsedFeed, ParseError> {
    // feed-rs runs under its own catch_unwind (see `run_feed_rs`); this outer one also covers
    // the HTML parser, the language detector and newswire's own code.
    catch_unwind(AssertUnwindSafe(|| {
        parse_inner(bytes, content_type, feed_id, feed_url, fetched_at)
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
    content_type: Option<&str>,
    feed_id: &str,
    feed_url: &str,
    fetched_at: DateTime<Utc>,
) -> Result<ParsedFeed, ParseError> {
    let mut warnings = Vec::new();
    let (text, enc_warning) = crate::encoding::to_utf8(bytes, content_type);
    warnings.extend(enc_warning);
    let text = crate::sanitize::strip_document_controls(text, &mut warnings);
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let (feed, extras) = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        (parse_json(trimmed)?, Vec::new())
    } else {
        parse_xml(trimmed, &mut warnings)?
    };
    let mut parsed = normalise(feed, &extras, feed_id, feed_url, fetched_at, warnings);
    crate::sanitize::clean_feed(&mut parsed);
    Ok(parsed)
}

fn feed_rs_parser() -> feed_rs::parser::Parser {
    feed_rs::parser::Builder::new()
        // Empty id for entries without one: newswire computes its own deterministic id.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build()
}

/// Runs feed-rs, turning panics into errors.
fn run_feed_rs(doc: &str) -> Result<Feed, ParseError> {
    let result = catch_unwind(AssertUnwindSafe(|| feed_rs_parser().parse(doc.as_bytes())));
    match result {
        Ok(Ok(feed)) => Ok(feed),
        Ok(Err(e)) => Err(ParseError::Malformed(one_line(&e.to_string()))),
        Err(panic) => Err(ParseError::Panicked(panic_message(&panic))),
    }
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

fn parse_json(doc: &str) -> Result<Feed, ParseError> {
    let is_json_feed = json_probe::is_json_feed(doc)
        .map_err(|e| ParseError::Malformed(format!("invalid JSON: {e}")))?;
    if !is_json_feed {
        return Err(ParseError::NotAFeed(
            "JSON document is not a JSON Feed".into(),
        ));
    }
    run_feed_rs(doc)
}

/// Per-entry facts feed-rs does not keep: `guid isPermaLink` and `feedburner:origLink`.
#[derive(Debug, Default, Clone)]
struct RawEntryExtras {
    guid: Option<String>,
    guid_is_permalink: bool,
    orig_link: Option<String>,
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| {
        Regex::new(pattern).unwrap_or_else(|_| Regex::new("$^").expect("trivial regex"))
    })
}

fn parse_xml(
    doc: &str,
    warnings: &mut Vec<String>,
) -> Result<(Feed, Vec<RawEntryExtras>), ParseError> {
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
    let repaired = repair_xml(doc, warnings);
    let extras = scan_entry_extras(&repaired);
    let first = match run_feed_rs(&repaired) {
        Ok(feed) => return Ok((feed, extras)),
        Err(e) => e,
    };
    // Second chance: Atom text constructs feed-rs refuses (unknown or MIME-style types, empty
    // elements, base64, xhtml without a div) normalised.
    if root
        .as_deref()
        .is_some_and(|r| r.rsplit(':').next() == Some("feed"))
    {
        let atom = repair_atom_text(&repaired);
        if atom != repaired {
            if let Ok(feed) = run_feed_rs(&atom) {
                warnings.push("normalised Atom text constructs feed-rs refused".into());
                let extras = scan_entry_extras(&atom);
                return Ok((feed, extras));
            }
        }
    }
    if let Some(salvaged) = salvage(&repaired) {
        let salvaged = if root
            .as_deref()
            .is_some_and(|r| r.rsplit(':').next() == Some("feed"))
        {
            repair_atom_text(&salvaged)
        } else {
            salvaged
        };
        if let Ok(feed) = run_feed_rs(&salvaged) {
            warnings.push(format!(
                "document is truncated or malformed ({first}); salvaged {} entries",
                feed.entries.len()
            ));
            let extras = scan_entry_extras(&salvaged);
            return Ok((feed, extras));
        }
    }
    match root.as_deref() {
        Some(r) if !is_feed_root(r) => Err(ParseError::NotAFeed(format!(
            "root element <{r}> is not RSS, RDF or Atom"
        ))),
        _ => Err(first),
    }
}

/// Normalises Atom text constructs: `type` mapped to text/html/xhtml (xhtml and unknown
/// markup become html in CDATA), base64 bodies decoded, empty elements dropped.
fn repair_atom_text(doc: &str) -> String {
    static TEXT: OnceLock<Regex> = OnceLock::new();
    static EMPTY: OnceLock<Regex> = OnceLock::new();
    static ATTR: OnceLock<Regex> = OnceLock::new();
    let text = re(
        &TEXT,
        r"(?s)<(title|subtitle|summary|rights|content|tagline|copyright|info)(\s[^>]*)?>(.*?)</(title|subtitle|summary|rights|content|tagline|copyright|info)>",
    );
    let empty = re(
        &EMPTY,
        r"<(title|subtitle|summary|rights|tagline|copyright|info)(\s[^>]*)?/>",
    );
    let attr = re(&ATTR, r#"(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')"#);
    let out = empty.replace_all(doc, "");
    text.replace_all(&out, |c: &regex::Captures<'_>| {
        let whole = c.get(0).map(|m| m.as_str()).unwrap_or("");
        let (Some(open), Some(close)) = (c.get(1), c.get(4)) else {
            return whole.to_string();
        };
        if open.as_str() != close.as_str() {
            return whole.to_string();
        }
        let name = open.as_str();
        let attrs = c.get(2).map(|m| m.as_str()).unwrap_or("");
        let mut inner = c.get(3).map(|m| m.as_str()).unwrap_or("").to_string();
        let mut kept = String::new();
        let mut ty = String::new();
        let mut mode = String::new();
        for a in attr.captures_iter(attrs) {
            let key = a.get(1).map(|m| m.as_str()).unwrap_or("");
            let val = a.get(2).or(a.get(3)).map(|m| m.as_str()).unwrap_or("");
            match key {
                "type" => ty = val.trim().to_ascii_lowercase(),
                "mode" => mode = val.trim().to_ascii_lowercase(),
                _ => kept.push_str(&format!(" {key}=\"{val}\"")),
            }
        }
        if attrs.contains("src=") {
            return whole.to_string();
        }
        if mode == "base64" {
            if let Some(decoded) =
                decode_base64(inner.trim()).and_then(|b| String::from_utf8(b).ok())
            {
                inner = decoded;
                ty = "html".into();
            }
        }
        if inner.trim().is_empty() {
            return String::new();
        }
        let has_markup = inner.contains('<') && !inner.trim_start().starts_with("<![CDATA[");
        let as_html = match ty.as_str() {
            "" | "text" | "text/plain" => has_markup,
            _ => true,
        };
        if as_html {
            let body = if has_markup || mode == "base64" {
                format!("<![CDATA[{}]]>", inner.replace("]]>", "]]]]><![CDATA[>"))
            } else {
                inner
            };
            format!("<{name}{kept} type=\"html\">{body}</{name}>")
        } else {
            format!("<{name}{kept} type=\"text\">{inner}</{name}>")
        }
    })
    .into_owned()
}

fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn is_feed_root(name: &str) -> bool {
    let local = name.rsplit(':').next().unwrap_or(name);
    matches!(local, "rss" | "feed" | "rdf" | "entry")
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

/// Repairs that turn common broken feeds into XML feed-rs accepts: bare `&`, HTML-only named
/// entities, `<rss>` without (or with an unknown) version, unescaped HTML in `<description>`.
fn repair_xml(doc: &str, warnings: &mut Vec<String>) -> String {
    let mut out = repair_ampersands(doc, warnings);
    static RSS_TAG: OnceLock<Regex> = OnceLock::new();
    let rss_tag = re(&RSS_TAG, r#"(?i)<rss\b([^>]*)>"#);
    if let Some(m) = rss_tag.captures(&out) {
        let attrs = m.get(1).map(|a| a.as_str()).unwrap_or("");
        static VERSION: OnceLock<Regex> = OnceLock::new();
        let version_re = re(&VERSION, r#"\bversion\s*=\s*["']([^"']*)["']"#);
        let fixed = match version_re.captures(attrs) {
            None => {
                warnings.push("<rss> has no version attribute; read as RSS 2.0".into());
                Some(format!("<rss version=\"2.0\"{attrs}>"))
            }
            Some(v) => {
                let version = v.get(1).map(|x| x.as_str().trim()).unwrap_or("");
                if matches!(version, "2.0" | "0.91" | "0.92" | "") {
                    None
                } else {
                    warnings.push(format!("<rss version=\"{version}\"> read as RSS 2.0"));
                    Some(format!(
                        "<rss{}>",
                        version_re.replace(attrs, "version=\"2.0\"")
                    ))
                }
            }
        };
        if let (Some(fixed), Some(whole)) = (fixed, m.get(0)) {
            let range = whole.range();
            out.replace_range(range, &fixed);
        }
    }
    out = repair_namespaces(out, warnings);
    if rss_tag.is_match(&out) && !has(&out, "<channel") {
        if let Some(pos) = out.rfind("</rss>") {
            out.insert_str(pos, "<channel></channel>");
        }
    }
    wrap_raw_html(&out, warnings)
}

/// Old and vendor namespaces feed-rs does not know, mapped to the ones it does: Atom 0.3 to
/// Atom 1.0 (with `issued`/`modified` renamed), Userland's RSS 2 namespace dropped, RSS 0.90's
/// Netscape namespace to RSS 1.0; RSS 1.0 items without `<link>` get theirs from `rdf:about`
/// (feed-rs drops link-less RSS 1.0 items).
fn repair_namespaces(mut doc: String, warnings: &mut Vec<String>) -> String {
    if has(&doc, "http://purl.org/atom/ns#") {
        doc = doc.replace("http://purl.org/atom/ns#", "http://www.w3.org/2005/Atom");
        for (old, new) in [("issued", "published"), ("modified", "updated")] {
            doc = doc
                .replace(&format!("<{old}>"), &format!("<{new}>"))
                .replace(&format!("</{old}>"), &format!("</{new}>"));
        }
        warnings.push("Atom 0.3 read as Atom 1.0".into());
    }
    for userland in [
        "xmlns=\"http://backend.userland.com/rss2\"",
        "xmlns=\"http://backend.userland.com/rss\"",
    ] {
        if has(&doc, userland) {
            doc = doc.replacen(userland, "", 1);
        }
    }
    if has(&doc, "http://my.netscape.com/rdf/simple/0.9/") {
        doc = doc.replace(
            "http://my.netscape.com/rdf/simple/0.9/",
            "http://purl.org/rss/1.0/",
        );
    }
    if has(&doc, "rdf:about") {
        static ITEM: OnceLock<Regex> = OnceLock::new();
        let item = re(
            &ITEM,
            r#"(?s)<item\s+rdf:about\s*=\s*["']([^"']*)["']\s*>(.*?)</item>"#,
        );
        doc = item
            .replace_all(&doc, |c: &regex::Captures<'_>| {
                let whole = c.get(0).map(|m| m.as_str()).unwrap_or("");
                let inner = c.get(2).map(|m| m.as_str()).unwrap_or("");
                match c.get(1) {
                    Some(about) if !inner.contains("<link") && !about.as_str().is_empty() => {
                        format!(
                            "<item rdf:about=\"{0}\"><link>{0}</link>{inner}</item>",
                            about.as_str()
                        )
                    }
                    _ => whole.to_string(),
                }
            })
            .into_owned();
    }
    doc
}

/// `&` that does not start an XML reference becomes `&amp;`; HTML named entities that XML does
/// not know become numeric references.
fn repair_ampersands(doc: &str, warnings: &mut Vec<String>) -> String {
    if !doc.contains('&') {
        return doc.to_string();
    }
    let mut out = String::with_capacity(doc.len() + 64);
    let mut rest = doc;
    let mut bare = 0usize;
    let mut named = 0usize;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let ent_len = xml_reference_len(rest);
        match ent_len {
            Some(len) => {
                let name = &rest[1..len - 1];
                if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") || name.starts_with('#') {
                    out.push_str(&rest[..len]);
                } else if let Some((decoded, _)) = crate::text::decode_one(&rest[..len]) {
                    for c in decoded.chars() {
                        out.push_str(&format!("&#{};", c as u32));
                    }
                    named += 1;
                } else {
                    out.push_str("&amp;");
                    out.push_str(&rest[1..len]);
                    bare += 1;
                }
                rest = &rest[len..];
            }
            None => {
                out.push_str("&amp;");
                rest = &rest[1..];
                bare += 1;
            }
        }
    }
    out.push_str(rest);
    if bare > 0 {
        warnings.push(format!("repaired {bare} bare '&' characters"));
    }
    let _ = named;
    out
}

/// Length of a syntactically valid XML reference (`&name;`, `&#123;`, `&#x1F;`) at the start.
fn xml_reference_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    if b.get(1) == Some(&b'#') {
        i = 2;
        let hex = matches!(b.get(2), Some(b'x') | Some(b'X'));
        if hex {
            i = 3;
        }
        let start = i;
        while i < b.len()
            && i < 12
            && (if hex {
                b[i].is_ascii_hexdigit()
            } else {
                b[i].is_ascii_digit()
            })
        {
            i += 1;
        }
        if i == start || b.get(i) != Some(&b';') {
            return None;
        }
        return Some(i + 1);
    }
    while i < b.len()
        && i < 40
        && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-' || b[i] == b'.')
    {
        i += 1;
    }
    if i == 1 || b.get(i) != Some(&b';') || !b[1].is_ascii_alphabetic() {
        return None;
    }
    Some(i + 1)
}

/// `<description>` and `<content:encoded>` holding raw (unescaped) HTML lose it in feed-rs;
/// wrapping it in CDATA keeps it.
fn wrap_raw_html(doc: &str, warnings: &mut Vec<String>) -> String {
    // A hand-written scan: a capturing regex over whole documents was the parser's hot spot.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (open, close) in [
        ("<description", "</description>"),
        ("<content:encoded", "</content:encoded>"),
    ] {
        let mut pos = 0;
        while let Some(tag_start) = find_from(doc, open, pos) {
            let after = tag_start + open.len();
            pos = after;
            let Some(next) = doc[after..].chars().next() else {
                break;
            };
            if next != '>' && !next.is_whitespace() {
                continue;
            }
            let Some(gt) = doc[after..].find('>') else {
                break;
            };
            let inner_start = after + gt + 1;
            if doc[..inner_start].ends_with("/>") {
                continue;
            }
            let Some(inner_end) = find_from(doc, close, inner_start) else {
                break;
            };
            pos = inner_end + close.len();
            let inner = &doc[inner_start..inner_end];
            if inner.contains('<') && !inner.trim_start().starts_with("<![CDATA[") {
                ranges.push((inner_start, inner_end));
            }
        }
    }
    if ranges.is_empty() {
        return doc.to_string();
    }
    ranges.sort_unstable();
    let mut out = String::with_capacity(doc.len() + ranges.len() * 16);
    let mut last = 0;
    let mut wrapped = 0usize;
    for (a, b) in ranges {
        if a < last {
            continue;
        }
        out.push_str(&doc[last..a]);
        out.push_str("<![CDATA[");
        out.push_str(&doc[a..b].replace("]]>", "]]]]><![CDATA[>"));
        out.push_str("]]>");
        last = b;
        wrapped += 1;
    }
    out.push_str(&doc[last..]);
    warnings.push(format!(
        "{wrapped} descriptions held unescaped HTML; kept as HTML"
    ));
    out
}

/// Cuts a broken document after its last complete item/entry and closes it.
fn salvage(doc: &str) -> Option<String> {
    let root = root_element(doc)?;
    let local = root.rsplit(':').next().unwrap_or(&root).to_string();
    let (end_tag, closers) = match local.as_str() {
        "rss" => ("</item>", "</channel></rss>".to_string()),
        "rdf" => {
            let name = find_root_name(doc)?;
            ("</item>", format!("</{name}>"))
        }
        "feed" => {
            let name = find_root_name(doc)?;
            ("</entry>", format!("</{name}>"))
        }
        _ => return None,
    };
    let cut = doc.rfind(end_tag)? + end_tag.len();
    Some(format!("{}{}", &doc[..cut], closers))
}

/// The root element's name as written (with prefix).
fn find_root_name(doc: &str) -> Option<String> {
    let mut rest = doc;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start..];
        if rest.starts_with("<?") {
            rest = &rest[rest.find("?>")? + 2..];
        } else if rest.starts_with("<!") {
            rest = &rest[rest.find('>')? + 1..];
        } else {
            let name: String = rest[1..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            return (!name.is_empty()).then_some(name);
        }
    }
}

fn scan_entry_extras(doc: &str) -> Vec<RawEntryExtras> {
    // Only needed for `isPermaLink="false"` and `feedburner:origLink`: without either, a guid
    // that is a URL is a permalink (the RSS default), which `normalise` assumes.
    if !has(doc, "isPermaLink") && !has(doc, "ispermalink") && !has(doc, "origLink") {
        return Vec::new();
    }
    // Hand-written scans (a lazy regex over the whole document was a tenth of the parse time).
    entry_blocks(doc)
        .map(|b| {
            let mut x = RawEntryExtras::default();
            if let Some((attrs, value)) = element_text(b, "<guid", true) {
                x.guid = Some(crate::text::decode_entities(value));
                let attrs = attrs.to_ascii_lowercase();
                x.guid_is_permalink = !attrs.contains("ispermalink=\"false\"")
                    && !attrs.contains("ispermalink='false'");
            }
            if let Some((_, value)) = element_text(b, "<feedburner:origLink>", false) {
                x.orig_link = Some(crate::text::decode_entities(value));
            }
            x
        })
        .collect()
}

/// Each `<item>` / `<entry>` block: from its start tag to the first `</item>` or `</entry>`
/// after it.
fn entry_blocks(doc: &str) -> impl Iterator<Item = &str> {
    let mut pos = 0;
    // The last search result of each needle (None: no more), reused while it is still ahead,
    // so that a needle the document lacks is searched for once, not once per block.
    let needles = ["<item", "<entry", "</item>", "</entry>"];
    let mut next: [Option<usize>; 4] = [None; 4];
    let mut known = [false; 4];
    let mut find = move |k: usize, from: usize| -> Option<usize> {
        if known[k] && next[k].is_none_or(|at| at >= from) {
            return next[k];
        }
        next[k] = find_from(doc, needles[k], from);
        known[k] = true;
        next[k]
    };
    std::iter::from_fn(move || {
        let mut start = None;
        for (k, open) in needles.iter().enumerate().take(2) {
            let mut from = pos;
            while let Some(at) = find(k, from) {
                let after = at + open.len();
                match doc[after..].chars().next() {
                    Some(c) if c == '>' || c.is_whitespace() => {
                        let cand = (at, after + c.len_utf8());
                        start = Some(start.map_or(cand, |s: (usize, usize)| s.min(cand)));
                        break;
                    }
                    _ => from = after,
                }
            }
        }
        let (at, body) = start?;
        let end = (2..4)
            .filter_map(|k| find(k, body).map(|r| r + needles[k].len()))
            .min()?;
        pos = end;
        Some(&doc[at..end])
    })
}

/// The attributes and trimmed text (CDATA markers removed) of the first element opened by
/// `open` that has an end tag. With `attrs`, `open` is a name prefix (`<guid`) that must be
/// followed by whitespace and attributes or `>`; without, it is the whole start tag.
fn element_text<'a>(block: &'a str, open: &str, attrs: bool) -> Option<(&'a str, &'a str)> {
    let name = open.trim_start_matches('<').trim_end_matches('>');
    let close = format!("</{name}>");
    let mut from = 0;
    loop {
        let at = from + block[from..].find(open)?;
        let after = at + open.len();
        from = after;
        let (attr_text, inner_start) = if attrs {
            match block[after..].chars().next() {
                Some('>') => ("", after + 1),
                Some(c) if c.is_whitespace() => {
                    let gt = after + block[after..].find('>')?;
                    (&block[after..gt], gt + 1)
                }
                _ => continue,
            }
        } else {
            ("", after)
        };
        let inner_end = inner_start + block[inner_start..].find(&close)?;
        let inner = block[inner_start..inner_end].trim_start();
        let inner = inner.strip_prefix("<![CDATA[").unwrap_or(inner).trim_end();
        let inner = inner.strip_suffix("]]>").unwrap_or(inner);
        return Some((attr_text, inner.trim()));
    }
}

/// Needles searched for in whole documents. Their memchr searchers are built once: building
/// one per search cost more than the search itself on small documents.
const NEEDLES: &[&str] = &[
    "<channel",
    "http://purl.org/atom/ns#",
    "xmlns=\"http://backend.userland.com/rss2\"",
    "xmlns=\"http://backend.userland.com/rss\"",
    "http://my.netscape.com/rdf/simple/0.9/",
    "rdf:about",
    "<description",
    "</description>",
    "<content:encoded",
    "</content:encoded>",
    "isPermaLink",
    "ispermalink",
    "origLink",
    "<item",
    "<entry",
    "</item>",
    "</entry>",
];

/// Whether `hay` contains `needle`.
fn has(hay: &str, needle: &str) -> bool {
    find_from(hay, needle, 0).is_some()
}

/// The first `needle` in `hay` at or after byte `from`.
fn find_from(hay: &str, needle: &str, from: usize) -> Option<usize> {
    type Finders = HashMap<&'static str, memchr::memmem::Finder<'static>>;
    static FINDERS: OnceLock<Finders> = OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        NEEDLES
            .iter()
            .map(|n| (*n, memchr::memmem::Finder::new(n.as_bytes())))
            .collect()
    });
    let rest = hay.as_bytes().get(from..)?;
    match finders.get(needle) {
        Some(f) => f.find(rest),
        None => memchr::memmem::find(rest, needle.as_bytes()),
    }
    .map(|r| from + r)
}

fn format_name(t: &FeedType) -> &'static str {
    match t {
        FeedType::Atom => "atom",
        FeedType::JSON => "json",
        FeedType::RSS0 => "rss0",
        FeedType::RSS1 => "rss1",
        FeedType::RSS2 => "rss2",
    }
}

fn is_http(s: &str) -> bool {
    let l = s.trim().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// A relative link resolved against the feed's URL (http(s) feeds only); others unchanged.
fn absolute(link: &str, feed_url: &str) -> String {
    if is_http(link) || !is_http(feed_url) {
        return link.to_string();
    }
    url::Url::parse(feed_url.trim())
        .and_then(|base| base.join(link))
        .map(|u| u.to_string())
        .unwrap_or_else(|_| link.to_string())
}

fn entry_link(entry: &Entry) -> Option<String> {
    entry
        .links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")) && l.target.is_none())
        .or_else(|| {
            entry
                .links
                .iter()
                .find(|l| l.rel.as_deref() != Some("self"))
        })
        .map(|l| l.href.trim().to_string())
        .filter(|h| !h.is_empty())
}

fn normalise(
    feed: Feed,
    extras: &[RawEntryExtras],
    feed_id: &str,
    feed_url: &str,
    fetched_at: DateTime<Utc>,
    mut warnings: Vec<String>,
) -> ParsedFeed {
    let extras_usable = extras.len() == feed.entries.len();
    let feed_lang = feed.language.as_deref().and_then(normalise_lang);
    let title = feed
        .title
        .as_ref()
        .map(|t| inline_text(&t.content))
        .filter(|t| !t.is_empty());
    let link = feed
        .links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .map(|l| l.href.trim().to_string())
        .filter(|h| !h.is_empty())
        .map(|h| absolute(&h, feed_url));
    let tolerance = Duration::seconds(DEFAULT_FUTURE_TOLERANCE_SECS);
    let mut bodies: Vec<Vec<String>> = Vec::with_capacity(feed.entries.len());
    let mut entries = Vec::with_capacity(feed.entries.len());
    let mut missing_dates = 0usize;
    for (i, entry) in feed.entries.iter().enumerate() {
        let extra = if extras_usable {
            extras.get(i).cloned().unwrap_or_default()
        } else {
            RawEntryExtras::default()
        };
        let guid = Some(entry.id.trim().to_string())
            .filter(|g| !g.is_empty())
            .or(extra.guid.clone());
        let mut url = extra
            .orig_link
            .clone()
            .filter(|l| is_http(l))
            .or_else(|| entry_link(entry));
        if url.is_none() {
            if let Some(g) = &guid {
                if is_http(g) && (extra.guid_is_permalink || !extras_usable) {
                    url = Some(g.trim().to_string());
                }
            }
        }
        let url = url.map(|u| absolute(&u, feed_url));
        let title = entry
            .title
            .as_ref()
            .map(|t| inline_text(&t.content))
            .unwrap_or_default();
        let summary_paras = entry
            .summary
            .as_ref()
            .map(|s| strip_rules(paragraphs(&s.content)))
            .unwrap_or_default();
        let content_paras = entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .map(|b| strip_rules(paragraphs(b)))
            .unwrap_or_default();
        let body_paras = if content_paras.is_empty() {
            summary_paras.clone()
        } else {
            content_paras
        };
        let summary = Some(summary_paras.join("\n\n")).filter(|s| !s.is_empty());
        let original_date = entry.published.or(entry.updated);
        let date_for_id = original_date
            .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
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
        let mut date_missing = false;
        let published = match original_date {
            Some(d) => Some(clamp(d, "published", &mut warnings)),
            None => {
                date_missing = true;
                missing_dates += 1;
                Some(fetched_at)
            }
        };
        let updated = entry.updated.map(|d| clamp(d, "updated", &mut warnings));
        let authors = entry
            .authors
            .iter()
            .filter_map(|p| p.name.as_deref().or(p.email.as_deref()).map(inline_text))
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>();
        let mut categories: Vec<String> = Vec::new();
        for c in &entry.categories {
            let t = inline_text(c.label.as_deref().unwrap_or(&c.term));
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
            updated,
            authors,
            categories,
            language: declared,
            date_missing,
        });
    }
    if missing_dates > 0 {
        warnings.push(format!(
            "{missing_dates} entries have no date; using the fetch time"
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
        format: format_name(&feed.feed_type).to_string(),
        title,
        link,
        language: feed_lang,
        ttl_minutes: feed.ttl,
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

/// `en-US`, `EN`, `en_gb` -> `en`. Anything that is not a 2-letter primary tag -> None.
pub fn normalise_lang(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (primary.len() == 2 && primary.chars().all(|c| c.is_ascii_lowercase())).then_some(primary)
}

/// The article's language: the declared one (entry, else feed) when the text's function words
/// confirm it, else whatlang's reliable guess, else the declared one, else whatlang's guess.
/// The confirmation is a cheap check that spares the detector (half the parse time otherwise)
/// for the common case of a feed that declares its language correctly.
pub fn resolve_language(declared: Option<&str>, title: &str, text: &str) -> Option<String> {
    if let Some(d) = declared {
        if function_words_confirm(d, title, text) {
            return Some(d.to_string());
        }
    }
    match detect_language(title, text) {
        Some((lang, true)) => Some(lang),
        guess => declared.map(str::to_string).or(guess.map(|(l, _)| l)),
    }
}

/// Frequent function words of the languages whose declaration can be confirmed cheaply.
const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "of", "to", "in", "is", "that", "for", "on", "with", "said", "was", "as",
            "by", "it", "from", "has", "have", "are", "be", "a", "an", "at", "its", "will", "were",
            "would", "after", "which", "who",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "des", "et", "est", "une", "dans", "que", "pour", "du", "au", "qui",
            "sur", "il", "pas", "ce", "sont", "aux", "avec",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "das", "den", "ist", "nicht", "mit", "von", "auf", "sich", "des",
            "ein", "eine", "dem", "zu", "im", "wird", "auch", "sie",
        ],
    ),
    (
        "es",
        &[
            "el", "los", "las", "y", "del", "por", "con", "una", "para", "se", "es", "al", "lo",
            "como", "su", "más", "pero", "sus", "fue", "ha",
        ],
    ),
    (
        "it",
        &[
            "il", "di", "che", "e", "per", "della", "un", "non", "sono", "gli", "nel", "alla",
            "del", "si", "è", "ha", "le", "dei", "anche", "come",
        ],
    ),
    (
        "pt",
        &[
            "o", "os", "as", "do", "da", "em", "um", "uma", "com", "não", "no", "na", "dos", "das",
            "ao", "foi", "mais", "pelo", "pela", "são",
        ],
    ),
    (
        "nl",
        &[
            "het", "een", "van", "en", "is", "dat", "op", "te", "voor", "met", "niet", "zijn",
            "die", "aan", "ook", "bij", "er", "wordt", "werd", "naar",
        ],
    ),
];

/// Whether the first words of the text use the declared language's function words clearly more
/// than any other listed language's (at least 12% of words, 1.5 times the runner-up).
fn function_words_confirm(declared: &str, title: &str, text: &str) -> bool {
    let Some(idx) = FUNCTION_WORDS.iter().position(|(l, _)| *l == declared) else {
        return false;
    };
    let mut counts = [0usize; FUNCTION_WORDS.len()];
    let mut words = 0usize;
    for w in words_of(title).chain(words_of(text)).take(120) {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if w.is_empty() {
            continue;
        }
        words += 1;
        let mask = function_word_languages(w);
        for (i, count) in counts.iter_mut().enumerate() {
            *count += usize::from(mask & (1 << i) != 0);
        }
    }
    if words < 20 {
        return false;
    }
    let mine = counts[idx];
    let best_other = counts
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != idx)
        .map(|(_, c)| *c)
        .max()
        .unwrap_or(0);
    mine * 100 >= words * 12 && mine * 2 >= best_other * 3
}

/// The whitespace-separated words of `s` (as `split_whitespace`, with a byte scan).
fn words_of(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        match crate::text::next_whitespace(rest, 0) {
            None => return Some(std::mem::take(&mut rest)),
            Some((at, len)) => {
                let word = &rest[..at];
                rest = &rest[at + len..];
                if !word.is_empty() {
                    return Some(word);
                }
            }
        }
    })
}

/// A word of at most 8 bytes as a number (zero-padded; words hold no NUL).
fn pack_word(w: &[u8]) -> Option<u64> {
    let mut buf = [0u8; 8];
    buf.get_mut(..w.len())?.copy_from_slice(w);
    Some(u64::from_be_bytes(buf))
}

/// The languages (bit i: `FUNCTION_WORDS[i]`) that have `word`, compared lower-cased, as a
/// function word. Words packed into numbers and an open-addressing table: this runs for every
/// word of every entry's opening, and string hashing or a binary search was a tenth of the
/// parse time.
fn function_word_languages(word: &str) -> u8 {
    let key = if word.is_ascii() {
        if word.len() > 8 {
            return 0;
        }
        let mut buf = [0u8; 8];
        buf[..word.len()].copy_from_slice(word.as_bytes());
        buf.make_ascii_lowercase();
        u64::from_be_bytes(buf)
    } else {
        // Lower-casing shrinks a character to no less than a third of its bytes (Kelvin sign).
        if word.len() > 24 {
            return 0;
        }
        match pack_word(word.to_lowercase().as_bytes()) {
            Some(k) => k,
            None => return 0,
        }
    };
    function_word_table().get(key)
}

/// Packed function words and their language bits, by linear probing (0 marks a free slot:
/// a packed word is never 0).
struct WordTable {
    slots: Vec<(u64, u8)>,
}

impl WordTable {
    const BITS: u32 = 10;

    fn slot(key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::BITS)) as usize
    }

    fn get(&self, key: u64) -> u8 {
        let mask = self.slots.len() - 1;
        let mut i = Self::slot(key);
        loop {
            match self.slots[i] {
                (0, _) => return 0,
                (k, langs) if k == key => return langs,
                _ => i = (i + 1) & mask,
            }
        }
    }
}

fn function_word_table() -> &'static WordTable {
    static TABLE: OnceLock<WordTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = WordTable {
            slots: vec![(0, 0); 1 << WordTable::BITS],
        };
        let mask = t.slots.len() - 1;
        for (lang, (_, list)) in FUNCTION_WORDS.iter().enumerate() {
            for key in list.iter().filter_map(|w| pack_word(w.as_bytes())) {
                let mut i = WordTable::slot(key);
                while t.slots[i].0 != 0 && t.slots[i].0 != key {
                    i = (i + 1) & mask;
                }
                t.slots[i].0 = key;
                t.slots[i].1 |= 1 << lang;
            }
        }
        t
    })
}

/// Detected ISO 639-1 language and whether the detection is reliable.
pub fn detect_language(title: &str, text: &str) -> Option<(String, bool)> {
    let mut sample = String::with_capacity(512);
    sample.push_str(title);
    sample.push('\n');
    // A few hundred characters are enough for a reliable guess and keep detection cheap.
    let mut end = text.len().min(400);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    sample.push_str(&text[..end]);
    if sample.trim().len() < 20 {
        return None;
    }
    let info = whatlang::detect(&sample)?;
    let code = iso639_1(info.lang().code())?;
    Some((code.to_string(), info.is_reliable()))
}

fn iso639_1(code3: &str) -> Option<&'static str> {
    Some(match code3 {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" => "cs",
        "cmn" => "zh",
        "dan" => "da",
        "deu" => "de",
        "ell" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" => "nl",
        "nob" => "nb",
        "ori" => "or",
        "pan" => "pa",
        "pes" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        _ => return None,
    })
}

/// Plain text of an HTML fragment, for callers outside the crate that only need one field.
pub fn text_of(html: &str) -> String {
    html_to_text(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_split_whitespace() {
        for s in [
            "",
            "  ",
            "one",
            " The  cat\tsat\n",
            "a\u{a0}b\u{3000}c\u{200b}d",
            "è\u{2003}più  ",
        ] {
            let ours: Vec<&str> = words_of(s).collect();
            let std: Vec<&str> = s.split_whitespace().collect();
            assert_eq!(ours, std, "{s:?}");
        }
    }

    #[test]
    fn function_words_are_found_in_any_case() {
        let en = 1
            << FUNCTION_WORDS
                .iter()
                .position(|(l, _)| *l == "en")
                .unwrap_or(0);
        assert_eq!(function_word_languages("The") & en, en);
        assert_eq!(function_word_languages("WOULD") & en, en);
        assert_eq!(function_word_languages("thesaurus"), 0);
        let pt = 1
            << FUNCTION_WORDS
                .iter()
                .position(|(l, _)| *l == "pt")
                .unwrap_or(0);
        assert_eq!(function_word_languages("NÃO") & pt, pt);
        // "is" is English and Dutch; "die" German and Dutch.
        assert_eq!(function_word_languages("is").count_ones(), 2);
        assert_eq!(function_word_languages("Die").count_ones(), 2);
    }
}
