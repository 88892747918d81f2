//! JSON Schema of every record newswire writes to a topic.
//!
//! The schemas are generated from the Rust types, so they cannot disagree with what the code
//! writes. Checked-in copies live under `schemas/` at the repository root for consumers that do
//! not read Rust; a test fails when those copies drift from the code. Regenerate them with
//! `NEWSWIRE_UPDATE_SCHEMAS=1 cargo test -p newswire-model --test schema_drift`.

use schemars::schema_for;

use crate::{Article, EnrichedArticle};

/// A record type with a published schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    /// `Article` on `newswire.articles.raw.v1`.
    Article,
    /// `EnrichedArticle` on `newswire.articles.enriched.v1`.
    EnrichedArticle,
}

impl RecordType {
    /// Every record type, for generating and checking all schemas.
    pub const ALL: [RecordType; 2] = [RecordType::Article, RecordType::EnrichedArticle];

    /// File name of the checked-in schema under `schemas/`.
    pub fn file_name(self) -> &'static str {
        match self {
            RecordType::Article => "article.v1.json",
            RecordType::EnrichedArticle => "enriched-article.v1.json",
        }
    }

    /// The schema as JSON, generated from the type.
    pub fn schema(self) -> serde_json::Value {
        let schema = match self {
            RecordType::Article => schema_for!(Article),
            RecordType::EnrichedArticle => schema_for!(EnrichedArticle),
        };
        serde_json::to_value(schema).expect("a generated schema is always valid JSON")
    }

    /// The schema pretty-printed as it is checked in, with a trailing newline.
    pub fn schema_text(self) -> String {
        let mut text = serde_json::to_string_pretty(&self.schema())
            .expect("a generated schema is always valid JSON");
        text.push('\n');
        text
    }
}
