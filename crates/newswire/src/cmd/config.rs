//! `newswire config check FILE [--online]`.

use std::path::PathBuf;
use std::process::ExitCode;

use newswire_pipeline::config::{BusKind, Config};
use newswire_sinks::postgres::{PostgresConfig, PostgresSink};

use newswire_pipeline::failure::Failure;

#[derive(clap::Subcommand, Debug)]
pub enum ConfigCommand {
    /// Validate a config file: exit 0, or exit 78 with the file, line, key and reason.
    /// With --online also connect to the Kafka brokers and the database it names: exit 69 when
    /// one cannot be reached.
    #[command(after_help = "Examples:\n  \
        newswire config check config/newswire.toml\n  \
        newswire config check --online --brokers kafka:9092 /etc/newswire/newswire.toml\n\n\
        Exit: 0 valid; 78 invalid (file, line, key and reason on stderr); 69 with --online when\n\
        a broker or the database cannot be reached.")]
    Check {
        /// The config file to check.
        file: PathBuf,
        /// Also connect to the broker (when the config uses Kafka or names brokers) and to
        /// PostgreSQL (when [sinks.postgres] is set). Migrations are only checked, never applied.
        #[arg(long)]
        online: bool,
        /// With --online: the brokers to try (default: kafka.brokers / NEWSWIRE_KAFKA_BROKERS).
        #[arg(long, value_name = "HOST:PORT", env = "NEWSWIRE_KAFKA_BROKERS")]
        brokers: Option<String>,
    },
}

/// `newswire config check`: 0, 78 for a bad config, 69 for an unreachable dependency.
pub fn run(cmd: ConfigCommand) -> anyhow::Result<ExitCode> {
    let ConfigCommand::Check {
        file,
        online,
        brokers,
    } = cmd;
    let config = Config::load(&file)?;
    println!(
        "{}: ok ({} feeds, bus {}, sinks: {})",
        file.display(),
        config.feeds.len(),
        config.bus.kind.name(),
        sink_names(&config).join(", ")
    );
    if !online {
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let failures = runtime.block_on(check_online(&config, brokers.as_deref()));
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Failure::unavailable(failures.join("; ")).into())
    }
}

/// Connects to every dependency the config names; returns what could not be reached.
async fn check_online(config: &Config, brokers: Option<&str>) -> Vec<String> {
    let mut failures = Vec::new();
    let uses_kafka =
        config.bus.kind == BusKind::Kafka || brokers.is_some() || !config.kafka.brokers.is_empty();
    if uses_kafka {
        match check_kafka(config, brokers).await {
            Ok(summary) => println!("kafka: {summary}"),
            Err(err) => failures.push(format!("kafka: {err}")),
        }
    }
    if let Some(pg) = &config.sinks.postgres {
        let pg = PostgresConfig {
            check_only_migrations: true,
            retry_max_attempts: 1,
            ..pg.clone()
        };
        match PostgresSink::connect(&pg).await {
            Ok(sink) => println!(
                "postgres: reachable, migrations up to date ({})",
                sink.describe()
            ),
            Err(err) => failures.push(format!("postgres: {err}")),
        }
    }
    if !uses_kafka && config.sinks.postgres.is_none() {
        println!("online: nothing to connect to (in-memory bus, no database sink)");
    }
    failures
}

async fn check_kafka(config: &Config, brokers: Option<&str>) -> anyhow::Result<String> {
    let settings = config.kafka.settings(brokers)?;
    let cluster = config.kafka.reach(&settings).await?;
    Ok(format!(
        "reachable, {} brokers, {} topics",
        cluster.brokers, cluster.topics
    ))
}

fn sink_names(config: &Config) -> Vec<&'static str> {
    let mut names = Vec::new();
    if config.sinks.jsonl.is_some() {
        names.push("jsonl");
    }
    if config.sinks.stdout {
        names.push("stdout");
    }
    if config.sinks.postgres.is_some() {
        names.push("postgres");
    }
    names
}
