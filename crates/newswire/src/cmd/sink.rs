//! `newswire sink`: enriched articles from Kafka to the configured sinks.
//!
//! A batch is acknowledged (and its offsets stored) only after every sink took it, so a crash
//! re-delivers, never loses; sinks are idempotent by article id (JSON Lines readers dedupe).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use newswire_bus::kafka::{KafkaConsumer, KafkaProducer};
use newswire_bus::Producer;
use newswire_model::topics;
use newswire_pipeline::config::Config;
use newswire_pipeline::events::Summary;
use newswire_pipeline::health::{self, ServiceState};
use newswire_pipeline::service::{drain, flush, Service};
use newswire_pipeline::stage::dead_letter::DeadLetters;
use newswire_pipeline::stage::sink::{self, Batching, SinkOverrides, SinkSet};
use newswire_pipeline::stage::stats::Stats;
use newswire_pipeline::telemetry::Exports;

#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    newswire sink --brokers kafka:9092 --jsonl /srv/newswire/out\n  \
    NEWSWIRE_POSTGRES_URL=postgres://newswire@db:5432/newswire newswire sink --brokers kafka:9092 --http 0.0.0.0:9100\n  \
    newswire sink --brokers kafka:9092 --stdout | jq .title\n\n\
    Exit: 69 the database or the brokers cannot be reached; 73 the JSON Lines directory cannot\n\
    be created; 78 no sink configured.")]
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

/// `newswire sink`: opens the sinks first (a bad database is reported before any broker
/// wait), then consumes the enriched topic into them.
pub async fn run(args: SinkArgs, config: Config) -> anyhow::Result<ExitCode> {
    let sinks = build_sinks(&config, &args).await?;
    sink_service(config, args.brokers, args.group, sinks, args.http).await
}

async fn sink_service(
    config: Config,
    brokers: Option<String>,
    group: Option<String>,
    sinks: SinkSet,
    http_addr: Option<SocketAddr>,
) -> anyhow::Result<ExitCode> {
    let service = Service::start(&config, http_addr, Exports::SINK).await?;
    let kafka = &config.kafka;
    service.health.set(health::SINKS, ServiceState::Ready);
    let settings = service.connect_kafka(&config, brokers.as_deref()).await?;
    let group = kafka.group_for(group.as_deref(), "sink");
    let producer = KafkaProducer::new(&settings)?;
    let dlq_out: Arc<dyn Producer> = Arc::new(producer.clone());
    service.consumer_starting(&group);
    let consumer = KafkaConsumer::subscribe(
        &settings,
        &group,
        &[topics::ENRICHED],
        kafka.consumer_options(),
    )?;
    newswire_pipeline::lag::spawn(
        &settings,
        &group,
        topics::ENRICHED,
        service.stats.clone(),
        service.shutdown.clone(),
    );
    let handle = consumer.handle();
    let mut stage = tokio::spawn(sink::run(
        consumer,
        sinks,
        Batching::default(),
        service.stats.clone(),
        DeadLetters::to_topic(dlq_out),
        service.health.clone(),
    ));
    tracing::info!(%group, "sink service started");
    if service.stage_ended(&mut stage).await {
        return service.stopped_early(&handle, &producer, "sink").await;
    }
    let sinks = drain(service.deadline, "draining the sink stage", &handle, stage).await;
    flush(&producer, Duration::from_secs(5)).await;
    let text = format!("{} written", Stats::get(&service.stats.written));
    Summary {
        command: "newswire sink",
        text: &text,
        stats: &service.stats,
        outputs: &sinks.map(|s| s.describe()).unwrap_or_default(),
    }
    .emit();
    Ok(ExitCode::SUCCESS)
}
