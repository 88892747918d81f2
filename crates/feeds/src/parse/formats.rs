//! The XML feed formats read from a [`Doc`]: RSS 0.9x/2.0, RSS 1.0 and 0.90 (RDF), Atom 1.0
//! and 0.3, and CDF, into a [`RawFeed`].
//!
//! Elements are matched by namespace and local name (ASCII case ignored), so an extension's
//! element that shares a local name with a core one (`szf:description`) never stands in for
//! it, and a feed whose core elements carry a prefix (`<atom:feed>`, `<rss:item>`) reads the
//! same as one without. Where the core element is missing, the common extensions stand in for
//! it: `dc:title`; `dc:description`, `itunes:summary`; `atom:content`, `atom:published`,
//! `atom:updated`, `atom:link rel="alternate"` inside RSS; `dcterms:issued`,
//! `dcterms:created`, `dcterms:modified`, `dc:date`; CDF `LASTMOD`. Every URL is resolved
//! against the innermost `xml:base`, else the document's base URL (RFC 3986).

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use url::Url;

use super::dates::parse_date;
use super::raw::{decode_base64, RawEntry, RawFeed, RawText};
use super::xml::{Doc, Node, Ns};

/// Bad date values kept for the warning.
const BAD_DATES_KEPT: usize = 3;

/// Reads the feed in `doc`; `None` when the root element is no feed format.
pub fn read(doc: &Doc<'_>, base: Option<&Url>) -> Option<RawFeed> {
    let root = doc.root();
    let local = doc.local(root).to_ascii_lowercase();
    let mut r = Reader {
        doc,
        base,
        root,
        core: &[],
        feed: RawFeed::default(),
    };
    match local.as_str() {
        "rss" => r.rss(),
        "rdf" => {
            r.feed.format = "rss1";
            r.core = &[Ns::None, Ns::Rss];
            r.rss_like(root);
        }
        "feed" => r.atom_feed(),
        "entry" => {
            r.feed.format = "atom";
            r.core = &[Ns::None, Ns::Atom, Ns::Atom03];
            let entry = r.atom_entry(root);
            r.feed.entries.push(entry);
        }
        // CDF's <CHANNEL> (capitals, or HREF attributes); a bare RSS <channel> without <rss>
        // around it reads as RSS.
        "channel" if is_cdf(doc, root) => r.cdf(),
        "channel" => {
            r.feed.format = "rss2";
            r.core = &[Ns::None, Ns::Rss];
            r.rss_channel(root);
            r.rss_items(&[root]);
        }
        _ => return None,
    }
    Some(r.feed)
}

/// Whether a `<channel>` root is CDF rather than RSS: written `CHANNEL`, or with an `HREF` on
/// it or on one of its items (RSS links are `<link>` elements).
fn is_cdf(doc: &Doc<'_>, root: Node) -> bool {
    doc.local(root) == "CHANNEL"
        || doc.attr(root, "href").is_some()
        || doc
            .children(root)
            .any(|c| doc.is(c, "item") && doc.attr(c, "href").is_some())
}

struct Reader<'d, 'a> {
    doc: &'d Doc<'a>,
    base: Option<&'d Url>,
    root: Node,
    /// Namespace kinds that count as the format's own, besides the root's namespace.
    core: &'static [Ns],
    feed: RawFeed,
}

/// How an Atom text construct holds its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Text,
    Html,
    Xhtml,
}

impl<'a> Reader<'_, 'a> {
    // ---- element lookup -------------------------------------------------------------------

    /// Whether `n` is an element of the format itself (not an extension's).
    fn is_core(&self, n: Node) -> bool {
        self.doc.same_ns(n, self.root) || self.core.contains(&self.doc.ns(n))
    }

    fn core_child(&self, parent: Node, name: &str) -> Option<Node> {
        self.doc
            .children(parent)
            .find(|c| self.doc.is(*c, name) && self.is_core(*c))
    }

    /// The trimmed text of `n`, `None` when blank.
    fn text(&self, n: Node) -> Option<String> {
        let t = self.doc.text(n);
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// The content of `n` as HTML source (RSS text fields, which are HTML in practice).
    fn html(&self, n: Node) -> Option<RawText> {
        let value = if self.doc.has_markup(n) {
            self.doc.markup(n)
        } else {
            self.doc.text(n)
        };
        (!value.trim().is_empty()).then(|| RawText {
            value: value.into_owned(),
            html: true,
        })
    }

    /// An Atom text construct (`title`, `summary`, `content`, ...) by its `type` and `mode`:
    /// text, escaped HTML, inline XHTML or XML, or base64 (Atom 0.3 `mode="base64"`, or an
    /// Atom 1.0 type that is neither text nor XML). `None` when empty or only a `src`.
    fn atom_text(&self, n: Node) -> Option<RawText> {
        let ty = self
            .doc
            .attr(n, "type")
            .map(|t| t.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let mode = self
            .doc
            .attr(n, "mode")
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if self.doc.attr(n, "src").is_some() && self.text(n).is_none() {
            return None;
        }
        let mut kind = match ty.as_str() {
            "" | "text" | "text/plain" => TextKind::Text,
            "html" | "text/html" => TextKind::Html,
            "xhtml" | "application/xhtml+xml" => TextKind::Xhtml,
            t if t.ends_with("+xml") || t.ends_with("/xml") => TextKind::Xhtml,
            t if t.starts_with("text/") => TextKind::Text,
            _ if mode.is_empty() => return self.base64(n, TextKind::Html),
            _ => TextKind::Text,
        };
        if mode == "base64" {
            return self.base64(n, kind);
        }
        if mode == "xml" && kind == TextKind::Text {
            kind = TextKind::Xhtml;
        }
        let value = match kind {
            TextKind::Xhtml => (self.doc.markup(n), true),
            _ if self.doc.has_markup(n) => (self.doc.markup(n), true),
            TextKind::Html => (self.doc.text(n), true),
            TextKind::Text => (self.doc.text(n), false),
        };
        (!value.0.trim().is_empty()).then(|| RawText {
            value: value.0.into_owned(),
            html: value.1,
        })
    }

    /// Base64 content decoded; HTML unless declared plain text and not looking like HTML.
    fn base64(&self, n: Node, kind: TextKind) -> Option<RawText> {
        let text = self.doc.text(n);
        let bytes = decode_base64(text.trim())?;
        let value = String::from_utf8_lossy(&bytes).into_owned();
        let html = kind != TextKind::Text || value.contains('<') || value.contains('&');
        (!value.trim().is_empty()).then_some(RawText { value, html })
    }

    // ---- URLs ----------------------------------------------------------------------------

    /// `href` as given when absolute, else resolved against the `xml:base` in scope at `n`
    /// (each resolved against the one outside it) and the document's base URL.
    fn url(&self, n: Node, href: &str) -> Option<String> {
        let href = href.trim();
        if href.is_empty() {
            return None;
        }
        if has_scheme(href) {
            return Some(href.to_string());
        }
        let mut base: Option<Cow<'_, Url>> = self.base.map(Cow::Borrowed);
        for b in self.doc.bases(n).iter().rev() {
            let next = match Url::parse(b.trim()) {
                Ok(u) => Some(u),
                Err(url::ParseError::RelativeUrlWithoutBase) => {
                    base.as_ref().and_then(|cur| cur.join(b.trim()).ok())
                }
                Err(_) => None,
            };
            // A base that cannot hold web links (`javascript:`, `data:`) is ignored.
            if let Some(u) = next.filter(|u| matches!(u.scheme(), "http" | "https")) {
                base = Some(Cow::Owned(u));
            }
        }
        Some(match base.and_then(|b| b.join(href).ok()) {
            Some(u) => u.to_string(),
            None => href.to_string(),
        })
    }

    /// A guid or id: as given, or resolved when it is a relative path reference (`/x`,
    /// `./x`, `../x`). Opaque ids ("12345", "tag:...") are identifiers, never URLs.
    fn id(&self, n: Node) -> Option<String> {
        let id = self.text(n)?;
        if id.starts_with('/') || id.starts_with("./") || id.starts_with("../") {
            return self.url(n, &id);
        }
        Some(id)
    }

    // ---- dates ---------------------------------------------------------------------------

    /// The date in `n`, into `slot` (a later element of the same kind wins, as in feedparser
    /// and feed-rs); a value no reader understands is kept for the warning and is not a date.
    fn date(&mut self, n: Node, slot: &mut Option<DateTime<Utc>>) {
        let Some(text) = self.text(n) else { return };
        set(slot, self.date_value(n, &text));
    }

    /// The date `text` (found at `n`) names; one no reader understands is noted with its
    /// line and column.
    fn date_value(&mut self, n: Node, text: &str) -> Option<DateTime<Utc>> {
        let d = parse_date(text);
        if d.is_none() && self.feed.bad_dates.len() < BAD_DATES_KEPT {
            let (line, column) = self.doc.position(n);
            let value: String = text.chars().take(60).collect();
            self.feed
                .bad_dates
                .push(format!("line {line}, column {column}: {value:?}"));
        }
        d
    }

    /// The Dublin Core elements every entry format may carry (dates, creator, subject,
    /// language), into `e`; false when `n` is none of them.
    fn dublin_core(&mut self, n: Node, name: &str, e: &mut RawEntry) -> bool {
        match (self.doc.ns(n), name) {
            (Ns::Dc, "date") => self.date(n, &mut e.dates.dc),
            (Ns::DcTerms, "issued") => self.date(n, &mut e.dates.dcterms_issued),
            (Ns::DcTerms, "created") => self.date(n, &mut e.dates.dcterms_created),
            (Ns::DcTerms, "modified") => self.date(n, &mut e.dates.dcterms_modified),
            (Ns::Dc, "creator") => e.authors.extend(self.text(n)),
            (Ns::Dc, "subject") => e.categories.extend(self.text(n)),
            (Ns::Dc, "language") => set(&mut e.language, self.text(n)),
            _ => return false,
        }
        true
    }

    // ---- RSS -----------------------------------------------------------------------------

    fn rss(&mut self) {
        let version = self
            .doc
            .attr(self.root, "version")
            .map(|v| v.trim().to_string());
        self.feed.format = match version.as_deref() {
            Some("0.91") | Some("0.92") => "rss0",
            _ => "rss2",
        };
        match version.as_deref() {
            None => self
                .feed
                .notes
                .push("<rss> has no version attribute; read as RSS 2.0".into()),
            Some("2.0" | "0.91" | "0.92" | "") => {}
            Some(v) => self
                .feed
                .notes
                .push(format!("<rss version=\"{v}\"> read as RSS 2.0")),
        }
        self.core = &[Ns::None, Ns::Rss];
        self.rss_like(self.root);
    }

    /// RSS 2.0, 1.0 and 0.90: the channel's fields, and the items in the channel, beside it
    /// (RSS 1.0) or straight under the root (feeds without a channel).
    fn rss_like(&mut self, root: Node) {
        let channel = self.core_child(root, "channel");
        if let Some(ch) = channel {
            self.rss_channel(ch);
        }
        let containers: Vec<Node> = channel.into_iter().chain([root]).collect();
        self.rss_items(&containers);
    }

    /// The `<item>` children of each container, in order.
    fn rss_items(&mut self, containers: &[Node]) {
        let rdf = self.feed.format == "rss1";
        for &container in containers {
            let items: Vec<Node> = self
                .doc
                .children(container)
                .filter(|c| self.doc.is(*c, "item") && self.is_core(*c))
                .collect();
            for item in items {
                let entry = self.rss_item(item, rdf);
                self.feed.entries.push(entry);
            }
        }
    }

    fn rss_channel(&mut self, ch: Node) {
        let doc = self.doc;
        let (mut title, mut dc_title, mut atom_title) = (None, None, None);
        let (mut link, mut atom_link) = (None, None);
        let (mut language, mut dc_language) = (None, None);
        for c in doc.children(ch) {
            let name = doc.local(c).to_ascii_lowercase();
            match (self.is_core(c), doc.ns(c), name.as_str()) {
                (true, _, "title") => set(&mut title, self.html(c)),
                (true, _, "link") if link.is_none() => link = self.rss_link(c),
                (true, _, "language") if language.is_none() => language = self.text(c),
                (true, _, "ttl") => {
                    self.feed.ttl = self.text(c).and_then(|t| t.parse().ok());
                }
                (false, Ns::Dc, "title") if dc_title.is_none() => dc_title = self.html(c),
                (false, Ns::Dc, "language") if dc_language.is_none() => dc_language = self.text(c),
                (false, Ns::Atom | Ns::Atom03, "title") if atom_title.is_none() => {
                    atom_title = self.atom_text(c)
                }
                (false, Ns::Atom | Ns::Atom03, "link") if atom_link.is_none() => {
                    atom_link = self.alternate_link(c)
                }
                _ => {}
            }
        }
        self.feed.title = title.or(dc_title).or(atom_title);
        self.feed.link = link.or(atom_link);
        self.feed.language = language
            .or(dc_language)
            .or_else(|| doc.lang(ch).map(Cow::into_owned));
    }

    /// An RSS `<link>`: its text, or an `href` attribute some feeds use instead.
    fn rss_link(&self, n: Node) -> Option<String> {
        match self.text(n) {
            Some(t) => self.url(n, &t),
            None => self.doc.attr(n, "href").and_then(|h| self.url(n, &h)),
        }
    }

    /// The href of an Atom `<link>` that is the page itself (`rel` alternate or absent).
    fn alternate_link(&self, n: Node) -> Option<String> {
        let rel = self.doc.attr(n, "rel");
        if rel.as_deref().is_some_and(|r| r.trim() != "alternate") {
            return None;
        }
        self.href(n)
    }

    /// An Atom link's target: its `href`, or its text when it has none (as some feeds write).
    fn href(&self, n: Node) -> Option<String> {
        match self.doc.attr(n, "href") {
            Some(h) => self.url(n, &h),
            None => self.text(n).and_then(|t| self.url(n, &t)),
        }
    }

    fn rss_item(&mut self, item: Node, rdf: bool) -> RawEntry {
        let doc = self.doc;
        let mut e = RawEntry {
            guid_is_permalink: true,
            ..RawEntry::default()
        };
        let mut f = RssFields::default();
        for c in doc.children(item) {
            let name = doc.local(c).to_ascii_lowercase();
            if self.dublin_core(c, &name, &mut e) {
                continue;
            }
            if self.is_core(c) {
                self.rss_core_field(c, &name, &mut e, &mut f);
                continue;
            }
            match (doc.ns(c), name.as_str()) {
                (Ns::Dc, "title") if f.dc_title.is_none() => f.dc_title = self.html(c),
                (Ns::Dc, "description") if f.dc_description.is_none() => {
                    f.dc_description = self.html(c)
                }
                (Ns::Content, "encoded") if f.encoded.is_none() => f.encoded = self.html(c),
                (Ns::Itunes, "summary") if f.itunes_summary.is_none() => {
                    f.itunes_summary = self.html(c)
                }
                (Ns::Feedburner, "origlink") if f.orig_link.is_none() => {
                    f.orig_link = self.text(c).and_then(|t| self.url(c, &t))
                }
                (Ns::Xhtml, "body") if f.xhtml_body.is_none() => f.xhtml_body = self.atom_xhtml(c),
                (Ns::Atom | Ns::Atom03, _) => self.atom_in_rss(c, &name, &mut e, &mut f),
                _ => {}
            }
        }
        e.link = f
            .orig_link
            .filter(|l| is_http(l))
            .or(f.link)
            .or(f.atom_link)
            .or(f.guid_link.filter(|_| e.guid_is_permalink))
            .or_else(|| {
                rdf.then(|| doc.attr(item, "about"))
                    .flatten()
                    .and_then(|a| self.url(item, &a))
            });
        e.title = f
            .title
            .or(f.dc_title)
            .or(f.atom_title)
            .or_else(|| self.media_text(item, "title"));
        // An item with both <summary> and <description>: the summary is the summary and the
        // description is the content (as feedparser reads it).
        let (summary, description_as_content) = match f.summary {
            Some(s) => (Some(s), f.description),
            None => (f.description, None),
        };
        e.summary = summary
            .or(f.dc_description)
            .or(f.itunes_summary)
            .or(f.atom_summary)
            .or_else(|| self.media_text(item, "description"));
        e.content = f
            .encoded
            .or(f.atom_content)
            .or(f.xhtml_body)
            .or(f.fullitem)
            .or(description_as_content);
        if e.language.is_none() {
            e.language = doc.attr(item, "xml:lang").map(Cow::into_owned);
        }
        e
    }

    fn rss_core_field(&mut self, c: Node, name: &str, e: &mut RawEntry, f: &mut RssFields) {
        match name {
            "title" => set(&mut f.title, self.html(c)),
            "link" if f.link.is_none() => f.link = self.rss_link(c),
            "description" => set(&mut f.description, self.html(c)),
            "summary" => set(&mut f.summary, self.html(c)),
            "fullitem" if f.fullitem.is_none() => f.fullitem = self.html(c),
            // XHTML `<body>` without its namespace, as some feeds write it.
            "body" if f.xhtml_body.is_none() => f.xhtml_body = self.atom_xhtml(c),
            "guid" => {
                if let Some(guid) = self.id(c) {
                    // A relative permalink ("2024/story.html") is a link once resolved.
                    let relative = !has_scheme(&guid)
                        && guid.contains('/')
                        && !guid.contains(char::is_whitespace);
                    f.guid_link = if relative { self.url(c, &guid) } else { None };
                    e.guid = Some(guid);
                    e.guid_is_permalink = !self
                        .doc
                        .attr(c, "isPermaLink")
                        .is_some_and(|p| p.trim().eq_ignore_ascii_case("false"));
                }
            }
            "pubdate" => self.date(c, &mut e.dates.published),
            "updated" => self.date(c, &mut e.dates.updated),
            "author" => e.authors.extend(self.text(c)),
            "category" => e.categories.extend(self.text(c)),
            "enclosure" => {
                if let Some(u) = self.doc.attr(c, "url").and_then(|u| self.url(c, &u)) {
                    e.enclosures.push(u);
                }
            }
            _ => {}
        }
    }

    /// Atom elements inside an RSS item: stand-ins for missing RSS ones.
    fn atom_in_rss(&mut self, c: Node, name: &str, e: &mut RawEntry, f: &mut RssFields) {
        match name {
            "content" if f.atom_content.is_none() => f.atom_content = self.atom_text(c),
            "summary" if f.atom_summary.is_none() => f.atom_summary = self.atom_text(c),
            "title" if f.atom_title.is_none() => f.atom_title = self.atom_text(c),
            "published" | "issued" => self.date(c, &mut e.dates.published),
            "updated" | "modified" => self.date(c, &mut e.dates.updated),
            "link" => {
                let rel = self.doc.attr(c, "rel");
                if rel.as_deref().map(str::trim) == Some("enclosure") {
                    e.enclosures.extend(self.href(c));
                } else if f.atom_link.is_none() {
                    f.atom_link = self.alternate_link(c);
                }
            }
            "author" => e.authors.extend(self.atom_person(c)),
            _ => {}
        }
    }

    /// A Media RSS text (`media:title`, `media:description`) of `n` or of its `media:group`:
    /// the stand-in of last resort (video feeds carry their descriptions there).
    fn media_text(&self, n: Node, name: &str) -> Option<RawText> {
        let doc = self.doc;
        let media = |c: &Node| doc.ns(*c) == Ns::Media;
        let found = doc
            .children(n)
            .find(|c| media(c) && doc.is(*c, name))
            .or_else(|| {
                doc.children(n)
                    .filter(|c| media(c) && doc.is(*c, "group"))
                    .find_map(|g| doc.children(g).find(|c| media(c) && doc.is(*c, name)))
            })?;
        let html = doc
            .attr(found, "type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("html"));
        let value = self.text(found)?;
        Some(RawText { value, html })
    }

    /// XHTML content (`<xhtml:body>`) as HTML.
    fn atom_xhtml(&self, n: Node) -> Option<RawText> {
        let value = self.doc.markup(n);
        (!value.trim().is_empty()).then(|| RawText {
            value: value.into_owned(),
            html: true,
        })
    }

    // ---- Atom ----------------------------------------------------------------------------

    fn atom_feed(&mut self) {
        self.feed.format = "atom";
        self.core = &[Ns::None, Ns::Atom, Ns::Atom03];
        if self.doc.ns(self.root) == Ns::Atom03 {
            self.feed.notes.push("Atom 0.3 read as Atom 1.0".into());
        }
        let doc = self.doc;
        let root = self.root;
        self.feed.language = doc.attr(root, "xml:lang").map(Cow::into_owned);
        let mut entries = Vec::new();
        for c in doc.children(root) {
            if !self.is_core(c) {
                continue;
            }
            match doc.local(c).to_ascii_lowercase().as_str() {
                "title" => {
                    let title = self.atom_text(c);
                    set(&mut self.feed.title, title);
                }
                "link" if self.feed.link.is_none() => self.feed.link = self.alternate_link(c),
                "entry" => entries.push(c),
                _ => {}
            }
        }
        for c in entries {
            let entry = self.atom_entry(c);
            self.feed.entries.push(entry);
        }
    }

    fn atom_entry(&mut self, entry: Node) -> RawEntry {
        let doc = self.doc;
        let mut e = RawEntry {
            guid_is_permalink: true,
            ..RawEntry::default()
        };
        let mut f = AtomFields::default();
        for c in doc.children(entry) {
            let name = doc.local(c).to_ascii_lowercase();
            if self.dublin_core(c, &name, &mut e) {
                continue;
            }
            if self.is_core(c) {
                self.atom_core_field(c, &name, &mut e, &mut f);
                continue;
            }
            match (doc.ns(c), name.as_str()) {
                (Ns::Feedburner, "origlink") if f.orig_link.is_none() => {
                    f.orig_link = self.text(c).and_then(|t| self.url(c, &t))
                }
                (Ns::Content, "encoded") if f.encoded.is_none() => f.encoded = self.html(c),
                (Ns::Itunes, "summary") if f.itunes_summary.is_none() => {
                    f.itunes_summary = self.html(c)
                }
                _ => {}
            }
        }
        for (rel, _, href) in &f.links {
            if rel.as_deref() == Some("enclosure") {
                e.enclosures.push(href.clone());
            }
        }
        e.link = f
            .orig_link
            .filter(|l| is_http(l))
            .or_else(|| entry_link(f.links));
        e.content = e.content.or(f.encoded);
        e.summary = e
            .summary
            .or(f.itunes_summary)
            .or_else(|| self.media_text(entry, "description"));
        e.title = e.title.or_else(|| self.media_text(entry, "title"));
        e.language = e
            .language
            .or_else(|| doc.attr(entry, "xml:lang").map(Cow::into_owned))
            .or(f.content_lang);
        e
    }

    fn atom_core_field(&mut self, c: Node, name: &str, e: &mut RawEntry, f: &mut AtomFields) {
        let doc = self.doc;
        match name {
            "id" => set(&mut e.guid, self.id(c)),
            "title" => set(&mut e.title, self.atom_text(c)),
            "summary" => set(&mut e.summary, self.atom_text(c)),
            "content" => {
                set(&mut e.content, self.atom_text(c));
                set(
                    &mut f.content_lang,
                    doc.attr(c, "xml:lang").map(Cow::into_owned),
                );
            }
            "published" | "issued" => self.date(c, &mut e.dates.published),
            "updated" | "modified" => self.date(c, &mut e.dates.updated),
            "author" => e.authors.extend(self.atom_person(c)),
            "category" => {
                let label = doc.attr(c, "label").or_else(|| doc.attr(c, "term"));
                e.categories.extend(label.map(|l| l.trim().to_string()));
            }
            "link" => {
                if let Some(href) = self.href(c) {
                    let rel = doc.attr(c, "rel").map(|r| r.trim().to_string());
                    let ty = doc.attr(c, "type").map(|t| t.trim().to_ascii_lowercase());
                    f.links.push((rel, ty, href));
                }
            }
            _ => {}
        }
    }

    /// An Atom person's name, else e-mail.
    fn atom_person(&self, n: Node) -> Option<String> {
        let part = |name: &str| {
            self.doc
                .children(n)
                .find(|c| self.doc.is(*c, name))
                .and_then(|c| self.text(c))
        };
        part("name").or_else(|| part("email"))
    }

    // ---- CDF -----------------------------------------------------------------------------

    /// Microsoft's Channel Definition Format: `<CHANNEL HREF>` with `<ITEM HREF LASTMOD>`
    /// children (and channels nested in channels), `TITLE` and `ABSTRACT`.
    fn cdf(&mut self) {
        self.feed.format = "cdf";
        self.core = &[Ns::None];
        let doc = self.doc;
        let root = self.root;
        self.feed.link = doc.attr(root, "href").and_then(|h| self.url(root, &h));
        self.feed.title = self.core_child(root, "title").and_then(|t| self.html(t));
        let mut channels = vec![root];
        while let Some(ch) = channels.pop() {
            for c in doc.children(ch) {
                if doc.is(c, "channel") {
                    channels.push(c);
                } else if doc.is(c, "item") {
                    let entry = self.cdf_item(c);
                    self.feed.entries.push(entry);
                }
            }
        }
    }

    fn cdf_item(&mut self, item: Node) -> RawEntry {
        let doc = self.doc;
        let mut e = RawEntry {
            guid_is_permalink: true,
            link: doc.attr(item, "href").and_then(|h| self.url(item, &h)),
            ..RawEntry::default()
        };
        if let Some(lastmod) = doc.attr(item, "lastmod") {
            e.dates.lastmod = self.date_value(item, &lastmod);
        }
        e.title = self.core_child(item, "title").and_then(|t| self.html(t));
        e.summary = self.core_child(item, "abstract").and_then(|t| self.html(t));
        e
    }
}

/// Stores `value` unless it is `None`: of repeated elements the last one with a value wins.
fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

/// What an RSS item offers for its fields, core and stand-ins, before choosing.
#[derive(Default)]
struct RssFields {
    title: Option<RawText>,
    dc_title: Option<RawText>,
    atom_title: Option<RawText>,
    link: Option<String>,
    atom_link: Option<String>,
    orig_link: Option<String>,
    guid_link: Option<String>,
    description: Option<RawText>,
    summary: Option<RawText>,
    dc_description: Option<RawText>,
    itunes_summary: Option<RawText>,
    atom_summary: Option<RawText>,
    encoded: Option<RawText>,
    atom_content: Option<RawText>,
    xhtml_body: Option<RawText>,
    fullitem: Option<RawText>,
}

/// What an Atom entry offers besides its own fields, before choosing.
#[derive(Default)]
struct AtomFields {
    /// `(rel, type, href)` of each `<link>`.
    links: Vec<(Option<String>, Option<String>, String)>,
    orig_link: Option<String>,
    encoded: Option<RawText>,
    itunes_summary: Option<RawText>,
    content_lang: Option<String>,
}

/// An Atom entry's link: the first `alternate` (explicit or by default) HTML page, else the
/// first alternate, else the first that is not `self`.
fn entry_link(links: Vec<(Option<String>, Option<String>, String)>) -> Option<String> {
    let alternate = |rel: &Option<String>| rel.as_deref().is_none_or(|r| r == "alternate");
    let html = |ty: &Option<String>| {
        ty.as_deref()
            .is_none_or(|t| t == "text/html" || t == "application/xhtml+xml")
    };
    let pick = links
        .iter()
        .position(|(rel, ty, _)| alternate(rel) && html(ty))
        .or_else(|| links.iter().position(|(rel, _, _)| alternate(rel)))
        .or_else(|| {
            links
                .iter()
                .position(|(rel, _, _)| rel.as_deref() != Some("self"))
        })?;
    links.into_iter().nth(pick).map(|(_, _, href)| href)
}

/// Whether `s` starts with an RFC 3986 scheme (`http:`, `tag:`, `urn:`): an absolute URI.
pub fn has_scheme(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Whether `s` is an http(s) URL.
pub fn is_http(s: &str) -> bool {
    let l = s.trim().as_bytes();
    l.len() > 7
        && (l[..7].eq_ignore_ascii_case(b"http://")
            || l.get(..8)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"https://")))
}
