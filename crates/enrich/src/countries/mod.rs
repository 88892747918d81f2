//! Countries: which countries an article mentions, how, and which ones it is about.
//!
//! The pipeline, one module per step:
//! 1. [`gazetteer`]: the TSV files under `data/countries/` (every ISO 3166-1 country and
//!    territory plus Kosovo; names, abbreviations, former names, demonyms, capitals, seats of
//!    power, cities; blocking phrases; context cues), expanded into surface forms.
//! 2. [`matching`]: one Aho-Corasick pass per field, word boundaries, case rule,
//!    leftmost-longest selection; blocking phrases hide what they cover.
//! 3. [`disambiguation`]: person names, Georgia the US state, turkey the bird, china the
//!    porcelain, Korea, Congo, "Paris, Texas"...
//! 4. [`dateline`]: mentions inside the dateline get kind `dateline`.
//! 5. [`salience`]: a documented score and the `primary` flag; countries come out sorted by
//!    salience, highest first.

pub mod dateline;
pub mod disambiguation;
pub mod gazetteer;
pub mod matching;
pub mod salience;

use newswire_model::{CountryTag, Field, Mention, MentionKind};

use disambiguation::{Found, Rules};
use gazetteer::{Gazetteer, Target};
use matching::{Candidate, Matcher};
use salience::Scored;

pub use gazetteer::DATA_FILES;

/// Finds countries in articles. Build once (the automata are compiled in [`CountryMatcher::new`])
/// and share: it is immutable, `Send` and `Sync`.
pub struct CountryMatcher {
    gazetteer: Gazetteer,
    matcher: Matcher,
    rules: Rules,
}

impl Default for CountryMatcher {
    fn default() -> Self {
        Self::new()
    }
}

impl CountryMatcher {
    /// Loads the gazetteer and compiles the matcher and rules; costly, so build one and share it.
    pub fn new() -> Self {
        let mut gazetteer = Gazetteer::load();
        gazetteer.add_cue_patterns(&disambiguation::scanned_groups());
        let matcher = Matcher::new(&gazetteer.patterns);
        let rules = Rules::new(&gazetteer);
        CountryMatcher {
            gazetteer,
            matcher,
            rules,
        }
    }

    /// The countries mentioned in an article, most salient first. Offsets are byte offsets into
    /// `title` or `body` and always fall on char boundaries. Never panics.
    pub fn extract(&self, title: &str, body: &str) -> Vec<CountryTag> {
        let g = &self.gazetteer;
        let mut scratch: Vec<Candidate> = Vec::new();
        let mut found: Vec<Found> = Vec::new();
        let mut selected = Vec::new();
        for (field, text) in [(Field::Title, title), (Field::Body, body)] {
            selected.clear();
            self.matcher.find(text, &mut scratch, &mut selected);
            found.extend(
                selected
                    .iter()
                    .filter_map(|c| match g.patterns[c.pattern].target {
                        Target::Country(country, kind) => Some(Found {
                            field,
                            start: c.start,
                            end: c.end,
                            country,
                            kind,
                            pattern: c.pattern,
                        }),
                        Target::Block | Target::Cue(_) => None,
                    }),
            );
        }
        if found.is_empty() {
            return Vec::new();
        }
        self.rules.apply(g, &self.matcher, title, body, &mut found);

        let dateline = dateline::find(body);
        if let Some(d) = dateline {
            for f in found.iter_mut() {
                if f.field == Field::Body && d.contains(f.start, f.end) {
                    f.kind = MentionKind::Dateline;
                }
            }
        }
        let lead_end = salience::lead_end(body, dateline.map_or(0, |d| d.end));

        // Group by country, keeping first-mention order for ties.
        let mut order: Vec<usize> = Vec::new();
        for f in &found {
            if !order.contains(&f.country) {
                order.push(f.country);
            }
        }
        let mut tags: Vec<(f64, CountryTag)> = Vec::with_capacity(order.len());
        let mut scored: Vec<Vec<Scored>> = Vec::with_capacity(order.len());
        for &country in &order {
            let mut these = Vec::new();
            let mut mentions = Vec::new();
            for f in found.iter().filter(|f| f.country == country) {
                let text = if f.field == Field::Title { title } else { body };
                these.push(Scored {
                    field: f.field,
                    start: f.start,
                    end: f.end,
                    kind: f.kind,
                    venue: is_venue(text, f.kind, f.start),
                    locative: f.field == Field::Title && is_locative(text, f.kind, f.start),
                });
                mentions.push(Mention {
                    text: text.get(f.start..f.end).unwrap_or_default().to_string(),
                    field: f.field,
                    start: f.start,
                    end: f.end,
                    kind: f.kind,
                });
            }
            let raw = salience::raw_score(&these, body.len(), lead_end);
            let c = &g.countries[country];
            scored.push(these);
            tags.push((
                raw,
                CountryTag {
                    code: c.code.to_string(),
                    name: c.name.to_string(),
                    salience: 0.0,
                    primary: false,
                    mentions,
                },
            ));
        }
        let max = tags.iter().map(|(r, _)| *r).fold(0.0_f64, f64::max);
        let candidates: Vec<salience::Candidate<'_>> = tags
            .iter()
            .zip(&scored)
            .map(|((raw, _), mentions)| salience::Candidate {
                mentions,
                salience: if max > 0.0 { raw / max } else { 0.0 },
            })
            .collect();
        let flags = salience::primaries(&candidates, body, lead_end);
        let flags = self.hosts_are_not_parties(flags, &scored, title, body, lead_end);
        for (((raw, tag), primary), _) in tags.iter_mut().zip(flags).zip(&scored) {
            let s = if max > 0.0 { *raw / max } else { 0.0 };
            tag.salience = (s * 1000.0).round() / 1000.0;
            tag.primary = primary;
        }
        // Stable sort: equal scores keep first-mention order.
        tags.sort_by(|a, b| b.0.total_cmp(&a.0));
        tags.into_iter().map(|(_, t)| t).collect()
    }
}

impl CountryMatcher {
    /// The country whose city hosts talks ("delegations met in Istanbul") is named again for
    /// its minister in the chair, its television, its mediators; that repetition does not make
    /// it a party. It stays primary only when the title or the lead name it strongly. Looked at
    /// only for countries already primary, so the scan does no more work.
    fn hosts_are_not_parties(
        &self,
        mut flags: Vec<bool>,
        scored: &[Vec<Scored>],
        title: &str,
        body: &str,
        lead_end: usize,
    ) -> Vec<bool> {
        let words = self.gazetteer.cues("talks_venue");
        for (flag, mentions) in flags.iter_mut().zip(scored) {
            if !*flag {
                continue;
            }
            let up_front = mentions
                .iter()
                .any(|m| m.strong() && (m.field == Field::Title || m.start < lead_end));
            if up_front {
                continue;
            }
            let hosts = mentions.iter().any(|m| {
                let text = if m.field == Field::Title { title } else { body };
                m.venue && talks_near(text, m.start, m.end, words)
            });
            if hosts {
                *flag = false;
            }
        }
        flags
    }
}

/// A word of talks within the 120 bytes before a venue or the 60 after it ("delegations met
/// in Istanbul", "in Muscat for a second round of talks").
fn talks_near(text: &str, start: usize, end: usize, words: &[&str]) -> bool {
    let from = start.saturating_sub(120);
    let window = crate::text::window(text, from, end.saturating_add(60));
    window
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| !w.is_empty() && words.contains(&w))
}

/// A title mention right after a preposition of nearness ("... near Japan", "... off
/// Somalia"): the story happens beside the country, not in it. ("in" and
/// "over" are left alone: "Earthquake in Turkey", "Tensions over Taiwan" are about the place.)
fn is_locative(text: &str, kind: MentionKind, start: usize) -> bool {
    const NEAR: &[&str] = &[
        "near", "off", "outside", "beyond", "past", "toward", "towards", "Near", "Off",
    ];
    if !matches!(
        kind,
        MentionKind::Name | MentionKind::Abbreviation | MentionKind::FormerName
    ) {
        return false;
    }
    crate::text::prev_word(text, start)
        .is_some_and(|(s, e)| text.get(e..start) == Some(" ") && NEAR.contains(&&text[s..e]))
}

/// A capital or city right after "in" or "at" names where something happened ("talks in
/// Doha"), not who acted ("Doha said").
fn is_venue(text: &str, kind: MentionKind, start: usize) -> bool {
    matches!(kind, MentionKind::Capital | MentionKind::City)
        && crate::text::prev_word(text, start).is_some_and(|(s, e)| {
            text.get(e..start) == Some(" ") && matches!(&text[s..e], "in" | "at" | "In" | "At")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn primary(tags: &[CountryTag]) -> Vec<&str> {
        let mut p: Vec<&str> = tags
            .iter()
            .filter(|t| t.primary)
            .map(|t| t.code.as_str())
            .collect();
        p.sort_unstable();
        p
    }

    #[test]
    fn the_host_of_talks_is_not_a_party() {
        let m = CountryMatcher::new();
        let body = "Russian and Ukrainian delegations met in Istanbul on Friday and agreed to \
                    swap prisoners. The Turkish foreign minister chaired the session, Turkish \
                    officials said, and Turkish television showed Russian and Ukrainian \
                    negotiators at one table.";
        assert_eq!(
            primary(&m.extract("Prisoner swap agreed", body)),
            ["RU", "UA"]
        );
        // Named in the title, the host is what the story is about.
        let tags = m.extract("Turkey hosts prisoner talks", body);
        assert!(primary(&tags).contains(&"TR"));
    }
}
