//! `newswire run`: every stage in one process over the in-memory bus.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use newswire_bus::memory::MemoryBus;
use newswire_bus::Producer;
use newswire_enrich::Enricher;
use newswire_feeds::Poller;
use newswire_model::topics;

use newswire_bus::kafka::{KafkaConsumer, KafkaProducer};
use newswire_pipeline::config::{BusKind, Config};
use newswire_pipeline::http::{self, Health};
use newswire_pipeline::service::{drain, flush, Service};
use newswire_pipeline::shutdown::{self, Shutdown};
use newswire_pipeline::stage::dead_letter::DeadLetters;
use newswire_pipeline::stage::sink::{Batching, SinkOverrides, SinkSet};
use newswire_pipeline::stage::stats::Stats;
use newswire_pipeline::stage::{enrich, poll, sink};
use newswire_pipeline::telemetry::Metrics;
use newswire_pipeline::workers::Workers;

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The config file (TOML). `config/newswire.toml` is the embedded default.
    #[arg(long, short, value_name = "FILE")]
    pub config: PathBuf,
    /// Poll every feed once, drain the pipeline, print a summary and exit.
    #[arg(long)]
    pub once: bool,
    /// Serve /livez, /readyz and /metrics on this address (e.g. 127.0.0.1:9100).
    #[arg(long, value_name = "ADDR", env = "NEWSWIRE_HTTP")]
    pub http: Option<SocketAddr>,
}

/// `newswire run`: every stage in this process, over the in-memory bus or over Kafka.
pub async fn run(args: RunArgs, config: Config) -> anyhow::Result<()> {
    if config.bus.kind == BusKind::Kafka {
        return run_all(config, args.once, args.http).await;
    }
    let shutdown = Shutdown::from_signals();
    let metrics = Metrics::new(config.metrics.per_feed);
    let health = Health::new();
    let _http = match args.http {
        Some(addr) => Some(http::serve(addr, health.clone(), metrics.clone()).await?),
        None => None,
    };
    http::drain_on(&shutdown, health.clone());

    let stats = Stats::new(metrics);
    let bus = MemoryBus::new(config.bus.capacity);
    let producer: Arc<dyn Producer> = Arc::new(bus.producer());
    let sinks = SinkSet::open(&config.sinks, SinkOverrides::default()).await?;
    health.set("sinks", true);
    let enrich_task = tokio::spawn(enrich::run(
        bus.subscribe(topics::RAW)?,
        producer.clone(),
        Arc::new(Enricher::new()),
        enrich_workers(&config)?,
        stats.clone(),
        DeadLetters::default(),
    ));
    let sink_task = tokio::spawn(sink::run(
        bus.subscribe(topics::ENRICHED)?,
        sinks,
        Batching::default(),
        stats.clone(),
        DeadLetters::default(),
    ));
    let mut poller = Poller::new(
        config.fetch.clone(),
        config.feeds.clone(),
        Some(config.poll.state_dir.clone()),
    )
    .with_context(|| format!("{}: cannot start the poller", args.config.display()))?;
    health.set("poller", true);
    tracing::info!(
        feeds = config.feeds.len(),
        once = args.once,
        "newswire run started"
    );

    if args.once {
        let polls = poller.poll_all().await;
        poll::publish(&mut poller, polls, producer.as_ref(), &stats).await;
    } else {
        loop {
            tokio::select! {
                polls = poller.poll_due() => poll::publish(&mut poller, polls, producer.as_ref(), &stats).await,
                _ = shutdown.requested() => break,
            }
        }
    }

    // Drain: no more raw records; the enrich stage finishes what it has, then the sink.
    health.start_draining();
    let deadline = Duration::from_secs(config.shutdown.deadline_secs);
    let drain = async {
        bus.close(topics::RAW);
        enrich_task.await.context("enrich stage failed")?;
        bus.close(topics::ENRICHED);
        sink_task.await.context("sink stage failed")
    };
    let sinks = shutdown::with_deadline(deadline, "draining the pipeline", drain)
        .await
        .context("the pipeline did not drain before the shutdown deadline")??;
    print_summary(&stats, &sinks);
    Ok(())
}

/// The threads of the enrich stage: `enrich.workers`, 0 for one per core.
fn enrich_workers(config: &Config) -> anyhow::Result<Workers> {
    Workers::new(config.enrich.workers).context("cannot start the enrichment threads")
}

fn print_summary(stats: &Stats, sinks: &SinkSet) {
    let get = Stats::get;
    let feeds = get(&stats.feeds_polled);
    let failed = get(&stats.feeds_failed);
    eprintln!(
        "newswire run: {feeds} feeds polled ({} ok, {failed} failed)",
        feeds - failed
    );
    if let Ok(failing) = stats.failing_feeds.lock() {
        for (feed, why) in failing.iter() {
            eprintln!("    {feed}: {why}");
        }
    }
    eprintln!(
        "  {} new articles, {} enriched, {} written",
        get(&stats.articles_polled),
        get(&stats.enriched),
        get(&stats.written)
    );
    eprintln!(
        "  found {} country tags, {} weapons systems, {} sanctions events",
        get(&stats.countries),
        get(&stats.weapons),
        get(&stats.sanctions)
    );
    let errors = get(&stats.decode_errors) + get(&stats.sink_errors);
    if errors > 0 {
        eprintln!("  {errors} errors (see the log)");
    }
    for place in sinks.describe() {
        eprintln!("  output: {place}");
    }
}

/// `newswire run` with `bus.kind = "kafka"`: every stage in this process, records crossing
/// the broker between them. With `once`, polls each feed once and waits until the sink caught
/// up with what was published (or stopped making progress for 15 s).
async fn run_all(config: Config, once: bool, http_addr: Option<SocketAddr>) -> anyhow::Result<()> {
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
        enrich_workers(&config)?,
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
