//! A tokenizer for news English, close to the Penn / UD English EWT conventions the tagger was
//! trained on: punctuation, quotes and brackets split off; "Turkey's" -> "Turkey" + "'s";
//! "don't" -> "do" + "n't"; "$1.5" -> "$" + "1.5"; "3.5%" -> "3.5" + "%"; abbreviations
//! ("U.S.", "Jan.", "Mr.") and hyphenated words ("S-400", "MiG-29", "pro-Kremlin") kept whole.

/// A token: a byte span of the text it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

/// Abbreviations that keep their final period (case-sensitive).
const ABBREVIATIONS: &[&str] = &[
    "Adm", "Apr", "Aug", "Ave", "Bros", "Capt", "Cmdr", "Co", "Col", "Corp", "Dec", "Dept", "Dr",
    "Feb", "Fig", "Ft", "Gen", "Gov", "Inc", "Jan", "Jr", "Jul", "Jun", "Lt", "Ltd", "Maj", "Mar",
    "Messrs", "Mr", "Mrs", "Ms", "Mt", "No", "Nos", "Nov", "Oct", "Pres", "Prof", "Rep", "Rev",
    "Sen", "Sep", "Sept", "Sgt", "Sr", "St", "etc", "vs",
];

/// Punctuation split off the start of a word.
fn is_opening(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '{' | '“' | '‘' | '«' | '¿' | '¡' | '—' | '–' | '…'
    )
}

/// Punctuation split off the end of a word (a period only when it is not an abbreviation's).
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | '”'
            | '’'
            | '»'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '.'
            | '—'
            | '–'
            | '…'
            | '%'
    )
}

/// Splits `text` into tokens; never panics, spans are always on char boundaries.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                chunk(text, s, i, &mut out);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        chunk(text, s, text.len(), &mut out);
    }
    out
}

/// Tokenizes one whitespace-free chunk `text[start..end]`.
fn chunk(text: &str, mut start: usize, end: usize, out: &mut Vec<Token>) {
    while let Some(c) = text[start..end].chars().next().filter(|&c| is_opening(c)) {
        let len = run_len(&text[start..end], c);
        out.push(Token {
            start,
            end: start + len,
        });
        start += len;
    }
    let core_end = core_end(text, start, end);
    core(text, start, core_end, out);
    let mut i = core_end;
    while let Some(c) = text[i..end].chars().next() {
        let len = run_len(&text[i..end], c);
        out.push(Token {
            start: i,
            end: i + len,
        });
        i += len;
    }
}

/// Byte length of the run of `c` at the start of `s` ("..." and "--" are one token each);
/// other characters are one char long.
fn run_len(s: &str, c: char) -> usize {
    if matches!(c, '.' | '-' | '!' | '?') {
        s.chars().take_while(|&d| d == c).count() * c.len_utf8()
    } else {
        c.len_utf8()
    }
}

/// Where the word ends once closing punctuation is peeled off the end of `text[start..end]`.
fn core_end(text: &str, start: usize, mut end: usize) -> usize {
    while let Some(c) = text[start..end].chars().next_back() {
        let before = end - c.len_utf8();
        let peel = match c {
            '.' => !is_abbreviation(&text[start..end]),
            _ => is_closing(c),
        };
        if !peel {
            break;
        }
        end = before;
    }
    end
}

/// True for "U.S.", "e.g.", "J.", "Jan.", "Mr." (with the final period).
fn is_abbreviation(word: &str) -> bool {
    let Some(stem) = word.strip_suffix('.') else {
        return false;
    };
    let mut chars = stem.chars();
    let single_letter =
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic());
    let dotted = stem.contains('.')
        && stem
            .split('.')
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic));
    single_letter || dotted || ABBREVIATIONS.contains(&stem)
}

/// Splits a word inside: dashes, commas not between digits, a leading currency sign and a
/// trailing clitic ('s, n't, 're, 've, 'll, 'd, 'm).
fn core(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let mut piece = start;
    let mut chars = text[start..end].char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        let i = start + off;
        let next = chars.peek().map(|&(_, d)| d);
        let prev = text[start..i].chars().next_back();
        let split = match c {
            '—' | '–' => true,
            '-' => next == Some('-'),
            ',' => {
                !(prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit()))
            }
            _ => false,
        };
        if split {
            word(text, piece, i, out);
            let len = run_len(&text[i..end], c);
            out.push(Token {
                start: i,
                end: i + len,
            });
            piece = i + len;
            while chars.peek().is_some_and(|&(o, _)| start + o < piece) {
                chars.next();
            }
        }
    }
    word(text, piece, end, out);
}

/// Pushes one word, splitting a leading currency sign and a trailing clitic.
fn word(text: &str, mut start: usize, end: usize, out: &mut Vec<Token>) {
    if start >= end {
        return;
    }
    let mut chars = text[start..end].chars();
    if let (Some(c), Some(d)) = (chars.next(), chars.next()) {
        if matches!(c, '$' | '£' | '€' | '¥') && d.is_ascii_digit() {
            out.push(Token {
                start,
                end: start + c.len_utf8(),
            });
            start += c.len_utf8();
        }
    }
    let split = clitic_start(&text[start..end]).map_or(end, |k| start + k);
    out.push(Token { start, end: split });
    if split < end {
        out.push(Token { start: split, end });
    }
}

/// Clitics split off the end of a word, with both apostrophes (matched ignoring ASCII case).
const CLITICS: &[&str] = &[
    "n't", "n’t", "'s", "’s", "'re", "’re", "'ve", "’ve", "'ll", "’ll", "'d", "’d", "'m", "’m",
];

/// Byte offset where a trailing clitic starts, if the word is letters followed by one.
fn clitic_start(w: &str) -> Option<usize> {
    CLITICS.iter().find_map(|c| {
        let k = w
            .len()
            .checked_sub(c.len())
            .filter(|&k| k > 0 && w.is_char_boundary(k))?;
        let stem_ends_in_letter = w[..k].chars().next_back().is_some_and(char::is_alphabetic);
        (w[k..].eq_ignore_ascii_case(c) && stem_ends_in_letter).then_some(k)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text)
            .iter()
            .map(|t| &text[t.start..t.end])
            .collect()
    }

    #[test]
    fn abbreviations_stay_whole() {
        assert_eq!(
            words("the U.S. and U.K. said"),
            ["the", "U.S.", "and", "U.K.", "said"]
        );
        assert_eq!(
            words("Mr. Putin on Jan. 5"),
            ["Mr.", "Putin", "on", "Jan.", "5"]
        );
        assert_eq!(
            words("sanctions on the U.S."),
            ["sanctions", "on", "the", "U.S."]
        );
        assert_eq!(words("U.S.-led"), ["U.S.-led"]);
        assert_eq!(words("George W. Bush"), ["George", "W.", "Bush"]);
    }

    #[test]
    fn sentence_final_period_splits() {
        assert_eq!(words("imposed sanctions."), ["imposed", "sanctions", "."]);
        assert_eq!(words("in May."), ["in", "May", "."]);
        assert_eq!(words("U.S., Britain"), ["U.S.", ",", "Britain"]);
        assert_eq!(words("wait..."), ["wait", "..."]);
    }

    #[test]
    fn weapons_designations_and_hyphens() {
        assert_eq!(
            words("S-400, F-35 and MiG-29"),
            ["S-400", ",", "F-35", "and", "MiG-29"]
        );
        assert_eq!(words("Su-35s pro-Kremlin"), ["Su-35s", "pro-Kremlin"]);
        assert_eq!(words("Turkish-made drones"), ["Turkish-made", "drones"]);
    }

    #[test]
    fn numbers_money_and_percent() {
        assert_eq!(words("1,000 troops"), ["1,000", "troops"]);
        assert_eq!(words("$1.5 billion"), ["$", "1.5", "billion"]);
        assert_eq!(words("£200m"), ["£", "200m"]);
        assert_eq!(words("a 3.5% drop"), ["a", "3.5", "%", "drop"]);
        assert_eq!(words("Russia,Belarus"), ["Russia", ",", "Belarus"]);
    }

    #[test]
    fn possessives_and_contractions() {
        assert_eq!(words("Turkey's defence"), ["Turkey", "'s", "defence"]);
        assert_eq!(words("Turkey’s defence"), ["Turkey", "’s", "defence"]);
        assert_eq!(words("don't"), ["do", "n't"]);
        assert_eq!(words("can’t won't"), ["ca", "n’t", "wo", "n't"]);
        assert_eq!(
            words("they're we'll I'm"),
            ["they", "'re", "we", "'ll", "I", "'m"]
        );
        assert_eq!(words("the allies' plan"), ["the", "allies", "'", "plan"]);
    }

    #[test]
    fn quotes_brackets_and_dashes() {
        assert_eq!(
            words("\"illegal\" (Reuters)"),
            ["\"", "illegal", "\"", "(", "Reuters", ")"]
        );
        assert_eq!(
            words("“unilateral,” he said"),
            ["“", "unilateral", ",", "”", "he", "said"]
        );
        assert_eq!(words("Iran—and Syria"), ["Iran", "—", "and", "Syria"]);
        assert_eq!(words("Iran--and"), ["Iran", "--", "and"]);
        assert_eq!(
            words("said: yes; no!"),
            ["said", ":", "yes", ";", "no", "!"]
        );
    }

    #[test]
    fn spans_cover_the_text_exactly() {
        let text = " A  tab\tand\u{a0}nbsp ";
        let t = tokenize(text);
        assert_eq!(words(text), ["A", "tab", "and", "nbsp"]);
        assert_eq!((t[0].start, t[0].end), (1, 2));
        assert!(tokenize("").is_empty() && tokenize(" \n ").is_empty());
    }

    /// Every span is non-empty, in order, on char boundaries, and covers no whitespace.
    fn check(text: &str) {
        let mut last = 0;
        for t in tokenize(text) {
            assert!(
                t.start >= last && t.start < t.end && t.end <= text.len(),
                "{text:?}"
            );
            assert!(
                text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
                "{text:?}"
            );
            assert!(
                !text[t.start..t.end].chars().any(char::is_whitespace),
                "{text:?}"
            );
            last = t.end;
        }
    }

    #[test]
    fn arbitrary_text_never_panics() {
        let alphabet: Vec<char> = "aZ.,'’-—–$%1 \t\n\"“”()[]…!?;:sé日\u{a0}\u{301}ǅß€"
            .chars()
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..2000usize {
            let mut s = String::new();
            for _ in 0..len % 40 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            check(&s);
        }
        for s in [
            "'", "''s", "'s", "n't", "$", "$1", ".", "..", "U.", "-", "--", "%", "’", "a'", "’s’",
        ] {
            check(s);
        }
    }
}
