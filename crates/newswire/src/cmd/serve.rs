//! The Kafka services: `newswire enrich --serve`, and `newswire run` over Kafka, plus what
//! `newswire poll` and `newswire sink` share (config loading, start-up, draining).
//!
//! Each service stops on SIGTERM/SIGINT: the consumer stops taking records, what was handed
//! over is finished, in-flight records are waited for up to the drain deadline, offsets of
//! acknowledged records are committed, the producer is flushed, and the process exits within
//! `shutdown.deadline_secs`.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use newswire_bus::kafka::eos::{self, TransactionOptions};
use newswire_bus::kafka::{ConsumerHandle, KafkaConsumer, KafkaProducer};
use newswire_bus::{dlq, Producer};
use newswire_enrich::Enricher;
use newswire_feeds::Poller;
use newswire_model::topics;

use crate::config::Config;
use crate::http::{self, Health};
use crate::pipeline::codec::{decode_article, encode_enriched};
use crate::pipeline::dead_letter::DeadLetters;
use crate::pipeline::sink::{Batching, SinkSet};
use crate::pipeline::stats::Stats;
use crate::pipeline::{enrich, poll, sink};
use crate::shutdown::{self, Shutdown};
use crate::telemetry::Metrics;

/// Loads `path`, or the built-in defaults when no config is given.
pub fn load_config(path: Option<&Path>) -> Result<Config, String> {
    // A Kafka service is on the Kafka bus whatever the file says (the same file may also serve
    // `newswire run` in memory); without a file, the defaults with NEWSWIRE_* overrides.
    let env = std::env::vars().chain([("NEWSWIRE_BUS__KIND".to_string(), "kafka".to_string())]);
    Config::load_with_env(path.unwrap_or(Path::new("")), env).map_err(|e| e.to_string())
}

/// What every service process has: signals, counters, health and the optional HTTP listener.
pub struct Service {
    pub shutdown: Shutdown,
    pub stats: Arc<Stats>,
    pub health: Arc<Health>,
    pub deadline: Duration,
    _http: Option<(SocketAddr, tokio::task::JoinHandle<()>)>,
}

impl Service {
    pub async fn start(config: &Config, http_addr: Option<SocketAddr>) -> anyhow::Result<Service> {
        let shutdown = Shutdown::from_signals();
        let metrics = Metrics::new(config.metrics.per_feed);
        let health = Health::new();
        let http = match http_addr {
            Some(addr) => Some(http::serve(addr, health.clone(), metrics.clone()).await?),
            None => None,
        };
        if http.is_some() {
            crate::kafka::export_statistics(metrics.clone());
        }
        http::drain_on(&shutdown, health.clone());
        Ok(Service {
            shutdown,
            stats: Stats::new(metrics),
            health,
            deadline: Duration::from_secs(config.shutdown.deadline_secs),
            _http: http,
        })
    }
}

/// Flushes the producer without blocking the runtime.
pub async fn flush(producer: &KafkaProducer, timeout: Duration) {
    let producer = producer.clone();
    let result = tokio::task::spawn_blocking(move || producer.flush(timeout)).await;
    if !matches!(result, Ok(Ok(()))) {
        tracing::warn!("not every record was delivered before the flush timeout");
    }
}

/// Stops a consumer and waits for its stage and for its final commit, within the deadline.
async fn drain<T>(
    deadline: Duration,
    what: &str,
    handle: &ConsumerHandle,
    stage: tokio::task::JoinHandle<T>,
) -> Option<T> {
    handle.shutdown();
    let result = shutdown::with_deadline(deadline, what, async {
        let out = stage.await.ok();
        handle.closed().await;
        out
    })
    .await;
    result.flatten()
}

/// Waits for a shutdown request; true when the stage ended first (it should not).
async fn stage_ended<T>(service: &Service, stage: &mut tokio::task::JoinHandle<T>) -> bool {
    tokio::select! {
        _ = service.shutdown.requested() => false,
        _ = stage => true,
    }
}

async fn stopped_early(
    service: &Service,
    handle: &ConsumerHandle,
    producer: &KafkaProducer,
    stage: &str,
) -> anyhow::Result<ExitCode> {
    handle.shutdown();
    shutdown::with_deadline(service.deadline, "closing the consumer", handle.closed()).await;
    flush(producer, Duration::from_secs(5)).await;
    anyhow::bail!("the {stage} stage ended unexpectedly")
}

/// `newswire enrich --serve`: raw articles from Kafka, enriched articles to Kafka.
pub async fn enrich_service(
    config: Config,
    brokers: Option<String>,
    group: Option<String>,
    http_addr: Option<SocketAddr>,
) -> anyhow::Result<ExitCode> {
    let service = Service::start(&config, http_addr).await?;
    let kafka = &config.kafka;
    let settings = kafka.settings(brokers.as_deref())?;
    kafka.prepare(&settings).await?;
    let group = kafka.group_for(group.as_deref(), "enrich");
    if kafka.exactly_once {
        return enrich_exactly_once(&config, settings, group, service).await;
    }
    let producer = KafkaProducer::new(&settings)?;
    let output: Arc<dyn Producer> = Arc::new(producer.clone());
    let consumer =
        KafkaConsumer::subscribe(&settings, &group, &[topics::RAW], kafka.consumer_options())?;
    crate::lag::spawn(
        &settings,
        &group,
        topics::RAW,
        service.stats.metrics.clone(),
        service.shutdown.clone(),
    );
    let handle = consumer.handle();
    // One enrich loop per core, each fed whole partitions (order per key is kept).
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let enricher = Arc::new(Enricher::new());
    let dead_letters = DeadLetters::to_topic(output.clone());
    let lanes: Vec<_> = crate::kafka::fan_out(consumer, workers, 64)
        .into_iter()
        .map(|lane| {
            tokio::spawn(enrich::run(
                lane,
                output.clone(),
                enricher.clone(),
                service.stats.clone(),
                dead_letters.clone(),
            ))
        })
        .collect();
    let mut stage = tokio::spawn(async move {
        for lane in lanes {
            let _ = lane.await;
        }
    });
    service.health.set("kafka", true);
    tracing::info!(%group, workers, "enrich service started");
    if stage_ended(&service, &mut stage).await {
        return stopped_early(&service, &handle, &producer, "enrich").await;
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
    eprintln!(
        "newswire enrich: {} enriched, {} dead-lettered or undecodable",
        Stats::get(&stats.enriched),
        Stats::get(&stats.decode_errors)
    );
    Ok(ExitCode::SUCCESS)
}

/// Exactly-once enrich: outputs and input offsets commit in one transaction per batch.
async fn enrich_exactly_once(
    config: &Config,
    settings: newswire_bus::kafka::KafkaSettings,
    group: String,
    service: Service,
) -> anyhow::Result<ExitCode> {
    let transactional_id = config
        .kafka
        .transactional_id
        .clone()
        .unwrap_or_else(|| format!("{group}-tx"));
    let options = TransactionOptions::new(transactional_id);
    let stop = Arc::new(AtomicBool::new(false));
    let stats = service.stats.clone();
    let job = {
        let stop = stop.clone();
        tokio::task::spawn_blocking(move || {
            let enricher = Enricher::new();
            eos::run(
                &settings,
                &group,
                &[topics::RAW],
                &options,
                &stop,
                |record, origin| {
                    stats.enrich_received();
                    match decode_article(record) {
                        Ok(article) => {
                            let started = Instant::now();
                            let enriched = enricher.enrich(article);
                            stats.enriched(&enriched, started.elapsed());
                            stats.enrich_sent();
                            vec![(topics::ENRICHED.to_string(), encode_enriched(&enriched))]
                        }
                        Err(err) => {
                            stats.decode_error("enrich", err.code);
                            tracing::warn!(stage = "enrich", topic = %origin.topic, partition = origin.partition,
                            offset = origin.offset, error_code = err.code, "poison record sent to the dead-letter queue");
                            let dead =
                                dlq::record(record, origin, "enrich", err.code, &err.message);
                            vec![(topics::DLQ.to_string(), dead)]
                        }
                    }
                },
            )
        })
    };
    service.health.set("kafka", true);
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
        Some(Ok(Ok(stats))) => {
            eprintln!(
                "newswire enrich: {} records in, {} out, {} transactions committed, {} aborted",
                stats.records_in, stats.records_out, stats.committed, stats.aborted
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Ok(Err(err))) => Err(err.into()),
        Some(Err(join)) => Err(anyhow::anyhow!("the exactly-once stage failed: {join}")),
        None => Ok(ExitCode::FAILURE),
    }
}

/// `newswire run` with `bus.kind = "kafka"`: every stage in this process, records crossing
/// the broker between them. With `once`, polls each feed once and waits until the sink caught
/// up with what was published (or stopped making progress for 15 s).
pub async fn run_all(
    config: Config,
    once: bool,
    http_addr: Option<SocketAddr>,
) -> anyhow::Result<()> {
    let service = Service::start(&config, http_addr).await?;
    let kafka = &config.kafka;
    let settings = kafka.settings(None)?;
    kafka.prepare(&settings).await?;
    let stats = service.stats.clone();
    let producer = KafkaProducer::new(&settings)?;
    let output: Arc<dyn Producer> = Arc::new(producer.clone());

    let raw = KafkaConsumer::subscribe(
        &settings,
        &kafka.group_for(None, "enrich"),
        &[topics::RAW],
        kafka.consumer_options(),
    )?;
    let raw_handle = raw.handle();
    let dead_letters = DeadLetters::to_topic(output.clone());
    let enrich_task = tokio::spawn(enrich::run(
        raw,
        output.clone(),
        Arc::new(Enricher::new()),
        stats.clone(),
        dead_letters.clone(),
    ));

    let enriched = KafkaConsumer::subscribe(
        &settings,
        &kafka.group_for(None, "sink"),
        &[topics::ENRICHED],
        kafka.consumer_options(),
    )?;
    let enriched_handle = enriched.handle();
    let sinks = SinkSet::open(&config.sinks, Default::default()).await?;
    let sink_task = tokio::spawn(sink::run(
        enriched,
        sinks,
        Batching::default(),
        stats.clone(),
        dead_letters,
    ));

    let mut poller = Poller::new(
        config.fetch.clone(),
        config.feeds.clone(),
        Some(config.poll.state_dir.clone()),
    )
    .context("cannot start the poller")?;
    service.health.set("kafka", true);
    tracing::info!(
        feeds = config.feeds.len(),
        once,
        "newswire run started over Kafka"
    );
    if once {
        let polls = poller.poll_all().await;
        poll::publish(&mut poller, polls, output.as_ref(), &stats).await;
        wait_caught_up(&stats, &service.shutdown).await;
    } else {
        loop {
            tokio::select! {
                polls = poller.poll_due() => poll::publish(&mut poller, polls, output.as_ref(), &stats).await,
                _ = service.shutdown.requested() => break,
            }
        }
    }
    drain(
        service.deadline,
        "draining the enrich stage",
        &raw_handle,
        enrich_task,
    )
    .await;
    let sinks = drain(
        service.deadline,
        "draining the sink stage",
        &enriched_handle,
        sink_task,
    )
    .await;
    flush(&producer, Duration::from_secs(5)).await;
    let get = Stats::get;
    eprintln!(
        "newswire run (kafka): {} feeds polled, {} new articles published, {} enriched, {} written",
        get(&stats.feeds_polled),
        get(&stats.articles_delivered),
        get(&stats.enriched),
        get(&stats.written)
    );
    for place in sinks.map(|s| s.describe()).unwrap_or_default() {
        eprintln!("  output: {place}");
    }
    Ok(())
}

async fn wait_caught_up(stats: &Stats, shutdown: &Shutdown) {
    let get = Stats::get;
    let target = get(&stats.articles_delivered);
    let mut last = (u64::MAX, u64::MAX);
    let mut since = Instant::now();
    loop {
        let now = (get(&stats.written), get(&stats.decode_errors));
        if now.0 + now.1 >= target {
            return;
        }
        if now != last {
            last = now;
            since = Instant::now();
        } else if since.elapsed() > Duration::from_secs(15) {
            tracing::warn!(
                written = now.0,
                target,
                "the sink stopped making progress; stopping anyway"
            );
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
            _ = shutdown.requested() => return,
        }
    }
}

/// Used by `newswire sink`.
pub(crate) async fn sink_service(
    config: Config,
    brokers: Option<String>,
    group: Option<String>,
    sinks: SinkSet,
    http_addr: Option<SocketAddr>,
) -> anyhow::Result<ExitCode> {
    let service = Service::start(&config, http_addr).await?;
    let kafka = &config.kafka;
    let settings = kafka.settings(brokers.as_deref())?;
    kafka.prepare(&settings).await?;
    let group = kafka.group_for(group.as_deref(), "sink");
    let producer = KafkaProducer::new(&settings)?;
    let dlq_out: Arc<dyn Producer> = Arc::new(producer.clone());
    let consumer = KafkaConsumer::subscribe(
        &settings,
        &group,
        &[topics::ENRICHED],
        kafka.consumer_options(),
    )?;
    crate::lag::spawn(
        &settings,
        &group,
        topics::ENRICHED,
        service.stats.metrics.clone(),
        service.shutdown.clone(),
    );
    let handle = consumer.handle();
    let mut stage = tokio::spawn(sink::run(
        consumer,
        sinks,
        Batching::default(),
        service.stats.clone(),
        DeadLetters::to_topic(dlq_out),
    ));
    service.health.set("kafka", true);
    service.health.set("sinks", true);
    tracing::info!(%group, "sink service started");
    if stage_ended(&service, &mut stage).await {
        return stopped_early(&service, &handle, &producer, "sink").await;
    }
    let sinks = drain(service.deadline, "draining the sink stage", &handle, stage).await;
    flush(&producer, Duration::from_secs(5)).await;
    eprintln!(
        "newswire sink: {} written",
        Stats::get(&service.stats.written)
    );
    for place in sinks.map(|s| s.describe()).unwrap_or_default() {
        eprintln!("  output: {place}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `newswire enrich --serve ...` from the command line.
pub fn enrich_command(args: crate::cmd::enrich::EnrichArgs) -> anyhow::Result<ExitCode> {
    let config = match load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(ExitCode::from(crate::exit::CONFIG));
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(enrich_service(config, args.brokers, args.group, args.http))
}
