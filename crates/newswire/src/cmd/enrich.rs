//! `newswire enrich`: the enrich service (`--serve`: raw topic in, enriched topic out), or the
//! stdin/stdout tool (`enrich_lines`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use newswire_bus::kafka::eos::TransactionOptions;
use newswire_bus::kafka::{KafkaConsumer, KafkaProducer, KafkaSettings};
use newswire_bus::Producer;
use newswire_enrich::Enricher;
use newswire_model::topics;
use newswire_pipeline::config::Config;
use newswire_pipeline::events::Summary;
use newswire_pipeline::failure::Failure;
use newswire_pipeline::service::{drain, flush, Service};
use newswire_pipeline::shutdown;
use newswire_pipeline::stage::dead_letter::DeadLetters;
use newswire_pipeline::stage::enrich;
use newswire_pipeline::stage::stats::Stats;
use newswire_pipeline::telemetry::Exports;
use newswire_pipeline::workers::Workers;

#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    echo '{\"id\":\"x\",\"title\":\"\",\"body\":\"Turkey bought the S-400 from Russia.\"}' | newswire enrich\n  \
    newswire enrich --text < tests/fixtures/reuters-s400.txt\n  \
    newswire enrich --input articles.jsonl > enriched.jsonl\n  \
    newswire enrich --serve --brokers kafka:9092 --http 0.0.0.0:9100\n\n\
    Exit: 65 when a line could not be enriched (the others are); with --serve, 69 when the\n\
    brokers do not answer within kafka.startup_timeout_ms.")]
pub struct EnrichArgs {
    /// Read from this file instead of stdin.
    #[arg(long, short, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Treat the whole input as one plain-text article.
    #[arg(long)]
    pub text: bool,
    /// With --text: the article's title. Without it, a first line followed by a blank line is
    /// taken as the title (the usual shape of a wire story saved as text).
    #[arg(long, requires = "text", value_name = "TITLE")]
    pub title: Option<String>,
    /// Run as a service: raw articles from Kafka, enriched articles to Kafka.
    #[arg(long, conflicts_with_all = ["input", "text"])]
    pub serve: bool,
    /// With --serve: Kafka bootstrap servers.
    #[arg(long, value_name = "HOST:PORT", env = "NEWSWIRE_KAFKA_BROKERS")]
    pub brokers: Option<String>,
    /// With --serve: consumer group (default `<kafka.group>-enrich`, i.e. `newswire-enrich`).
    #[arg(long, value_name = "ID", requires = "serve")]
    pub group: Option<String>,
    /// With --serve: the config file (its kafka, shutdown and metrics sections).
    #[arg(long, short, value_name = "FILE", requires = "serve")]
    pub config: Option<PathBuf>,
    /// Threads that enrich; 0 or unset: one per core (with --serve, `enrich.workers` in the
    /// config when this is unset).
    #[arg(long, value_name = "N", env = "NEWSWIRE_ENRICH__WORKERS")]
    pub workers: Option<usize>,
    /// With --serve: serve /livez, /readyz and /metrics on this address.
    #[arg(long, value_name = "ADDR", env = "NEWSWIRE_HTTP")]
    pub http: Option<std::net::SocketAddr>,
}

/// `newswire enrich --serve`: raw articles from Kafka, enriched articles to Kafka.
pub async fn serve(args: EnrichArgs, config: Config) -> anyhow::Result<ExitCode> {
    let workers = Workers::new(args.workers.unwrap_or(config.enrich.workers))
        .context("cannot start the enrichment threads")?;
    enrich_service(config, args.brokers, args.group, args.http, workers).await
}

async fn enrich_service(
    config: Config,
    brokers: Option<String>,
    group: Option<String>,
    http_addr: Option<SocketAddr>,
    workers: Workers,
) -> anyhow::Result<ExitCode> {
    let service = Service::start(&config, http_addr, Exports::ENRICH).await?;
    let kafka = &config.kafka;
    let settings = service.connect_kafka(&config, brokers.as_deref()).await?;
    let group = kafka.group_for(group.as_deref(), "enrich");
    if kafka.exactly_once {
        return enrich_exactly_once(&config, settings, group, service, workers).await;
    }
    let producer = KafkaProducer::new(&settings)?;
    let output: Arc<dyn Producer> = Arc::new(producer.clone());
    service.consumer_starting(&group);
    let consumer =
        KafkaConsumer::subscribe(&settings, &group, &[topics::RAW], kafka.consumer_options())?;
    newswire_pipeline::lag::spawn(
        &settings,
        &group,
        topics::RAW,
        service.stats.clone(),
        service.shutdown.clone(),
    );
    let handle = consumer.handle();
    let threads = workers.size();
    let mut stage = tokio::spawn(enrich::run(
        consumer,
        output.clone(),
        Arc::new(Enricher::new()),
        workers,
        service.stats.clone(),
        DeadLetters::to_topic(output),
    ));
    tracing::info!(%group, workers = threads, "enrich service started");
    if service.stage_ended(&mut stage).await {
        return service.stopped_early(&handle, &producer, "enrich").await;
    }
    drain(
        service.deadline,
        "draining the enrich stage",
        &handle,
        stage,
    )
    .await;
    flush(&producer, Duration::from_secs(5)).await;
    let stats = &service.stats;
    let text = format!(
        "{} enriched, {} dead-lettered or undecodable",
        Stats::get(&stats.enriched),
        Stats::get(&stats.decode_errors)
    );
    Summary {
        command: "newswire enrich",
        text: &text,
        stats,
        outputs: &[],
    }
    .emit();
    Ok(ExitCode::SUCCESS)
}
/// Exactly-once enrich: outputs and input offsets commit in one transaction per batch.
async fn enrich_exactly_once(
    config: &Config,
    settings: KafkaSettings,
    group: String,
    service: Service,
    workers: Workers,
) -> anyhow::Result<ExitCode> {
    let transactional_id = config
        .kafka
        .transactional_id
        .clone()
        .unwrap_or_else(|| format!("{group}-tx"));
    let options = TransactionOptions::new(transactional_id);
    let stop = Arc::new(AtomicBool::new(false));
    let stats = service.stats.clone();
    service.consumer_starting(&format!("tx-{group}"));
    let job = {
        let stop = stop.clone();
        tokio::task::spawn_blocking(move || {
            enrich::exactly_once(&settings, &group, &options, &stop, &workers, stats)
        })
    };
    tracing::info!("enrich service started (exactly-once)");
    let mut job = job;
    let result = tokio::select! {
        _ = service.shutdown.requested() => {
            stop.store(true, Ordering::SeqCst);
            shutdown::with_deadline(service.deadline, "finishing the open transaction", &mut job).await
        }
        r = &mut job => Some(r),
    };
    match result {
        Some(Ok(Ok(tx))) => {
            let text = format!(
                "{} records in, {} out, {} transactions committed, {} aborted",
                tx.records_in, tx.records_out, tx.committed, tx.aborted
            );
            Summary {
                command: "newswire enrich (exactly-once)",
                text: &text,
                stats: &service.stats,
                outputs: &[],
            }
            .emit();
            Ok(ExitCode::SUCCESS)
        }
        Some(Ok(Err(err))) => Err(err.into()),
        Some(Err(join)) => Err(anyhow::anyhow!("the exactly-once stage failed: {join}")),
        None => Err(Failure::temporary(
            "the open transaction did not finish before the shutdown deadline; it is aborted and its batch read again",
        )
        .into()),
    }
}
