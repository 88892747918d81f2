//! `newswire sink`: enriched articles from Kafka to the configured sinks.
//!
//! A batch is acknowledged (and its offsets stored) only after every sink took it, so a crash
//! re-delivers, never loses; sinks are idempotent by article id (JSON Lines readers dedupe).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Config;
use crate::pipeline::sink::{SinkOverrides, SinkSet};

#[derive(clap::Args, Debug)]
pub struct SinkArgs {
    /// The config file (TOML): the sinks and kafka sections.
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
    /// Upsert into PostgreSQL at this URL (overrides [sinks.postgres] url); migrations are
    /// applied at start. Example: postgres://newswire@127.0.0.1:5432/newswire
    #[arg(
        long,
        value_name = "URL",
        env = "NEWSWIRE_POSTGRES_URL",
        hide_env_values = true
    )]
    pub postgres: Option<String>,
    /// Serve /livez, /readyz and /metrics on this address.
    #[arg(long, value_name = "ADDR", env = "NEWSWIRE_HTTP")]
    pub http: Option<SocketAddr>,
}

/// The sinks of the config, with `--jsonl DIR`, `--postgres URL` and `--stdout` on top.
pub async fn build_sinks(config: &Config, args: &SinkArgs) -> anyhow::Result<SinkSet> {
    let overrides = SinkOverrides {
        jsonl_dir: args.jsonl.clone(),
        stdout: args.stdout,
        postgres_url: args.postgres.clone(),
    };
    SinkSet::open(&config.sinks, overrides).await
}

pub async fn run(args: SinkArgs, config: Config) -> anyhow::Result<ExitCode> {
    let sinks = build_sinks(&config, &args).await?;
    super::serve::sink_service(config, args.brokers, args.group, sinks, args.http).await
}
