//! newswire's enrichment: which countries, weapons systems and sanctions an article talks about.
//!
//! Pure Rust, no I/O, no async, no network (the evaluation harness, which reads the dev sets, is
//! the separate `newswire-eval` crate): every gazetteer ships inside the crate as plain,
//! reviewable text under `data/` (sources and licences named in `data/README.md`) and is compiled
//! in with `include_str!`. Build one [`Enricher`] at start and share it: it is `Send + Sync`
//! and all matching state is immutable.
//!
//! The three extractors run in order, because sanctions roles are resolved through the country
//! mentions already found:
//!
//! 1. [`countries`]: names, demonyms, capitals and seats of power, datelines; disambiguation;
//!    salience and `primary`.
//! 2. [`weapons`]: named systems and generic weapon classes.
//! 3. [`sanctions`]: who sanctions whom, how, and whether it happened.

mod anchored;
pub mod countries;
pub mod sanctions;
mod sentences;
pub mod text;
pub mod weapons;

use std::time::Instant;

use newswire_model::{Article, EnrichedArticle, EnrichmentMeta};
use sha2::{Digest, Sha256};

/// Version of the enrichment engine, written into every record.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Finds countries, weapons systems and sanctions events in articles.
pub struct Enricher {
    countries: countries::CountryMatcher,
    weapons: weapons::WeaponMatcher,
    sanctions: sanctions::SanctionsExtractor,
    gazetteer_version: String,
}

impl Default for Enricher {
    fn default() -> Self {
        Self::new()
    }
}

impl Enricher {
    /// Builds the matchers from the gazetteers compiled into the crate.
    ///
    /// The weapons matcher (about half the work) is built on a second thread while this one
    /// builds the rest: a whole `newswire enrich` process starts sooner on two cores. If no
    /// thread can be started, everything is built here.
    pub fn new() -> Self {
        std::thread::scope(|scope| {
            let weapons = std::thread::Builder::new()
                .name("newswire-enrich-init".into())
                .spawn_scoped(scope, weapons::WeaponMatcher::new);
            let countries = countries::CountryMatcher::new();
            let sanctions = sanctions::SanctionsExtractor::new();
            let gazetteer_version = gazetteer_version();
            let weapons = match weapons {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(_) => weapons::WeaponMatcher::new(),
            };
            Enricher {
                countries,
                weapons,
                sanctions,
                gazetteer_version,
            }
        })
    }

    /// Enriches one article. Never panics on any text.
    pub fn enrich(&self, article: Article) -> EnrichedArticle {
        let started = Instant::now();
        let countries = self.countries.extract(&article.title, &article.body);
        // Sentences are split once, for the weapons context rule and the sanctions rules.
        let fields = sentences::Fields::new(&article.title, &article.body);
        let (weapons, weapon_classes) = self.weapons.extract_fields(&fields);
        let sanctions = self.sanctions.extract_fields(&fields, &countries);
        let took_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        EnrichedArticle {
            article,
            countries,
            weapons,
            weapon_classes,
            sanctions,
            enrichment: EnrichmentMeta {
                engine_version: ENGINE_VERSION.to_string(),
                gazetteer_version: self.gazetteer_version.clone(),
                took_us,
            },
        }
    }
}

/// A short content hash over every shipped data file, so a consumer can tell which gazetteers
/// produced a record.
fn gazetteer_version() -> String {
    let mut hasher = Sha256::new();
    for files in [
        countries::DATA_FILES,
        weapons::DATA_FILES,
        sanctions::DATA_FILES,
        sanctions::entities::DATA_FILES,
    ] {
        for (name, contents) in files {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(contents.as_bytes());
            hasher.update([0]);
        }
    }
    let digest = hasher.finalize();
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}
