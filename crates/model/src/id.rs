//! Deterministic article ids.
//!
//! The id is what downstream systems upsert by, so it must not change when the same story is
//! polled twice, after a restart, or by another replica. In order of preference it is built from:
//!
//! 1. the feed's `guid`, when it looks like a real unique id (a URL-shaped guid is canonicalised
//!    like a link; a short or purely numeric one is not trusted on its own);
//! 2. the canonical URL of the link (see [`canonical_url`]);
//! 3. the feed id, the normalised title and the publication date.
//!
//! The chosen basis is hashed with SHA-256 and the first 16 bytes are written as 32 hex digits
//! behind the prefix `nw1-`; the `1` versions the scheme.

use sha2::{Digest, Sha256};
use url::Url;

/// Query parameters that only track the reader and never select content.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "igshid",
    "mkt_tok",
    "ocid",
    "cmpid",
    "ncid",
    "taid",
    "smid",
    "partner",
    "rss",
    "feedtype",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
    "utm",
    "ref_src",
    "cmp",
];

fn is_tracking_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("utm_") || TRACKING_PARAMS.contains(&lower.as_str())
}

/// The canonical form of a link: scheme and host lower-cased, default port, fragment and
/// tracking parameters (`utm_*`, `fbclid`, ...) removed. Returns `None` for anything that is
/// not an absolute http(s) URL.
pub fn canonical_url(link: &str) -> Option<String> {
    let mut url = Url::parse(link.trim()).ok()?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return None;
    }
    url.host_str()?;
    // `Url` already lower-cases scheme and host and drops default ports.
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some(url.into())
}

/// What an id is derived from, for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdBasis {
    /// The feed's guid, judged a real unique id.
    Guid,
    /// The canonical URL of the article's link.
    Url,
    /// A hash of the feed id, the normalised title and the date.
    FeedTitleDate,
}

/// The inputs of an article id.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdInputs<'a> {
    /// The feed the article came from.
    pub feed_id: &'a str,
    /// The entry's guid or Atom id, if any.
    pub guid: Option<&'a str>,
    /// The entry's link, if any.
    pub link: Option<&'a str>,
    /// The entry's title.
    pub title: &'a str,
    /// The publication date as RFC 3339, or empty.
    pub date: &'a str,
}

/// A guid is trusted on its own when it is long and not just a counter: short or numeric guids
/// ("1234") are only unique inside one feed.
fn guid_is_global(guid: &str) -> bool {
    guid.len() >= 12 && !guid.bytes().all(|b| b.is_ascii_digit())
}

/// Computes the article id and says what it was derived from.
pub fn article_id(inputs: IdInputs<'_>) -> (String, IdBasis) {
    let guid = inputs.guid.map(str::trim).filter(|g| !g.is_empty());
    if let Some(guid) = guid {
        if let Some(canon) = canonical_url(guid) {
            return (hash_id(&["url", &canon]), IdBasis::Guid);
        }
        if guid_is_global(guid) {
            return (hash_id(&["guid", guid]), IdBasis::Guid);
        }
    }
    if let Some(canon) = inputs.link.and_then(canonical_url) {
        return (hash_id(&["url", &canon]), IdBasis::Url);
    }
    if let Some(guid) = guid {
        return (hash_id(&["feed-guid", inputs.feed_id, guid]), IdBasis::Guid);
    }
    let title = normalise_title(inputs.title);
    (
        hash_id(&["feed-title-date", inputs.feed_id, &title, inputs.date]),
        IdBasis::FeedTitleDate,
    )
}

/// Lower-cased words joined by single spaces, so that whitespace and case changes in a title do
/// not change the id.
fn normalise_title(title: &str) -> String {
    title
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `nw1-` and 32 hex digits of SHA-256 over the parts, each followed by a NUL separator.
pub fn hash_id(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    let mut out = String::with_capacity(36);
    out.push_str("nw1-");
    for byte in &digest[..16] {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_url_strips_tracking_and_fragment() {
        let c = canonical_url(
            "HTTPS://WWW.Reuters.COM:443/world/s400?utm_source=rss&id=7&fbclid=x#top",
        );
        assert_eq!(
            c.as_deref(),
            Some("https://www.reuters.com/world/s400?id=7")
        );
        assert_eq!(
            canonical_url("http://example.com/a?utm_medium=feed").as_deref(),
            Some("http://example.com/a")
        );
        assert_eq!(canonical_url("urn:uuid:1234"), None);
        assert_eq!(canonical_url("not a url"), None);
    }

    #[test]
    fn same_story_same_id() {
        let a = IdInputs {
            feed_id: "reuters",
            link: Some("https://www.reuters.com/x?utm_source=a"),
            title: "T",
            ..Default::default()
        };
        let b = IdInputs {
            feed_id: "other",
            link: Some("https://WWW.reuters.com/x#frag"),
            title: "T2",
            ..Default::default()
        };
        assert_eq!(article_id(a).0, article_id(b).0);
        assert_eq!(article_id(a).1, IdBasis::Url);
    }

    #[test]
    fn guid_preferred_when_real() {
        let with_guid = IdInputs {
            feed_id: "f",
            guid: Some("tag:reuters.com,2022:newsml_L1N2ZS0XY"),
            link: Some("https://a.example/1"),
            ..Default::default()
        };
        let (id, basis) = article_id(with_guid);
        assert_eq!(basis, IdBasis::Guid);
        assert!(id.starts_with("nw1-") && id.len() == 36);
        // A numeric guid does not beat the link.
        let numeric = IdInputs {
            guid: Some("1234"),
            ..with_guid
        };
        assert_eq!(article_id(numeric).1, IdBasis::Url);
    }

    #[test]
    fn fallback_is_feed_title_date_and_ignores_whitespace_and_case() {
        let a = IdInputs {
            feed_id: "f",
            title: "Turkey  buys S-400",
            date: "2022-08-16T00:00:00Z",
            ..Default::default()
        };
        let b = IdInputs {
            title: " turkey buys s-400 ",
            ..a
        };
        assert_eq!(article_id(a), article_id(b));
        let c = IdInputs { feed_id: "g", ..a };
        assert_ne!(article_id(a).0, article_id(c).0);
    }
}
