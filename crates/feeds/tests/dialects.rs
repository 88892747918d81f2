//! The dialects real publishers write (issue 15), one fixture under `tests/dialects/` per
//! dialect: relative URLs, base64 text, RSS extension stand-ins, namespaces, entities, dates
//! and their source, CDF, and XML errors that name line and column.

use chrono::{DateTime, TimeZone, Utc};
use newswire_feeds::{parse_document, parse_response, Origin, ParseError, ParsedEntry, ParsedFeed};
use newswire_model::DateSource;

fn fetched() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/dialects")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse_at(name: &str, url: &str) -> ParsedFeed {
    parse_document(&fixture(name), None, "dialects", url, fetched())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse(name: &str) -> ParsedFeed {
    parse_at(name, "https://feeds.example.com/feed.xml")
}

fn at(s: &str) -> Option<DateTime<Utc>> {
    Some(DateTime::parse_from_rfc3339(s).unwrap().to_utc())
}

fn entry<'a>(feed: &'a ParsedFeed, title: &str) -> &'a ParsedEntry {
    feed.entries
        .iter()
        .find(|e| e.title == title)
        .unwrap_or_else(|| panic!("no entry {title:?} in {:#?}", feed.entries))
}

#[test]
fn urls_resolve_against_the_innermost_xml_base() {
    let f = parse_at("xml-base.xml", "https://feeds.example.com/world/atom.xml");
    assert_eq!(
        f.link.as_deref(),
        Some("http://news.example.org/world/index.html")
    );
    let e = &f.entries[0];
    // entry xml:base "2024/" is relative to the feed's.
    assert_eq!(
        e.url.as_deref(),
        Some("http://news.example.org/world/2024/ceasefire.html?utm_source=atom")
    );
    assert_eq!(
        e.canonical_url.as_deref(),
        Some("http://news.example.org/world/2024/ceasefire.html")
    );
    assert_eq!(
        e.enclosures,
        ["http://news.example.org/world/audio/ceasefire.mp3"]
    );
    // An id that is a path reference resolves; opaque ones ("tag:...") never do.
    assert_eq!(
        e.guid.as_deref(),
        Some("http://news.example.org/ids/ceasefire")
    );
    assert_eq!(
        f.entries[1].guid.as_deref(),
        Some("tag:news.example.org,2024:2")
    );
    // The link's own xml:base is the innermost.
    assert_eq!(
        f.entries[1].url.as_deref(),
        Some("http://news.example.org/archive/talks.html")
    );
    // A javascript: base is no base: the one outside it counts.
    assert_eq!(
        f.entries[2].url.as_deref(),
        Some("http://news.example.org/world/safe.html")
    );
    // Absolute URLs are kept as the feed wrote them.
    assert_eq!(
        f.entries[3].url.as_deref(),
        Some("HTTP://News.Example.ORG/Keep/This?b=2&a=1")
    );
}

#[test]
fn urls_resolve_against_the_final_url_and_content_location() {
    let bytes = fixture("rss-relative.xml");
    let configured = "https://old.example/feed.xml";
    // After a redirect, the URL that answered is the base.
    let origin = Origin {
        final_url: Some("https://ministry.example/press/feed.rss"),
        ..Origin::default()
    };
    let f = parse_response(&bytes, origin, "d", configured, fetched()).unwrap();
    assert_eq!(f.link.as_deref(), Some("https://ministry.example/press/"));
    let e = &f.entries[0];
    assert_eq!(
        e.url.as_deref(),
        Some("https://ministry.example/press/2024/statement.html")
    );
    assert_eq!(
        e.guid.as_deref(),
        Some("https://ministry.example/press/2024/statement")
    );
    assert_eq!(
        e.enclosures,
        ["https://ministry.example/files/statement.pdf"]
    );
    // An opaque guid is an identifier, not a link.
    assert_eq!(f.entries[1].guid.as_deref(), Some("4711"));
    assert_eq!(f.entries[1].url, None);
    // Content-Location (relative to the final URL) wins over the final URL.
    let origin = Origin {
        final_url: Some("https://ministry.example/press/feed.rss"),
        content_location: Some("/mirror/en/feed.rss"),
        ..Origin::default()
    };
    let f = parse_response(&bytes, origin, "d", configured, fetched()).unwrap();
    assert_eq!(
        f.entries[0].url.as_deref(),
        Some("https://ministry.example/mirror/en/2024/statement.html")
    );
    // Without either, the configured URL is the base.
    let f = parse_document(&bytes, None, "d", configured, fetched()).unwrap();
    assert_eq!(
        f.entries[0].url.as_deref(),
        Some("https://old.example/2024/statement.html")
    );
}

#[test]
fn base64_text_constructs_are_decoded() {
    let f = parse("atom-base64.xml");
    let e = &f.entries[0];
    assert_eq!(e.title, "Sanctions & export bans");
    assert_eq!(
        e.summary.as_deref(),
        Some("First paragraph.\n\nSecond <paragraph>.")
    );
    assert_eq!(f.entries[1].text, "Decoded body text.");
}

#[test]
fn rss_extensions_stand_in_for_missing_core_elements() {
    let f = parse("rss-extensions.xml");
    assert_eq!(f.title.as_deref(), Some("Dublin Core channel"));
    assert_eq!(f.link.as_deref(), Some("https://ext.example/"));
    let dc = entry(&f, "Only Dublin Core");
    assert_eq!(dc.summary.as_deref(), Some("Described by dc:description."));
    assert_eq!(dc.authors, ["Jane Reporter"]);
    assert_eq!(dc.categories, ["Sanctions"]);
    let atom = entry(&f, "Atom inside RSS");
    assert_eq!(atom.url.as_deref(), Some("https://ext.example/atom"));
    assert_eq!(atom.text, "Body from atom:content.");
    assert_eq!(
        atom.summary.as_deref(),
        Some("Summary from itunes:summary.")
    );
    assert_eq!(atom.updated, at("2024-05-01T09:30:00Z"));
    let full = entry(&f, "pubDate wins");
    assert_eq!(full.text, "Full text.");
    assert_eq!(full.summary.as_deref(), Some("Teaser."));
}

#[test]
fn dates_come_from_where_the_feed_put_them_and_say_so() {
    let f = parse("rss-extensions.xml");
    for (title, date, source) in [
        ("Only Dublin Core", "2024-05-01T08:00:00Z", DateSource::Dc),
        (
            "Atom inside RSS",
            "2024-05-01T09:00:00Z",
            DateSource::Published,
        ),
        ("Issued", "2024-05-01T10:00:00Z", DateSource::DctermsIssued),
        (
            "Created only",
            "2024-05-01T11:00:00Z",
            DateSource::DctermsCreated,
        ),
        (
            "Modified only",
            "2024-05-01T12:00:00Z",
            DateSource::DctermsModified,
        ),
        ("Updated only", "2024-05-01T13:00:00Z", DateSource::Updated),
        (
            "pubDate wins",
            "2024-05-01T14:00:00Z",
            DateSource::Published,
        ),
    ] {
        let e = entry(&f, title);
        assert_eq!(
            (e.published, e.date_source),
            (at(date), Some(source)),
            "{title}"
        );
    }
    assert_eq!(entry(&f, "Issued").updated, at("2024-05-01T10:45:00Z"));
    // An update date is only there when the feed gives one.
    assert_eq!(entry(&f, "Only Dublin Core").updated, None);
    // A date the feed never gave is not a date, on the entry nor on the article.
    let undated = entry(&f, "No date at all");
    assert_eq!((undated.published, undated.date_source), (None, None));
    let article = undated.to_article("d", "https://ext.example/feed.xml", fetched());
    assert_eq!((article.published_at, article.date_source), (None, None));
    assert_eq!(article.fetched_at, fetched());
    let dated = entry(&f, "Issued").to_article("d", "u", fetched());
    assert_eq!(dated.date_source, Some(DateSource::DctermsIssued));
    assert!(
        f.warnings
            .iter()
            .any(|w| w.contains("1 entries have no date")),
        "{:?}",
        f.warnings
    );
}

#[test]
fn a_date_nobody_can_read_is_left_out_and_located() {
    let doc = b"<rss version=\"2.0\"><channel>\n<item><title>T</title>\n  <pubDate>sometime soon</pubDate><dc:date>2024-05-01</dc:date></item></channel></rss>";
    let f = parse_document(doc, None, "d", "https://x.example/", fetched()).unwrap();
    // The undeclared dc: prefix is read as Dublin Core.
    assert_eq!(f.entries[0].date_source, Some(DateSource::Dc));
    assert_eq!(f.entries[0].published, at("2024-05-01T00:00:00Z"));
    assert!(
        f.warnings
            .iter()
            .any(|w| w.contains("line 3, column 3: \"sometime soon\"")),
        "{:?}",
        f.warnings
    );
}

#[test]
fn cdf_channels_are_read() {
    let f = parse("cdf.xml");
    assert_eq!(f.format, "cdf");
    assert_eq!(f.title.as_deref(), Some("CDF channel"));
    assert_eq!(f.link.as_deref(), Some("http://cdf.example/"));
    let e = &f.entries[0];
    assert_eq!(e.title, "CDF item");
    // The channel's HREF is its page, not a base: a relative item HREF resolves against the
    // document's URL.
    assert_eq!(
        e.url.as_deref(),
        Some("https://feeds.example.com/items/1.html")
    );
    assert_eq!(e.summary.as_deref(), Some("Item abstract."));
    assert_eq!(e.published, at("2024-05-02T14:30:00Z"));
    assert_eq!(e.date_source, Some(DateSource::Lastmod));
    assert_eq!(e.updated, e.published);
}

#[test]
fn atom_under_a_prefix_reads_like_atom() {
    let f = parse("atom-prefixed.xml");
    assert_eq!(f.format, "atom");
    assert_eq!(f.title.as_deref(), Some("Prefixed Atom"));
    assert_eq!(f.link.as_deref(), Some("https://prefixed.example/"));
    let e = &f.entries[0];
    // type="text" is literal text: the escaped markup stays as characters.
    assert_eq!(e.title, "Prefixed entry <b>literally</b>");
    assert_eq!(e.url.as_deref(), Some("https://prefixed.example/1"));
    assert_eq!(e.text, "One.\n\nTwo.");
    assert_eq!(e.published, at("2024-05-02T06:00:00Z"));
}

#[test]
fn rss1_without_a_default_namespace() {
    let f = parse("rss1-no-default-ns.xml");
    assert_eq!(f.format, "rss1");
    assert_eq!(f.title.as_deref(), Some("Prefixed RSS 1.0"));
    assert_eq!(f.language.as_deref(), Some("de"));
    let e = &f.entries[0];
    assert_eq!(e.title, "Erste Meldung");
    assert_eq!(
        e.summary.as_deref(),
        Some("Beschreibung der ersten Meldung.")
    );
    // No <link>: the item's rdf:about is its link.
    assert_eq!(e.url.as_deref(), Some("https://rdf.example/1"));
    assert_eq!(e.date_source, Some(DateSource::Dc));
}

#[test]
fn extension_elements_never_stand_in_for_core_ones_of_the_same_name() {
    let f = parse("rss2-local-name-clash.xml");
    assert_eq!(f.title.as_deref(), Some("Clashing names"));
    let e = &f.entries[0];
    assert_eq!(e.title, "Right title");
    assert_eq!(e.summary.as_deref(), Some("Right description."));
    assert_eq!(e.url.as_deref(), Some("https://clash.example/right"));
    assert_eq!(e.published, at("2024-05-02T08:00:00Z"));
}

#[test]
fn element_names_in_any_case() {
    let doc =
        b"<rss><channel><TiTlE>Mixed case</TiTlE><ITEM><Title>Item</Title></ITEM></channel></rss>";
    let f = parse_document(doc, None, "d", "https://x.example/", fetched()).unwrap();
    assert_eq!(f.title.as_deref(), Some("Mixed case"));
    assert_eq!(f.entries[0].title, "Item");
}

#[test]
fn entities_and_typography_marks_are_kept_as_characters() {
    let f = parse("entities.xml");
    assert_eq!(f.title.as_deref(), Some("Café ABC & co"));
    let e = &f.entries[0];
    assert_eq!(
        e.title,
        "Luft\u{ad}abwehr \u{200f}עברית\u{200e} \u{201c}quoted\u{201d}"
    );
    assert_eq!(e.url.as_deref(), Some("https://entities.example/1?a=1&b=2"));
    assert_eq!(
        e.summary.as_deref(),
        Some("Double-escaped & entity, <b> as text.")
    );
}

#[test]
fn broken_xml_is_repaired_or_refused_naming_line_and_column() {
    // A misspelt end tag is read as the end tag it misspells; the warning says where.
    let doc = fixture("broken-end-tag.xml");
    let f = parse_document(&doc, None, "d", "https://broken.example/feed", fetched()).unwrap();
    let titles: Vec<&str> = f.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Complete item", "Misspelt end tag"]);
    assert_eq!(
        f.entries[1].url.as_deref(),
        Some("https://broken.example/2")
    );
    assert!(
        f.warnings.iter().any(|w| w.contains(
            "line 10, column 30: end tag </titel> does not match <title> (opened at line 10, column 7); read as its end tag"
        )),
        "{:?}",
        f.warnings
    );
    // A document cut off inside an item: the complete items before it, and where it broke.
    let cut = b"<rss version=\"2.0\"><channel>\n<item><title>One</title></item>\n<item><title>Tw";
    let f = parse_document(cut, None, "d", "u", fetched()).unwrap();
    assert_eq!(f.entries.len(), 1);
    assert!(
        f.warnings.iter().any(|w| w.contains("(line 3, column 16: the document ends inside <title> (opened at line 3, column 7)); salvaged 1 entries")),
        "{:?}",
        f.warnings
    );
    // With nothing complete before the break, the error itself names the place.
    let err = parse_document(
        b"<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>T",
        None,
        "d",
        "u",
        fetched(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ParseError::Malformed(
            "line 2, column 9: the document ends inside <title> (opened at line 2, column 1)"
                .into()
        )
    );
    let err = parse_document(
        b"<rss><channel>\n  <!-- never closed <item/>",
        None,
        "d",
        "u",
        fetched(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ParseError::Malformed("line 2, column 3: unterminated comment".into())
    );
}

#[test]
fn media_rss_stands_in_last_and_relative_permalinks_are_links() {
    let f = parse("media-rss.xml");
    let e = &f.entries[0];
    assert_eq!(e.title, "Press briefing, 2 May");
    assert_eq!(
        e.summary.as_deref(),
        Some("The spokesperson on export licences.")
    );
    let doc = b"<rss version=\"2.0\"><channel><item><title>T</title><guid>2024/05/story.html</guid></item>\
        <item><title>U</title><guid isPermaLink=\"false\">2024/05/other.html</guid></item></channel></rss>";
    let f = parse_document(doc, None, "d", "https://site.example/feeds/rss", fetched()).unwrap();
    assert_eq!(f.entries[0].guid.as_deref(), Some("2024/05/story.html"));
    assert_eq!(
        f.entries[0].url.as_deref(),
        Some("https://site.example/feeds/2024/05/story.html")
    );
    assert_eq!(f.entries[1].url, None);
}

#[test]
fn a_bare_rss_channel_reads_as_rss() {
    let doc = b"<channel><title>No rss element</title><link>https://bare.example/</link>\
        <item><title>Item</title><link>/a</link><description>D.</description></item></channel>";
    let f = parse_document(doc, None, "d", "https://bare.example/feed", fetched()).unwrap();
    assert_eq!(f.format, "rss2");
    assert_eq!(f.title.as_deref(), Some("No rss element"));
    assert_eq!(f.link.as_deref(), Some("https://bare.example/"));
    assert_eq!(f.entries[0].url.as_deref(), Some("https://bare.example/a"));
    assert_eq!(f.entries[0].summary.as_deref(), Some("D."));
}

#[test]
fn json_feed_links_resolve_and_dates_say_where_they_came_from() {
    let doc = br#"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "/",
        "items": [
          {"id": "1", "url": "/wiki/Talk:One", "title": "One", "date_modified": "2024-05-02T08:00:00Z"},
          {"id": "2", "title": "Undated", "content_text": "Text."}
        ]}"#;
    let f = parse_document(doc, None, "d", "https://j.example/feed.json", fetched()).unwrap();
    assert_eq!(f.format, "json");
    assert_eq!(f.link.as_deref(), Some("https://j.example/"));
    let e = &f.entries[0];
    assert_eq!(e.url.as_deref(), Some("https://j.example/wiki/Talk:One"));
    assert_eq!(
        (e.published, e.date_source),
        (at("2024-05-02T08:00:00Z"), Some(DateSource::Updated))
    );
    assert_eq!(
        (f.entries[1].published, f.entries[1].date_source),
        (None, None)
    );
}
