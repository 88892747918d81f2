//! The one strict JSON Lines loader behind the dev sets modelled on real published text
//! (`sanctions-news/`, `weapons-news/`, `weapons-false-alarms/`, `countries-news/`).
//!
//! A row type says what it is by implementing [`Row`]; [`parse`] then reads one object per
//! non-empty line and refuses the file at the first bad row: malformed JSON or an unknown field
//! (each row type denies unknown fields in its serde attributes), a duplicate id, a source URL
//! that is not http(s) (or, for a row type that asks for it, one used twice in the file), and
//! whatever the row's own [`Row::check`] refuses. Every error starts with `file:line:` and names
//! the field, so a labeller can go straight to the mistake.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// One labelled row of a dev set.
pub trait Row: DeserializeOwned {
    /// Whether two rows of one file may not share a source URL (one published page per row).
    const ONE_ROW_PER_SOURCE: bool = false;

    /// The row's id, unique within its file.
    fn id(&self) -> &str;

    /// The published page the row is modelled on.
    fn source_url(&self) -> &str;

    /// What serde cannot check. An error is `field NAME: what is wrong`.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

/// Parses a whole file's text strictly; `file` names the source in errors.
pub fn parse<T: Row>(file: &str, text: &str) -> Result<Vec<T>, String> {
    let mut rows: Vec<T> = Vec::new();
    let mut ids = BTreeSet::new();
    let mut urls = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{file}:{}", i + 1);
        let row: T = serde_json::from_str(line).map_err(|e| format!("{at}: {e}"))?;
        check_row(&row, &mut ids, &mut urls).map_err(|e| format!("{at}: {} {e}", row.id()))?;
        rows.push(row);
    }
    Ok(rows)
}

/// Reads and parses one file; errors name it by its path.
pub fn load<T: Row>(path: &Path) -> Result<Vec<T>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&path.display().to_string(), &text)
}

/// The `*.jsonl` files of `dir` whose names start with `prefix`, sorted by name.
pub fn files(dir: &Path, prefix: &str) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "jsonl")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    out.sort();
    Ok(out)
}

fn check_row<T: Row>(
    row: &T,
    ids: &mut BTreeSet<String>,
    urls: &mut BTreeSet<String>,
) -> Result<(), String> {
    if !ids.insert(row.id().to_string()) {
        return Err("field id: duplicate id".into());
    }
    let url = row.source_url();
    if !url.starts_with("http://") && !url.starts_with("https://") {
        return Err(format!("field source_url: not an http(s) URL: {url:?}"));
    }
    if T::ONE_ROW_PER_SOURCE && !urls.insert(url.to_string()) {
        return Err(format!("field source_url: used twice in the file: {url}"));
    }
    row.check()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct R {
        id: String,
        source_url: String,
        n: u32,
    }

    impl Row for R {
        const ONE_ROW_PER_SOURCE: bool = true;
        fn id(&self) -> &str {
            &self.id
        }
        fn source_url(&self) -> &str {
            &self.source_url
        }
        fn check(&self) -> Result<(), String> {
            if self.n == 0 {
                return Err("field n: zero".into());
            }
            Ok(())
        }
    }

    fn line(id: &str, url: &str, n: u32) -> String {
        format!(r#"{{"id":"{id}","source_url":"{url}","n":{n}}}"#)
    }

    #[test]
    fn good_rows_parse_and_blank_lines_are_skipped() {
        let text = format!(
            "{}\n\n{}\n",
            line("a", "https://x/1", 1),
            line("b", "http://x/2", 2)
        );
        let rows: Vec<R> = parse("f.jsonl", &text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].id, "b");
    }

    #[test]
    fn every_refusal_names_file_line_and_field() {
        let good = line("a", "https://x/1", 1);
        let cases = [
            (
                format!("{good}\n{}", line("a", "https://x/2", 1)),
                2,
                "field id",
            ),
            (line("a", "ftp://x/1", 1), 1, "field source_url"),
            (
                format!("{good}\n{}", line("b", "https://x/1", 1)),
                2,
                "used twice",
            ),
            (line("a", "https://x/1", 0), 1, "field n"),
            (good.replace("\"n\"", "\"m\""), 1, "unknown field `m`"),
            ("{not json".to_string(), 1, "f.jsonl:1"),
        ];
        for (text, at, field) in cases {
            let e = parse::<R>("f.jsonl", &text).map(|_| ()).unwrap_err();
            assert!(e.starts_with(&format!("f.jsonl:{at}:")), "{e}");
            assert!(e.contains(field), "{field}: {e}");
        }
    }
}
