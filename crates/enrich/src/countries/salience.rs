//! Salience: how central each country is to the article, and which ones it is about.
//!
//! # Score
//! Every mention adds `kind weight × position weight` to its country's raw score:
//!
//! | kind | weight | | position | weight |
//! |---|---|---|---|---|
//! | name, abbreviation, seat | 1.0 | | title | 2.5 |
//! | former name | 0.9 | | lead (first sentence of the body) | 2.0 |
//! | demonym, capital | 0.8 | | rest of the body | 1.5 at its start, falling linearly to 0.5 at its end |
//! | city | 0.4 | | | |
//! | dateline | 0.2 | | | |
//!
//! `salience` is the raw score divided by the highest raw score in the article (so the most
//! salient country has 1.0), rounded to three decimals.
//!
//! # Primary
//! A country is primary when it has at least one *strong* mention (any kind but city and
//! dateline) and one of these holds:
//! 1. a strong mention in the title;
//! 2. a strong mention in the lead;
//! 3. salience of at least [`PRIMARY_SALIENCE`];
//! 4. at least two strong mentions, the first within the first [`EARLY_FRACTION`] of the body,
//!    and salience of at least [`EARLY_MIN_SALIENCE`] (the inverted pyramid: what the story
//!    brings up early and returns to is what it is about).
//!
//! A dateline alone never makes a country primary, nor do city mentions alone. A title mention
//! after a place preposition ("Russia and China hold drills near Japan") is not strong: it says
//! where, like a venue, so a country named only there is not primary by itself.

use newswire_model::{Field, MentionKind};

/// Salience from which a country with a strong mention is primary whatever its positions.
pub const PRIMARY_SALIENCE: f64 = 0.5;
/// Fraction of the body within which a first mention counts as early.
pub const EARLY_FRACTION: f64 = 0.4;
/// Least salience for the "early and repeated" rule.
pub const EARLY_MIN_SALIENCE: f64 = 0.1;

/// How much one mention of this kind counts towards salience: names most, cities least.
pub fn kind_weight(kind: MentionKind) -> f64 {
    match kind {
        MentionKind::Name | MentionKind::Abbreviation | MentionKind::Seat => 1.0,
        MentionKind::FormerName => 0.9,
        MentionKind::Demonym | MentionKind::Capital => 0.8,
        MentionKind::City => 0.4,
        MentionKind::Dateline => 0.2,
        MentionKind::Alias | MentionKind::ReportingName => 0.0,
    }
}

/// True for mentions that can make a country primary.
pub fn is_strong(kind: MentionKind) -> bool {
    !matches!(
        kind,
        MentionKind::City | MentionKind::Dateline | MentionKind::Alias | MentionKind::ReportingName
    )
}

/// Where the body's lead ends: the end of its first sentence after `from` (the end of the
/// dateline, or 0), at most 400 bytes on.
pub fn lead_end(body: &str, from: usize) -> usize {
    let from = crate::text::floor_char_boundary(body, from);
    let limit = crate::text::floor_char_boundary(body, from.saturating_add(400));
    let rest = &body[from..limit];
    let bytes = rest.as_bytes();
    // Sentence ends are ASCII, so a byte scan finds them without decoding characters.
    for (i, &c) in bytes.iter().enumerate() {
        let end = i + 1;
        match c {
            b'\n' if i > 0 && rest[..i].trim().len() > 1 => return from + i,
            b'.' | b'!' | b'?' => {
                let next = bytes.get(end).copied();
                let after = bytes.get(end + 1).copied();
                let spaced = next.is_none() || next == Some(b' ') || next == Some(b'\n');
                let then_upper = after
                    .is_none_or(|b| b.is_ascii_uppercase() || b == b'"' || b >= 0x80)
                    || next == Some(b'\n')
                    || next.is_none();
                if spaced && then_upper && !is_abbreviation(&rest[..i]) {
                    return from + end;
                }
            }
            _ => {}
        }
    }
    from + rest.len()
}

/// True when the word before a "." is an abbreviation ("U.S", "Mr", "Gen", "Aug"), so the dot
/// does not end the sentence.
fn is_abbreviation(before_dot: &str) -> bool {
    let word = before_dot
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"')
        .next()
        .unwrap_or("");
    if word.contains('.') || (word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase())) {
        return true;
    }
    const ABBR: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Adm", "Sen", "Rep",
        "Gov", "St", "No", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
        "Nov", "Dec", "Prof", "Rev", "Jr", "Sr", "Inc", "Corp", "Co", "vs", "approx",
    ];
    ABBR.contains(&word)
}

/// Position weight of a mention.
pub fn position_weight(field: Field, start: usize, body_len: usize, lead_end: usize) -> f64 {
    match field {
        Field::Title => 2.5,
        Field::Body if start < lead_end => 2.0,
        Field::Body => {
            let rel = if body_len == 0 {
                0.0
            } else {
                start as f64 / body_len as f64
            };
            1.5 - rel.clamp(0.0, 1.0)
        }
    }
}

/// What the scorer needs to know about one mention.
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    /// Title or body, which weighs the mention by position.
    pub field: Field,
    /// Byte offset of the mention's start in its field.
    pub start: usize,
    /// Byte offset just past the mention's end.
    pub end: usize,
    /// How the country is named, which sets its weight.
    pub kind: MentionKind,
    /// A capital or city used as a venue ("talks in Doha"): it says where, not who.
    pub venue: bool,
    /// A title mention after a place preposition ("... near Japan", "... off Somalia").
    pub locative: bool,
}

impl Scored {
    /// Can make its country primary: not a city, dateline or venue, nor a place in the title
    /// ("... near Japan").
    pub fn strong(&self) -> bool {
        is_strong(self.kind) && !self.venue && !(self.field == Field::Title && self.locative)
    }
}

/// Raw score of one country's mentions.
pub fn raw_score(mentions: &[Scored], body_len: usize, lead_end: usize) -> f64 {
    mentions
        .iter()
        .map(|m| kind_weight(m.kind) * position_weight(m.field, m.start, body_len, lead_end))
        .sum()
}

/// One country's mentions and normalised salience, as the primary rule sees them.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The country's mentions, in text order.
    pub mentions: &'a [Scored],
    /// Its salience after normalisation, 0..=1.
    pub salience: f64,
}

/// The primary rule (see the module docs): one flag per candidate, in the same order.
pub fn primaries(countries: &[Candidate<'_>], body: &str, lead_end: usize) -> Vec<bool> {
    let body_len = body.len();
    let any_strong = countries
        .iter()
        .any(|c| c.mentions.iter().any(Scored::strong));
    let subjects = lead_subjects(countries, body, lead_end);
    countries
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let strong = || c.mentions.iter().filter(|m| m.strong());
            if !c.mentions.iter().any(|m| m.kind != MentionKind::Dateline) {
                return false;
            }
            if !any_strong {
                // Only cities and regions: the article is about where it happens.
                return c.salience >= 1.0;
            }

            if strong().any(|m| m.field == Field::Title) || subjects.contains(&i) {
                return true;
            }
            let count = strong().count();
            if count >= 2 && c.salience >= PRIMARY_SALIENCE {
                return true;
            }
            let first = strong()
                .filter(|m| m.field == Field::Body)
                .map(|m| m.start)
                .min();
            let early = first.is_some_and(|s| (s as f64) <= EARLY_FRACTION * body_len as f64);
            early && count >= 2 && c.salience >= EARLY_MIN_SALIENCE
        })
        .collect()
}

/// The subject of the lead: the country of its first strong mention, and the countries
/// coordinated with it ("Lithuania, Latvia and Estonia said", "Russia and Ukraine's").
fn lead_subjects(countries: &[Candidate<'_>], body: &str, lead_end: usize) -> Vec<usize> {
    // Every non-dateline mention in the lead, strong or not: a venue that opens the lead
    // ("A court in Tunis ...") is not the subject, but it keeps a later name from being one.
    let mut in_lead: Vec<(usize, usize, usize, bool)> = countries
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            c.mentions
                .iter()
                .filter(|m| {
                    m.kind != MentionKind::Dateline && m.field == Field::Body && m.start < lead_end
                })
                .map(move |m| (m.start, m.end, i, m.strong()))
        })
        .collect();
    in_lead.sort_unstable();
    let mut subjects = Vec::new();
    let mut prev_end = None;
    for (start, end, i, strong) in in_lead {
        match prev_end {
            None => {}
            Some(pe) => {
                let gap = body.get(pe..start).unwrap_or("x");
                let gap = gap
                    .strip_prefix("'s")
                    .or_else(|| gap.strip_prefix("’s"))
                    .unwrap_or(gap);
                if !matches!(
                    gap,
                    ", " | " and " | ", and " | " & " | " and the " | ", the " | " or "
                ) {
                    break;
                }
            }
        }
        // A weak first mention ("Militants in the Niger Delta ... in Nigeria") still names the
        // subject when the lead also names that country strongly.
        let named_in_lead = strong
            || countries[i]
                .mentions
                .iter()
                .any(|m| m.strong() && m.field == Field::Body && m.start < lead_end);
        if named_in_lead && !subjects.contains(&i) {
            subjects.push(i);
        }
        prev_end = Some(end);
    }
    subjects
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_is_the_first_sentence() {
        let body = "The U.S. and Gen. Smith met on Aug. 16 in Ankara. Later, Russia spoke.";
        let end = lead_end(body, 0);
        assert_eq!(
            &body[..end],
            "The U.S. and Gen. Smith met on Aug. 16 in Ankara."
        );
        assert_eq!(lead_end("", 0), 0);
        assert_eq!(lead_end("no end", 0), 6);
        assert_eq!(lead_end("añ", 2), 3);
    }

    #[test]
    fn title_beats_body_and_names_beat_cities() {
        let t = position_weight(Field::Title, 0, 100, 10);
        let lead = position_weight(Field::Body, 5, 100, 10);
        let late = position_weight(Field::Body, 90, 100, 10);
        assert!(t > lead && lead > late);
        assert!(kind_weight(MentionKind::Name) > kind_weight(MentionKind::City));
    }

    #[test]
    fn dateline_never_primary_cities_only_when_nothing_else() {
        let m = [Scored {
            field: Field::Body,
            start: 0,
            end: 6,
            kind: MentionKind::Dateline,
            venue: false,
            locative: false,
        }];
        let cand = |m| Candidate {
            mentions: m,
            salience: 1.0,
        };
        let body = "x".repeat(100);
        assert_eq!(primaries(&[cand(&m)], &body, 10), [false]);
        let c = [Scored {
            field: Field::Title,
            start: 0,
            end: 6,
            kind: MentionKind::City,
            venue: false,
            locative: false,
        }];
        let other = [Scored {
            field: Field::Body,
            start: 2,
            end: 8,
            kind: MentionKind::Name,
            venue: false,
            locative: false,
        }];
        let both = [
            cand(&c),
            Candidate {
                mentions: &other,
                salience: 0.3,
            },
        ];
        // A city in the title does not make its country primary when another is named...
        assert_eq!(primaries(&both, &body, 10), [false, true]);
        // ... but an article that names no country, only places, is about where it happens.
        assert_eq!(primaries(&[cand(&c)], &body, 10), [true]);
    }

    #[test]
    fn lead_subject_and_coordination() {
        let body = "Lithuania, Latvia and Estonia said they would leave, citing Russia.";
        let at = |w: &str| body.find(w).unwrap();
        let m = |w: &str| Scored {
            field: Field::Body,
            start: at(w),
            end: at(w) + w.len(),
            kind: MentionKind::Name,
            venue: false,
            locative: false,
        };
        let (lt, lv, ee, ru) = (
            [m("Lithuania")],
            [m("Latvia")],
            [m("Estonia")],
            [m("Russia")],
        );
        let c = |mentions| Candidate {
            mentions,
            salience: 1.0,
        };
        let lead = lead_end(body, 0);
        assert_eq!(
            primaries(&[c(&lt), c(&lv), c(&ee), c(&ru)], body, lead),
            [true, true, true, false]
        );
    }
}
