//! Small text helpers shared by the extractors.
//!
//! Every function here takes byte offsets into a `&str` and never panics, whatever the offsets:
//! an offset past the end or inside a multi-byte character is treated as "no character there".

/// True when `byte` can be part of a word (letters, digits, and any non-ASCII byte, so that
/// "Türkiye" is one word).
///
/// A byte-level approximation: it also counts the bytes of curly quotes and dashes as word
/// bytes. Use [`is_word_char`] and [`on_word_boundaries`] where that matters ("Russia’s").
pub fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte >= 0x80
}

/// True when `c` can be part of a word: any alphanumeric character ("ü", "ç", "я", digits).
/// Apostrophes, curly quotes, dashes and spaces of any kind are not.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The character that ends just before byte offset `pos`, if any.
pub fn char_before(text: &str, pos: usize) -> Option<char> {
    text.get(..pos)?.chars().next_back()
}

/// The character that starts at byte offset `pos`, if any.
pub fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..)?.chars().next()
}

/// True when `text[start..end]` does not start or end inside a word. Decodes the characters
/// on both sides, so "Russia’s" (curly apostrophe) and "Russia–Ukraine" (en dash) split, while
/// "Omanis" inside "Romanis" does not.
pub fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before_ok = !char_before(text, start).is_some_and(is_word_char);
    let after_ok = !char_at(text, end).is_some_and(is_word_char);
    before_ok && after_ok
}

fn is_inner_word_char(c: char) -> bool {
    is_word_char(c) || matches!(c, '.' | '-' | '\'' | '’')
}

/// The word that ends at or before `pos`, skipping only spaces in between: a run of word
/// characters with inner ".", "-" and apostrophes, so "Ga." and "Sen." keep their dot. Returns
/// its byte range.
pub fn prev_word(text: &str, pos: usize) -> Option<(usize, usize)> {
    let head = text.get(..pos)?;
    let end = head.trim_end_matches([' ', '\u{a0}']).len();
    let start = head[..end]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_inner_word_char(c))
        .last()
        .map(|(i, _)| i)?;
    let word = &head[start..end];
    let start = start + (word.len() - word.trim_start_matches(|c: char| !is_word_char(c)).len());
    (start < end).then_some((start, end))
}

/// The word that starts at or after `pos`, skipping only spaces in between, with inner ".",
/// "-" and apostrophes (a trailing "-" or apostrophe is dropped, a trailing "." kept). Returns
/// its byte range.
pub fn next_word(text: &str, pos: usize) -> Option<(usize, usize)> {
    let tail = text.get(pos..)?;
    let start = pos + (tail.len() - tail.trim_start_matches([' ', '\u{a0}']).len());
    let rest = text.get(start..)?;
    if !rest.chars().next().is_some_and(is_word_char) {
        return None;
    }
    let len = rest
        .char_indices()
        .find(|&(_, c)| !is_inner_word_char(c))
        .map_or(rest.len(), |(i, _)| i);
    let word = rest[..len].trim_end_matches(['-', '\'', '’']);
    Some((start, start + word.len()))
}

/// True when the first character of `word` is upper case and at least one later letter is
/// lower case ("Michael", not "NATO" nor "the").
pub fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
}

/// True when byte offset `pos` starts a sentence: only spaces, quotes or brackets stand between
/// it and the start of the text, a sentence end (". ! ? :"), or a line break.
pub fn at_sentence_start(text: &str, pos: usize) -> bool {
    let Some(head) = text.get(..pos) else {
        return false;
    };
    for c in head.chars().rev() {
        match c {
            ' ' | '\t' | '\u{a0}' | '"' | '“' | '‘' | '\'' | '(' | '[' | '«' => continue,
            '.' | '!' | '?' | ':' | '\n' | '\r' | '—' | '–' | ';' => return true,
            _ => return false,
        }
    }
    true
}

/// Rounds `pos` down to the nearest char boundary of `text` (and to `text.len()` at most).
pub fn floor_char_boundary(text: &str, pos: usize) -> usize {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// Rounds `pos` up to the nearest char boundary of `text` (and to `text.len()` at most).
pub fn ceil_char_boundary(text: &str, pos: usize) -> usize {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos += 1;
    }
    pos
}

/// `text[start..end]` widened to char boundaries; never panics.
pub fn window(text: &str, start: usize, end: usize) -> &str {
    let s = floor_char_boundary(text, start);
    let e = ceil_char_boundary(text, end).max(s);
    &text[s..e]
}

/// ASCII folding of common Latin letters with diacritics ("Türkiye" -> "Turkiye",
/// "Côte d’Ivoire" keeps its apostrophe). Characters it does not know are kept.
pub fn fold_diacritics(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => 'A',
        'ç' | 'ć' | 'č' | 'ĉ' => 'c',
        'Ç' | 'Ć' | 'Č' => 'C',
        'ď' | 'đ' => 'd',
        'Ď' | 'Đ' => 'D',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => 'E',
        'ğ' => 'g',
        'Ğ' => 'G',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'İ' => 'I',
        'ł' | 'ľ' => 'l',
        'Ł' | 'Ľ' => 'L',
        'ñ' | 'ń' | 'ň' => 'n',
        'Ñ' | 'Ń' | 'Ň' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => 'O',
        'ř' => 'r',
        'Ř' => 'R',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'Ś' | 'Š' | 'Ş' | 'Ș' => 'S',
        'ť' | 'ţ' | 'ț' => 't',
        'Ť' | 'Ţ' | 'Ț' => 'T',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        'ź' | 'ż' | 'ž' => 'z',
        'Ź' | 'Ż' | 'Ž' => 'Z',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_decode_unicode_punctuation() {
        let t = "Russia’s war, Russia–Ukraine, Romanis";
        assert!(on_word_boundaries(t, 0, 6));
        let i = t.find("Russia–").unwrap();
        assert!(on_word_boundaries(t, i, i + 6));
        let j = t.find("Romanis").unwrap();
        assert!(!on_word_boundaries(t, j + 1, j + 5));
        // Out of range or inside a character: no panic.
        assert!(on_word_boundaries(t, 1000, 2000));
        assert!(on_word_boundaries(t, 7, 8) || !on_word_boundaries(t, 7, 8));
    }

    #[test]
    fn words_around_a_position() {
        let t = "said Michael Jordan Smith, in Atlanta, Ga. today";
        let j = t.find("Jordan").unwrap();
        let (s, e) = prev_word(t, j).unwrap();
        assert_eq!(&t[s..e], "Michael");
        let (s, e) = next_word(t, j + 6).unwrap();
        assert_eq!(&t[s..e], "Smith");
        assert!(next_word(t, t.len()).is_none());
        assert!(prev_word(t, 0).is_none());
        assert!(is_capitalised("Michael") && !is_capitalised("NATO") && !is_capitalised("the"));
    }

    #[test]
    fn sentence_starts() {
        let t = "He left. Turkey said \"China wins\"";
        assert!(at_sentence_start(t, 0));
        assert!(at_sentence_start(t, t.find("Turkey").unwrap()));
        assert!(!at_sentence_start(t, t.find("said").unwrap()));
    }

    #[test]
    fn folding_and_boundaries() {
        assert_eq!(
            fold_diacritics("Türkiye Côte d’Ivoire São Tomé"),
            "Turkiye Cote d’Ivoire Sao Tome"
        );
        let t = "añb";
        assert_eq!(floor_char_boundary(t, 2), 1);
        assert_eq!(ceil_char_boundary(t, 2), 3);
        assert_eq!(window(t, 2, 2), "ñ");
        assert_eq!(window(t, 0, 99), t);
    }
}
