//! Topic names and the schema identifiers carried in record headers.

/// Raw articles from the pollers, keyed by article id.
pub const RAW: &str = "newswire.articles.raw.v1";
/// Enriched articles, keyed by article id: the public contract.
pub const ENRICHED: &str = "newswire.articles.enriched.v1";
/// Records no stage could process, with the reason in headers.
pub const DLQ: &str = "newswire.articles.dlq.v1";
/// Per-feed poller state, compacted, keyed by feed id.
pub const FEED_STATE: &str = "newswire.feeds.state.v1";

/// Value of the `newswire-schema` header on raw articles.
pub const ARTICLE_SCHEMA: &str = "article/1";
/// Value of the `newswire-schema` header on enriched articles.
pub const ENRICHED_SCHEMA: &str = "enriched-article/1";
/// Value of the `content-type` header on every record.
pub const CONTENT_TYPE_JSON: &str = "application/json";

/// Header names.
pub mod headers {
    /// The payload's media type (`application/json`).
    pub const CONTENT_TYPE: &str = "content-type";
    /// The record's schema and version, e.g. `enriched-article/1`.
    pub const SCHEMA: &str = "newswire-schema";
    /// The stage that produced the record (`poll`, `enrich`).
    pub const STAGE: &str = "newswire-stage";
    /// The id of the feed the article came from.
    pub const FEED: &str = "newswire-feed";
}
