//! Wire-story datelines: "LONDON, Aug 16 (Reuters) - ", "WASHINGTON (AP) -- ",
//! "KYIV, Ukraine (AP) — ", "BEIJING — ".
//!
//! A dateline is the opening of the body, before a dash separator (" - ", "--", "–", "—"),
//! that starts with a place name in capitals ("LONDON", "ST. PETERSBURG"), or with a place in
//! ordinary case when an agency in brackets follows ("Ankara, Aug 16 (Reuters) -"). Country
//! mentions inside it are recorded with kind `dateline`: they say where the reporter was, not
//! what the story is about.

/// Byte range of the dateline in the body (without the dash separator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dateline {
    /// Byte offset of the dateline's first character.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
}

impl Dateline {
    /// Whether the byte range `start..end` lies inside the dateline, so a mention there is
    /// kind `dateline`.
    pub fn contains(&self, start: usize, end: usize) -> bool {
        start >= self.start && end <= self.end
    }
}

/// Longest dateline accepted, in bytes ("RIO DE JANEIRO, Brazil, Aug 16 (Reuters) -" fits).
const MAX_LEN: usize = 120;

/// Finds the dateline at the start of `body`, if there is one.
pub fn find(body: &str) -> Option<Dateline> {
    let start = body.len() - body.trim_start().len();
    let rest = body.get(start..)?;
    let line = rest.split('\n').next().unwrap_or("");
    let sep = separator(line)?;
    if sep > MAX_LEN {
        return None;
    }
    let prefix = line.get(..sep)?.trim_end();
    if prefix.chars().count() < 2 || prefix.contains(['"', '“', '”', '?', '!', ';']) {
        return None;
    }
    // The place: up to the first comma or bracket.
    let place_end = prefix.find([',', '(']).unwrap_or(prefix.len());
    let place = prefix[..place_end].trim();
    let letters = place.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2
        || !place
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\'' | '’'))
        || place.split_whitespace().count() > 4
    {
        return None;
    }
    let all_caps = place
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    if !(all_caps || starts_upper(place) && has_agency(prefix)) {
        return None;
    }
    if prefix.split_whitespace().count() > 12 {
        return None;
    }
    Some(Dateline {
        start,
        end: start + prefix.len(),
    })
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// A bracketed credit such as "(Reuters)" or "(AP)": short, starting with a capital.
fn has_agency(prefix: &str) -> bool {
    let Some(open) = prefix.find('(') else {
        return false;
    };
    let Some(close) = prefix[open..].find(')') else {
        return false;
    };
    let inner = &prefix[open + 1..open + close];
    (2..=30).contains(&inner.len()) && starts_upper(inner)
}

/// Byte offset of the dash that ends the dateline: an en or em dash, "--", or " - ".
fn separator(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    for (i, c) in line.char_indices() {
        if i > MAX_LEN + 4 {
            return None;
        }
        match c {
            '–' | '—' => return Some(i),
            '-' => {
                let next = bytes.get(i + 1).copied();
                let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
                if next == Some(b'-') || (prev == Some(b' ') && next == Some(b' ')) {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(body: &str) -> Option<&str> {
        find(body).map(|d| &body[d.start..d.end])
    }

    #[test]
    fn wire_datelines() {
        assert_eq!(
            text("LONDON, Aug 16 (Reuters) – Russia and Turkey"),
            Some("LONDON, Aug 16 (Reuters)")
        );
        assert_eq!(
            text("LONDON, Aug 16 (Reuters) - Russia"),
            Some("LONDON, Aug 16 (Reuters)")
        );
        assert_eq!(
            text("WASHINGTON (AP) -- The Senate"),
            Some("WASHINGTON (AP)")
        );
        assert_eq!(
            text("  KYIV, Ukraine (AP) — Drones"),
            Some("KYIV, Ukraine (AP)")
        );
        assert_eq!(
            text("ST. PETERSBURG, Russia — The"),
            Some("ST. PETERSBURG, Russia")
        );
        assert_eq!(text("BEIJING—China said"), Some("BEIJING"));
        assert_eq!(
            text("Ankara, Aug 16 (Reuters) - Turkey"),
            Some("Ankara, Aug 16 (Reuters)")
        );
    }

    #[test]
    fn not_datelines() {
        assert_eq!(text("Russia said on Monday - and Turkey agreed"), None);
        assert_eq!(text("Turkey-Russia ties grew"), None);
        assert_eq!(text("The U.S.-led coalition"), None);
        assert_eq!(text(""), None);
        assert_eq!(text("—"), None);
        assert_eq!(text("NATO said \"no\" - again"), None);
    }
}
