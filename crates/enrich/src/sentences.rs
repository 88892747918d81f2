//! A small, allocation-light sentence splitter for news text.
//!
//! Wire copy is well punctuated, so a rule splitter does well: a sentence ends at `.`, `!` or `?`
//! (optionally followed by closing quotes or brackets) when whitespace and then an upper-case
//! letter, a digit or an opening quote follow, unless the full stop ends a known abbreviation
//! ("Mr.", "Aug.", "U.S.") or a single initial. A blank line or a line break always ends a
//! sentence (headlines, datelines and paragraphs).

use std::cell::OnceCell;

use newswire_model::Field;

/// An article's title and body with their sentences, split on first use: the weapons context
/// rule and the sanctions rules read the same sentences, and splitting is paid once.
pub(crate) struct Fields<'a> {
    title: &'a str,
    body: &'a str,
    sentences: [OnceCell<Vec<(usize, usize)>>; 2],
}

impl<'a> Fields<'a> {
    pub(crate) fn new(title: &'a str, body: &'a str) -> Fields<'a> {
        Fields {
            title,
            body,
            sentences: [OnceCell::new(), OnceCell::new()],
        }
    }

    /// The text of `field`.
    pub(crate) fn text(&self, field: Field) -> &'a str {
        match field {
            Field::Title => self.title,
            Field::Body => self.body,
        }
    }

    /// The sentences of `field`, as [`split`] gives them.
    pub(crate) fn sentences(&self, field: Field) -> &[(usize, usize)] {
        let slot = usize::from(field == Field::Body);
        self.sentences[slot].get_or_init(|| split(self.text(field)))
    }
}

/// Byte ranges `[start, end)` of the sentences of `text`, trimmed of surrounding whitespace.
pub(crate) fn split(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 64 + 1);
    let mut start = 0usize;
    let mut i = 0usize;
    // Jump from one line break or end mark to the next.
    while let Some(next) = next_mark(bytes, i) {
        i = next;
        let b = bytes[i];
        if b == b'\n' {
            push_trimmed(text, start, i, &mut out);
            start = i + 1;
        } else if matches!(b, b'.' | b'!' | b'?') {
            // Closing quotes/brackets belong to the sentence.
            let mut end = i + 1;
            loop {
                if end < bytes.len() && matches!(bytes[end], b'"' | b'\'' | b')' | b']') {
                    end += 1;
                } else if text[end..].starts_with('\u{201d}') || text[end..].starts_with('\u{2019}')
                {
                    end += 3;
                } else {
                    break;
                }
            }
            if is_boundary(text, i, end) {
                push_trimmed(text, start, end, &mut out);
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    push_trimmed(text, start, bytes.len(), &mut out);
    out
}

/// The first line break or end mark (`.`, `!`, `?`) at or after `from`, eight bytes at a time
/// (a byte-by-byte search was a tenth of the weapons stage on dense articles).
fn next_mark(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of each zero byte of `y`; bytes above the first zero may be marked wrongly,
    // which the lowest set bit is not.
    let zero = |y: u64| y.wrapping_sub(ONES) & !y & HIGH;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i.saturating_add(8)) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(chunk);
        let found = zero(x ^ (ONES * u64::from(b'\n')))
            | zero(x ^ (ONES * u64::from(b'.')))
            | zero(x ^ (ONES * u64::from(b'!')))
            | zero(x ^ (ONES * u64::from(b'?')));
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let rest = bytes.get(i..)?;
    rest.iter()
        .position(|&b| matches!(b, b'\n' | b'.' | b'!' | b'?'))
        .map(|k| i + k)
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    if start >= end {
        return;
    }
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if lead + trail < slice.len() {
        out.push((start + lead, end - trail));
    }
}

/// Whether the punctuation at `punct` (sentence text up to `end`) ends a sentence.
fn is_boundary(text: &str, punct: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    // Need whitespace after.
    let mut j = end;
    let mut saw_space = false;
    while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t' || bytes[j] == b'\r') {
        j += 1;
        saw_space = true;
    }
    if j >= bytes.len() {
        return true;
    }
    if bytes[j] == b'\n' {
        return true;
    }
    if !saw_space {
        return false;
    }
    let next = text[j..].chars().next().unwrap_or(' ');
    let opens = next.is_uppercase()
        || next.is_ascii_digit()
        || matches!(next, '"' | '\'' | '(' | '[' | '\u{201c}' | '\u{2018}');
    if !opens {
        return false;
    }
    if bytes[punct] != b'.' {
        return true;
    }
    // The word that the full stop ends; the space before it may be wider than a byte
    // (U+2000 and its kin).
    let word_start = text[..punct]
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '(' || c == '"')
        .map_or(0, |(p, c)| p + c.len_utf8());
    let word = &text[word_start..punct];
    if word.is_empty() {
        return true;
    }
    // Initials and dotted abbreviations: "U.S", "J", "e.g".
    if word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase()) {
        return false;
    }
    if word.contains('.') && word.len() <= 6 {
        // "U.S." ends a sentence only when the next word is clearly a sentence opener; we cannot
        // know, so keep "U.S." inside when followed by an upper-case word that is not a common
        // sentence opener.
        return OPENERS.contains(&next_word(text, j));
    }
    // A month or a company suffix can end a sentence ("a campaign launched in Feb.", "... Co.,
    // Ltd. In 2022, ..."); inside one it is followed by a day, a year or a name, not an opener.
    if CAN_END.contains(&word) {
        return OPENERS.contains(&next_word(text, j));
    }
    !ABBREVIATIONS.contains(&word)
}

/// The alphanumeric word starting at byte `j`.
fn next_word(text: &str, j: usize) -> &str {
    let rest = &text[j..];
    let end = rest
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(rest.len(), |(k, _)| k);
    &rest[..end]
}

/// Abbreviations that also end sentences: months and company suffixes.
const CAN_END: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Corp",
    "Inc", "Ltd", "Co", "Plc", "LLC",
];

const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Lt", "Col", "Maj", "Capt", "Cmdr", "Adm", "Sgt",
    "Rep", "Sen", "Gov", "Pres", "St", "Jr", "Sr", "No", "Nos", "vs", "Mt", "approx", "Fig", "Ave",
    "Rd",
];

const OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "In",
    "On",
    "But",
    "And",
    "This",
    "That",
    "These",
    "Those",
    "Its",
    "His",
    "Her",
    "Their",
    "There",
    "After",
    "Before",
    "When",
    "While",
    "Meanwhile",
    "However",
    "Last",
    "Earlier",
    "Later",
];

#[cfg(test)]
mod tests {
    use super::{next_mark, split};

    #[test]
    fn a_wide_space_before_the_last_word_is_no_panic() {
        // U+2000 (three bytes) before the word a full stop ends: found by cargo-fuzz.
        let text = "It was signed.\u{2000}S. The deal.";
        let spans = split(text);
        assert!(!spans.is_empty());
        assert!(spans.iter().all(|&(a, b)| text.get(a..b).is_some()));
    }

    #[test]
    fn the_mark_search_agrees_with_a_byte_scan_at_every_offset() {
        let texts = [
            "Sanctions were imposed. Who? Nobody!\nNext line.",
            "no marks here at all, none whatsoever",
            "\u{201c}Quoted.\u{201d} \u{00e9}t\u{00e9}! ?\n\n..",
            "",
            ".",
            "abcdefg.",
            "abcdefgh.",
        ];
        for t in texts {
            let b = t.as_bytes();
            for from in 0..=b.len() + 1 {
                let slow = b
                    .get(from..)
                    .and_then(|r| r.iter().position(|c| b"\n.!?".contains(c)))
                    .map(|k| from + k);
                assert_eq!(next_mark(b, from), slow, "{t:?} from {from}");
            }
        }
    }

    fn sentences(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn splits_on_full_stops_and_lines() {
        let t = "Russia fired missiles. Ukraine said it shot them down!\nNew paragraph here";
        assert_eq!(
            sentences(t),
            vec![
                "Russia fired missiles.",
                "Ukraine said it shot them down!",
                "New paragraph here"
            ]
        );
    }

    #[test]
    fn keeps_abbreviations_inside() {
        let t = "Mr. Biden met Gen. Smith on Aug. 16 in the U.S. Capitol. He left.";
        assert_eq!(
            sentences(t),
            vec![
                "Mr. Biden met Gen. Smith on Aug. 16 in the U.S. Capitol.",
                "He left."
            ]
        );
    }

    #[test]
    fn un_stays_inside_the_sentence() {
        // The sanctions rules read "U.N." as the UN; a split inside it would lose the actor.
        let t = "It shipped coal in violation of U.N. resolutions and the U.N. Security Council \
                 said so. China denied it.";
        assert_eq!(
            sentences(t),
            vec![
                "It shipped coal in violation of U.N. resolutions and the U.N. Security Council \
                 said so.",
                "China denied it."
            ]
        );
    }

    #[test]
    fn dotted_abbreviation_can_end_a_sentence() {
        let t = "Turkey angered the U.S. The sanctions followed.";
        assert_eq!(
            sentences(t),
            vec!["Turkey angered the U.S.", "The sanctions followed."]
        );
    }

    #[test]
    fn a_company_suffix_or_a_month_can_end_a_sentence() {
        let t = "The refinery is Luqing Petrochemical Co., Ltd. In 2023 it was listed. The plan \
                 dates from Feb. The envoy left on Feb. 21 for Rome. Acme Inc. The firm sued.";
        assert_eq!(
            sentences(t),
            vec![
                "The refinery is Luqing Petrochemical Co., Ltd.",
                "In 2023 it was listed.",
                "The plan dates from Feb.",
                "The envoy left on Feb. 21 for Rome.",
                "Acme Inc.",
                "The firm sued."
            ]
        );
        // Inside a sentence they stay: "Co. Ltd", "Inc. said", "Oct. 3".
        let t = "Sinopec Co. Ltd said on Oct. 3 that Acme Inc. Chairman Lee resigned.";
        assert_eq!(sentences(t), vec![t]);
    }

    #[test]
    fn quotes_close_the_sentence() {
        let t = "He said: \u{201c}It is signed.\u{201d} Then he left.";
        assert_eq!(
            sentences(t),
            vec!["He said: \u{201c}It is signed.\u{201d}", "Then he left."]
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        for t in [
            "",
            ".",
            "...",
            "\u{201d}.\u{201d}",
            "a.\u{2019}",
            "é. É",
            "?!\n\n. x",
        ] {
            let _ = split(t);
        }
    }
}
