//! Word tokens for the sanctions rules.
//!
//! Words are runs of alphanumeric characters; a dot between letters stays inside ("U.S"), a
//! slash between digits stays inside ("833/2014"). Hyphens split words but are remembered
//! (`hyphen_before`), so "FIFA-sanctioned" is "fifa" + "sanctioned" with a hyphen before the
//! second. "n't" and the possessive "'s" (straight or curly apostrophe) are tokens of their own.
//! Commas, semicolons, colons, brackets and dashes are punctuation tokens.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    /// Byte offsets in the field text.
    pub start: usize,
    pub end: usize,
    /// "n't" or "'s" for the split-off contraction and possessive; otherwise the word is the
    /// text itself, lower-cased (see [`words`]).
    pub special: Option<&'static str>,
    pub hyphen_before: bool,
    pub punct: bool,
}

/// The lower-cased words of `toks`: slices of `lower`, the ASCII-lower-cased copy of the text
/// that was tokenised with offset `base`.
pub(crate) fn words<'a>(toks: &[Tok], lower: &'a str, base: usize) -> Vec<&'a str> {
    toks.iter()
        .map(|t| {
            t.special
                .unwrap_or_else(|| lower.get(t.start - base..t.end - base).unwrap_or(""))
        })
        .collect()
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// The character starting at byte `i` and its length; ASCII without decoding.
#[inline]
pub(crate) fn at(text: &str, i: usize) -> Option<(char, usize)> {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => Some((char::from(b), 1)),
        Some(_) => {
            let c = text.get(i..)?.chars().next()?;
            Some((c, c.len_utf8()))
        }
        None => None,
    }
}

/// The character ending at byte `i`.
#[inline]
fn before(text: &str, i: usize) -> Option<char> {
    match i.checked_sub(1).map(|p| text.as_bytes()[p]) {
        Some(b) if b < 0x80 => Some(char::from(b)),
        Some(_) => text.get(..i)?.chars().next_back(),
        None => None,
    }
}

/// The character after the one starting at byte `i`.
#[inline]
fn after(text: &str, i: usize) -> Option<char> {
    let (_, len) = at(text, i)?;
    at(text, i + len).map(|(c, _)| c)
}

/// The ASCII letters and digits, as a table: one load per byte in the word loop.
const ASCII_ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The length of the run of ASCII letters and digits that `bytes` starts with.
#[inline]
pub(crate) fn ascii_alnum_run(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| !ASCII_ALNUM[usize::from(b)])
        .unwrap_or(bytes.len())
}

/// Tokens of `text`, with offsets shifted by `base`. Walks bytes, decoding only non-ASCII
/// characters.
pub(crate) fn tokenize(text: &str, base: usize) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(text.len() / 5 + 1);
    let mut i = 0usize;
    let mut hyphen = false;
    while let Some(&b) = text.as_bytes().get(i) {
        // ASCII letters, digits and spaces, most of any text, without decoding.
        if ASCII_ALNUM[usize::from(b)] {
            i = word(text, i, base, hyphen, &mut out);
            hyphen = false;
            continue;
        }
        if b == b' ' {
            hyphen = false;
            i += 1;
            continue;
        }
        let Some((c, len)) = at(text, i) else {
            break;
        };
        if c.is_alphanumeric() {
            i = word(text, i, base, hyphen, &mut out);
            hyphen = false;
            continue;
        }
        match c {
            '-' => {
                // A hyphen inside a compound ("FIFA-sanctioned"); a spaced dash is punctuation.
                let glued_left = before(text, i).is_some_and(|p| p.is_alphanumeric() || p == '.');
                let glued_right = after(text, i).is_some_and(|n| n.is_alphanumeric());
                if glued_left && glued_right {
                    hyphen = true;
                } else {
                    push_punct(&mut out, base + i, c);
                    hyphen = false;
                }
            }
            ',' | ';' | ':' | '(' | ')' | '\u{2014}' | '\u{2013}' | '"' | '\u{201c}'
            | '\u{201d}' => {
                push_punct(&mut out, base + i, c);
                hyphen = false;
            }
            _ => {
                hyphen = false;
            }
        }
        i += len;
    }
    out
}

/// Pushes the word starting at byte `start` (and a split-off "n't" or "'s"); returns the byte
/// where scanning goes on.
fn word(text: &str, start: usize, base: usize, hyphen: bool, out: &mut Vec<Tok>) -> usize {
    let mut j = start;
    loop {
        j += ascii_alnum_run(text.as_bytes().get(j..).unwrap_or(&[]));
        // The end, or an ASCII mark that neither joins ("U.S", "AT&T", "833/2014") nor starts
        // a clitic: the word is done, most words end so.
        let done = match text.as_bytes().get(j) {
            None => true,
            Some(&b) => b < 0x80 && !matches!(b, b'.' | b'&' | b'/' | b'\''),
        };
        if done {
            out.push(word_tok(base + start, base + j, hyphen));
            return j;
        }
        let Some((cj, len)) = at(text, j) else {
            break;
        };
        if cj.is_alphanumeric() {
            j += len;
        } else if (cj == '.' || cj == '&')
            && at(text, j + 1).is_some_and(|(n, _)| n.is_alphabetic())
            && before(text, j).is_some_and(|p| p.is_alphabetic())
            && !after(text, j + 1).is_some_and(|n| n.is_alphabetic())
        {
            // "U.S", "E.U", "U.N" (single letters between dots), "AT&T".
            j += 1;
        } else if cj == '/'
            && text.as_bytes().get(j + 1).is_some_and(u8::is_ascii_digit)
            && text.as_bytes()[j - 1].is_ascii_digit()
        {
            j += 1;
        } else {
            break;
        }
    }
    // An apostrophe then one letter ("n't", "'s") that ends the word.
    let clitic = at(text, j)
        .filter(|&(c, _)| is_apostrophe(c))
        .and_then(|(_, alen)| {
            let (l, _) = at(text, j + alen)?;
            let ends = !after(text, j + alen).is_some_and(|n| n.is_alphanumeric());
            ends.then_some((l, j + alen + 1))
        });
    // Split "didn't" into "did" + "n't".
    if let Some((l, end)) = clitic {
        if matches!(l, 't' | 'T') && j > start && matches!(before(text, j), Some('n' | 'N')) {
            if j - 1 > start {
                out.push(word_tok(base + start, base + j - 1, hyphen));
            }
            out.push(special(base + j - 1, base + end, "n't"));
            return end;
        }
    }
    out.push(word_tok(base + start, base + j, hyphen));
    match clitic {
        Some(('s' | 'S', end)) => {
            out.push(special(base + j, base + end, "'s"));
            end
        }
        _ => j,
    }
}

fn word_tok(start: usize, end: usize, hyphen_before: bool) -> Tok {
    Tok {
        start,
        end,
        special: None,
        hyphen_before,
        punct: false,
    }
}

fn special(start: usize, end: usize, word: &'static str) -> Tok {
    Tok {
        start,
        end,
        special: Some(word),
        hyphen_before: false,
        punct: false,
    }
}

fn push_punct(out: &mut Vec<Tok>, start: usize, c: char) {
    out.push(Tok {
        start,
        end: start + c.len_utf8(),
        special: None,
        hyphen_before: false,
        punct: true,
    });
}

#[cfg(test)]
mod tests {
    use super::{tokenize, words};

    fn lows(t: &str) -> Vec<String> {
        let lower = t.to_ascii_lowercase();
        words(&tokenize(t, 0), &lower, 0)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn words_abbreviations_and_contractions() {
        assert_eq!(
            lows("The U.S. didn't join Turkey’s sanctions, EU 833/2014."),
            vec![
                "the",
                "u.s",
                "did",
                "n't",
                "join",
                "turkey",
                "'s",
                "sanctions",
                ",",
                "eu",
                "833/2014"
            ]
        );
    }

    #[test]
    fn hyphens_are_remembered() {
        let t = tokenize("a FIFA-sanctioned match - really", 0);
        assert_eq!(lows("a FIFA-sanctioned match - really")[2], "sanctioned");
        assert!(t[2].hyphen_before);
        assert!(t[4].punct);
    }

    #[test]
    fn offsets_are_bytes() {
        let text = "Türkiye’s move";
        let t = tokenize(text, 10);
        assert_eq!(&text[t[0].start - 10..t[0].end - 10], "Türkiye");
        assert_eq!(t[1].special, Some("'s"));
    }
}
