//! Countries: gazetteer, matching, disambiguation, salience. (Being built.)

use newswire_model::CountryTag;

/// Data files compiled into this module: `(name, contents)`.
pub const DATA_FILES: &[(&str, &str)] = &[];

pub struct CountryMatcher;

impl CountryMatcher {
    pub fn new() -> Self {
        CountryMatcher
    }

    pub fn extract(&self, _title: &str, _body: &str) -> Vec<CountryTag> {
        Vec::new()
    }
}
