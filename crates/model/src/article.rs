use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One news item as a poller emits it on `newswire.articles.raw.v1`.
///
/// Text fields are plain text (HTML already turned into paragraphs separated by blank lines,
/// entities decoded). Byte offsets in enrichment mentions refer to `title` and `body`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Article {
    /// Deterministic id (see [`crate::id`]): the same story polled twice gets the same id.
    pub id: String,
    /// Id of the feed this article came from (the feed's configured id, or a hash of its URL).
    #[serde(default)]
    pub feed_id: String,
    /// URL of the feed this article came from.
    #[serde(default)]
    pub feed_url: String,
    /// Link as the feed gave it.
    #[serde(default)]
    pub url: Option<String>,
    /// `url` with scheme and host lower-cased, fragment and tracking parameters removed.
    #[serde(default)]
    pub canonical_url: Option<String>,
    /// The headline, plain text.
    #[serde(default)]
    pub title: String,
    /// The feed's summary or description, plain text.
    #[serde(default)]
    pub summary: Option<String>,
    /// The article text: paragraphs separated by a blank line.
    #[serde(default)]
    pub body: String,
    /// Author names as the feed gives them.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Category or tag labels as the feed gives them.
    #[serde(default)]
    pub categories: Vec<String>,
    /// ISO 639-1 code when known.
    #[serde(default)]
    pub language: Option<String>,
    /// When the feed says the article was published, in UTC.
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    /// When the feed says the article was last updated, in UTC.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// When the poller fetched the feed that held this article.
    pub fetched_at: DateTime<Utc>,
    /// The id of an earlier article this one repeats: the same canonical URL under another
    /// id, or a near-identical text (the same wire story syndicated by another feed). The
    /// article is still delivered; consumers may group or drop by this.
    #[serde(default)]
    pub duplicate_of: Option<String>,
}

impl Article {
    /// A bare article with only an id, a title and a body, as `newswire enrich` reads from
    /// JSON lines of the form `{"id", "title", "body"}`.
    pub fn from_text(
        id: impl Into<String>,
        title: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        Article {
            id: id.into(),
            feed_id: String::new(),
            feed_url: String::new(),
            url: None,
            canonical_url: None,
            title: title.into(),
            summary: None,
            body: body.into(),
            authors: Vec::new(),
            categories: Vec::new(),
            language: None,
            published_at: None,
            updated_at: None,
            fetched_at: Utc::now(),
            duplicate_of: None,
        }
    }
}
