//! What a document says about its feed and entries, before newswire normalises it: the common
//! ground of the XML formats (`formats`) and JSON Feed (`json`). URLs are already resolved;
//! text is still HTML or plain text, as [`RawText::html`] says.

use chrono::{DateTime, Utc};
use newswire_model::DateSource;

/// A text field and how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawText {
    /// The text, or HTML source when `html` is set.
    pub value: String,
    /// Whether `value` is HTML (tags and entities to interpret) rather than literal text.
    pub html: bool,
}

/// A feed as its document gives it.
#[derive(Debug, Default)]
pub struct RawFeed {
    /// "rss2", "rss1", "rss0", "atom", "cdf" or "json".
    pub format: &'static str,
    /// The feed's title.
    pub title: Option<RawText>,
    /// The feed's home page, resolved.
    pub link: Option<String>,
    /// The declared language, as written.
    pub language: Option<String>,
    /// RSS `<ttl>` in minutes.
    pub ttl: Option<u32>,
    /// The entries in document order.
    pub entries: Vec<RawEntry>,
    /// Date values no date reader understood (the first few), for a warning.
    pub bad_dates: Vec<String>,
    /// Notes on how the document was read, for the feed's warnings.
    pub notes: Vec<String>,
}

/// One entry as its document gives it.
#[derive(Debug, Default)]
pub struct RawEntry {
    /// RSS `guid`, Atom `id`, JSON Feed `id`, trimmed.
    pub guid: Option<String>,
    /// Whether the guid may serve as the link (RSS `isPermaLink`, true unless "false").
    pub guid_is_permalink: bool,
    /// The article's link, resolved.
    pub link: Option<String>,
    /// The title.
    pub title: Option<RawText>,
    /// The summary or description.
    pub summary: Option<RawText>,
    /// The full content, when the entry has more than a summary.
    pub content: Option<RawText>,
    /// Every date the entry carries.
    pub dates: Dates,
    /// Author names (or addresses when there is no name).
    pub authors: Vec<String>,
    /// Category labels.
    pub categories: Vec<String>,
    /// The entry's declared language, as written.
    pub language: Option<String>,
    /// Enclosure URLs, resolved.
    pub enclosures: Vec<String>,
}

/// Every date element of an entry, by kind (the first of each kind counts).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Dates {
    /// RSS `pubDate`, Atom `published`/`issued`, JSON Feed `date_published`.
    pub published: Option<DateTime<Utc>>,
    /// Atom `updated`/`modified`, RSS `updated`, JSON Feed `date_modified`.
    pub updated: Option<DateTime<Utc>>,
    /// `dc:date`.
    pub dc: Option<DateTime<Utc>>,
    /// `dcterms:issued`.
    pub dcterms_issued: Option<DateTime<Utc>>,
    /// `dcterms:created`.
    pub dcterms_created: Option<DateTime<Utc>>,
    /// `dcterms:modified`.
    pub dcterms_modified: Option<DateTime<Utc>>,
    /// CDF `LASTMOD`.
    pub lastmod: Option<DateTime<Utc>>,
}

impl Dates {
    /// The publication date and where it came from: the first there is of a publication
    /// date, `dcterms:issued`, `dc:date`, `dcterms:created`, an update date,
    /// `dcterms:modified` and CDF `LASTMOD`. `None` when the entry has no date at all.
    pub fn published(&self) -> Option<(DateTime<Utc>, DateSource)> {
        [
            (self.published, DateSource::Published),
            (self.dcterms_issued, DateSource::DctermsIssued),
            (self.dc, DateSource::Dc),
            (self.dcterms_created, DateSource::DctermsCreated),
            (self.updated, DateSource::Updated),
            (self.dcterms_modified, DateSource::DctermsModified),
            (self.lastmod, DateSource::Lastmod),
        ]
        .into_iter()
        .find_map(|(d, source)| d.map(|d| (d, source)))
    }

    /// The last-update date, when the entry gives one: an update date, `dcterms:modified` or
    /// CDF `LASTMOD`.
    pub fn updated(&self) -> Option<DateTime<Utc>> {
        self.updated.or(self.dcterms_modified).or(self.lastmod)
    }
}

/// Decodes base64 (whitespace ignored); `None` when `s` is not base64.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn publication_date_falls_back_in_order() {
        let at = |h| Some(Utc.with_ymd_and_hms(2024, 1, 1, h, 0, 0).unwrap());
        let mut d = Dates {
            lastmod: at(7),
            ..Dates::default()
        };
        assert_eq!(d.published(), Some((at(7).unwrap(), DateSource::Lastmod)));
        d.dcterms_modified = at(6);
        assert_eq!(
            d.published().map(|p| p.1),
            Some(DateSource::DctermsModified)
        );
        d.updated = at(5);
        assert_eq!(d.published().map(|p| p.1), Some(DateSource::Updated));
        d.dcterms_created = at(4);
        assert_eq!(d.published().map(|p| p.1), Some(DateSource::DctermsCreated));
        d.dc = at(3);
        assert_eq!(d.published().map(|p| p.1), Some(DateSource::Dc));
        d.dcterms_issued = at(2);
        assert_eq!(d.published().map(|p| p.1), Some(DateSource::DctermsIssued));
        d.published = at(1);
        assert_eq!(d.published(), Some((at(1).unwrap(), DateSource::Published)));
        assert_eq!(d.updated(), at(5));
        assert_eq!(Dates::default().published(), None);
        assert_eq!(Dates::default().updated(), None);
    }

    #[test]
    fn base64_decodes_and_refuses_other_text() {
        assert_eq!(
            decode_base64("RXhhbXBsZSA8Yj5BdG9tPC9iPg==\n").as_deref(),
            Some(&b"Example <b>Atom</b>"[..])
        );
        assert_eq!(decode_base64("not base64!"), None);
    }
}
