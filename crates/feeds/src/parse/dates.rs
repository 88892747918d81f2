//! Dates as feeds write them: RFC 822 / 2822 and its everyday variants (any weekday or none,
//! full month names, day and month swapped, two-digit years, zone names, no seconds, AM/PM),
//! asctime, and RFC 3339 / W3C-DTF / ISO 8601 (complete or truncated, basic or extended,
//! `T` or a space). Every result is UTC; text that is no date gives `None`, never a guess.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// The instant `s` names, in UTC.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let b = s.as_bytes();
    let iso = b.len() >= 4
        && b[..4].iter().all(u8::is_ascii_digit)
        && b.get(4)
            .is_none_or(|c| matches!(c, b'-' | b'/' | b'0'..=b'9' | b'T'));
    if iso {
        iso8601(s).or_else(|| rfc822(s))
    } else {
        rfc822(s)
    }
}

/// Reads `len` ASCII digits at `*i` as a number.
fn digits(b: &[u8], i: &mut usize, len: usize) -> Option<u32> {
    let part = b.get(*i..*i + len)?;
    if !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *i += len;
    Some(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// `YYYY[-MM[-DD]][(T| )hh[:mm[:ss[.fff]]][zone]]`, also without separators and with `/`.
fn iso8601(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let mut i = 0;
    let year = digits(b, &mut i, 4)? as i32;
    let sep = |i: &mut usize| {
        if matches!(b.get(*i), Some(b'-' | b'/')) {
            *i += 1;
        }
    };
    let (mut month, mut day) = (1, 1);
    if b.get(i)
        .is_some_and(|c| *c != b'T' && *c != b't' && *c != b' ')
    {
        sep(&mut i);
        month = digits(b, &mut i, 2)?;
        if b.get(i)
            .is_some_and(|c| *c != b'T' && *c != b't' && *c != b' ')
        {
            sep(&mut i);
            day = digits(b, &mut i, 2)?;
        }
    }
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut time = NaiveTime::MIN;
    let mut extra_day = false;
    let mut offset = 0i64;
    if matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        i += 1;
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        let (t, next_day) = iso_time(b, &mut i)?;
        time = t;
        extra_day = next_day;
        offset = zone(&s[i..])?;
    } else if i < b.len() {
        return None;
    }
    let mut at = NaiveDateTime::new(date, time);
    if extra_day {
        at += Duration::days(1);
    }
    Some((at - Duration::seconds(offset)).and_utc())
}

/// `hh[:mm[:ss[.fff]]]` or `hhmm[ss]`; true when the time is 24:00 (the next midnight).
fn iso_time(b: &[u8], i: &mut usize) -> Option<(NaiveTime, bool)> {
    let hour = digits(b, i, 2)?;
    let colon = |i: &mut usize| {
        if b.get(*i) == Some(&b':') {
            *i += 1;
            true
        } else {
            false
        }
    };
    let mut minute = 0;
    let mut second = 0;
    let mut nanos = 0;
    if colon(i) || b.get(*i).is_some_and(u8::is_ascii_digit) {
        minute = digits(b, i, 2)?;
        if colon(i) || b.get(*i).is_some_and(u8::is_ascii_digit) {
            second = digits(b, i, 2)?;
            if matches!(b.get(*i), Some(b'.' | b',')) {
                *i += 1;
                let start = *i;
                while b.get(*i).is_some_and(u8::is_ascii_digit) {
                    *i += 1;
                }
                let frac = std::str::from_utf8(&b[start..*i]).ok()?;
                let frac: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
                nanos = frac.parse().ok()?;
            }
        }
    }
    if hour == 24 && minute == 0 && second == 0 {
        return Some((NaiveTime::MIN, true));
    }
    // A leap second is read as the second before it.
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second.min(59), nanos)?;
    Some((time, false))
}

/// Offset in seconds east of UTC of a zone designator (`Z`, `+01:00`, `-0500`, `+01`, `GMT`,
/// `EST`, ...); the empty string is UTC. `None` when `s` is not a zone.
fn zone(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    if let Some(sign) = s.chars().next().filter(|c| *c == '+' || *c == '-') {
        let rest: String = s[1..].chars().filter(|c| *c != ':').collect();
        let b = rest.as_bytes();
        if !b.iter().all(u8::is_ascii_digit) || !matches!(b.len(), 1..=4) {
            return None;
        }
        let (h, m) = match b.len() {
            1 | 2 => (rest.parse::<i64>().ok()?, 0),
            3 => (
                rest[..1].parse::<i64>().ok()?,
                rest[1..].parse::<i64>().ok()?,
            ),
            _ => (
                rest[..2].parse::<i64>().ok()?,
                rest[2..].parse::<i64>().ok()?,
            ),
        };
        if h > 23 || m > 59 {
            return None;
        }
        let secs = h * 3600 + m * 60;
        return Some(if sign == '-' { -secs } else { secs });
    }
    let upper = s.to_ascii_uppercase();
    for prefix in ["GMT", "UTC", "UT"] {
        if let Some(rest) = upper.strip_prefix(prefix) {
            return if rest.is_empty() { Some(0) } else { zone(rest) };
        }
    }
    named_zone(&upper).map(|h| (h * 3600.0) as i64)
}

/// Hours east of UTC of the zone abbreviations feeds write.
fn named_zone(upper: &str) -> Option<f64> {
    Some(match upper {
        "Z" | "WET" => 0.0,
        "ADT" => -3.0,
        "EDT" | "AST" => -4.0,
        "EST" | "CDT" => -5.0,
        "CST" | "MDT" => -6.0,
        "MST" | "PDT" => -7.0,
        "PST" | "AKDT" => -8.0,
        "AKST" => -9.0,
        "HST" => -10.0,
        "BST" | "CET" | "WEST" => 1.0,
        "CEST" | "EET" => 2.0,
        "EEST" | "MSK" => 3.0,
        "JST" | "KST" => 9.0,
        _ => return None,
    })
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    let i = MONTHS.iter().position(|m| w.starts_with(m))?;
    // "Sept", "September", "Jan" and "January", not "Marzipan".
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    (w.len() == 3 || FULL[i].starts_with(&w)).then_some(i as u32 + 1)
}

fn is_weekday(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    w.len() >= 3 && WEEKDAYS.iter().any(|d| w.starts_with(d))
}

/// RFC 822 and friends, read token by token so that the order of day, month and year and the
/// punctuation between them do not matter: `Thu, 01 Jan 2004 19:48:21 GMT`,
/// `Thursday, January 1, 2004 7:48 PM EST`, `Sun Jan  4 16:29:06 2004`, `1 Jan 04 19:48 +0100`.
fn rfc822(s: &str) -> Option<DateTime<Utc>> {
    let (mut day, mut month, mut year) = (None, None, None);
    let mut time: Option<(u32, u32, u32)> = None;
    let mut offset = None;
    let mut pm = None;
    for token in s.split(|c: char| c.is_whitespace() || c == ',') {
        if token.starts_with('(') {
            // A trailing comment: "(Pacific Standard Time)".
            break;
        }
        if token.is_empty() || is_weekday(token) {
            continue;
        }
        if let Some(m) = month_of(token) {
            month.get_or_insert(m);
            continue;
        }
        match token.to_ascii_lowercase().as_str() {
            "am" | "a.m." => {
                pm = Some(false);
                continue;
            }
            "pm" | "p.m." => {
                pm = Some(true);
                continue;
            }
            _ => {}
        }
        if token.contains(':') && time.is_none() && token.as_bytes()[0].is_ascii_digit() {
            let (t, rest) = clock(token)?;
            time = Some(t);
            if !rest.is_empty() {
                offset = Some(zone(rest)?);
            }
            continue;
        }
        if token.bytes().all(|c| c.is_ascii_digit()) {
            let n: u32 = token.parse().ok()?;
            match token.len() {
                4 if year.is_none() => year = Some(n as i32),
                1 | 2 if day.is_none() && (month.is_some() || year.is_none()) => day = Some(n),
                2 if year.is_none() => year = Some(if n < 50 { 2000 + n } else { 1900 + n } as i32),
                _ => return None,
            }
            continue;
        }
        if time.is_some() && offset.is_none() {
            if let Some(o) = zone(token) {
                offset = Some(o);
                continue;
            }
        }
        // An unknown zone name after the time is read as UTC, as feedparser does.
        if time.is_some() && token.bytes().all(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        return None;
    }
    let (mut h, m, sec) = time.unwrap_or((0, 0, 0));
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    let date = NaiveDate::from_ymd_opt(year?, month?, day?)?;
    let mut at = NaiveDateTime::new(date, NaiveTime::MIN);
    // 24:00 (and feeds' "24:05") is the next day.
    at += Duration::hours(i64::from(h)) + Duration::minutes(i64::from(m));
    at += Duration::seconds(i64::from(sec.min(59)));
    if h > 24 || m > 59 {
        return None;
    }
    Some((at - Duration::seconds(offset.unwrap_or(0))).and_utc())
}

/// `h:mm[:ss[.fff]]` at the start of `token` and what follows it (an attached zone).
fn clock(token: &str) -> Option<((u32, u32, u32), &str)> {
    let end = token
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(token.len());
    let (t, rest) = token.split_at(end);
    let mut parts = t.split(':');
    let h = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let s = match parts.next() {
        Some(s) => s.split('.').next()?.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(((h, m, s), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> String {
        parse_date(s)
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| "none".into())
    }

    #[test]
    fn rfc822_and_its_variants() {
        for (input, want) in [
            ("Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z"),
            ("Mon, 02 Nov 2026 09:15:00 +0100", "2026-11-02T08:15:00Z"),
            ("Thu, 1 Jan 2004 19:48 EST", "2004-01-02T00:48:00Z"),
            ("Thu, 01 Jan 2004 19:48:21 EDT", "2004-01-01T23:48:21Z"),
            (
                "Thursday, January 1, 2004 7:48 PM UTC",
                "2004-01-01T19:48:00Z",
            ),
            ("01 Jan 04 19:48:21 -0000", "2004-01-01T19:48:21Z"),
            ("Wed, 25 Aug 2012 10:00:00 UT", "2012-08-25T10:00:00Z"),
            ("Sun Jan  4 16:29:06 2004", "2004-01-04T16:29:06Z"),
            ("Jan 15 2024 10:00:00 GMT", "2024-01-15T10:00:00Z"),
            (
                "Sat, 28 Sep 2002 21:00:02 GMT+01:00",
                "2002-09-28T20:00:02Z",
            ),
            ("Tue, 16 Aug 2022 12:05:00 Z", "2022-08-16T12:05:00Z"),
            ("Tue, 16 Aug 2022 24:00:00 GMT", "2022-08-17T00:00:00Z"),
            ("Tue, 16 Sept 2022 8:05:00 +0530", "2022-09-16T02:35:00Z"),
            ("16 Aug 2022", "2022-08-16T00:00:00Z"),
            (
                "Fri, 01 Jan 2100 00:00:00 GMT (Pacific)",
                "2100-01-01T00:00:00Z",
            ),
            (
                "Thu May 02 2024 08:00:00 GMT+0200 (Central European Summer Time)",
                "2024-05-02T06:00:00Z",
            ),
        ] {
            assert_eq!(utc(input), want, "{input}");
        }
    }

    #[test]
    fn iso8601_complete_and_truncated() {
        for (input, want) in [
            ("2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z"),
            ("2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z"),
            ("2003-12-31T10:14:55.123+0100", "2003-12-31T09:14:55Z"),
            ("2003-12-31 10:14:55", "2003-12-31T10:14:55Z"),
            ("2003-12-31t10:14z", "2003-12-31T10:14:00Z"),
            ("2003-12-31", "2003-12-31T00:00:00Z"),
            ("2003-12", "2003-12-01T00:00:00Z"),
            ("2003", "2003-01-01T00:00:00Z"),
            ("20031231T101455Z", "2003-12-31T10:14:55Z"),
            ("2004-04-06T23:05:43-05:00", "2004-04-07T04:05:43Z"),
            ("2003/12/31 10:14:55 GMT", "2003-12-31T10:14:55Z"),
            ("2003-12-31T24:00:00Z", "2004-01-01T00:00:00Z"),
        ] {
            assert_eq!(utc(input), want, "{input}");
        }
    }

    #[test]
    fn what_is_no_date_gives_none() {
        for input in [
            "",
            "   ",
            "yesterday",
            "2003-13-01",
            "2003-02-30",
            "Thu, 32 Jan 2004 19:48:21 GMT",
            "Thu, 01 Foo 2004",
            "12:00",
            "2003-12-31T25:00:00Z",
            "2003-12-31T10:14:55 nonsense",
            "Thu, 01 Jan 2004 19:61:00 GMT",
        ] {
            assert_eq!(utc(input), "none", "{input:?}");
        }
    }
}
