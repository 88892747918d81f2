//! JSON Feed (1.0 and 1.1), read by feed-rs under `catch_unwind` and turned into a
//! [`RawFeed`].

use std::panic::{catch_unwind, AssertUnwindSafe};

use feed_rs::model::{Entry, Feed, Text};
use url::Url;

use super::raw::{Dates, RawEntry, RawFeed, RawText};
use super::{json_probe, one_line, panic_message, ParseError};

/// Reads a JSON document that should be a JSON Feed; relative URLs resolve against `base`.
pub fn read(doc: &str, base: Option<&Url>) -> Result<RawFeed, ParseError> {
    let is_json_feed = json_probe::is_json_feed(doc)
        .map_err(|e| ParseError::Malformed(format!("invalid JSON: {e}")))?;
    if !is_json_feed {
        return Err(ParseError::NotAFeed(
            "JSON document is not a JSON Feed".into(),
        ));
    }
    let feed = run_feed_rs(doc)?;
    let resolve = |href: &str| {
        let href = href.trim();
        match base.and_then(|b| b.join(href).ok()) {
            Some(u) if !super::formats::has_scheme(href) => u.to_string(),
            _ => href.to_string(),
        }
    };
    Ok(RawFeed {
        format: "json",
        title: feed.title.as_ref().and_then(html),
        link: feed
            .links
            .first()
            .map(|l| resolve(&l.href))
            .filter(|h| !h.is_empty()),
        language: feed.language.clone(),
        entries: feed.entries.iter().map(|e| entry(e, &resolve)).collect(),
        ..RawFeed::default()
    })
}

fn html(t: &Text) -> Option<RawText> {
    (!t.content.trim().is_empty()).then(|| RawText {
        value: t.content.clone(),
        html: true,
    })
}

fn entry(e: &Entry, resolve: &dyn Fn(&str) -> String) -> RawEntry {
    // feed-rs puts `url` first, then `external_url`, then attachments.
    let mut links = e
        .links
        .iter()
        .map(|l| resolve(&l.href))
        .filter(|h| !h.is_empty());
    RawEntry {
        guid: Some(e.id.trim().to_string()).filter(|g| !g.is_empty()),
        guid_is_permalink: true,
        link: links.next(),
        title: e.title.as_ref().and_then(html),
        summary: e.summary.as_ref().and_then(html),
        content: e
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .filter(|b| !b.trim().is_empty())
            .map(|b| RawText {
                value: b.to_string(),
                html: true,
            }),
        dates: Dates {
            published: e.published,
            updated: e.updated,
            ..Dates::default()
        },
        authors: e
            .authors
            .iter()
            .filter_map(|p| p.name.clone().or_else(|| p.email.clone()))
            .collect(),
        categories: e
            .categories
            .iter()
            .map(|c| c.label.clone().unwrap_or_else(|| c.term.clone()))
            .collect(),
        language: e.language.clone(),
        enclosures: Vec::new(),
    }
}

/// Runs feed-rs, turning its errors and panics into [`ParseError`]s.
fn run_feed_rs(doc: &str) -> Result<Feed, ParseError> {
    let parser = feed_rs::parser::Builder::new()
        // Empty id for entries without one: newswire computes its own deterministic id.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build();
    match catch_unwind(AssertUnwindSafe(|| parser.parse(doc.as_bytes()))) {
        Ok(Ok(feed)) => Ok(feed),
        Ok(Err(e)) => Err(ParseError::Malformed(one_line(&e.to_string()))),
        Err(panic) => Err(ParseError::Panicked(panic_message(&panic))),
    }
}
