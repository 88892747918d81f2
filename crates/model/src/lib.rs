//! newswire's records and contracts.
//!
//! Everything that crosses a stage boundary is defined here: the [`Article`] a poller emits,
//! the [`EnrichedArticle`] the enrichment stage emits (the public contract on
//! `newswire.articles.enriched.v1`), the deterministic [article id](id), topic names and
//! schema identifiers, and the JSON Schema of each record ([`schema`]).
//!
//! This crate does no I/O.

mod article;
mod enriched;
pub mod id;
pub mod json;
pub mod schema;
pub mod topics;
pub mod wire;

pub use article::{Article, DateSource};
pub use enriched::{
    is_party_code, CountryTag, EnrichedArticle, EnrichmentMeta, EntityKind, Evidence, Field,
    Mention, MentionKind, SanctionAction, SanctionsEvent, TargetEntity, WeaponClassTag, WeaponTag,
    BLOC_CODES, SANCTION_SECTORS, WEAPON_CATEGORIES,
};
