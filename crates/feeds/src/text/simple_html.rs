//! HTML to paragraphs in one pass, without a DOM, for the markup most feeds carry.
//!
//! html5ever's tree builder is the reference: it can move, regroup or drop text (implied end
//! tags, foster parenting, adoption agency, ignored end tags, legacy entities). This pass keeps a
//! stack of open elements and gives up (returns `None`) at the first construct where the tree
//! builder could do anything but nest elements as written; the caller then builds the tree.
//! On everything it accepts, its paragraphs equal the tree walk's (checked by the tests).

use std::borrow::Cow;

use super::{flush, push_collapsed, BLOCKS};

/// Elements whose content is raw text up to their end tag, and skipped.
const RAW: &[&str] = &["script", "style", "iframe"];

/// Elements whose handling by the tree builder this pass does not reproduce: document-level,
/// table, form, foreign-content, RCDATA/raw-text-but-shown, ruby and legacy elements.
const DECLINED: &[&str] = &[
    "html",
    "head",
    "body",
    "frameset",
    "frame",
    "title",
    "textarea",
    "plaintext",
    "xmp",
    "noembed",
    "noframes",
    "noscript",
    "template",
    "svg",
    "math",
    "table",
    "caption",
    "colgroup",
    "col",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "td",
    "th",
    "select",
    "option",
    "optgroup",
    "button",
    "form",
    "object",
    "applet",
    "marquee",
    "embed",
    "canvas",
    "audio",
    "video",
    "nav",
    "image",
    "listing",
    "ruby",
    "rb",
    "rp",
    "rt",
    "rtc",
    "isindex",
    "keygen",
    "menuitem",
];

/// Start tags that close an open `<p>` (html5ever "close a p element").
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "ol",
    "p",
    "search",
    "section",
    "summary",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "li",
    "dd",
    "dt",
    "hr",
];

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "hr", "img", "input", "link",
    "meta", "param", "source", "track", "wbr",
];

/// Deeper nesting goes to the caller's other paths: the stack checks here are linear in depth.
const MAX_DEPTH: usize = 256;

const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

/// Whitespace as the HTML tokenizer sees it (CR is normalised to LF before tokenizing).
fn is_html_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// The paragraphs of `html`, or `None` when the tree builder is needed to get them right.
pub(super) fn simple_paragraphs(html: &str) -> Option<Vec<String>> {
    if html.contains('\0') {
        return None;
    }
    let b = html.as_bytes();
    let mut p = Pass {
        out: Vec::new(),
        current: String::new(),
        stack: Vec::new(),
    };
    let mut text_start = 0;
    let mut i = 0;
    while let Some(off) = memchr_lt(&b[i..]) {
        let lt = i + off;
        let next = b.get(lt + 1).copied().unwrap_or(0);
        let end = if next.is_ascii_alphabetic() {
            p.text(&html[text_start..lt])?;
            p.start_tag(html, lt)?
        } else if next == b'/' {
            if !b.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) {
                return None;
            }
            p.text(&html[text_start..lt])?;
            p.end_tag(html, lt)?
        } else if next == b'!' {
            p.text(&html[text_start..lt])?;
            comment_end(html, lt)?
        } else if next == b'?' {
            return None;
        } else {
            // A literal '<' in text.
            i = lt + 1;
            continue;
        };
        i = end;
        text_start = end;
    }
    p.text(&html[text_start..])?;
    flush(&mut p.current, &mut p.out);
    Some(p.out)
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|c| *c == b'<')
}

struct Pass<'a> {
    out: Vec<String>,
    current: String,
    /// Open non-void elements, lower-case names.
    stack: Vec<Cow<'a, str>>,
}

impl<'a> Pass<'a> {
    fn text(&mut self, segment: &str) -> Option<()> {
        if segment.is_empty() {
            return Some(());
        }
        let decoded = decode_text(segment)?;
        push_collapsed(&mut self.current, &decoded);
        Some(())
    }

    fn on_stack(&self, name: &str) -> bool {
        self.stack.iter().any(|n| n == name)
    }

    /// Handles the start tag at `lt`; returns the index after it (after the end tag for raw
    /// text elements).
    fn start_tag(&mut self, html: &'a str, lt: usize) -> Option<usize> {
        let (name, end) = tag(html, lt + 1)?;
        let n: &str = &name;
        if DECLINED.contains(&n) || self.closes_something(n) {
            return None;
        }
        if RAW.contains(&n) {
            return raw_text_end(html, end, n);
        }
        if BLOCKS.contains(&n) {
            flush(&mut self.current, &mut self.out);
        }
        if !VOID.contains(&n) {
            if self.stack.len() >= MAX_DEPTH {
                return None;
            }
            self.stack.push(name);
        }
        Some(end)
    }

    /// Whether opening `name` would make the tree builder close an open element.
    fn closes_something(&self, name: &str) -> bool {
        if CLOSES_P.contains(&name) && self.on_stack("p") {
            return true;
        }
        let open_until = |hit: &[&str], stop: &[&str]| {
            for n in self.stack.iter().rev() {
                if hit.contains(&n.as_ref()) {
                    return true;
                }
                if stop.contains(&n.as_ref()) {
                    return false;
                }
            }
            false
        };
        match name {
            "li" => open_until(&["li"], &["ul", "ol"]),
            "dd" | "dt" => open_until(&["dd", "dt"], &["dl"]),
            "a" | "nobr" => self.on_stack(name),
            _ if HEADINGS.contains(&name) => self
                .stack
                .last()
                .is_some_and(|t| HEADINGS.contains(&t.as_ref())),
            _ => false,
        }
    }

    fn end_tag(&mut self, html: &'a str, lt: usize) -> Option<usize> {
        let (name, end) = tag(html, lt + 2)?;
        let n: &str = &name;
        if DECLINED.contains(&n) {
            return None;
        }
        if self.stack.last().is_some_and(|t| t == n) {
            self.stack.pop();
            if BLOCKS.contains(&n) {
                flush(&mut self.current, &mut self.out);
            }
        } else if self.on_stack(n)
            || (HEADINGS.contains(&n) && self.stack.iter().any(|t| HEADINGS.contains(&t.as_ref())))
        {
            // Implied end tags would close elements in between.
            return None;
        } else if n == "p" || n == "br" {
            // `</p>` without a `<p>` makes an empty paragraph; `</br>` is read as `<br>`.
            flush(&mut self.current, &mut self.out);
        }
        // Any other unmatched end tag is ignored, as the tree builder does.
        Some(end)
    }
}

/// Parses a tag name starting at `start` and the attributes after it; returns the lower-case
/// name and the index after the closing `>`.
fn tag(html: &str, start: usize) -> Option<(Cow<'_, str>, usize)> {
    let b = html.as_bytes();
    let mut i = start;
    while i < b.len() && !is_html_ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let raw = &html[start..i];
    let name = if raw.bytes().any(|c| c.is_ascii_uppercase()) {
        Cow::Owned(raw.to_ascii_lowercase())
    } else {
        Cow::Borrowed(raw)
    };
    Some((name, attributes_end(b, i)?))
}

/// Skips attributes up to and including the `>` that ends the tag. `None` at end of input or
/// on an attribute name starting with `=`.
fn attributes_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        while i < b.len() && (is_html_ws(b[i]) || b[i] == b'/') {
            i += 1;
        }
        match *b.get(i)? {
            b'>' => return Some(i + 1),
            b'=' => return None,
            _ => {}
        }
        while i < b.len() && !is_html_ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        while i < b.len() && is_html_ws(b[i]) {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while i < b.len() && is_html_ws(b[i]) {
            i += 1;
        }
        match *b.get(i)? {
            q @ (b'"' | b'\'') => {
                let close = b[i + 1..].iter().position(|c| *c == q)?;
                i += close + 2;
            }
            b'>' => return Some(i + 1),
            _ => {
                while i < b.len() && !is_html_ws(b[i]) && b[i] != b'>' {
                    i += 1;
                }
            }
        }
    }
}

/// The index after the end tag of the raw text element `name` whose content starts at `from`;
/// the end of input when it is never closed (the rest is its content).
fn raw_text_end(html: &str, from: usize, name: &str) -> Option<usize> {
    let b = html.as_bytes();
    let mut i = from;
    loop {
        let Some(off) = memchr_lt(&b[i..]) else {
            return Some(b.len());
        };
        let lt = i + off;
        let after = lt + 2 + name.len();
        let is_end = b.get(lt + 1) == Some(&b'/')
            && b.get(lt + 2..after)
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(after)
                .is_some_and(|c| is_html_ws(*c) || matches!(c, b'/' | b'>'));
        if is_end {
            // Script data has escape states (`<!--` ... `<script>`) that change where it ends.
            if name == "script" && html[from..lt].contains("<!--") {
                return None;
            }
            return attributes_end(b, after);
        }
        i = lt + 1;
    }
}

/// The index after the comment starting at `lt` (`<!--`); `None` for doctype, CDATA, bogus
/// or unterminated comments and the odd endings (`<!-->`, `--!>`).
fn comment_end(html: &str, lt: usize) -> Option<usize> {
    let body = html.get(lt..)?.strip_prefix("<!--")?;
    if body.starts_with('>') || body.starts_with("->") {
        return None;
    }
    let close = body.find("-->")?;
    if body[..close].contains("--!>") {
        return None;
    }
    Some(lt + 4 + close + 3)
}

/// Decodes character references the way the HTML tokenizer does in text, or `None` when
/// html5ever's rules (legacy names without `;`, replacement of invalid numbers) would differ
/// from [`super::decode_one`].
fn decode_text(s: &str) -> Option<Cow<'_, str>> {
    if !s.contains('&') {
        return Some(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if let Some((decoded, used)) = super::decode_one(rest) {
            out.push_str(&decoded);
            rest = &rest[used..];
            continue;
        }
        match rest.as_bytes().get(1) {
            Some(b'#') => return None,
            Some(c) if c.is_ascii_alphanumeric() && legacy_prefix(&rest[1..]) => return None,
            _ => {}
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// Whether a prefix of the alphanumeric run at the start of `s` names an entity (the tokenizer
/// would decode it even without `;`).
fn legacy_prefix(s: &str) -> bool {
    let run = s
        .bytes()
        .take(40)
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    (1..=run).any(|n| {
        markup5ever::data::NAMED_ENTITIES
            .get(&s[..n])
            .is_some_and(|(a, _)| *a != 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tree_paragraphs;

    /// Markup the pass accepts: its paragraphs must equal the tree walk's.
    const ACCEPTED: &[&str] = &[
        "<p>One &amp; two</p><script>var x=1;</script><style>p{}</style>\
         <div>Three<br>Four&nbsp;five</div><p>caf&eacute; &#8217;s&#x2019;</p>",
        "<p>WARSAW, Nov 2 (Sample Desk) – Poland signed.</p>\n<p>Second <a href=\"x?a=1&amp;b=2\" title='a > b'>link</a> here.</p>",
        "plain <b>bold</b> and <i>it<em>al</em></i>ic<br/>next<hr>after",
        "<ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul>tail",
        "<dl><dt>term</dt><dd>def</dd></dl>",
        "a < b and c<d> e </d> AT&T &bogus; & x &#150; &#x80;",
        "<h1>Title</h1><h2>Sub</h2>text</div>more</span>end",
        "x</p>y</br>z",
        "<!-- comment --><p>after <!-- inline --> comment</p>",
        "<SCRIPT type=x>if (a < b) { }</SCRIPT >shown<iframe src=x>hidden</iframe>",
        "<div\nclass=a\tdata-x = \"1\" hidden>attrs</div>",
        "<img src=a.jpg alt=\"caption\">text<wbr>more<input value=x>",
        "<figure><img src=x><figcaption>Cap</figcaption></figure><blockquote>Q</blockquote>",
        "<pre>\n  code\n</pre>",
        "<script>never closed <p>x</p>",
        "<p>a</p>\r\n<p>b\r\nc</p>",
        "<span>unclosed <b>inline",
    ];

    /// Markup the pass must hand to the tree builder.
    const DECLINED_INPUTS: &[&str] = &[
        "<p>a<div>b</div>c</p>",
        "<p>a<p>b",
        "<div><b>x</div>y",
        "<table><tr><td>x</td></tr></table>",
        "a<td>b",
        "&amp without semicolon",
        "&#0; zero",
        "<li>a<li>b",
        "<dt>a<dd>b</dd>c</dt>d",
        "<h1>a<h2>b</h2></h1>",
        "<a>1<a>2</a></a>",
        "<!DOCTYPE html><p>x",
        "<![CDATA[x]]>",
        "<?php echo 1 ?>",
        "</ x>",
        "<!-->x",
        "<div =x>y</div>",
        "<div class=\"unterminated>y",
        "<script><!--<script></script>x</script>y",
        "a\0b",
        "<body>a</body>b",
        "<noscript><p>x</p></noscript>",
    ];

    #[test]
    fn skipped_elements_are_raw_or_declined() {
        for name in crate::text::SKIPPED {
            assert!(RAW.contains(name) || DECLINED.contains(name), "{name}");
        }
    }

    #[test]
    fn accepted_markup_matches_the_tree_walk() {
        for html in ACCEPTED {
            let fast = simple_paragraphs(html);
            assert_eq!(fast.as_ref(), Some(&tree_paragraphs(html)), "{html:?}");
        }
    }

    #[test]
    fn ambiguous_markup_is_declined() {
        for html in DECLINED_INPUTS {
            assert_eq!(simple_paragraphs(html), None, "{html:?}");
        }
    }

    /// Every file of the sample feeds, the hostile fixtures and the feedparser corpus, as
    /// written, with XML escapes undone once, and each CDATA section: wherever the pass
    /// accepts the markup, it must agree with the tree walk.
    #[test]
    fn agrees_with_the_tree_walk_on_the_corpora() {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            let Ok(rd) = std::fs::read_dir(dir) else {
                return;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if let Ok(b) = std::fs::read(&p) {
                    out.push(String::from_utf8_lossy(&b).into_owned());
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut docs = Vec::new();
        for dir in [
            "tests/fixtures/feeds",
            "tests/fixtures/hostile",
            "tests/fixtures/feedparser",
        ] {
            walk(&root.join(dir), &mut docs);
        }
        let (mut accepted, mut total) = (0, 0);
        for doc in &docs {
            let unescaped = doc
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
            let mut inputs = vec![doc.as_str(), unescaped.as_str()];
            inputs.extend(
                doc.split("<![CDATA[")
                    .skip(1)
                    .filter_map(|c| c.split("]]>").next()),
            );
            for html in inputs {
                total += 1;
                if let Some(fast) = simple_paragraphs(html) {
                    accepted += 1;
                    assert_eq!(fast, tree_paragraphs(html), "{html:?}");
                }
            }
        }
        println!("simple pass accepted {accepted} of {total} inputs");
    }

    #[test]
    fn declining_never_happens_silently_on_hostile_input() {
        // Deep nesting and junk: either declined or equal to the tree walk.
        let deep = "<div>".repeat(200) + "deep <b>bold</b>" + &"</div>".repeat(200);
        let junk = "<<<>>>&&&;;;</></><a<b<c>>&#x;&#;<!---><!-- -- -->";
        for html in [deep.as_str(), junk] {
            if let Some(fast) = simple_paragraphs(html) {
                assert_eq!(fast, tree_paragraphs(html), "{html:?}");
            }
        }
    }
}
