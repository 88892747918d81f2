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

/// Tokens of `text`, with offsets shifted by `base`.
pub(crate) fn tokenize(text: &str, base: usize) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0usize;
    let mut hyphen = false;
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    let off = |k: usize| chars.get(k).map(|&(o, _)| o).unwrap_or(text.len());
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_alphanumeric() {
            let start = i;
            let mut j = i;
            while j < chars.len() {
                let cj = chars[j].1;
                if cj.is_alphanumeric() {
                    j += 1;
                } else if (cj == '.' || cj == '&')
                    && at(j + 1).is_some_and(|n| n.is_alphabetic())
                    && at(j.wrapping_sub(1)).is_some_and(|p| p.is_alphabetic())
                    && (j + 2 >= chars.len()
                        || !at(j + 2).is_some_and(|n| n.is_alphabetic())
                        || at(j + 2) == Some('.'))
                {
                    // "U.S", "E.U", "U.N" (single letters between dots), "AT&T".
                    j += 1;
                } else if cj == '/'
                    && at(j + 1).is_some_and(|n| n.is_ascii_digit())
                    && at(j.wrapping_sub(1)).is_some_and(|p| p.is_ascii_digit())
                {
                    j += 1;
                } else {
                    break;
                }
            }
            // Split "didn't" into "did" + "n't".
            let mut word_end = j;
            let mut nt = false;
            if at(j).is_some_and(is_apostrophe)
                && at(j + 1).is_some_and(|c| c == 't' || c == 'T')
                && !at(j + 2).is_some_and(|c| c.is_alphanumeric())
                && j > start
                && at(j - 1).is_some_and(|c| c == 'n' || c == 'N')
            {
                word_end = j - 1;
                nt = true;
            }
            if word_end > start {
                out.push(Tok {
                    start: base + off(start),
                    end: base + off(word_end),
                    special: None,
                    hyphen_before: hyphen,
                    punct: false,
                });
            }
            if nt {
                out.push(Tok {
                    start: base + off(word_end),
                    end: base + off(j + 2),
                    special: Some("n't"),
                    hyphen_before: false,
                    punct: false,
                });
                j += 2;
            } else if at(j).is_some_and(is_apostrophe)
                && at(j + 1).is_some_and(|c| c == 's' || c == 'S')
                && !at(j + 2).is_some_and(|c| c.is_alphanumeric())
            {
                out.push(Tok {
                    start: base + off(j),
                    end: base + off(j + 2),
                    special: Some("'s"),
                    hyphen_before: false,
                    punct: false,
                });
                j += 2;
            }
            hyphen = false;
            i = j;
            continue;
        }
        match c {
            '-' => {
                // A hyphen inside a compound ("FIFA-sanctioned"); a spaced dash is punctuation.
                let glued_left = i > 0 && chars[i - 1].1.is_alphanumeric()
                    || chars.get(i.wrapping_sub(1)).is_some_and(|&(_, p)| p == '.');
                let glued_right = at(i + 1).is_some_and(|n| n.is_alphanumeric());
                if glued_left && glued_right {
                    hyphen = true;
                } else {
                    push_punct(&mut out, base + chars[i].0, c);
                    hyphen = false;
                }
            }
            ',' | ';' | ':' | '(' | ')' | '\u{2014}' | '\u{2013}' | '"' | '\u{201c}'
            | '\u{201d}' => {
                push_punct(&mut out, base + chars[i].0, c);
                hyphen = false;
            }
            _ => {
                hyphen = false;
            }
        }
        i += 1;
    }
    out
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
