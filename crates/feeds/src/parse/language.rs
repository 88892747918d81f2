//! Languages: the declared one confirmed by function words, or detected (whatlang).

use std::sync::OnceLock;

/// `en-US`, `EN`, `en_gb` -> `en`. Anything that is not a 2-letter primary tag -> None.
pub fn normalise_lang(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (primary.len() == 2 && primary.chars().all(|c| c.is_ascii_lowercase())).then_some(primary)
}

/// The article's language: the declared one (entry, else feed) when the text's function words
/// confirm it, else whatlang's reliable guess, else the declared one, else whatlang's guess.
/// The confirmation is a cheap check that spares the detector (half the parse time otherwise)
/// for the common case of a feed that declares its language correctly.
pub fn resolve_language(declared: Option<&str>, title: &str, text: &str) -> Option<String> {
    if let Some(d) = declared {
        if function_words_confirm(d, title, text) {
            return Some(d.to_string());
        }
    }
    match detect_language(title, text) {
        Some((lang, true)) => Some(lang),
        guess => declared.map(str::to_string).or(guess.map(|(l, _)| l)),
    }
}

/// Frequent function words of the languages whose declaration can be confirmed cheaply.
const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "of", "to", "in", "is", "that", "for", "on", "with", "said", "was", "as",
            "by", "it", "from", "has", "have", "are", "be", "a", "an", "at", "its", "will", "were",
            "would", "after", "which", "who",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "des", "et", "est", "une", "dans", "que", "pour", "du", "au", "qui",
            "sur", "il", "pas", "ce", "sont", "aux", "avec",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "das", "den", "ist", "nicht", "mit", "von", "auf", "sich", "des",
            "ein", "eine", "dem", "zu", "im", "wird", "auch", "sie",
        ],
    ),
    (
        "es",
        &[
            "el", "los", "las", "y", "del", "por", "con", "una", "para", "se", "es", "al", "lo",
            "como", "su", "más", "pero", "sus", "fue", "ha",
        ],
    ),
    (
        "it",
        &[
            "il", "di", "che", "e", "per", "della", "un", "non", "sono", "gli", "nel", "alla",
            "del", "si", "è", "ha", "le", "dei", "anche", "come",
        ],
    ),
    (
        "pt",
        &[
            "o", "os", "as", "do", "da", "em", "um", "uma", "com", "não", "no", "na", "dos", "das",
            "ao", "foi", "mais", "pelo", "pela", "são",
        ],
    ),
    (
        "nl",
        &[
            "het", "een", "van", "en", "is", "dat", "op", "te", "voor", "met", "niet", "zijn",
            "die", "aan", "ook", "bij", "er", "wordt", "werd", "naar",
        ],
    ),
];

/// Whether the first words of the text use the declared language's function words clearly more
/// than any other listed language's (at least 12% of words, 1.5 times the runner-up).
fn function_words_confirm(declared: &str, title: &str, text: &str) -> bool {
    let Some(idx) = FUNCTION_WORDS.iter().position(|(l, _)| *l == declared) else {
        return false;
    };
    let mut counts = [0usize; FUNCTION_WORDS.len()];
    let mut words = 0usize;
    for w in words_of(title).chain(words_of(text)).take(120) {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if w.is_empty() {
            continue;
        }
        words += 1;
        let mask = function_word_languages(w);
        for (i, count) in counts.iter_mut().enumerate() {
            *count += usize::from(mask & (1 << i) != 0);
        }
    }
    if words < 20 {
        return false;
    }
    let mine = counts[idx];
    let best_other = counts
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != idx)
        .map(|(_, c)| *c)
        .max()
        .unwrap_or(0);
    mine * 100 >= words * 12 && mine * 2 >= best_other * 3
}

/// The whitespace-separated words of `s` (as `split_whitespace`, with a byte scan).
fn words_of(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        match crate::text::next_whitespace(rest, 0) {
            None => return Some(std::mem::take(&mut rest)),
            Some((at, len)) => {
                let word = &rest[..at];
                rest = &rest[at + len..];
                if !word.is_empty() {
                    return Some(word);
                }
            }
        }
    })
}

/// A word of at most 8 bytes as a number (zero-padded; words hold no NUL).
fn pack_word(w: &[u8]) -> Option<u64> {
    let mut buf = [0u8; 8];
    buf.get_mut(..w.len())?.copy_from_slice(w);
    Some(u64::from_be_bytes(buf))
}

/// The languages (bit i: `FUNCTION_WORDS[i]`) that have `word`, compared lower-cased, as a
/// function word. Words packed into numbers and an open-addressing table: this runs for every
/// word of every entry's opening, and string hashing or a binary search was a tenth of the
/// parse time.
fn function_word_languages(word: &str) -> u8 {
    let key = if word.is_ascii() {
        if word.len() > 8 {
            return 0;
        }
        let mut buf = [0u8; 8];
        buf[..word.len()].copy_from_slice(word.as_bytes());
        buf.make_ascii_lowercase();
        u64::from_be_bytes(buf)
    } else {
        // Lower-casing shrinks a character to no less than a third of its bytes (Kelvin sign).
        if word.len() > 24 {
            return 0;
        }
        match pack_word(word.to_lowercase().as_bytes()) {
            Some(k) => k,
            None => return 0,
        }
    };
    function_word_table().get(key)
}

/// Packed function words and their language bits, by linear probing (0 marks a free slot:
/// a packed word is never 0).
struct WordTable {
    slots: Vec<(u64, u8)>,
}

impl WordTable {
    const BITS: u32 = 10;

    fn slot(key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::BITS)) as usize
    }

    fn get(&self, key: u64) -> u8 {
        let mask = self.slots.len() - 1;
        let mut i = Self::slot(key);
        loop {
            match self.slots[i] {
                (0, _) => return 0,
                (k, langs) if k == key => return langs,
                _ => i = (i + 1) & mask,
            }
        }
    }
}

fn function_word_table() -> &'static WordTable {
    static TABLE: OnceLock<WordTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = WordTable {
            slots: vec![(0, 0); 1 << WordTable::BITS],
        };
        let mask = t.slots.len() - 1;
        for (lang, (_, list)) in FUNCTION_WORDS.iter().enumerate() {
            for key in list.iter().filter_map(|w| pack_word(w.as_bytes())) {
                let mut i = WordTable::slot(key);
                while t.slots[i].0 != 0 && t.slots[i].0 != key {
                    i = (i + 1) & mask;
                }
                t.slots[i].0 = key;
                t.slots[i].1 |= 1 << lang;
            }
        }
        t
    })
}

/// Detected ISO 639-1 language and whether the detection is reliable.
pub fn detect_language(title: &str, text: &str) -> Option<(String, bool)> {
    let mut sample = String::with_capacity(512);
    sample.push_str(title);
    sample.push('\n');
    // A few hundred characters are enough for a reliable guess and keep detection cheap.
    let mut end = text.len().min(400);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    sample.push_str(&text[..end]);
    if sample.trim().len() < 20 {
        return None;
    }
    let info = whatlang::detect(&sample)?;
    let code = iso639_1(info.lang().code())?;
    Some((code.to_string(), info.is_reliable()))
}

fn iso639_1(code3: &str) -> Option<&'static str> {
    Some(match code3 {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" => "cs",
        "cmn" => "zh",
        "dan" => "da",
        "deu" => "de",
        "ell" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" => "nl",
        "nob" => "nb",
        "ori" => "or",
        "pan" => "pa",
        "pes" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_split_whitespace() {
        for s in [
            "",
            "  ",
            "one",
            " The  cat\tsat\n",
            "a\u{a0}b\u{3000}c\u{200b}d",
            "è\u{2003}più  ",
        ] {
            let ours: Vec<&str> = words_of(s).collect();
            let std: Vec<&str> = s.split_whitespace().collect();
            assert_eq!(ours, std, "{s:?}");
        }
    }

    #[test]
    fn function_words_are_found_in_any_case() {
        let en = 1
            << FUNCTION_WORDS
                .iter()
                .position(|(l, _)| *l == "en")
                .unwrap_or(0);
        assert_eq!(function_word_languages("The") & en, en);
        assert_eq!(function_word_languages("WOULD") & en, en);
        assert_eq!(function_word_languages("thesaurus"), 0);
        let pt = 1
            << FUNCTION_WORDS
                .iter()
                .position(|(l, _)| *l == "pt")
                .unwrap_or(0);
        assert_eq!(function_word_languages("NÃO") & pt, pt);
        // "is" is English and Dutch; "die" German and Dutch.
        assert_eq!(function_word_languages("is").count_ones(), 2);
        assert_eq!(function_word_languages("Die").count_ones(), 2);
    }
}
