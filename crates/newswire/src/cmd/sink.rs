//! `newswire sink`: enriched articles from Kafka to the configured sinks.
//!
//! A batch is acknowledged (and its offsets stored) only after every sink took it, so a crash
//! re-delivers, never loses; sinks are idempotent by article id (JSON Lines readers dedupe).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use newswire_sinks::{JsonlConfig, JsonlSink, StdoutSink};

use crate::config::Config;
use crate::pipeline::sink::SinkSet;

#[derive(clap::Args, Debug)]
pub struct SinkArgs {
    /// The config file (TOML): [sinks], [kafka].
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Kafka bootstrap servers.
    #[arg(long, value_name = "HOST:PORT", env = "NEWSWIRE_KAFKA_BROKERS")]
    pub brokers: Option<String>,
    /// Consumer group (default `<kafka.group>-sink`, i.e. `newswire-sink`).
    #[arg(long, value_name = "ID")]
    pub group: Option<String>,
    /// Write JSON Lines files into this directory (overrides [sinks.jsonl] dir).
    #[arg(long, value_name = "DIR")]
    pub jsonl: Option<PathBuf>,
    /// Also print every enriched article as a JSON line on stdout.
    #[arg(long)]
    pub stdout: bool,
    /// Serve /livez, /readyz and /metrics on this address.
    #[arg(long, value_name = "ADDR", env = "NEWSWIRE_HTTP")]
    pub http: Option<SocketAddr>,
}

/// The sinks of the config, with `--jsonl DIR` and `--stdout` on top.
pub fn build_sinks(
    config: &Config,
    jsonl_dir: Option<PathBuf>,
    stdout: bool,
) -> anyhow::Result<SinkSet> {
    let mut sinks = SinkSet::default();
    let jsonl = match (jsonl_dir, config.sinks.jsonl.clone()) {
        (Some(dir), Some(configured)) => Some(JsonlConfig { dir, ..configured }),
        (Some(dir), None) => Some(JsonlConfig {
            dir,
            ..JsonlConfig::default()
        }),
        (None, configured) => configured,
    };
    if let Some(jsonl) = jsonl {
        let dir = jsonl.dir.display().to_string();
        sinks.jsonl = Some(
            JsonlSink::new(jsonl)
                .with_context(|| format!("cannot open the JSON Lines sink in {dir}"))?,
        );
    }
    if stdout || config.sinks.stdout {
        sinks.stdout = Some(StdoutSink);
    }
    Ok(sinks)
}

pub async fn run(args: SinkArgs, config: Config) -> anyhow::Result<ExitCode> {
    let sinks = build_sinks(&config, args.jsonl.clone(), args.stdout)?;
    if sinks.describe().is_empty() {
        bail!("no sink: pass --jsonl DIR or --stdout, or configure [sinks]");
    }
    super::serve::sink_service(config, args.brokers, args.group, sinks, args.http).await
}
