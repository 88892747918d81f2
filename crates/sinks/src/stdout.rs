//! Writes each enriched article as one JSON line to standard output.

use std::io::Write;

use newswire_model::EnrichedArticle;

use crate::SinkError;

/// The stdout sink: a JSON line per article, for pipes and debugging.
#[derive(Debug, Default)]
pub struct StdoutSink;

impl StdoutSink {
    /// Writes and flushes every article of the batch, one line each.
    pub fn write_batch(&mut self, batch: &[EnrichedArticle]) -> Result<(), SinkError> {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let io_err = |source| SinkError::Io {
            path: "<stdout>".into(),
            source,
        };
        for article in batch {
            let line = serde_json::to_string(article).map_err(|source| SinkError::Encode {
                id: article.article.id.clone(),
                source,
            })?;
            out.write_all(line.as_bytes()).map_err(io_err)?;
            out.write_all(b"\n").map_err(io_err)?;
        }
        out.flush().map_err(io_err)
    }

    /// Where the output goes, for the end-of-run summary.
    pub fn describe(&self) -> String {
        "stdout".into()
    }
}
