//! A lenient XML reader for feeds.
//!
//! One pass over the decoded document builds a flat tree of elements: names with their
//! namespaces resolved, attributes and text left as byte ranges of the source and decoded only
//! when a field asks for them. It reads what real feeds get wrong and XML forbids, the way
//! browsers and Python feedparser do: bare `&`, HTML entity names, `&#X41;`, well-known
//! prefixes nobody declared (`dc:`, `content:`, ...), unquoted attribute values, junk before or
//! after the root element, and unescaped HTML inside RSS descriptions (read verbatim up to the
//! end tag). What it cannot read past (a mismatched or missing end tag, an unterminated comment
//! or tag) is an [`XmlError`] that names line and column.

use std::borrow::Cow;
use std::fmt;

/// Elements may nest this deep; a deeper document is refused.
pub const MAX_DEPTH: usize = 65_535;

/// Elements deeper than this are checked but not kept as nodes: no feed field lives deeper (an
/// RSS author's name is at depth 5), and their text stays readable through their ancestors.
const KEPT_DEPTH: usize = 8;

/// Children kept per element, but for the root and an RSS channel (which hold the entries): an
/// entry has tens of fields, and a cap keeps a hostile one with millions of empty elements
/// from costing a node each (they are still checked, and their text stays readable).
const KEPT_CHILDREN: u32 = 1_000;

const NONE: u32 = u32::MAX;

/// The namespaces the feed readers tell apart; everything else is [`Ns::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// No namespace.
    None,
    /// RSS 1.0, RSS 0.90 (Netscape) and Userland's RSS 2.0 namespaces.
    Rss,
    /// Atom 1.0.
    Atom,
    /// Atom 0.3.
    Atom03,
    /// RDF syntax (`rdf:about`, `rdf:RDF`).
    Rdf,
    /// Dublin Core elements (`dc:`).
    Dc,
    /// Dublin Core terms (`dcterms:`).
    DcTerms,
    /// RSS content module (`content:encoded`).
    Content,
    /// Apple podcasts (`itunes:`).
    Itunes,
    /// FeedBurner (`feedburner:origLink`).
    Feedburner,
    /// XHTML.
    Xhtml,
    /// Media RSS (`media:`).
    Media,
    /// Any other namespace, or an undeclared prefix nobody knows.
    Other,
}

/// The namespace kind of a namespace URI.
fn ns_kind(uri: &str) -> Ns {
    let uri = uri.trim();
    match uri {
        "" => Ns::None,
        "http://purl.org/rss/1.0/"
        | "http://backend.userland.com/rss2"
        | "http://backend.userland.com/rss"
        | "http://my.netscape.com/rdf/simple/0.9/"
        | "http://channel.netscape.com/rdf/simple/0.9/" => Ns::Rss,
        "http://www.w3.org/2005/Atom" => Ns::Atom,
        "http://purl.org/atom/ns#" => Ns::Atom03,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#" => Ns::Rdf,
        "http://purl.org/dc/elements/1.1/" | "http://purl.org/dc/elements/1.0/" => Ns::Dc,
        "http://purl.org/dc/terms/" => Ns::DcTerms,
        "http://purl.org/rss/1.0/modules/content/" => Ns::Content,
        "http://rssnamespace.org/feedburner/ext/1.0" => Ns::Feedburner,
        "http://www.w3.org/1999/xhtml" => Ns::Xhtml,
        "http://search.yahoo.com/mrss/" | "http://search.yahoo.com/mrss" => Ns::Media,
        _ if uri.eq_ignore_ascii_case("http://www.itunes.com/dtds/podcast-1.0.dtd") => Ns::Itunes,
        _ => Ns::Other,
    }
}

/// The namespace a well-known prefix stands for when the document forgot to declare it.
fn undeclared_prefix(prefix: &str) -> Option<&'static str> {
    Some(match prefix {
        "dc" => "http://purl.org/dc/elements/1.1/",
        "dcterms" => "http://purl.org/dc/terms/",
        "content" => "http://purl.org/rss/1.0/modules/content/",
        "atom" => "http://www.w3.org/2005/Atom",
        "itunes" => "http://www.itunes.com/dtds/podcast-1.0.dtd",
        "feedburner" => "http://rssnamespace.org/feedburner/ext/1.0",
        "rdf" => "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "xhtml" => "http://www.w3.org/1999/xhtml",
        "media" => "http://search.yahoo.com/mrss/",
        _ => return None,
    })
}

/// Where and why a document stops being readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    /// 1-based line of the offending construct.
    pub line: usize,
    /// 1-based column (in characters) of the offending construct.
    pub column: usize,
    /// What is wrong there.
    pub message: String,
    /// Byte offset just after the end tag of the last `<item>` or `<entry>` closed before
    /// the error: the document up to there can be read (salvaged) on its own.
    pub complete_up_to: Option<usize>,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// An element of the tree: ranges into the source, links to its relatives.
#[derive(Debug, Clone)]
struct Element {
    /// Qualified name, as a range of the source.
    name: (u32, u32),
    /// Byte length of the prefix and colon in `name` (0 without a prefix).
    prefix_len: u16,
    /// Index into [`Doc::namespaces`].
    ns: u16,
    /// Range of [`Doc::attrs`].
    attrs: (u32, u32),
    parent: u32,
    first_child: u32,
    next_sibling: u32,
    /// Offset of the `<` of the start tag.
    start: u32,
    /// Range of the content between start and end tag.
    inner: (u32, u32),
    /// Whether the content holds elements (tags outside CDATA).
    has_children: bool,
}

#[derive(Debug, Clone, Copy)]
struct Attr {
    name: (u32, u32),
    value: (u32, u32),
}

/// A parsed document: elements in document order, the root first.
#[derive(Debug)]
pub struct Doc<'a> {
    src: &'a str,
    elements: Vec<Element>,
    attrs: Vec<Attr>,
    /// Interned namespace URIs and their kinds; index 0 is "no namespace".
    namespaces: Vec<(Cow<'a, str>, Ns)>,
    /// Whether any element carries `xml:base` (URLs then need the element's ancestors).
    pub has_xml_base: bool,
    /// `<` characters that start no markup, read as text.
    pub stray_lt: usize,
    /// End tags that did not match and were read as the feed meant them (see
    /// `Reader::recover_end_tag`).
    pub repairs: usize,
    /// The first few of those, each naming line and column.
    pub repair_notes: Vec<String>,
}

/// A handle on one element of a [`Doc`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node(u32);

/// An open element while reading.
struct Open {
    node: u32,
    name: (u32, u32),
    bindings: usize,
    last_child: u32,
    kept_children: u32,
}

/// Reads `src` into a tree. `eof_closes` closes the elements still open at the end instead of
/// failing (for a document already cut after its last complete entry).
pub fn parse(src: &str, eof_closes: bool) -> Result<Doc<'_>, XmlError> {
    if src.len() >= NONE as usize {
        return Err(error_at(src, 0, "document larger than 4 GiB".into(), None));
    }
    Reader {
        src,
        b: src.as_bytes(),
        pos: 0,
        doc: Doc {
            src,
            elements: Vec::new(),
            attrs: Vec::new(),
            namespaces: vec![(Cow::Borrowed(""), Ns::None)],
            has_xml_base: false,
            stray_lt: 0,
            repairs: 0,
            repair_notes: Vec::new(),
        },
        stack: Vec::new(),
        bindings: Vec::new(),
        rss_like: false,
        complete_up_to: None,
    }
    .run(eof_closes)
}

fn error_at(src: &str, offset: usize, message: String, complete: Option<usize>) -> XmlError {
    let (line, column) = line_column(src, offset);
    XmlError {
        line,
        column,
        message,
        complete_up_to: complete,
    }
}

/// 1-based line and column (in characters) of byte `offset`.
pub fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &src[..offset];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

struct Reader<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    doc: Doc<'a>,
    stack: Vec<Open>,
    /// In-scope prefix bindings: (prefix, namespace index); "" is the default namespace.
    bindings: Vec<(&'a str, u16)>,
    /// The root is `<rss>` or `<rdf:RDF>`: descriptions may hold raw HTML.
    rss_like: bool,
    complete_up_to: Option<usize>,
}

impl<'a> Reader<'a> {
    fn fail(&self, at: usize, message: String) -> XmlError {
        error_at(self.src, at, message, self.complete_up_to)
    }

    fn run(mut self, eof_closes: bool) -> Result<Doc<'a>, XmlError> {
        while let Some(off) = memchr::memchr(b'<', &self.b[self.pos..]) {
            let lt = self.pos + off;
            let rest = &self.b[lt..];
            if rest.starts_with(b"<!--") {
                self.pos = self.find(lt + 4, "-->", lt, "comment")? + 3;
            } else if rest.starts_with(b"<![CDATA[") {
                self.pos = self.find(lt + 9, "]]>", lt, "CDATA section")? + 3;
            } else if rest.starts_with(b"<?") {
                self.pos = self.find(lt + 2, "?>", lt, "processing instruction")? + 2;
            } else if rest.starts_with(b"<!") {
                self.pos = self.declaration_end(lt)?;
            } else if rest.starts_with(b"</") {
                if self.end_tag(lt)? {
                    return Ok(self.doc);
                }
            } else if rest.get(1).is_some_and(|c| is_name_start(*c)) {
                self.start_tag(lt)?;
                if self.stack.is_empty() {
                    // The root closed itself (`<rss/>`): nothing after it counts.
                    return Ok(self.doc);
                }
            } else {
                self.doc.stray_lt += 1;
                self.pos = lt + 1;
            }
        }
        match self.stack.last() {
            None if self.doc.elements.is_empty() => {
                Err(self.fail(self.src.len(), "no root element".into()))
            }
            None => Ok(self.doc),
            Some(_) if eof_closes => {
                let end = self.src.len() as u32;
                while let Some(open) = self.stack.pop() {
                    if let Some(e) = self.doc.elements.get_mut(open.node as usize) {
                        e.inner.1 = end;
                    }
                }
                Ok(self.doc)
            }
            Some(open) => {
                let (name, at) = (self.text(open.name), self.open_start(open));
                Err(self.fail(
                    self.src.len(),
                    format!(
                        "the document ends inside <{name}> (opened at {})",
                        self.position(at)
                    ),
                ))
            }
        }
    }

    fn position(&self, at: usize) -> String {
        let (line, column) = line_column(self.src, at);
        format!("line {line}, column {column}")
    }

    fn open_start(&self, open: &Open) -> usize {
        // The name starts right after the `<`.
        open.name.0 as usize - 1
    }

    fn text(&self, r: (u32, u32)) -> &'a str {
        &self.src[r.0 as usize..r.1 as usize]
    }

    /// Offset of `needle` at or after `from`, or an error naming the unterminated construct.
    fn find(&self, from: usize, needle: &str, start: usize, what: &str) -> Result<usize, XmlError> {
        memchr::memmem::find(&self.b[from.min(self.b.len())..], needle.as_bytes())
            .map(|i| from + i)
            .ok_or_else(|| self.fail(start, format!("unterminated {what}")))
    }

    /// The end of `<!DOCTYPE ...>` (with its internal subset) or another `<!...>` declaration.
    fn declaration_end(&self, lt: usize) -> Result<usize, XmlError> {
        let mut i = lt + 2;
        let mut quote = None;
        let mut depth = 0usize;
        while let Some(&c) = self.b.get(i) {
            match (quote, c) {
                (Some(q), _) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(c),
                (None, b'[') => depth += 1,
                (None, b']') => depth = depth.saturating_sub(1),
                (None, b'>') if depth == 0 => return Ok(i + 1),
                _ => {}
            }
            i += 1;
        }
        Err(self.fail(lt, "unterminated declaration".into()))
    }

    /// Reads an end tag at `lt`; true when it closed the root.
    fn end_tag(&mut self, lt: usize) -> Result<bool, XmlError> {
        let name_start = lt + 2;
        let mut i = name_start;
        while self
            .b
            .get(i)
            .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>')
        {
            i += 1;
        }
        let name = &self.src[name_start..i];
        let gt = match memchr::memchr(b'>', &self.b[i..]) {
            Some(off) => i + off,
            // `</rss` and nothing but whitespace after it: the document's last end tag cut
            // short, read as if closed.
            None if self.src[i..].trim().is_empty() => self.src.len().saturating_sub(1),
            None => return Err(self.fail(lt, format!("unterminated end tag </{name}"))),
        };
        let Some(open) = self.stack.last() else {
            // Before the root: junk, skipped like other text there.
            self.pos = gt + 1;
            return Ok(false);
        };
        let open_name = self.text(open.name);
        self.pos = gt + 1;
        if !same_name(open_name, name) && !self.recover_end_tag(lt, name) {
            return Ok(false);
        }
        self.close_top(lt);
        let local = local_name(name);
        if self.stack.len() <= 3
            && (local.eq_ignore_ascii_case("item") || local.eq_ignore_ascii_case("entry"))
        {
            self.complete_up_to = Some(self.pos);
        }
        Ok(self.stack.is_empty())
    }

    /// Pops the innermost open element, whose content ends at `lt`.
    fn close_top(&mut self, lt: usize) {
        if let Some(open) = self.stack.pop() {
            self.bindings.truncate(open.bindings);
            if let Some(e) = self.doc.elements.get_mut(open.node as usize) {
                e.inner.1 = lt as u32;
            }
        }
    }

    /// An end tag `</name>` at `lt` that does not match the innermost open element, read the
    /// way feeds break: when it matches an open ancestor, the elements inside that one were
    /// never closed and are closed here; when it looks like a misspelling of the innermost
    /// one's name (`</titel>` for `<title>`), it is that element's end tag; otherwise it is a
    /// stray tag and ignored. Noted for a warning that names line and column. True when the
    /// innermost element is now the one to close.
    fn recover_end_tag(&mut self, lt: usize, name: &str) -> bool {
        let Some(open) = self.stack.last() else {
            return false;
        };
        let open_name = self.text(open.name);
        let opened = self.position(self.open_start(open));
        let ancestor = self
            .stack
            .iter()
            .rposition(|o| same_name(self.text(o.name), name));
        let (message, close) = match ancestor {
            Some(k) => {
                let unclosed = self.stack.len() - 1 - k;
                for _ in 0..unclosed {
                    self.close_top(lt);
                }
                let more = if unclosed > 1 {
                    format!(" and {} more", unclosed - 1)
                } else {
                    String::new()
                };
                let msg = format!("<{open_name}> (opened at {opened}){more} never closed before </{name}>");
                (msg, true)
            }
            None if misspelt(open_name, name) => (
                format!("end tag </{name}> does not match <{open_name}> (opened at {opened}); read as its end tag"),
                true,
            ),
            None => (format!("stray end tag </{name}> ignored (inside <{open_name}>, opened at {opened})"), false),
        };
        let (line, column) = line_column(self.src, lt);
        self.doc.repairs += 1;
        if self.doc.repair_notes.len() < 3 {
            self.doc
                .repair_notes
                .push(format!("line {line}, column {column}: {message}"));
        }
        close
    }

    /// Reads a start tag at `lt` (and, for raw-text elements, their whole content).
    fn start_tag(&mut self, lt: usize) -> Result<(), XmlError> {
        let name_start = lt + 1;
        let mut i = name_start;
        while self.b.get(i).is_some_and(|c| is_name_char(*c)) {
            i += 1;
        }
        let name = (name_start as u32, i as u32);
        let attrs_start = self.doc.attrs.len() as u32;
        let bindings = self.bindings.len();
        let (end, self_closing) = self.attributes(i, lt)?;
        let attrs = (attrs_start, self.doc.attrs.len() as u32);
        self.bind_namespaces(attrs);
        let qname = self.text(name);
        let ns = self.resolve(qname);
        let prefix_len = qname.find(':').map_or(0, |c| c + 1) as u16;
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.fail(
                lt,
                format!("document nests elements deeper than the supported limit of {MAX_DEPTH}"),
            ));
        }
        if self.stack.is_empty() && self.doc.elements.is_empty() {
            let local = local_name(qname);
            self.rss_like = local.eq_ignore_ascii_case("rss") || local.eq_ignore_ascii_case("rdf");
        }
        let parent = self.stack.last().map_or(NONE, |o| o.node);
        if let Some(p) = self.doc.elements.get_mut(parent as usize) {
            p.has_children = true;
        }
        let holds_entries = self.stack.len() == 1 || (self.stack.len() == 2 && self.rss_like);
        let room = holds_entries
            || self
                .stack
                .last()
                .is_none_or(|o| o.kept_children < KEPT_CHILDREN);
        let keep =
            self.stack.len() < KEPT_DEPTH && (self.stack.is_empty() || parent != NONE) && room;
        let node = if keep {
            self.add_element(Element {
                name,
                prefix_len,
                ns,
                attrs,
                parent,
                first_child: NONE,
                next_sibling: NONE,
                start: lt as u32,
                inner: (end as u32, end as u32),
                has_children: false,
            })
        } else {
            self.doc.attrs.truncate(attrs_start as usize);
            NONE
        };
        self.pos = end;
        if self_closing {
            self.bindings.truncate(bindings);
            return Ok(());
        }
        if self.rss_like && self.is_raw_text(qname, ns) {
            let (inner_end, after, markup) = self.raw_content(end, qname, lt)?;
            if let Some(e) = self.doc.elements.get_mut(node as usize) {
                e.inner.1 = inner_end as u32;
                e.has_children = markup;
            }
            self.bindings.truncate(bindings);
            self.pos = after;
            return Ok(());
        }
        self.stack.push(Open {
            node,
            name,
            bindings,
            last_child: NONE,
            kept_children: 0,
        });
        Ok(())
    }

    fn add_element(&mut self, e: Element) -> u32 {
        let id = self.doc.elements.len() as u32;
        if let Some(open) = self.stack.last_mut() {
            open.kept_children += 1;
            match open.last_child {
                NONE => self.doc.elements[open.node as usize].first_child = id,
                prev => self.doc.elements[prev as usize].next_sibling = id,
            }
            open.last_child = id;
        }
        self.doc.elements.push(e);
        id
    }

    /// Reads attributes from `i` to the end of the tag: the offset after `>` and whether the
    /// tag closed itself (`/>`).
    fn attributes(&mut self, mut i: usize, lt: usize) -> Result<(usize, bool), XmlError> {
        let unterminated = |r: &Self| {
            let name_end = (lt + 1..r.b.len())
                .find(|j| !is_name_char(r.b[*j]))
                .unwrap_or(r.b.len());
            r.fail(
                lt,
                format!("unterminated start tag <{}", &r.src[lt + 1..name_end]),
            )
        };
        loop {
            while self.b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            match self.b.get(i) {
                None => return Err(unterminated(self)),
                Some(b'>') => return Ok((i + 1, false)),
                Some(b'/') if self.b.get(i + 1) == Some(&b'>') => return Ok((i + 2, true)),
                Some(c) if !is_name_start(*c) => {
                    i += 1;
                    continue;
                }
                Some(_) => {}
            }
            let name_start = i;
            while self.b.get(i).is_some_and(|c| is_name_char(*c)) {
                i += 1;
            }
            let name = (name_start as u32, i as u32);
            while self.b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            if self.b.get(i) != Some(&b'=') {
                self.doc.attrs.push(Attr {
                    name,
                    value: (i as u32, i as u32),
                });
                continue;
            }
            i += 1;
            while self.b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            let value = match self.b.get(i) {
                None => return Err(unterminated(self)),
                Some(&q @ (b'"' | b'\'')) => {
                    let Some(close) = memchr::memchr(q, &self.b[i + 1..]) else {
                        return Err(unterminated(self));
                    };
                    let v = (i as u32 + 1, (i + 1 + close) as u32);
                    i += close + 2;
                    v
                }
                Some(_) => {
                    let start = i;
                    while self
                        .b
                        .get(i)
                        .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>')
                    {
                        i += 1;
                    }
                    (start as u32, i as u32)
                }
            };
            self.doc.attrs.push(Attr { name, value });
        }
    }

    /// Adds the `xmlns` / `xmlns:p` attributes of a start tag to the bindings in scope.
    fn bind_namespaces(&mut self, attrs: (u32, u32)) {
        for a in &self.doc.attrs[attrs.0 as usize..attrs.1 as usize] {
            let name = &self.src[a.name.0 as usize..a.name.1 as usize];
            let prefix = if name == "xmlns" {
                ""
            } else if let Some(p) = name.strip_prefix("xmlns:") {
                p
            } else {
                if name == "xml:base" {
                    self.doc.has_xml_base = true;
                }
                continue;
            };
            let uri = &self.src[a.value.0 as usize..a.value.1 as usize];
            let ns = intern(&mut self.doc.namespaces, Cow::Borrowed(uri.trim()));
            self.bindings.push((prefix, ns));
        }
    }

    /// The namespace index of a qualified element name.
    fn resolve(&mut self, qname: &str) -> u16 {
        let prefix = qname.find(':').map_or("", |c| &qname[..c]);
        if let Some((_, ns)) = self.bindings.iter().rev().find(|(p, _)| *p == prefix) {
            return *ns;
        }
        if prefix.is_empty() {
            return 0;
        }
        let uri = match undeclared_prefix(&prefix.to_ascii_lowercase()) {
            Some(uri) => Cow::Borrowed(uri),
            None => Cow::Owned(format!("urn:newswire:undeclared-prefix:{prefix}")),
        };
        intern(&mut self.doc.namespaces, uri)
    }

    /// RSS elements whose content is often unescaped HTML: read verbatim to the end tag.
    fn is_raw_text(&self, qname: &str, ns: u16) -> bool {
        let local = local_name(qname);
        let kind = self.doc.namespaces[ns as usize].1;
        (local == "description" && matches!(kind, Ns::None | Ns::Rss))
            || (local == "encoded" && kind == Ns::Content)
    }

    /// Content of a raw-text element from `from` to its end tag `</qname>` (CDATA sections
    /// skipped): where the content ends, where the end tag ends, and whether it holds tags.
    fn raw_content(
        &self,
        from: usize,
        qname: &str,
        lt: usize,
    ) -> Result<(usize, usize, bool), XmlError> {
        let mut i = from;
        let mut markup = false;
        while let Some(off) = memchr::memchr(b'<', &self.b[i..]) {
            let at = i + off;
            let rest = &self.b[at..];
            if rest.starts_with(b"<![CDATA[") {
                i = self.find(at + 9, "]]>", at, "CDATA section")? + 3;
                continue;
            }
            if rest.starts_with(b"</")
                && rest
                    .get(2..2 + qname.len())
                    .is_some_and(|n| n.eq_ignore_ascii_case(qname.as_bytes()))
            {
                let mut j = at + 2 + qname.len();
                while self.b.get(j).is_some_and(|c| c.is_ascii_whitespace()) {
                    j += 1;
                }
                if self.b.get(j) == Some(&b'>') {
                    return Ok((at, j + 1, markup));
                }
            }
            markup |= rest.get(1).is_some_and(|c| is_name_start(*c) || *c == b'/');
            i = at + 1;
        }
        Err(self.fail(lt, format!("<{qname}> is never closed")))
    }
}

/// Whether two element names are the same (ASCII case ignored, as feeds mix it).
fn same_name(a: &str, b: &str) -> bool {
    a == b || a.eq_ignore_ascii_case(b)
}

/// Whether end tag `b` reads as a misspelling of `a`: at most two edits apart (a swap of two
/// neighbours counting as one), names of at least three characters.
fn misspelt(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().min(b.len()) < 3 || a.len().max(b.len()) > 64 || a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    // Optimal string alignment distance over ASCII-lower-cased bytes.
    let lower = |c: u8| c.to_ascii_lowercase();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(lower(a[i - 1]) != lower(b[j - 1]));
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1
                && j > 1
                && lower(a[i - 1]) == lower(b[j - 2])
                && lower(a[i - 2]) == lower(b[j - 1])
            {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()] <= 2
}

fn intern<'a>(namespaces: &mut Vec<(Cow<'a, str>, Ns)>, uri: Cow<'a, str>) -> u16 {
    if let Some(i) = namespaces.iter().position(|(u, _)| *u == uri) {
        return i as u16;
    }
    if namespaces.len() >= u16::MAX as usize {
        // A document declaring 65,535 namespaces gets the rest as "other".
        return (namespaces.len() - 1) as u16;
    }
    let kind = ns_kind(&uri);
    namespaces.push((uri, kind));
    (namespaces.len() - 1) as u16
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b':' || c >= 0x80
}

fn is_name_char(c: u8) -> bool {
    is_name_start(c) || c.is_ascii_digit() || c == b'-' || c == b'.'
}

fn local_name(qname: &str) -> &str {
    qname.rsplit(':').next().unwrap_or(qname)
}

impl<'a> Doc<'a> {
    /// The root element.
    pub fn root(&self) -> Node {
        Node(0)
    }

    fn el(&self, n: Node) -> &Element {
        &self.elements[n.0 as usize]
    }

    fn slice(&self, r: (u32, u32)) -> &'a str {
        &self.src[r.0 as usize..r.1 as usize]
    }

    /// The element's name without its prefix.
    pub fn local(&self, n: Node) -> &'a str {
        let e = self.el(n);
        &self.slice(e.name)[e.prefix_len as usize..]
    }

    /// Whether the element's local name is `name`, ignoring ASCII case (feedparser does; CDF
    /// writes its names in capitals).
    pub fn is(&self, n: Node, name: &str) -> bool {
        self.local(n).eq_ignore_ascii_case(name)
    }

    /// The kind of the element's namespace.
    pub fn ns(&self, n: Node) -> Ns {
        self.namespaces[self.el(n).ns as usize].1
    }

    /// Whether two elements are in the same namespace.
    pub fn same_ns(&self, a: Node, b: Node) -> bool {
        self.el(a).ns == self.el(b).ns
    }

    /// The parent element (None for the root).
    pub fn parent(&self, n: Node) -> Option<Node> {
        let p = self.el(n).parent;
        (p != NONE).then_some(Node(p))
    }

    /// The child elements, in document order.
    pub fn children(&self, n: Node) -> impl Iterator<Item = Node> + '_ {
        let mut next = self.el(n).first_child;
        std::iter::from_fn(move || {
            (next != NONE).then(|| {
                let id = next;
                next = self.elements[id as usize].next_sibling;
                Node(id)
            })
        })
    }

    /// Where the element starts, as (line, column).
    pub fn position(&self, n: Node) -> (usize, usize) {
        line_column(self.src, self.el(n).start as usize)
    }

    /// The decoded value of the attribute `name`: a qualified name (`xml:base`) matches
    /// exactly, a plain one (`href`) matches any prefix but `xmlns`; ASCII case is ignored.
    pub fn attr(&self, n: Node, name: &str) -> Option<Cow<'a, str>> {
        let e = self.el(n);
        let qualified = name.contains(':');
        self.attrs[e.attrs.0 as usize..e.attrs.1 as usize]
            .iter()
            .find(|a| {
                let an = self.slice(a.name);
                if qualified {
                    an.eq_ignore_ascii_case(name)
                } else {
                    !an.starts_with("xmlns") && local_name(an).eq_ignore_ascii_case(name)
                }
            })
            .map(|a| decode(self.slice(a.value)))
    }

    /// Whether the content holds child elements (for raw-text elements: tags).
    pub fn has_markup(&self, n: Node) -> bool {
        self.el(n).has_children
    }

    /// The content as text: CDATA kept literally, entities decoded, comments, processing
    /// instructions and tags left out.
    pub fn text(&self, n: Node) -> Cow<'a, str> {
        let inner = self.slice(self.el(n).inner);
        if !inner.contains('<') {
            return decode(inner);
        }
        if let Some(cdata) = sole_cdata(inner) {
            return Cow::Borrowed(cdata);
        }
        let mut out = String::with_capacity(inner.len());
        for piece in pieces(inner) {
            match piece {
                Piece::Text(t) => out.push_str(&decode(t)),
                Piece::Cdata(t) => out.push_str(t),
                Piece::Tag(_) | Piece::Other(_) => {}
            }
        }
        Cow::Owned(out)
    }

    /// The content as HTML: text as written (the HTML reader decodes its entities), CDATA
    /// escaped, tags kept with their namespace prefixes dropped (`<xhtml:p>` is `<p>`).
    pub fn markup(&self, n: Node) -> Cow<'a, str> {
        let inner = self.slice(self.el(n).inner);
        let plain = |p: &Piece<'_>| match p {
            Piece::Text(_) => true,
            Piece::Tag(t) => !tag_name(t).contains(':') && !empty_non_void(t),
            Piece::Cdata(_) | Piece::Other(_) => false,
        };
        if pieces(inner).all(|p| plain(&p)) {
            return Cow::Borrowed(inner);
        }
        let mut out = String::with_capacity(inner.len() + 16);
        for piece in pieces(inner) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Cdata(t) => escape_into(&mut out, t),
                Piece::Tag(t) => {
                    let name = tag_name(t);
                    let opening = if t.starts_with("</") { "</" } else { "<" };
                    let local = local_name(name);
                    out.push_str(opening);
                    out.push_str(local);
                    if empty_non_void(t) {
                        // `<iframe/>` is empty in XML; HTML would read it as an open tag.
                        let attrs = &t[opening.len() + name.len()..t.len() - 2];
                        out.push_str(attrs.trim_end());
                        out.push_str("></");
                        out.push_str(local);
                        out.push('>');
                    } else {
                        out.push_str(&t[opening.len() + name.len()..]);
                    }
                }
                Piece::Other(t) if t.starts_with("<!--") => out.push_str(t),
                Piece::Other(_) => {}
            }
        }
        Cow::Owned(out)
    }

    /// The `xml:base` values in scope at `n`, innermost first.
    pub fn bases(&self, n: Node) -> Vec<Cow<'a, str>> {
        let mut out = Vec::new();
        if !self.has_xml_base {
            return out;
        }
        let mut cur = Some(n);
        while let Some(c) = cur {
            if let Some(b) = self.attr(c, "xml:base") {
                out.push(b);
            }
            cur = self.parent(c);
        }
        out
    }

    /// The `xml:lang` in scope at `n`.
    pub fn lang(&self, n: Node) -> Option<Cow<'a, str>> {
        let mut cur = Some(n);
        while let Some(c) = cur {
            if let Some(l) = self.attr(c, "xml:lang") {
                return Some(l);
            }
            cur = self.parent(c);
        }
        None
    }
}

/// The text of `s` when it is one CDATA section and whitespace.
fn sole_cdata(s: &str) -> Option<&str> {
    let t = s.trim();
    let body = t.strip_prefix("<![CDATA[")?.strip_suffix("]]>")?;
    (!body.contains("]]>")).then_some(body)
}

/// Entities decoded (XML's, HTML's, numeric ones in either case); `s` unchanged without any.
fn decode(s: &str) -> Cow<'_, str> {
    if s.contains('&') {
        Cow::Owned(crate::text::decode_entities(s))
    } else {
        Cow::Borrowed(s)
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// Whether `tag` is an empty-element tag (`<x/>`) of an element HTML does not know as void.
fn empty_non_void(tag: &str) -> bool {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    tag.ends_with("/>") && !tag.starts_with("</") && {
        let name = local_name(tag_name(tag));
        !VOID.iter().any(|v| v.eq_ignore_ascii_case(name))
    }
}

/// The name in a tag (`<a href=..>`, `</a>`).
fn tag_name(tag: &str) -> &str {
    let t = tag.trim_start_matches('<').trim_start_matches('/');
    let end = t.bytes().position(|c| !is_name_char(c)).unwrap_or(t.len());
    &t[..end]
}

/// A piece of element content.
enum Piece<'a> {
    Text(&'a str),
    Cdata(&'a str),
    /// A start, end or empty-element tag.
    Tag(&'a str),
    /// A comment, processing instruction or declaration.
    Other(&'a str),
}

/// The pieces of `s`, which the reader already checked (unterminated constructs end at the
/// end of `s`).
fn pieces(s: &str) -> impl Iterator<Item = Piece<'_>> {
    let b = s.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= b.len() {
            return None;
        }
        let rest = &b[pos..];
        let start = pos;
        let until = |needle: &str, from: usize| {
            memchr::memmem::find(&b[from.min(b.len())..], needle.as_bytes())
                .map_or(b.len(), |i| from + i + needle.len())
        };
        if rest[0] != b'<' {
            pos = memchr::memchr(b'<', rest).map_or(b.len(), |i| pos + i);
            return Some(Piece::Text(&s[start..pos]));
        }
        if rest.starts_with(b"<![CDATA[") {
            pos = until("]]>", pos + 9);
            let end = if s[..pos].ends_with("]]>") {
                pos - 3
            } else {
                pos
            };
            return Some(Piece::Cdata(&s[start + 9..end]));
        }
        if rest.starts_with(b"<!--") {
            pos = until("-->", pos + 4);
            return Some(Piece::Other(&s[start..pos]));
        }
        if rest.starts_with(b"<?") {
            pos = until("?>", pos + 2);
            return Some(Piece::Other(&s[start..pos]));
        }
        let is_tag = rest.get(1).is_some_and(|c| {
            is_name_start(*c) || (*c == b'/' && rest.get(2).is_some_and(|d| is_name_start(*d)))
        });
        if !is_tag && !rest.starts_with(b"<!") {
            // A stray `<` is text.
            pos = memchr::memchr(b'<', &rest[1..]).map_or(b.len(), |i| pos + 1 + i);
            return Some(Piece::Text(&s[start..pos]));
        }
        pos = tag_end(b, pos);
        let piece = &s[start..pos];
        Some(if is_tag {
            Piece::Tag(piece)
        } else {
            Piece::Other(piece)
        })
    })
}

/// The offset after the `>` ending the tag at `lt` (quoted `>` skipped), or the end of `b`.
fn tag_end(b: &[u8], lt: usize) -> usize {
    let mut quote = None;
    for (i, &c) in b.iter().enumerate().skip(lt + 1) {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(doc: &Doc<'_>, n: Node) -> Vec<String> {
        doc.children(n).map(|c| doc.local(c).to_string()).collect()
    }

    #[test]
    fn builds_the_tree_with_namespaces() {
        let src = r#"<?xml version="1.0"?><!-- c --><!DOCTYPE rss [<!ELEMENT x (y)>]>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:x="urn:x"><channel>
<item><title>A &amp; B</title><dc:date>2024</dc:date><x:title>no</x:title></item>
</channel></rss> trailing junk"#;
        let doc = parse(src, false).unwrap();
        let root = doc.root();
        assert_eq!(doc.local(root), "rss");
        let channel = doc.children(root).next().unwrap();
        let item = doc.children(channel).next().unwrap();
        assert_eq!(names(&doc, item), ["title", "date", "title"]);
        let kids: Vec<Node> = doc.children(item).collect();
        assert_eq!(doc.ns(kids[0]), Ns::None);
        assert_eq!(doc.ns(kids[1]), Ns::Dc);
        assert_eq!(doc.ns(kids[2]), Ns::Other);
        assert_eq!(doc.text(kids[0]), "A & B");
        assert_eq!(doc.parent(kids[0]), Some(item));
    }

    #[test]
    fn prefixed_default_and_undeclared_namespaces() {
        let src = r#"<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>T</a:title>
<dcterms:issued>x</dcterms:issued><entry xmlns="http://purl.org/atom/ns#"/></a:feed>"#;
        let doc = parse(src, false).unwrap();
        let kids: Vec<Node> = doc.children(doc.root()).collect();
        assert_eq!(doc.ns(doc.root()), Ns::Atom);
        assert!(doc.same_ns(doc.root(), kids[0]));
        assert_eq!(doc.ns(kids[1]), Ns::DcTerms);
        assert_eq!(doc.ns(kids[2]), Ns::Atom03);
    }

    #[test]
    fn text_and_markup_of_mixed_content() {
        let src = "<feed><title>Example <b>Atom</b> <![CDATA[<i>x</i>]]> &#X41;&shy;&rlm;</title>\
                   <summary><x:div xmlns:x=\"http://www.w3.org/1999/xhtml\">A <x:b>b</x:b></x:div></summary></feed>";
        let doc = parse(src, false).unwrap();
        let kids: Vec<Node> = doc.children(doc.root()).collect();
        assert!(doc.has_markup(kids[0]));
        assert_eq!(doc.text(kids[0]), "Example Atom <i>x</i> A\u{ad}\u{200f}");
        assert_eq!(
            doc.markup(kids[0]),
            "Example <b>Atom</b> &lt;i&gt;x&lt;/i&gt; &#X41;&shy;&rlm;"
        );
        assert_eq!(
            doc.markup(kids[1]),
            "<div xmlns:x=\"http://www.w3.org/1999/xhtml\">A <b>b</b></div>"
        );
        let doc = parse("<body>a<iframe src='x' /> b<br/>c</body>", false).unwrap();
        assert_eq!(doc.markup(doc.root()), "a<iframe src='x'></iframe> b<br/>c");
    }

    #[test]
    fn rss_descriptions_may_hold_raw_html() {
        let src = "<rss><channel><item><description><p>One<br>two & <![CDATA[</description>]]></p></description>\
                   <title>T</title></item></channel></rss>";
        let doc = parse(src, false).unwrap();
        let channel = doc.children(doc.root()).next().unwrap();
        let item = doc.children(channel).next().unwrap();
        let kids: Vec<Node> = doc.children(item).collect();
        assert_eq!(names(&doc, item), ["description", "title"]);
        assert!(doc.has_markup(kids[0]));
        assert_eq!(
            doc.markup(kids[0]),
            "<p>One<br>two & &lt;/description&gt;</p>"
        );
    }

    #[test]
    fn mismatched_end_tags_are_repaired_and_located() {
        let titles = |doc: &Doc<'_>| -> Vec<String> {
            let channel = doc.children(doc.root()).next().unwrap();
            doc.children(channel)
                .flat_map(|item| doc.children(item).collect::<Vec<_>>())
                .map(|t| doc.text(t).into_owned())
                .collect()
        };
        // A misspelt end tag ends the element it misspells.
        let src = "<rss><channel>\n<item><title>x</title></item>\n<item><title>A</titel></item></channel></rss>";
        let doc = parse(src, false).unwrap();
        assert_eq!(titles(&doc), ["x", "A"]);
        assert_eq!(doc.repairs, 1);
        assert_eq!(
            doc.repair_notes,
            ["line 3, column 15: end tag </titel> does not match <title> (opened at line 3, column 7); read as its end tag"]
        );
        // An end tag of an ancestor closes what was left open inside it.
        let doc = parse(
            "<rss><channel><item><title>B</item><item><title>C</title></item></rss>",
            false,
        )
        .unwrap();
        assert_eq!(titles(&doc), ["B", "C"]);
        assert!(
            doc.repair_notes[0]
                .contains("<title> (opened at line 1, column 21) never closed before </item>"),
            "{:?}",
            doc.repair_notes
        );
        assert!(
            doc.repair_notes[1]
                .contains("<channel> (opened at line 1, column 6) never closed before </rss>"),
            "{:?}",
            doc.repair_notes
        );
        // Anything else is a stray end tag, ignored.
        let doc = parse(
            "<rss><channel><item><title>D</p></title></item></channel></rss>",
            false,
        )
        .unwrap();
        assert_eq!(titles(&doc), ["D"]);
        assert!(
            doc.repair_notes[0].contains("stray end tag </p> ignored"),
            "{:?}",
            doc.repair_notes
        );
    }

    #[test]
    fn errors_name_line_and_column() {
        let src = "<rss><channel>\n<item><title>x</title></item>\n<item><title>A";
        let e = parse(src, false).unwrap_err();
        assert_eq!((e.line, e.column), (3, 15));
        assert_eq!(
            e.message,
            "the document ends inside <title> (opened at line 3, column 7)"
        );
        assert_eq!(e.to_string(), format!("line 3, column 15: {}", e.message));
        // The document up to the first item's end tag can be read on its own.
        let cut = e.complete_up_to.unwrap();
        assert!(src[..cut].ends_with("</item>"));
        let doc = parse(&src[..cut], true).unwrap();
        assert_eq!(doc.local(doc.root()), "rss");

        let e = parse("<rss><channel><title>T", false).unwrap_err();
        assert!(e.message.contains("ends inside <title>"), "{e}");
        assert!(e.complete_up_to.is_none());
        let e = parse("<rss><!-- never closed", false).unwrap_err();
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (1, 6, "unterminated comment")
        );
        assert!(parse("just text", false).is_err());
        assert!(misspelt("title", "titel") && misspelt("item", "itme") && !misspelt("div", "p"));
    }

    #[test]
    fn lenient_where_feeds_are_broken() {
        let src = "junk <rss version=2.0 checked><channel><title>a < b && c &bogus; &#X41;</title></channel></rss>";
        let doc = parse(src, false).unwrap();
        assert_eq!(doc.attr(doc.root(), "version").as_deref(), Some("2.0"));
        assert_eq!(doc.attr(doc.root(), "checked").as_deref(), Some(""));
        let channel = doc.children(doc.root()).next().unwrap();
        let title = doc.children(channel).next().unwrap();
        assert_eq!(doc.text(title), "a < b && c &bogus; A");
        assert_eq!(doc.stray_lt, 1);
    }

    #[test]
    fn attributes_bases_and_languages() {
        let src = r#"<feed xml:base="http://example.com/a/" xml:lang="en"><entry xml:base="b/">
<link rel='alternate' href="x?a=1&amp;b=2"/></entry></feed>"#;
        let doc = parse(src, false).unwrap();
        let entry = doc.children(doc.root()).next().unwrap();
        let link = doc.children(entry).next().unwrap();
        assert_eq!(doc.attr(link, "HREF").as_deref(), Some("x?a=1&b=2"));
        assert_eq!(doc.attr(link, "rel").as_deref(), Some("alternate"));
        assert_eq!(doc.bases(link), ["b/", "http://example.com/a/"]);
        assert_eq!(doc.lang(link).as_deref(), Some("en"));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let depth = 70_000;
        let src = format!("{}{}", "<x>".repeat(depth), "</x>".repeat(depth));
        let e = parse(&src, false).unwrap_err();
        assert!(
            e.message
                .contains("deeper than the supported limit of 65535"),
            "{e}"
        );
        let src = format!("<rss>{}{}</rss>", "<x>".repeat(1000), "</x>".repeat(1000));
        let doc = parse(&src, false).unwrap();
        assert!(doc.elements.len() <= KEPT_DEPTH);
        // Millions of empty elements in one item cost no node each; every item is kept.
        let src = format!(
            "<rss><channel><item><title>T</title>{}</item>{}</channel></rss>",
            "<x/>".repeat(200_000),
            "<item/>".repeat(5_000)
        );
        let doc = parse(&src, false).unwrap();
        let channel = doc.children(doc.root()).next().unwrap();
        assert_eq!(doc.children(channel).count(), 5_001);
        let item = doc.children(channel).next().unwrap();
        assert_eq!(doc.children(item).count(), KEPT_CHILDREN as usize);
        assert!(doc.elements.len() < 7_000);
    }
}
