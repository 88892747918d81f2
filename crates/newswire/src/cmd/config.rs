//! `newswire config check FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Config;
use crate::exit;

#[derive(clap::Subcommand, Debug)]
pub enum ConfigCommand {
    /// Validate a config file: exit 0, or exit 78 with the file, line, key and reason.
    Check {
        /// The config file to check.
        file: PathBuf,
    },
}

pub fn run(cmd: ConfigCommand) -> ExitCode {
    match cmd {
        ConfigCommand::Check { file } => match Config::load(&file) {
            Ok(config) => {
                println!(
                    "{}: ok ({} feeds, bus {}, sinks: {})",
                    file.display(),
                    config.feeds.len(),
                    config.bus.kind.name(),
                    sink_names(&config).join(", ")
                );
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::from(exit::CONFIG)
            }
        },
    }
}

fn sink_names(config: &Config) -> Vec<&'static str> {
    let mut names = Vec::new();
    if config.sinks.jsonl.is_some() {
        names.push("jsonl");
    }
    if config.sinks.stdout {
        names.push("stdout");
    }
    names
}
