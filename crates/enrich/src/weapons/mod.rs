//! Weapons systems and weapon classes. (Being built.)

use newswire_model::{WeaponClassTag, WeaponTag};

/// Data files compiled into this module: `(name, contents)`.
pub const DATA_FILES: &[(&str, &str)] = &[];

pub struct WeaponMatcher;

impl WeaponMatcher {
    pub fn new() -> Self {
        WeaponMatcher
    }

    pub fn extract(&self, _title: &str, _body: &str) -> (Vec<WeaponTag>, Vec<WeaponClassTag>) {
        (Vec::new(), Vec::new())
    }
}
