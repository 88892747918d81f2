//! `newswire feed parse|check`: thin printing around `newswire_feeds::cli`.

use std::io::{Read, Write};
use std::process::ExitCode;

use newswire_feeds::cli;
use newswire_feeds::FetchConfig;

use crate::exit;

/// Largest document `feed parse` reads.
const MAX_INPUT: u64 = 64 * 1024 * 1024;

#[derive(clap::Subcommand, Debug)]
pub enum FeedCommand {
    /// Parse a feed document (RSS, Atom, JSON Feed) and print it normalised as one JSON object.
    #[command(after_help = "Examples:\n  \
        newswire feed parse tests/fixtures/feeds/rss-arms.xml | jq '.entries | length'\n  \
        curl -s https://www.example.com/rss.xml | newswire feed parse -\n\n\
        Exit: 65 not a parseable feed; 66 the file cannot be read.")]
    Parse {
        /// File to read, or - for standard input.
        path: String,
    },
    /// Fetch a feed once and report status, validators, entry count and warnings.
    #[command(after_help = "Examples:\n  \
        newswire feed check https://www.example.com/rss.xml\n  \
        newswire feed check tests/fixtures/feeds/rss-arms.xml\n\n\
        Exit: 65 not a parseable feed; 69 it could not be fetched.")]
    Check {
        /// http(s):// or file:// URL, or a path.
        target: String,
    },
}

/// `newswire feed parse|check`.
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
                tracing::error!(
                    exit_code = exit::NOINPUT,
                    "newswire feed parse: cannot read {path}: {e}"
                );
                return Ok(ExitCode::from(exit::NOINPUT));
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
                    tracing::error!(exit_code = exit::DATA, "newswire feed parse: {path}: {e}");
                    Ok(ExitCode::from(exit::DATA))
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
                ExitCode::from(exit::DATA)
            } else {
                ExitCode::from(exit::UNAVAILABLE)
            })
        }
    }
}
