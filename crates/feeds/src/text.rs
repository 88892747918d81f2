//! HTML to plain text, entity decoding and page-clutter removal.
//!
//! Every text field newswire emits is plain text: paragraphs separated by a blank line, entities
//! decoded, scripts and styles dropped, and lines of page furniture ("Register now for free
//! unlimited access to Reuters.com", "Source link", ...) removed.

use std::sync::OnceLock;

use ego_tree::iter::Edge;
use regex::RegexSet;
use scraper::{Html, Node};

mod simple_html;

/// Elements whose content is never text of the article.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "svg", "math", "head", "object", "embed",
    "select", "button", "canvas", "audio", "video", "form", "nav",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "figure",
    "figcaption",
    "hr",
    "address",
    "main",
    "center",
    "body",
    "html",
];

/// Turns HTML into plain text: paragraphs separated by `"\n\n"`, whitespace inside a paragraph
/// collapsed to single spaces, entities decoded, scripts, styles and similar dropped.
///
/// Input without any tag is treated as plain text: blank lines separate its paragraphs.
pub fn html_to_text(html: &str) -> String {
    paragraphs(html).join("\n\n")
}

/// The paragraphs of an HTML (or plain-text) fragment, each trimmed and non-empty.
pub fn paragraphs(html: &str) -> Vec<String> {
    if !looks_like_html(html) {
        return plain_paragraphs(html);
    }
    // Ordinary markup needs no tree (a fifth of the parse time when it was built for all).
    if let Some(paras) = simple_html::simple_paragraphs(html) {
        return paras;
    }
    // html5ever's tree builder is quadratic in nesting depth; hostile or broken documents with
    // very many tags go through a linear tag stripper instead.
    if html.len() > MAX_TREE_BYTES || html.bytes().filter(|b| *b == b'<').count() > MAX_TREE_TAGS {
        return linear_paragraphs(html);
    }
    tree_paragraphs(html)
}

/// Paragraphs by walking html5ever's tree: the reference for [`simple_html`].
fn tree_paragraphs(html: &str) -> Vec<String> {
    let doc = Html::parse_fragment(html);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut skip_depth = 0usize;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if skip_depth > 0 || SKIPPED.contains(&name) {
                        skip_depth += 1;
                    } else if BLOCKS.contains(&name) {
                        flush(&mut current, &mut out);
                    } else if name == "img" {
                        // Images carry no text of their own; alt text is usually a caption
                        // duplicate, so it is left out.
                    }
                }
                Node::Text(t) if skip_depth == 0 => push_collapsed(&mut current, t),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    if skip_depth > 0 {
                        skip_depth -= 1;
                    } else if BLOCKS.contains(&el.name()) {
                        flush(&mut current, &mut out);
                    }
                }
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

const MAX_TREE_BYTES: usize = 2 * 1024 * 1024;
const MAX_TREE_TAGS: usize = 4000;

/// Linear-time fallback: tags stripped, block tags break paragraphs, skipped elements dropped.
fn linear_paragraphs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            None => {
                push_collapsed(&mut current, &decode_entities(rest));
                break;
            }
            Some(pos) => {
                if pos > 0 {
                    push_collapsed(&mut current, &decode_entities(&rest[..pos]));
                }
                rest = &rest[pos..];
                if rest.starts_with("<!--") {
                    rest = rest.find("-->").map(|e| &rest[e + 3..]).unwrap_or("");
                    continue;
                }
                let Some(end) = rest.find('>') else { break };
                let tag = &rest[1..end];
                rest = &rest[end + 1..];
                let closing = tag.starts_with('/');
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if !closing && SKIPPED.contains(&name.as_str()) && !tag.ends_with('/') {
                    rest = match find_close_tag(rest, &name) {
                        Some(i) => rest[i..]
                            .find('>')
                            .map(|e| &rest[i + e + 1..])
                            .unwrap_or(""),
                        None => "",
                    };
                } else if BLOCKS.contains(&name.as_str()) {
                    flush(&mut current, &mut out);
                }
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Byte offset of the first `</name` in `html`, the name matched without regard to ASCII case.
/// Scans only up to the match, so skipping many elements stays linear in the document (a
/// lower-cased copy of the rest per element made it quadratic).
fn find_close_tag(html: &str, name: &str) -> Option<usize> {
    html.match_indices("</").map(|(i, _)| i).find(|&i| {
        html.as_bytes()
            .get(i + 2..i + 2 + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    })
}

/// A text field that must be one line (titles, author names): tags removed, entities decoded,
/// whitespace collapsed.
pub fn inline_text(s: &str) -> String {
    if !s.contains('<') && !s.contains('&') {
        return collapse_ws(s);
    }
    paragraphs(s).join(" ")
}

/// Decodes HTML entities (named, decimal, hex) in plain text, leaving everything else alone.
/// Unknown entities and bare ampersands stay as they are.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        match decode_one(rest) {
            Some((decoded, used)) => {
                out.push_str(&decoded);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes the entity at the start of `s` (which starts with `&`): the text and bytes used.
pub(crate) fn decode_one(s: &str) -> Option<(String, usize)> {
    let body = &s[1..];
    let end = body
        .char_indices()
        .take(40)
        .find(|(_, c)| *c == ';')
        .map(|(i, _)| i)?;
    let name = &body[..end];
    let used = end + 2;
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        let code = match code {
            // Windows-1252 code points written as numeric references, as many feeds do.
            0x80..=0x9f => windows_1252_c1(code),
            _ => code,
        };
        let c = char::from_u32(code).filter(|c| *c != '\0')?;
        return Some((c.to_string(), used));
    }
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let key = &s[1..used];
    let (a, b) = *markup5ever::data::NAMED_ENTITIES.get(key)?;
    let mut out = String::new();
    out.push(char::from_u32(a)?);
    if b != 0 {
        out.push(char::from_u32(b)?);
    }
    Some((out, used))
}

fn windows_1252_c1(code: u32) -> u32 {
    let byte = [code as u8];
    let (c, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
    c.chars().next().map(|c| c as u32).unwrap_or(code)
}

fn looks_like_html(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

fn plain_paragraphs(s: &str) -> Vec<String> {
    lines_to_paragraphs(s)
        .into_iter()
        .map(|p| decode_entities(&p))
        .map(|p| collapse_ws(&p))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The paragraphs of literal text (an Atom `type="text"` field): blank lines separate them,
/// whitespace is collapsed, and nothing is read as a tag or an entity.
pub fn text_paragraphs(s: &str) -> Vec<String> {
    lines_to_paragraphs(s)
}

fn lines_to_paragraphs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            flush(&mut current, &mut out);
        } else {
            if !current.is_empty() && !current.ends_with(' ') {
                current.push(' ');
            }
            push_collapsed(&mut current, line);
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Appends `text` with each run of whitespace (`char::is_whitespace`) as one space, and none
/// at the start of `current` or after a space already there.
fn push_collapsed(current: &mut String, text: &str) {
    // Copies whole stretches of words separated by single spaces at once: this runs over every
    // character of every body, and word-by-word copying was a tenth of the parse time.
    let mut rest = text;
    while let Some((at, len)) = next_break(rest) {
        current.push_str(&rest[..at]);
        if !current.is_empty() && !current.ends_with(' ') {
            current.push(' ');
        }
        rest = &rest[at + len..];
    }
    current.push_str(rest);
}

/// Offset and length of the first whitespace character of `s` that is not a single space
/// between two other characters.
fn next_break(s: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some((at, len)) = next_whitespace(s, from) {
        let single =
            b[at] == b' ' && at > 0 && at + 1 < b.len() && whitespace_at(s, at + 1).is_none();
        if !single {
            return Some((at, len));
        }
        from = at + 1;
    }
    None
}

/// Bytes that can start a whitespace character: ASCII whitespace and the lead bytes of the
/// non-ASCII ones (U+0085, U+00A0, U+1680, U+2000..U+205F, U+3000).
const MAY_START_WHITESPACE: [bool; 256] = {
    let mut t = [false; 256];
    let starts = [
        b' ', b'\t', b'\n', 0x0B, 0x0C, b'\r', 0xC2, 0xE1, 0xE2, 0xE3,
    ];
    let mut i = 0;
    while i < starts.len() {
        t[starts[i] as usize] = true;
        i += 1;
    }
    t
};

/// Offset and length of the first whitespace character (`char::is_whitespace`) of `s` at or
/// after byte `from`, which must be a character boundary.
#[inline]
pub(crate) fn next_whitespace(s: &str, from: usize) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut i = from;
    while let Some(off) = b
        .get(i..)?
        .iter()
        .position(|c| MAY_START_WHITESPACE[*c as usize])
    {
        let at = i + off;
        if let Some(len) = whitespace_at(s, at) {
            return Some((at, len));
        }
        i = at + 1;
    }
    None
}

/// The byte length of the whitespace character at byte `i` of `s`, if there is one there.
#[inline]
fn whitespace_at(s: &str, i: usize) -> Option<usize> {
    match *s.as_bytes().get(i)? {
        b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' => Some(1),
        0xC2 | 0xE1 | 0xE2 | 0xE3 => {
            let c = s.get(i..)?.chars().next()?;
            c.is_whitespace().then_some(c.len_utf8())
        }
        _ => None,
    }
}

fn flush(current: &mut String, out: &mut Vec<String>) {
    let start = current.len() - current.trim_start().len();
    let end = current.trim_end().len();
    if start >= end {
        current.clear();
    } else if start == 0 {
        // The usual case (text is only ever appended after a word): hand the buffer over.
        current.truncate(end);
        out.push(std::mem::take(current));
    } else {
        out.push(current[start..end].to_string());
        current.clear();
    }
}

/// Whitespace (including non-breaking spaces) collapsed to single spaces, trimmed.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Paragraph patterns that are page furniture, not article text. Each must match the whole
/// paragraph (case-insensitive).
const CLUTTER_RULES: &[&str] = &[
    r"^register now for free,? unlimited access to [\w.]+\.?$",
    r"^source link\.?$",
    r"^leave a comment\.?$",
    r"^our standards: .*$",
    r"^(read|continue reading|read the full story|read more)( here| at .*| on .*)?(\.\.\.|…)?$",
    r"^the post .+ appeared first on .+$",
    r"^advertisement\.?$",
    r"^(share|share this|share this article|share on (facebook|twitter|x|linkedin))[:.]?$",
    r"^(sign up|subscribe) (now |today )?(for|to) .*newsletter.*$",
    r"^click here to .*$",
    r"^follow (us|\w+) on (twitter|x|facebook|instagram|telegram).*$",
    r"^(related|related articles|related stories|more from .*)[:.]?$",
    r"^(this|the) article (was )?(originally )?(appeared|published) (first )?(on|in) .*$",
    r"^all rights reserved\.?$",
    r"^(copyright|©|\(c\))\s*(©|\(c\))?\s*\d{4}\b.{0,80}$",
    r"^comments?\s*\(\d+\)$",
    r"^\[?(…|\.\.\.)\]?$",
];

fn clutter_rules() -> &'static RegexSet {
    static RULES: OnceLock<RegexSet> = OnceLock::new();
    RULES.get_or_init(|| {
        regex::RegexSetBuilder::new(CLUTTER_RULES)
            .case_insensitive(true)
            .build()
            .unwrap_or_else(|_| RegexSet::empty())
    })
}

/// Whether a paragraph is page clutter by the built-in rules.
pub fn is_clutter(paragraph: &str) -> bool {
    // Patterns are unbounded (`.*`) to keep the automaton small; length is bounded here.
    let p = paragraph.trim();
    p.len() <= 300 && may_start_clutter(p) && clutter_rules().is_match(p)
}

/// Whether `p` starts with a character some rule starts with (case-insensitively; U+017F
/// long s folds to `s`), so that most paragraphs skip the regex set.
fn may_start_clutter(p: &str) -> bool {
    p.chars().next().is_some_and(|c| {
        matches!(
            c.to_ascii_lowercase(),
            'a' | 'c'
                | 'f'
                | 'l'
                | 'm'
                | 'o'
                | 'r'
                | 's'
                | 't'
                | '\u{17f}'
                | '©'
                | '('
                | '['
                | '…'
                | '.'
        )
    })
}

/// Drops clutter paragraphs (by rule) from a list of paragraphs.
pub fn strip_clutter(paragraphs: Vec<String>) -> Vec<String> {
    paragraphs.into_iter().filter(|p| !is_clutter(p)).collect()
}

/// A stable 64-bit hash of a paragraph after case and whitespace normalisation, used to learn
/// paragraphs that repeat across one source's articles. FNV-1a: stable across runs and builds.
pub fn paragraph_key(p: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    if p.is_ascii() {
        // Same hash as below, byte by byte (the common case, and a hot spot of parsing).
        let mut in_word = false;
        for &b in p.as_bytes() {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r') {
                if in_word {
                    h ^= u64::from(b' ');
                    h = h.wrapping_mul(0x0100_0000_01b3);
                    in_word = false;
                }
            } else {
                h ^= u64::from(b.to_ascii_lowercase());
                h = h.wrapping_mul(0x0100_0000_01b3);
                in_word = true;
            }
        }
        if in_word {
            h ^= u64::from(b' ');
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        return h;
    }
    // Char by char with an ASCII shortcut; the same hash as hashing each lower-cased word
    // followed by a space.
    let mut in_word = false;
    for c in p.chars() {
        if c.is_whitespace() {
            if in_word {
                h ^= u64::from(b' ');
                h = h.wrapping_mul(0x0100_0000_01b3);
                in_word = false;
            }
            continue;
        }
        in_word = true;
        if c.is_ascii() {
            h ^= u64::from(c.to_ascii_lowercase() as u8);
            h = h.wrapping_mul(0x0100_0000_01b3);
            continue;
        }
        for l in c.to_lowercase() {
            let mut buf = [0u8; 4];
            for b in l.encode_utf8(&mut buf).bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    if in_word {
        h ^= u64::from(b' ');
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Only short paragraphs are candidates for learned clutter: a long one that repeats is more
/// likely a syndicated story than furniture.
pub fn is_clutter_candidate(p: &str) -> bool {
    p.len() <= 300
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_scripts() {
        let html = "<p>One &amp; two</p><script>var x=1;</script><style>p{}</style>\
                    <div>Three<br>Four&nbsp;five</div><p>caf&eacute; &#8217;s&#x2019;</p>";
        assert_eq!(
            html_to_text(html),
            "One & two\n\nThree\n\nFour five\n\ncafé ’s’"
        );
    }

    #[test]
    fn plain_text_keeps_paragraphs() {
        let t = "First line\ncontinues.\n\n  Second &amp; para  \n";
        assert_eq!(html_to_text(t), "First line continues.\n\nSecond & para");
    }

    #[test]
    fn inline_text_decodes() {
        assert_eq!(
            inline_text("Caf&eacute;&nbsp;<b>talks</b>  end"),
            "Café talks end"
        );
        assert_eq!(inline_text("AT&T deal"), "AT&T deal");
        assert_eq!(
            decode_entities("a &amp; b &bogus; &#x41; &#150; & c"),
            "a & b &bogus; A – & c"
        );
    }

    #[test]
    fn every_rule_starts_with_a_prefiltered_character() {
        // Each rule's first literal characters, as the prefilter must admit them.
        for start in [
            "register",
            "source",
            "leave",
            "our",
            "read",
            "continue",
            "the",
            "advertisement",
            "share",
            "sign",
            "subscribe",
            "click",
            "follow",
            "related",
            "more",
            "this",
            "all",
            "copyright",
            "©",
            "(c)",
            "comments",
            "[",
            "…",
            "...",
            "\u{17f}ource link",
        ] {
            assert!(may_start_clutter(start), "{start}");
            assert!(may_start_clutter(&start.to_uppercase()), "{start}");
        }
        assert!(is_clutter("\u{17f}ource link"));
        assert!(!may_start_clutter("Warsaw agreed"));
    }

    #[test]
    fn clutter_rules_match_whole_paragraphs() {
        assert!(is_clutter(
            "Register now for free unlimited access to Reuters.com"
        ));
        assert!(is_clutter("Source link"));
        assert!(is_clutter("Leave a Comment"));
        assert!(is_clutter(
            "Our Standards: The Thomson Reuters Trust Principles."
        ));
        assert!(is_clutter(
            "The post Talks resume appeared first on Example News."
        ));
        assert!(!is_clutter(
            "Turkey said the source link to Moscow was intact."
        ));
    }

    #[test]
    fn paragraph_key_ignores_case_and_spacing() {
        fn slow(p: &str) -> u64 {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for word in p.split_whitespace() {
                for c in word.chars().flat_map(char::to_lowercase) {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        h ^= u64::from(b);
                        h = h.wrapping_mul(0x0100_0000_01b3);
                    }
                }
                h ^= u64::from(b' ');
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            h
        }
        for p in [
            "Get the App",
            "  get\tthe  APP \n",
            "",
            " ",
            "a\x0Bb",
            "Söurce Link",
        ] {
            assert_eq!(paragraph_key(p), slow(p), "{p:?}");
        }
        assert_eq!(
            paragraph_key("Get the App"),
            paragraph_key(" get  the\napp ")
        );
    }

    #[test]
    fn push_collapsed_matches_split_whitespace() {
        fn reference(current: &mut String, text: &str) {
            let starts_ws = text.starts_with(char::is_whitespace);
            for (i, word) in text.split_whitespace().enumerate() {
                if (i > 0 || starts_ws) && !current.is_empty() && !current.ends_with(' ') {
                    current.push(' ');
                }
                current.push_str(word);
            }
            if text.ends_with(char::is_whitespace) && !current.is_empty() && !current.ends_with(' ')
            {
                current.push(' ');
            }
        }
        let texts = [
            "",
            " ",
            "a",
            " a ",
            "a  b\t\nc",
            "\u{a0}x\u{2003}y\u{3000}",
            "é à\u{85}ü",
            "\u{1680}k\u{200b}l\u{202f}",
            "x\x0By\x0Cz\r",
            "Ж  \u{2029}",
        ];
        for start in ["", "w", "w "] {
            for t in texts {
                let (mut a, mut b) = (start.to_string(), start.to_string());
                push_collapsed(&mut a, t);
                reference(&mut b, t);
                assert_eq!(a, b, "{start:?} + {t:?}");
            }
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(50_000)
            + "deep <b>bold</b><script>x</script>"
            + &"</div>".repeat(50_000);
        assert_eq!(html_to_text(&html), "deep bold");
        // The linear path and the tree path agree on ordinary markup.
        let small = "<p>One &amp; two</p><script>var x=1;</script><div>Three<br>Four</div>";
        assert_eq!(linear_paragraphs(small), paragraphs(small));
    }

    #[test]
    fn skipped_elements_close_whatever_the_case() {
        let html = "<p>a</p><SCRIPT>x</Script><p>b</p><style>y</STYLE><p>c</p><script>no end";
        assert_eq!(linear_paragraphs(html), ["a", "b", "c"]);
        assert_eq!(find_close_tag("x</scrip</SCRIPT>", "script"), Some(8));
        assert_eq!(find_close_tag("x</", "script"), None);
    }
}
