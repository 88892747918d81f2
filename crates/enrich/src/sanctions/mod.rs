//! Sanctions events. (Being built.)

pub(crate) mod sentences;

use newswire_model::{CountryTag, SanctionsEvent};

/// Data files compiled into this module: `(name, contents)`.
pub const DATA_FILES: &[(&str, &str)] = &[];

pub struct SanctionsExtractor;

impl SanctionsExtractor {
    pub fn new() -> Self {
        SanctionsExtractor
    }

    pub fn extract(
        &self,
        _title: &str,
        _body: &str,
        _countries: &[CountryTag],
    ) -> Vec<SanctionsEvent> {
        Vec::new()
    }
}
