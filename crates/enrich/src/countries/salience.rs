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
//! A dateline alone never makes a country primary, nor do city mentions alone.

use newswire_model::{Field, MentionKind};

/// Salience from which a country with a strong mention is primary whatever its positions.
pub const PRIMARY_SALIENCE: f64 = 0.5;
/// Fraction of the body within which a first mention counts as early.
pub const EARLY_FRACTION: f64 = 0.4;
/// Least salience for the "early and repeated" rule.
pub const EARLY_MIN_SALIENCE: f64 = 0.1;

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
    for (i, c) in rest.char_indices() {
        let end = i + c.len_utf8();
        match c {
            '\n' if i > 0 && rest[..i].trim().len() > 1 => return from + i,
            '.' | '!' | '?' => {
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
    pub field: Field,
    pub start: usize,
    pub kind: MentionKind,
}

/// Raw score of one country's mentions.
pub fn raw_score(mentions: &[Scored], body_len: usize, lead_end: usize) -> f64 {
    mentions
        .iter()
        .map(|m| kind_weight(m.kind) * position_weight(m.field, m.start, body_len, lead_end))
        .sum()
}

/// The primary rule (see the module docs). `salience` is already normalised.
pub fn is_primary(mentions: &[Scored], salience: f64, body_len: usize, lead_end: usize) -> bool {
    let strong = || mentions.iter().filter(|m| is_strong(m.kind));
    if strong().next().is_none() {
        return false;
    }
    if strong().any(|m| m.field == Field::Title || m.start < lead_end) {
        return true;
    }
    if salience >= PRIMARY_SALIENCE {
        return true;
    }
    let first = strong()
        .filter(|m| m.field == Field::Body)
        .map(|m| m.start)
        .min();
    let early = first.is_some_and(|s| (s as f64) <= EARLY_FRACTION * body_len as f64);
    early && strong().count() >= 2 && salience >= EARLY_MIN_SALIENCE
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
    fn dateline_or_cities_alone_never_primary() {
        let m = [Scored {
            field: Field::Body,
            start: 0,
            kind: MentionKind::Dateline,
        }];
        assert!(!is_primary(&m, 1.0, 100, 10));
        let c = [Scored {
            field: Field::Title,
            start: 0,
            kind: MentionKind::City,
        }];
        assert!(!is_primary(&c, 1.0, 100, 10));
    }
}
