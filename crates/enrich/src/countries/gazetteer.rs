//! Loading the country gazetteer: the TSV files under `data/countries/`, compiled into the
//! crate, turned into one list of surface forms ("patterns") to search for.
//!
//! Each alias in the files yields one or more patterns: the form as written, the same form with
//! a curly apostrophe ("Côte d’Ivoire"), the ASCII-folded form ("Cote d'Ivoire") unless the
//! alias is marked with a leading `=`, and for demonyms the regular plural ("Russians").

use std::collections::{HashMap, HashSet};

use newswire_model::MentionKind;

use crate::text::fold_diacritics;

pub(crate) const COUNTRIES_TSV: &str = include_str!("../../data/countries/countries.tsv");
pub(crate) const SEATS_TSV: &str = include_str!("../../data/countries/seats.tsv");
pub(crate) const CITIES_TSV: &str = include_str!("../../data/countries/cities.tsv");
pub(crate) const BLOCKS_TSV: &str = include_str!("../../data/countries/blocks.tsv");
pub(crate) const CUES_TSV: &str = include_str!("../../data/countries/cues.tsv");

/// Data files compiled into the country extractor: `(name, contents)`.
pub const DATA_FILES: &[(&str, &str)] = &[
    ("countries/countries.tsv", COUNTRIES_TSV),
    ("countries/seats.tsv", SEATS_TSV),
    ("countries/cities.tsv", CITIES_TSV),
    ("countries/blocks.tsv", BLOCKS_TSV),
    ("countries/cues.tsv", CUES_TSV),
];

/// One country or territory.
#[derive(Debug, Clone)]
pub struct Country {
    /// ISO 3166-1 alpha-2 (XK for Kosovo).
    pub code: &'static str,
    /// Common English name.
    pub name: &'static str,
}

/// What a pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A mention of the country at this index of [`Gazetteer::countries`].
    Country(usize, MentionKind),
    /// A phrase that hides the country names inside it ("New Mexico", "guinea pig").
    Block,
    /// A context word of the cue group at this index of [`Gazetteer::cue_groups`], found in
    /// the same pass but kept out of the selection of mentions.
    Cue(usize),
}

/// One surface form to search for.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The form searched in text: the alias, or a variant (diacritics folded, curly apostrophe,
    /// plural demonym).
    pub surface: String,
    /// What a match of it stands for.
    pub target: Target,
    /// The alias as written in the data file (before variants): the key disambiguation rules
    /// use ("Georgia", "Congo").
    pub alias: &'static str,
}

/// Everything loaded from the data files.
#[derive(Debug)]
pub struct Gazetteer {
    /// Every country, indexed by [`Target::Country`].
    pub countries: Vec<Country>,
    /// Every surface form to search for, indexed by the matcher's pattern ids.
    pub patterns: Vec<Pattern>,
    /// Names of the cue groups whose words are searched in the text (see [`Target::Cue`]).
    pub cue_groups: Vec<&'static str>,
    cues: HashMap<&'static str, Vec<&'static str>>,
}

impl Gazetteer {
    /// Parses the compiled-in files. The files are checked by tests, so a malformed line is
    /// skipped rather than panicking at run time.
    pub fn load() -> Gazetteer {
        let mut countries = Vec::new();
        let mut index: HashMap<&'static str, usize> = HashMap::new();
        let mut raw: Vec<(&'static str, Target)> = Vec::new();

        for cols in tsv_rows(COUNTRIES_TSV) {
            let (Some(&code), Some(&name)) = (cols.first(), cols.get(1)) else {
                continue;
            };
            let i = countries.len();
            countries.push(Country { code, name });
            index.insert(code, i);
            let col = |n: usize| cols.get(n).copied().unwrap_or("");
            raw.push((name, Target::Country(i, MentionKind::Name)));
            for (n, kind) in [
                (2, MentionKind::Name),
                (3, MentionKind::Abbreviation),
                (4, MentionKind::FormerName),
                (5, MentionKind::Demonym),
                (6, MentionKind::Capital),
            ] {
                for alias in split_list(col(n)) {
                    raw.push((alias, Target::Country(i, kind)));
                }
            }
        }
        for (file, kind) in [
            (SEATS_TSV, MentionKind::Seat),
            (CITIES_TSV, MentionKind::City),
        ] {
            for cols in tsv_rows(file) {
                let Some(&i) = cols.first().and_then(|c| index.get(c)) else {
                    continue;
                };
                for alias in split_list(cols.get(1).copied().unwrap_or("")) {
                    raw.push((alias, Target::Country(i, kind)));
                }
            }
        }
        for cols in tsv_rows(BLOCKS_TSV) {
            if let Some(&phrase) = cols.first() {
                raw.push((phrase, Target::Block));
            }
        }

        let mut cues: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for cols in tsv_rows(CUES_TSV) {
            if let (Some(&group), Some(&terms)) = (cols.first(), cols.get(1)) {
                cues.entry(group).or_default().extend(split_list(terms));
            }
        }

        // Expand variants; the first pattern for a surface wins (names come first in the
        // files, so a demonym plural that equals a name, "Laos", stays a name).
        let mut seen: HashSet<String> = HashSet::new();
        let mut patterns = Vec::new();
        for (alias, target) in raw {
            for surface in variants(alias, target) {
                if seen.insert(surface.clone()) {
                    patterns.push(Pattern {
                        surface,
                        target,
                        alias: alias.trim_start_matches('='),
                    });
                }
            }
        }
        Gazetteer {
            countries,
            patterns,
            cue_groups: Vec::new(),
            cues,
        }
    }

    /// Adds the words of these cue groups to the patterns, so the one pass over the text also
    /// finds the context the disambiguation rules weigh. A cue may share its surface with a
    /// name ("Seoul"): both patterns are kept.
    pub fn add_cue_patterns(&mut self, groups: &[&'static str]) {
        for &group in groups {
            let index = self.cue_groups.len();
            self.cue_groups.push(group);
            let words = self.cues.get(group).cloned().unwrap_or_default();
            for word in words {
                self.patterns.push(Pattern {
                    surface: word.to_string(),
                    target: Target::Cue(index),
                    alias: word,
                });
            }
        }
    }

    /// The words of one cue group of `cues.tsv` (empty when the group is missing).
    pub fn cues(&self, group: &str) -> &[&'static str] {
        self.cues.get(group).map_or(&[], Vec::as_slice)
    }

    /// Index of the country with this code.
    pub fn country_index(&self, code: &str) -> Option<usize> {
        self.countries.iter().position(|c| c.code == code)
    }
}

/// Non-comment, non-empty lines of a TSV file, split on tabs and trimmed.
pub(crate) fn tsv_rows(file: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    file.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

fn split_list(col: &'static str) -> impl Iterator<Item = &'static str> {
    col.split('|').map(str::trim).filter(|s| !s.is_empty())
}

/// All surface forms of one alias.
fn variants(alias: &str, target: Target) -> Vec<String> {
    let no_fold = alias.starts_with('=');
    let alias = alias.trim_start_matches('=');
    let mut base = vec![alias.to_string()];
    // Names are found from capitalised word starts, so "the Emirates" needs "Emirates" too.
    if let (Target::Country(..), Some(rest)) = (target, alias.strip_prefix("the ")) {
        base.push(rest.to_string());
    }
    if let Target::Country(_, MentionKind::Demonym) = target {
        if let Some(plural) = plural(alias) {
            base.push(plural);
        }
    }
    let mut out = Vec::new();
    for form in base {
        let folded = fold_diacritics(&form);
        let mut forms = vec![form.clone()];
        if !no_fold && folded != form {
            forms.push(folded);
        }
        for f in forms {
            if f.contains('\'') {
                out.push(f.replace('\'', "’"));
            }
            out.push(f);
        }
    }
    out
}

/// The regular English plural of a demonym, or `None` when it has none ("Chinese", "British",
/// "French", "Swiss"). "-man" becomes "-men"; other forms add "s".
pub fn plural(demonym: &str) -> Option<String> {
    if let Some(stem) = demonym.strip_suffix("man") {
        return Some(format!("{stem}men"));
    }
    let invariable = ["ese", "sh", "ch", "ss", "s", "x", "z", "y", "ic", "ais"];
    if invariable.iter().any(|end| demonym.ends_with(end)) {
        return None;
    }
    Some(format!("{demonym}s"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_iso_code_once_plus_kosovo() {
        let g = Gazetteer::load();
        let codes: HashSet<&str> = g.countries.iter().map(|c| c.code).collect();
        assert_eq!(codes.len(), g.countries.len(), "duplicate code");
        assert_eq!(g.countries.len(), 250, "249 ISO 3166-1 entries + XK");
        for code in [
            "TR", "US", "GB", "XK", "PS", "TW", "CD", "CG", "KP", "KR", "JE", "GG",
        ] {
            assert!(codes.contains(code), "{code}");
        }
        for c in &g.countries {
            assert_eq!(c.code.len(), 2, "{}", c.code);
            assert!(c.code.chars().all(|ch| ch.is_ascii_uppercase()));
        }
    }

    #[test]
    fn files_are_well_formed() {
        for (name, file) in DATA_FILES {
            for cols in tsv_rows(file) {
                assert!(cols.len() >= 2, "{name}: short line {cols:?}");
                for c in &cols {
                    assert!(!c.contains("  "), "{name}: double space in {c:?}");
                }
            }
        }
        for cols in tsv_rows(COUNTRIES_TSV) {
            assert_eq!(cols.len(), 7, "countries.tsv needs 7 columns: {cols:?}");
        }
        let g = Gazetteer::load();
        for cols in tsv_rows(SEATS_TSV).chain(tsv_rows(CITIES_TSV)) {
            assert!(
                g.country_index(cols[0]).is_some(),
                "unknown code {}",
                cols[0]
            );
        }
    }

    #[test]
    fn no_alias_points_at_two_countries() {
        // The first entry for a surface wins silently at load time; this test makes such a
        // clash visible in review instead.
        let mut owner: HashMap<&str, &str> = HashMap::new();
        let mut clashes = Vec::new();
        for cols in tsv_rows(COUNTRIES_TSV) {
            let code = cols[0];
            let mut aliases = vec![cols[1]];
            for col in &cols[2..] {
                aliases.extend(split_list(col));
            }
            for a in aliases {
                if let Some(prev) = owner.insert(a, code) {
                    if prev != code {
                        clashes.push(format!("{a}: {prev} and {code}"));
                    }
                }
            }
        }
        assert!(clashes.is_empty(), "{clashes:?}");
    }

    #[test]
    fn variants_cover_folding_apostrophes_and_plurals() {
        let g = Gazetteer::load();
        let has = |s: &str| g.patterns.iter().any(|p| p.surface == s);
        for s in [
            "Türkiye",
            "Turkiye",
            "Côte d'Ivoire",
            "Côte d’Ivoire",
            "Cote d’Ivoire",
            "Russians",
            "Turks",
            "Frenchmen",
            "Czechs",
            "U.S.",
            "Kremlin",
        ] {
            assert!(has(s), "{s}");
        }
        assert!(
            !has("Male"),
            "Malé is not folded: 'Male voters' is not the Maldives"
        );
        assert!(!has("Chineses") && !has("Britishs") && !has("Swisss"));
        assert_eq!(plural("Turk").as_deref(), Some("Turks"));
        assert_eq!(plural("Chinese"), None);
    }
}
