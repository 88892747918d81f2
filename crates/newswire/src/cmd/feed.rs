//! `newswire feed parse|check`: thin printing around `newswire_feeds::cli`.

use std::io::{Read, Write};
use std::process::ExitCode;

use newswire_feeds::cli;
use newswire_feeds::FetchConfig;

/// Exit code for a document that is not a parseable feed (sysexits EX_DATAERR).
const EXIT_DATAERR: u8 = 65;
/// Exit code for a feed that could not be fetched (sysexits EX_UNAVAILABLE).
const EXIT_UNAVAILABLE: u8 = 69;
/// Exit code for an input that cannot be read (sysexits EX_NOINPUT).
const EXIT_NOINPUT: u8 = 66;

/// Largest document `feed parse` reads.
const MAX_INPUT: u64 = 64 * 1024 * 1024;

#[derive(clap::Subcommand, Debug)]
pub enum FeedCommand {
    /// Parse a feed document (RSS, Atom, JSON Feed) and print it normalised as one JSON object.
    Parse {
        /// File to read, or - for standard input.
        path: String,
    },
    /// Fetch a feed once and report status, validators, entry count and warnings.
    Check {
        /// http(s):// or file:// URL, or a path.
        target: String,
    },
}

pub async fn run(cmd: FeedCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        FeedCommand::Parse { path } => {
            let mut bytes = Vec::new();
            let read = if path == "-" {
                std::io::stdin()
                    .lock()
                    .take(MAX_INPUT)
                    .read_to_end(&mut bytes)
            } else {
                std::fs::File::open(&path).and_then(|f| f.take(MAX_INPUT).read_to_end(&mut bytes))
            };
            if let Err(e) = read {
                eprintln!("newswire feed parse: cannot read {path}: {e}");
                return Ok(ExitCode::from(EXIT_NOINPUT));
            }
            match cli::parse_for_cli(&bytes, &path) {
                Ok(value) => {
                    let mut out = std::io::stdout().lock();
                    let written = serde_json::to_writer(&mut out, &value)
                        .map_err(std::io::Error::from)
                        .and_then(|_| writeln!(out));
                    match written {
                        // A reader that stops early (`| head`) is not an error of ours.
                        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                            Ok(ExitCode::SUCCESS)
                        }
                        Err(e) => Err(e.into()),
                        Ok(()) => Ok(ExitCode::SUCCESS),
                    }
                }
                Err(e) => {
                    eprintln!("newswire feed parse: {path}: {e}");
                    Ok(ExitCode::from(EXIT_DATAERR))
                }
            }
        }
        FeedCommand::Check { target } => {
            let report = cli::check(&target, &FetchConfig::default()).await;
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
            Ok(if report.is_ok() {
                ExitCode::SUCCESS
            } else if report.outcome == "parse_error" {
                ExitCode::from(EXIT_DATAERR)
            } else {
                ExitCode::from(EXIT_UNAVAILABLE)
            })
        }
    }
}
