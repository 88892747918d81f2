//! The strict reader of the sanctions data files: a row that does not fit its file's columns is
//! refused with the file, line and column, so a typo in a word list fails the build's tests
//! instead of silently dropping a rule.

use std::fmt;

/// A data-file row the loader refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// The data file, as named in `DATA_FILES`.
    pub file: &'static str,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (tab-separated cell) at fault.
    pub column: usize,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: column {}: {}",
            self.file, self.line, self.column, self.reason
        )
    }
}

impl std::error::Error for DataError {}

/// One data row: its 1-based line number and its cells.
pub(crate) type Row<'a> = (usize, Vec<&'a str>);

/// The rows of a tab-separated file, skipping blank lines and `#` comments. Every row must have
/// between `min` and `max` cells, none empty or padded with spaces.
pub(crate) fn rows<'a>(
    file: &'static str,
    text: &'a str,
    min: usize,
    max: usize,
) -> Result<Vec<Row<'a>>, DataError> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let err = |column: usize, reason: String| DataError {
            file,
            line: n + 1,
            column,
            reason,
        };
        if cells.len() < min || cells.len() > max {
            let want = if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(err(
                cells.len().min(max + 1),
                format!("{} cells, want {want}", cells.len()),
            ));
        }
        for (i, c) in cells.iter().enumerate() {
            if c.is_empty() {
                return Err(err(i + 1, "empty cell".to_string()));
            }
            if c.trim() != *c {
                return Err(err(i + 1, format!("spaces around {c:?}")));
            }
        }
        out.push((n + 1, cells));
    }
    Ok(out)
}

/// An error for cell `column` of a row read by [`rows`].
pub(crate) fn bad(file: &'static str, line: usize, column: usize, reason: String) -> DataError {
    DataError {
        file,
        line,
        column,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let r = rows("t.tsv", "# c\n\na\tb\n", 2, 2).unwrap();
        assert_eq!(r, vec![(3, vec!["a", "b"])]);
    }

    #[test]
    fn a_short_row_is_refused_with_line_and_column() {
        let e = rows("t.tsv", "a\tb\nc\n", 2, 2).unwrap_err();
        assert_eq!((e.file, e.line, e.column), ("t.tsv", 2, 1));
        assert!(e.to_string().starts_with("t.tsv:2: column 1:"), "{e}");
    }

    #[test]
    fn empty_and_padded_cells_are_refused() {
        let e = rows("t.tsv", "a\t\n", 2, 2).unwrap_err();
        assert_eq!((e.line, e.column), (1, 2));
        let e = rows("t.tsv", "a\t b\n", 2, 2).unwrap_err();
        assert_eq!((e.line, e.column), (1, 2));
    }

    #[test]
    fn too_many_cells_are_refused() {
        let e = rows("t.tsv", "a\tb\tc\n", 1, 2).unwrap_err();
        assert_eq!(e.line, 1);
        assert_eq!(e.column, 3);
    }
}
