//! `newswire enrich` without `--serve`: enrich JSON lines (or one plain-text article) from stdin or a file.
//!
//! Output is one EnrichedArticle JSON line per input line, in input order. A bad line gets an
//! error on stderr naming its line number; the rest are still processed and the exit code is
//! 65 (data error) at the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use newswire_enrich::Enricher;
use newswire_model::{id::hash_id, Article};
use newswire_pipeline::workers::{Submitter, Workers};
use serde_json::Value;

use super::enrich::EnrichArgs;
use newswire_pipeline::failure::{Failure, FailureKind};

/// Enriches the lines (or, with `--text`, the whole input) of `--input` or stdin.
pub fn run(args: EnrichArgs) -> anyhow::Result<ExitCode> {
    let (name, reader): (String, Box<dyn Read + Send>) = match &args.input {
        Some(path) => (
            path.display().to_string(),
            Box::new(std::fs::File::open(path).map_err(|e| {
                Failure::new(
                    FailureKind::NoInput,
                    format!("cannot open {}: {e}", path.display()),
                )
            })?),
        ),
        None => ("stdin".into(), Box::new(std::io::stdin())),
    };
    let enricher = Enricher::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.text {
        let mut bytes = Vec::new();
        BufReader::new(reader)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {name}"))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (title, body) = match args.title {
            Some(title) => (title, text),
            None => split_headline(&text),
        };
        let id = hash_id(&["text", &title, &body]);
        write_line(&mut out, &enricher, Article::from_text(id, title, body))?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let workers =
        Workers::new(args.workers.unwrap_or(0)).context("cannot start the enrichment threads")?;
    enrich_lines(reader, &name, &workers, Arc::new(enricher), &mut out)
}

/// Lines per job: enough to make handing a job to a thread cheap next to enriching it, few
/// enough that a small input still spreads over the threads.
const CHUNK_LINES: usize = 64;
/// Bytes per job at most (long lines make smaller chunks).
const CHUNK_BYTES: usize = 256 * 1024;

/// Input lines with their 1-based numbers.
type Chunk = Vec<(usize, Vec<u8>)>;

/// What a job made of a chunk: the output lines, and the lines that failed with the offset in
/// `text` where their error belongs (so stdout and stderr interleave in input order).
#[derive(Default)]
struct Enriched {
    text: Vec<u8>,
    errors: Vec<(usize, usize, String)>,
}

/// Reads `reader` on a thread of its own, enriches its chunks on `workers` and writes the
/// results in input order; exit 65 when a line failed.
fn enrich_lines(
    reader: Box<dyn Read + Send>,
    name: &str,
    workers: &Workers,
    enricher: Arc<Enricher>,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    // A few chunks per thread keep every thread busy while the writer catches up; the window
    // bounds memory whatever the input size.
    let (submit, mut results) = workers.ordered::<Enriched>(workers.size() * 4);
    let reading = {
        let name = name.to_string();
        std::thread::Builder::new()
            .name("newswire-enrich-reader".into())
            .spawn(move || read_chunks(reader, &name, &submit, &enricher))
            .context("cannot start the reading thread")?
    };
    let mut failed = 0usize;
    while let Some(done) = results.next_blocking() {
        let done = done.map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        failed += write_chunk(out, name, done)?;
    }
    out.flush()?;
    let lines = reading
        .join()
        .map_err(|_| anyhow::anyhow!("the thread reading {name} failed"))??;
    if failed > 0 {
        return Err(Failure::new(
            FailureKind::Data,
            format!("{failed} of {lines} lines could not be enriched"),
        )
        .into());
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads lines into chunks and submits each; returns how many lines there were.
fn read_chunks(
    reader: Box<dyn Read + Send>,
    name: &str,
    submit: &Submitter<Enriched>,
    enricher: &Arc<Enricher>,
) -> anyhow::Result<usize> {
    let mut reader = BufReader::new(reader);
    let mut number = 0usize;
    loop {
        let mut chunk: Chunk = Vec::with_capacity(CHUNK_LINES);
        let mut bytes = 0;
        while chunk.len() < CHUNK_LINES && bytes < CHUNK_BYTES {
            let mut line = Vec::new();
            let n = reader
                .read_until(b'\n', &mut line)
                .with_context(|| format!("cannot read {name}"))?;
            if n == 0 {
                break;
            }
            number += 1;
            bytes += n;
            chunk.push((number, line));
        }
        if chunk.is_empty() {
            return Ok(number);
        }
        let enricher = enricher.clone();
        if submit
            .submit_blocking(move || enrich_chunk(&enricher, chunk))
            .is_err()
        {
            return Ok(number); // the writer stopped (an output error, reported by it)
        }
    }
}

/// Enriches the lines of one chunk into JSON lines (blank lines are skipped).
fn enrich_chunk(enricher: &Enricher, chunk: Chunk) -> Enriched {
    let mut done = Enriched::default();
    for (number, line) in chunk {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse_line(&line) {
            Ok(article) => {
                let enriched = enricher.enrich(article);
                newswire_model::json::write_enriched(&mut done.text, &enriched);
                done.text.push(b'\n');
            }
            Err(reason) => done.errors.push((done.text.len(), number, reason)),
        }
    }
    done
}

/// Writes one chunk's lines and reports its bad lines; returns how many failed.
fn write_chunk(out: &mut impl Write, name: &str, done: Enriched) -> anyhow::Result<usize> {
    let mut written = 0;
    for (at, number, reason) in &done.errors {
        out.write_all(&done.text[written..*at])?;
        written = *at;
        out.flush()?;
        tracing::error!(input = name, line = number, "{name}:{number}: {reason}");
    }
    out.write_all(&done.text[written..])?;
    Ok(done.errors.len())
}

/// A first line followed by a blank line is a headline; otherwise everything is body.
fn split_headline(text: &str) -> (String, String) {
    let trimmed = text.trim_start();
    if let Some((first, rest)) = trimmed.split_once('\n') {
        let rest_starts_blank = rest.trim_start_matches([' ', '\t', '\r']).starts_with('\n');
        if rest_starts_blank && !first.trim().is_empty() && first.len() <= 300 {
            return (first.trim().to_string(), rest.trim_start().to_string());
        }
    }
    (String::new(), text.to_string())
}

fn write_line(out: &mut impl Write, enricher: &Enricher, article: Article) -> anyhow::Result<()> {
    let mut line = newswire_model::json::enriched_to_vec(&enricher.enrich(article));
    line.push(b'\n');
    out.write_all(&line)?;
    Ok(())
}

/// A full Article, or an object with `title` and/or `body` (and optionally `id`).
fn parse_line(line: &[u8]) -> Result<Article, String> {
    let text = std::str::from_utf8(line).map_err(|e| format!("invalid UTF-8: {e}"))?;
    let value: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(mut object) = value else {
        return Err("expected a JSON object with \"title\" and/or \"body\"".into());
    };
    if object.contains_key("fetched_at") {
        return serde_json::from_value(Value::Object(object))
            .map_err(|e| format!("not a valid Article: {e}"));
    }
    // The strings are moved out of the parsed line, not copied (a story's body is kilobytes).
    let mut field = |name: &str| -> Result<Option<String>, String> {
        match object.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!(
                "field \"{name}\" must be a string, found {}",
                kind(&other)
            )),
        }
    };
    let (title, body) = (field("title")?, field("body")?);
    if title.is_none() && body.is_none() {
        return Err("expected a field \"title\" or \"body\"".into());
    }
    let (title, body) = (title.unwrap_or_default(), body.unwrap_or_default());
    let id = field("id")?.unwrap_or_else(|| hash_id(&["text", &title, &body]));
    Ok(Article::from_text(id, title, body))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_short_and_full_forms() {
        let a = parse_line(br#"{"id":"x","title":"","body":"Turkey"}"#).unwrap();
        assert_eq!((a.id.as_str(), a.body.as_str()), ("x", "Turkey"));
        let b = parse_line(br#"{"body":"Turkey"}"#).unwrap();
        assert!(b.id.starts_with("nw1-"));
        let full = serde_json::to_vec(&Article::from_text("y", "t", "b")).unwrap();
        assert_eq!(parse_line(&full).unwrap().id, "y");
    }

    #[test]
    fn text_headline_is_split_only_when_followed_by_a_blank_line() {
        let (t, b) = split_headline("Headline here\n\nLONDON (Reuters) - Body.\n");
        assert_eq!(
            (t.as_str(), b.as_str()),
            ("Headline here", "LONDON (Reuters) - Body.\n")
        );
        let (t, b) = split_headline("One paragraph\nthat wraps.\n");
        assert_eq!(
            (t.as_str(), b.as_str()),
            ("", "One paragraph\nthat wraps.\n")
        );
    }

    #[test]
    fn explains_bad_lines() {
        assert!(parse_line(b"{oops").unwrap_err().contains("invalid JSON"));
        assert!(parse_line(b"[1]").unwrap_err().contains("JSON object"));
        assert!(parse_line(br#"{"title": 3}"#)
            .unwrap_err()
            .contains("\"title\" must be a string"));
        assert!(parse_line(b"{\"body\": \"\xff\"}")
            .unwrap_err()
            .contains("UTF-8"));
        assert!(parse_line(br#"{"id": "z"}"#).unwrap_err().contains("title"));
    }
}
