//! Defences against hostile documents (issue #9): entity declarations refused, control,
//! bidi-override and invisible characters removed from every text field, and the size of what a
//! poll hands out bounded (entries per feed, bytes per field).
//!
//! What each hostile input leads to is listed in `tests/fixtures/hostile/README.md`.

use crate::parse::{ParsedEntry, ParsedFeed};
use crate::text::collapse_ws;

/// Titles longer than this are cut (a real headline is under 300 bytes).
pub const MAX_TITLE_BYTES: usize = 1024;
/// Summaries longer than this are cut; the full text is in the body.
pub const MAX_SUMMARY_BYTES: usize = 16 * 1024;
/// Author names and categories longer than this are cut.
pub const MAX_NAME_BYTES: usize = 256;
/// At most this many authors and this many categories per entry.
pub const MAX_NAMES: usize = 64;
/// A URL or guid longer than this is dropped: a cut URL would point elsewhere.
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// Characters removed from text fields: they are invisible, or reorder how the text around them
/// is displayed (the "Trojan Source" bidi overrides), or split words so that matching fails.
/// ZWNJ and ZWJ (U+200C, U+200D) stay: Persian, Indic scripts and emoji need them.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{061C}'                // Arabic letter mark
        | '\u{180E}'                // Mongolian vowel separator
        | '\u{200B}'                // zero-width space
        | '\u{200E}' | '\u{200F}'   // left-to-right / right-to-left mark
        | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}'   // bidi isolates
        | '\u{FEFF}'                // zero-width no-break space (BOM)
    )
}

/// C0 and C1 control characters, except the newline that separates paragraphs.
fn is_removed(c: char, keep_newline: bool) -> bool {
    (c.is_control() && !(keep_newline && c == '\n')) || is_invisible(c)
}

/// Whether `s` holds a character [`is_removed`] drops. Scans bytes and decodes a character
/// only at the lead bytes those characters can start with (most text is clean, and this runs
/// on every field of every entry).
fn needs_cleaning(s: &str, keep_newline: bool) -> bool {
    s.bytes().enumerate().any(|(i, b)| match b {
        b'\n' => !keep_newline,
        0x00..=0x1f | 0x7f => true,
        // Lead bytes of C1 controls and U+00AD, U+061C, U+180E, U+2000-U+206F, U+FEFF: always
        // the start of a character, so slicing at `i` is on a boundary.
        0xc2 | 0xd8 | 0xe1 | 0xe2 | 0xef => s[i..]
            .chars()
            .next()
            .is_some_and(|c| is_removed(c, keep_newline)),
        _ => false,
    })
}

/// A one-line field without controls or invisible characters, whitespace collapsed.
pub fn clean_inline(s: &str) -> String {
    if !needs_cleaning(s, false) {
        return s.to_string();
    }
    let kept: String = s.chars().filter(|c| !is_removed(*c, false)).collect();
    collapse_ws(&kept)
}

/// Paragraph text (paragraphs separated by a blank line) cleaned the same way.
pub fn clean_paragraphs(s: &str) -> String {
    if !needs_cleaning(s, true) {
        return s.to_string();
    }
    s.split("\n\n")
        .map(clean_inline)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Removes control characters XML does not allow (NUL and other C0 controls but tab, newline
/// and carriage return) from a whole decoded document, so the parser neither stops at them nor
/// passes them on.
pub fn strip_document_controls(doc: String, warnings: &mut Vec<String>) -> String {
    let bad = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
    let count = doc.bytes().filter(|b| bad(*b)).count();
    if count == 0 {
        return doc;
    }
    warnings.push(format!(
        "removed {count} control characters (NUL and other C0 controls) that XML does not allow"
    ));
    doc.chars()
        .filter(|c| !(c.is_ascii() && bad(*c as u8)))
        .collect()
}

/// `Some(reason)` when the document's DTD declares entities. They are refused rather than
/// expanded: nested entity definitions are how an entity-expansion bomb ("billion laughs")
/// turns a kilobyte into gigabytes, and external ones read files or URLs.
pub fn declared_entities(doc: &str) -> Option<String> {
    // Only the prolog can hold a DTD: stop at the first element tag.
    let prolog_end = doc
        .as_bytes()
        .windows(2)
        .position(|w| w[0] == b'<' && w[1].is_ascii_alphabetic())
        .unwrap_or(doc.len());
    let prolog = &doc[..prolog_end];
    let at = find_ignore_case(prolog, "<!ENTITY")?;
    let decl: String = prolog[at..].chars().take(60).collect();
    let decl = decl.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(format!(
        "the DTD declares XML entities ({decl}...); entity expansion is refused (entity bombs, external entities)"
    ))
}

fn find_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes()
        .windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
}

/// Cleans every text field of a parsed feed (the characters `is_invisible` names).
pub fn clean_feed(feed: &mut ParsedFeed) {
    feed.title = feed.title.as_deref().map(clean_inline);
    for e in &mut feed.entries {
        clean_entry(e);
    }
}

fn clean_entry(e: &mut ParsedEntry) {
    e.title = clean_inline(&e.title);
    e.text = clean_paragraphs(&e.text);
    e.summary = e
        .summary
        .as_deref()
        .map(clean_paragraphs)
        .filter(|s| !s.is_empty());
    for list in [&mut e.authors, &mut e.categories] {
        for name in list.iter_mut() {
            *name = clean_inline(name);
        }
        list.retain(|n| !n.is_empty());
    }
}

/// Bounds what one poll of a feed hands out: at most `max_entries` entries (the newest by
/// date, in document order) and every field within its size limit. Returns warnings.
pub fn bound_feed(
    feed: &mut ParsedFeed,
    max_entries: usize,
    max_article_bytes: usize,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let total = feed.entries.len();
    if total > max_entries {
        keep_newest(&mut feed.entries, max_entries);
        warnings.push(format!(
            "the feed has {total} entries; kept the {max_entries} newest (fetch.max_entries_per_poll)"
        ));
    }
    let mut cut = 0usize;
    let mut first: Option<String> = None;
    for e in &mut feed.entries {
        if bound_entry(e, max_article_bytes) {
            cut += 1;
            first.get_or_insert_with(|| e.id.clone());
        }
    }
    if let Some(id) = first {
        warnings.push(format!(
            "{cut} entries had oversized fields cut to their bounds (first: {id}; body limit fetch.max_article_bytes = {max_article_bytes})"
        ));
    }
    warnings
}

/// Keeps the `n` newest entries (undated ones count as oldest; ties keep document order),
/// leaving them in document order.
fn keep_newest(entries: &mut Vec<ParsedEntry>, n: usize) {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|a, b| {
        entries[*b]
            .published
            .cmp(&entries[*a].published)
            .then(a.cmp(b))
    });
    let mut keep = vec![false; entries.len()];
    for i in order.into_iter().take(n) {
        keep[i] = true;
    }
    let mut i = 0;
    entries.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// Cuts or drops oversized fields of one entry; true when anything changed.
fn bound_entry(e: &mut ParsedEntry, max_body: usize) -> bool {
    let mut changed = cut_to(&mut e.title, MAX_TITLE_BYTES);
    changed |= cut_to(&mut e.text, max_body);
    if let Some(s) = e.summary.as_mut() {
        changed |= cut_to(s, MAX_SUMMARY_BYTES);
    }
    for field in [&mut e.url, &mut e.canonical_url, &mut e.guid] {
        if field.as_ref().is_some_and(|u| u.len() > MAX_URL_BYTES) {
            *field = None;
            changed = true;
        }
    }
    for list in [&mut e.authors, &mut e.categories] {
        if list.len() > MAX_NAMES {
            list.truncate(MAX_NAMES);
            changed = true;
        }
        for name in list.iter_mut() {
            changed |= cut_to(name, MAX_NAME_BYTES);
        }
    }
    changed
}

/// Cuts `s` to at most `max` bytes: at the last paragraph break or space in the second half of
/// the allowance when there is one, else at a character boundary. True when cut.
pub fn cut_to(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let head = &s[..end];
    let at = head
        .rfind("\n\n")
        .filter(|p| *p >= end / 2)
        .or_else(|| head.rfind(' ').filter(|p| *p >= end / 2))
        .unwrap_or(end);
    s.truncate(at);
    let trimmed = s.trim_end().len();
    s.truncate(trimmed);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_control_characters_are_removed() {
        assert_eq!(
            clean_inline("S-4\u{200B}00 \u{202E}evil\u{202C} a\u{0}b \u{2067}x\u{2069}"),
            "S-400 evil ab x"
        );
        // ZWNJ is part of Persian spelling.
        assert_eq!(clean_inline("می\u{200C}خواهم"), "می\u{200C}خواهم");
        assert_eq!(
            clean_paragraphs("one\u{7}\n\n\u{200F}\n\ntwo \u{85}three"),
            "one\n\ntwo three"
        );
    }

    #[test]
    fn byte_scan_agrees_with_the_character_rule_on_every_character() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            for keep in [false, true] {
                assert_eq!(
                    needs_cleaning(&s, keep),
                    s.chars().any(|c| is_removed(c, keep)),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn document_controls_and_entity_declarations() {
        let mut w = Vec::new();
        let doc = strip_document_controls("<a>x\u{0}y\ttab</a>".into(), &mut w);
        assert_eq!(doc, "<a>xy\ttab</a>");
        assert_eq!(w.len(), 1);
        assert!(
            declared_entities("<?xml version=\"1.0\"?><!DOCTYPE r [<!entity a \"b\">]><r/>")
                .is_some_and(|m| m.contains("<!entity a"))
        );
        assert_eq!(
            declared_entities("<!DOCTYPE rss SYSTEM \"x.dtd\"><rss/>"),
            None
        );
        assert_eq!(declared_entities("<rss><![CDATA[<!ENTITY>]]></rss>"), None);
    }

    #[test]
    fn cuts_at_a_break_within_the_bound() {
        let mut s = "aaaa bbbb\n\ncccc dddd".to_string();
        assert!(cut_to(&mut s, 15));
        assert_eq!(s, "aaaa bbbb");
        let mut s = "ééééé".to_string();
        assert!(cut_to(&mut s, 5));
        assert_eq!(s, "éé");
        let mut s = "short".to_string();
        assert!(!cut_to(&mut s, 5));
    }
}
