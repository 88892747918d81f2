//! Transcoding feed bytes to UTF-8 before parsing.
//!
//! Order of evidence: a byte-order mark; the XML prolog's `encoding`; the Content-Type charset;
//! UTF-8 if the bytes are valid UTF-8; statistical detection (chardetng) as the last resort.
//! A declaration the bytes contradict (declared UTF-8 but invalid, or declared a single-byte
//! charset while the bytes are valid multi-byte UTF-8) is overruled, with a warning.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Decodes `bytes` to UTF-8 text; the prolog, if any, is rewritten to say UTF-8.
/// Returns the text and a warning when a declaration was wrong or detection was needed.
pub fn to_utf8(bytes: &[u8], content_type: Option<&str>) -> (String, Option<String>) {
    if let Some(text) = utf32(bytes) {
        return (rewrite_prolog(&text), None);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (rewrite_prolog(&text), None);
    }
    // UTF-16 without a BOM: '<' followed or preceded by NUL.
    if bytes.len() >= 4 {
        if bytes[0] == b'<' && bytes[1] == 0 && bytes[3] == 0 {
            let (text, _) = UTF_16LE.decode_without_bom_handling(bytes);
            return (rewrite_prolog(&text), None);
        }
        if bytes[0] == 0 && bytes[1] == b'<' && bytes[2] == 0 {
            let (text, _) = UTF_16BE.decode_without_bom_handling(bytes);
            return (rewrite_prolog(&text), None);
        }
    }
    let prolog = prolog_encoding(bytes);
    let header = content_type.and_then(charset_of);
    let declared = prolog.as_deref().or(header.as_deref());
    let utf8 = std::str::from_utf8(bytes).ok();
    let is_utf8 = utf8.is_some();
    let has_non_ascii = !bytes.is_ascii();
    let mut warning = None;
    let enc = match declared.and_then(|l| Encoding::for_label(l.as_bytes())) {
        // A UTF-16 label on bytes with no NULs is a lie (the document was re-encoded).
        Some(e) if e == UTF_16LE || e == UTF_16BE => {
            if is_utf8 {
                UTF_8
            } else {
                detect(bytes)
            }
        }
        Some(e) if e == UTF_8 => {
            if is_utf8 {
                UTF_8
            } else {
                let d = detect(bytes);
                warning = Some(format!(
                    "declared UTF-8 but the bytes are not; decoded as {}",
                    d.name()
                ));
                d
            }
        }
        Some(e) => {
            if is_utf8 && has_non_ascii && looks_multibyte_utf8(bytes) {
                warning = Some(format!(
                    "declared {} but the bytes are UTF-8; decoded as UTF-8",
                    e.name()
                ));
                UTF_8
            } else {
                e
            }
        }
        None => {
            if let Some(label) = declared {
                if is_utf8 {
                    warning = Some(format!("unknown charset {label:?}; decoded as UTF-8"));
                    UTF_8
                } else {
                    let d = detect(bytes);
                    warning = Some(format!("unknown charset {label:?}; detected {}", d.name()));
                    d
                }
            } else if is_utf8 {
                UTF_8
            } else {
                let d = detect(bytes);
                warning = Some(format!(
                    "no charset declared and not UTF-8; detected {}",
                    d.name()
                ));
                d
            }
        }
    };
    // Valid UTF-8 is used as validated above instead of being validated a second time.
    let text = match utf8 {
        Some(valid) if enc == UTF_8 => std::borrow::Cow::Borrowed(valid),
        _ => enc.decode_without_bom_handling(bytes).0,
    };
    let prolog_is_utf8 = prolog
        .as_deref()
        .is_none_or(|p| p.eq_ignore_ascii_case("utf-8") || p.eq_ignore_ascii_case("utf8"));
    let text = if enc == UTF_8 && prolog_is_utf8 {
        text.into_owned()
    } else {
        rewrite_prolog(&text)
    };
    (demoronize(text), warning)
}

/// C1 control characters (U+0080..U+009F) never belong in text; feeds that have them meant
/// Windows-1252 ("smart quotes" written as \x92 etc.).
fn demoronize(text: String) -> String {
    // U+0080..U+009F are encoded as C2 80..C2 9F: a byte scan is enough to rule them out.
    let bytes = text.as_bytes();
    if !memchr::memchr_iter(0xC2, bytes)
        .any(|i| bytes.get(i + 1).is_some_and(|b| (0x80..=0x9F).contains(b)))
    {
        return text;
    }
    text.chars()
        .map(|c| {
            if ('\u{80}'..='\u{9f}').contains(&c) {
                let byte = [c as u32 as u8];
                let (d, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
                d.chars().next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// UTF-32 (which encoding_rs does not do), by BOM or by the `<` of the first character.
fn utf32(bytes: &[u8]) -> Option<String> {
    let (le, skip) = match bytes {
        [0xFF, 0xFE, 0, 0, ..] => (true, 4),
        [0, 0, 0xFE, 0xFF, ..] => (false, 4),
        [b'<', 0, 0, 0, ..] => (true, 0),
        [0, 0, 0, b'<', ..] => (false, 0),
        _ => return None,
    };
    let text = bytes[skip..]
        .chunks(4)
        .filter(|c| c.len() == 4)
        .map(|c| {
            let n = if le {
                u32::from_le_bytes([c[0], c[1], c[2], c[3]])
            } else {
                u32::from_be_bytes([c[0], c[1], c[2], c[3]])
            };
            char::from_u32(n).unwrap_or('\u{fffd}')
        })
        .collect();
    Some(text)
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut d = chardetng::EncodingDetector::new();
    d.feed(bytes, true);
    d.guess(None, true)
}

/// Valid UTF-8 with at least one multi-byte sequence (so not just ASCII).
fn looks_multibyte_utf8(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| *b >= 0xC2)
}

/// The `encoding` of an ASCII-compatible XML prolog.
fn prolog_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(512)];
    let start = find(head, b"<?xml")?;
    let end = start + find(&head[start..], b"?>")?;
    let decl = std::str::from_utf8(&head[start..end]).ok()?;
    let pos = decl.find("encoding")?;
    let rest = decl[pos + 8..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let value = &value[..value.find(quote)?];
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `text/xml; charset="iso-8859-1"` -> `iso-8859-1`.
pub fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
            .filter(|v| !v.is_empty())
    })
}

/// Replaces the XML prolog's encoding with UTF-8 so that the parser does not decode twice.
fn rewrite_prolog(text: &str) -> String {
    let t = text.trim_start_matches('\u{feff}');
    let lead = t.len() - t.trim_start().len();
    let body = &t[lead..];
    if body.starts_with("<?xml") {
        if let Some(end) = body.find("?>") {
            return format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}",
                &body[end + 2..]
            );
        }
    }
    body.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_prolog_is_honoured() {
        let doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><t>caf\xe9</t></rss>";
        let (t, w) = to_utf8(doc, None);
        assert!(t.contains("café"), "{t}");
        assert!(t.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(w.is_none());
    }

    #[test]
    fn wrong_header_charset_is_overruled() {
        let doc = "<rss><t>Türkiye’s S-400</t></rss>".as_bytes();
        let (t, w) = to_utf8(doc, Some("text/xml; charset=iso-8859-1"));
        assert!(t.contains("Türkiye’s"), "{t}");
        assert!(w.unwrap().contains("UTF-8"));
        let latin = b"<?xml version='1.0' encoding='utf-8'?><rss><t>Bogot\xe1</t></rss>";
        let (t, w) = to_utf8(latin, None);
        assert!(t.contains("Bogotá"), "{t}");
        assert!(w.is_some());
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let s =
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><x>Kyiv ї</x></rss>";
        let mut le: Vec<u8> = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let (t, _) = to_utf8(&le, None);
        assert!(
            t.contains("Kyiv ї") && t.contains("encoding=\"UTF-8\""),
            "{t}"
        );
        let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let (t, _) = to_utf8(&be, None);
        assert!(t.contains("Kyiv ї"), "{t}");
    }
}
