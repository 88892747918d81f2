//! JSON Lines files: one enriched article per line, appended, rotated by day and by size.
//!
//! Files are named `{prefix}-{YYYY-MM-DD}.jsonl` by the UTC day of writing; when a file would
//! pass `max_file_bytes` the next one is `{prefix}-{YYYY-MM-DD}.1.jsonl`, then `.2`, ... A file
//! is fsynced before the sink moves on to the next, and on `close`. Each batch is flushed to the
//! operating system before `write_batch` returns. A restarted sink appends to the newest file of
//! the day. Lines are complete records; a redelivered article appears again (readers dedupe by
//! `id`, keeping the last).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use newswire_model::EnrichedArticle;
use serde::Deserialize;

use crate::SinkError;

/// `[sinks.jsonl]` in the config file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JsonlConfig {
    /// Directory the files go to; created when missing.
    pub dir: PathBuf,
    /// File name prefix.
    pub prefix: String,
    /// Rotate before a file passes this size.
    pub max_file_bytes: u64,
}

impl Default for JsonlConfig {
    fn default() -> Self {
        JsonlConfig {
            dir: PathBuf::from("data"),
            prefix: "enriched".into(),
            max_file_bytes: 256 * 1024 * 1024,
        }
    }
}

struct OpenFile {
    path: PathBuf,
    day: NaiveDate,
    index: u32,
    written: u64,
    writer: BufWriter<File>,
}

/// Appends enriched articles to rotating JSON Lines files.
pub struct JsonlSink {
    config: JsonlConfig,
    current: Option<OpenFile>,
    /// The file written last, still known after `close`.
    last_path: Option<PathBuf>,
}

impl JsonlSink {
    /// Creates the directory if needed; files are opened on the first write.
    pub fn new(config: JsonlConfig) -> Result<Self, SinkError> {
        std::fs::create_dir_all(&config.dir).map_err(|source| SinkError::Io {
            path: config.dir.display().to_string(),
            source,
        })?;
        Ok(JsonlSink {
            config,
            current: None,
            last_path: None,
        })
    }

    /// Where the files go, for the end-of-run summary: `DIR/PREFIX-YYYY-MM-DD.jsonl`.
    pub fn describe(&self) -> String {
        format!(
            "{}/{}-YYYY-MM-DD.jsonl",
            self.config.dir.display(),
            self.config.prefix
        )
    }

    /// The file written last, if any.
    pub fn current_path(&self) -> Option<&Path> {
        self.last_path.as_deref()
    }

    /// Appends the batch and flushes it to the operating system.
    pub fn write_batch(&mut self, batch: &[EnrichedArticle]) -> Result<(), SinkError> {
        self.write_batch_on(Utc::now().date_naive(), batch)
    }

    fn write_batch_on(
        &mut self,
        day: NaiveDate,
        batch: &[EnrichedArticle],
    ) -> Result<(), SinkError> {
        for article in batch {
            let mut line = serde_json::to_vec(article).map_err(|source| SinkError::Encode {
                id: article.article.id.clone(),
                source,
            })?;
            line.push(b'\n');
            let file = self.file_for(day, line.len() as u64)?;
            file.writer
                .write_all(&line)
                .map_err(|source| io(&file.path, source))?;
            file.written += line.len() as u64;
        }
        if let Some(file) = self.current.as_mut() {
            file.writer
                .flush()
                .map_err(|source| io(&file.path, source))?;
        }
        Ok(())
    }

    /// Flushes and fsyncs the open file.
    pub fn close(&mut self) -> Result<(), SinkError> {
        match self.current.take() {
            Some(file) => sync(file),
            None => Ok(()),
        }
    }

    /// The file the next `len` bytes go to, rotating by day and by size.
    fn file_for(&mut self, day: NaiveDate, len: u64) -> Result<&mut OpenFile, SinkError> {
        let rotate = match &self.current {
            None => true,
            Some(f) => {
                f.day != day || (f.written > 0 && f.written + len > self.config.max_file_bytes)
            }
        };
        if rotate {
            let next_index = match &self.current {
                Some(f) if f.day == day => f.index + 1,
                _ => self.newest_index(day),
            };
            if let Some(old) = self.current.take() {
                sync(old)?;
            }
            let file = self.open(day, next_index)?;
            self.last_path = Some(file.path.clone());
            self.current = Some(file);
        }
        Ok(self.current.as_mut().expect("a file was just opened"))
    }

    fn path_for(&self, day: NaiveDate, index: u32) -> PathBuf {
        let name = match index {
            0 => format!("{}-{day}.jsonl", self.config.prefix),
            n => format!("{}-{day}.{n}.jsonl", self.config.prefix),
        };
        self.config.dir.join(name)
    }

    /// The highest index of an existing file of `day`, so a restart appends to it.
    fn newest_index(&self, day: NaiveDate) -> u32 {
        let mut index = 0;
        while self.path_for(day, index + 1).exists() {
            index += 1;
        }
        index
    }

    fn open(&self, day: NaiveDate, index: u32) -> Result<OpenFile, SinkError> {
        let path = self.path_for(day, index);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|source| io(&path, source))?;
        let written = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(OpenFile {
            path,
            day,
            index,
            written,
            writer: BufWriter::new(file),
        })
    }
}

impl Drop for JsonlSink {
    fn drop(&mut self) {
        if let Err(err) = self.close() {
            tracing::warn!(error = %err, "closing JSON Lines file failed");
        }
    }
}

fn sync(mut file: OpenFile) -> Result<(), SinkError> {
    file.writer
        .flush()
        .map_err(|source| io(&file.path, source))?;
    file.writer
        .get_ref()
        .sync_all()
        .map_err(|source| io(&file.path, source))
}

fn io(path: &Path, source: std::io::Error) -> SinkError {
    SinkError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use newswire_model::{Article, EnrichmentMeta};

    use super::*;

    fn article(id: &str) -> EnrichedArticle {
        EnrichedArticle {
            article: Article::from_text(id, "t", "b"),
            countries: vec![],
            weapons: vec![],
            weapon_classes: vec![],
            sanctions: vec![],
            enrichment: EnrichmentMeta {
                engine_version: "0".into(),
                gazetteer_version: "0".into(),
                took_us: 1,
            },
        }
    }

    fn lines(path: &Path) -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    #[test]
    fn appends_one_line_per_article_and_reopens_after_restart() {
        let dir = tempfile::tempdir().unwrap();
        let config = JsonlConfig {
            dir: dir.path().into(),
            ..Default::default()
        };
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let mut sink = JsonlSink::new(config.clone()).unwrap();
        sink.write_batch_on(day, &[article("a"), article("b")])
            .unwrap();
        drop(sink);
        let mut sink = JsonlSink::new(config).unwrap();
        sink.write_batch_on(day, &[article("c")]).unwrap();
        let path = dir.path().join("enriched-2026-11-27.jsonl");
        assert_eq!(sink.current_path(), Some(path.as_path()));
        let got = lines(&path);
        assert_eq!(got.len(), 3);
        let last: EnrichedArticle = serde_json::from_str(&got[2]).unwrap();
        assert_eq!(last.article.id, "c");
    }

    #[test]
    fn rotates_by_day_and_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let one_line = serde_json::to_vec(&article("a")).unwrap().len() as u64 + 1;
        let config = JsonlConfig {
            dir: dir.path().into(),
            max_file_bytes: one_line * 2,
            ..Default::default()
        };
        let d1 = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let d2 = d1.succ_opt().unwrap();
        let mut sink = JsonlSink::new(config).unwrap();
        sink.write_batch_on(d1, &[article("a"), article("b"), article("c")])
            .unwrap();
        sink.write_batch_on(d2, &[article("d")]).unwrap();
        sink.close().unwrap();
        assert_eq!(
            lines(&dir.path().join("enriched-2026-11-27.jsonl")).len(),
            2
        );
        assert_eq!(
            lines(&dir.path().join("enriched-2026-11-27.1.jsonl")).len(),
            1
        );
        assert_eq!(
            lines(&dir.path().join("enriched-2026-11-28.jsonl")).len(),
            1
        );
    }
}
