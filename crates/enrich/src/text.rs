//! Small text helpers shared by the extractors.

/// True when `byte` can be part of a word (letters, digits, and any non-ASCII byte, so that
/// "Türkiye" is one word).
pub fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte >= 0x80
}

/// True when `text[start..end]` does not start or end inside a word.
pub fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let before_ok = start == 0 || !is_word_byte(bytes[start - 1]);
    let after_ok = end >= bytes.len() || !is_word_byte(bytes[end]);
    before_ok && after_ok
}
