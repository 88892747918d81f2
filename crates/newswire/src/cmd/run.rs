//! `newswire run`: every stage in one process over the in-memory bus.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
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
use newswire_pipeline::events::Summary;
use newswire_pipeline::failure::Failure;
use newswire_pipeline::health::{self, ServiceState};
use newswire_pipeline::service::{drain, flush, Service};
use newswire_pipeline::shutdown::{self, Shutdown};
use newswire_pipeline::stage::dead_letter::DeadLetters;
use newswire_pipeline::stage::sink::{Batching, SinkOverrides, SinkSet};
use newswire_pipeline::stage::stats::Stats;
use newswire_pipeline::stage::{enrich, poll, sink};
use newswire_pipeline::telemetry::Exports;
use newswire_pipeline::workers::Workers;

#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    newswire run --config config/newswire.toml --once\n  \
    newswire run --config /etc/newswire/newswire.toml --http 0.0.0.0:9100\n  \
    NEWSWIRE_BUS__KIND=kafka NEWSWIRE_KAFKA_BROKERS=kafka:9092 newswire run --config newswire.toml\n\n\
    Exit: 0 done; 69 with --once when every feed failed, 75 when some did; 78 a bad config.")]
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
pub async fn run(args: RunArgs, config: Config) -> anyhow::Result<ExitCode> {
    if config.bus.kind == BusKind::Kafka {
        return run_all(config, args.once, args.http).await;
    }
    let service = Service::start(&config, args.http, Exports::every_stage(false)).await?;
    let (stats, health) = (service.stats.clone(), service.health.clone());
    let bus = MemoryBus::new(config.bus.capacity);
    let producer: Arc<dyn Producer> = Arc::new(bus.producer());
    let sinks = SinkSet::open(&config.sinks, SinkOverrides::default()).await?;
    health.set(health::SINKS, ServiceState::Ready);
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
        health.clone(),
    ));
    let mut poller = Poller::new(
        config.fetch.clone(),
        config.feeds.clone(),
        Some(config.poll.state_dir.clone()),
    )
    .with_context(|| format!("{}: cannot start the poller", args.config.display()))?;
    health.set(health::POLLER, ServiceState::Ready);
    tracing::info!(
        feeds = config.feeds.len(),
        once = args.once,
        "newswire run started"
    );

    if args.once {
        let polls = poller.poll_all().await;
        poll::publish(&mut poller, polls, producer.as_ref(), &stats, &health).await;
    } else {
        loop {
            tokio::select! {
                polls = poller.poll_due() => poll::publish(&mut poller, polls, producer.as_ref(), &stats, &health).await,
                _ = service.shutdown.requested() => break,
            }
        }
    }

    // Drain: no more raw records; the enrich stage finishes what it has, then the sink.
    health.start_draining();
    let deadline = service.deadline;
    let drain = async {
        bus.close(topics::RAW);
        enrich_task.await.context("enrich stage failed")?;
        bus.close(topics::ENRICHED);
        sink_task.await.context("sink stage failed")
    };
    let sinks = shutdown::with_deadline(deadline, "draining the pipeline", drain)
        .await
        .ok_or_else(|| {
            Failure::temporary(
                "the pipeline did not drain before the shutdown deadline (shutdown.deadline_secs); unwritten articles are polled again next time",
            )
        })??;
    print_summary(&stats, &sinks);
    once_outcome(args.once, &stats)
}

/// The threads of the enrich stage: `enrich.workers`, 0 for one per core.
fn enrich_workers(config: &Config) -> anyhow::Result<Workers> {
    Workers::new(config.enrich.workers).context("cannot start the enrichment threads")
}

/// `--once` reports feeds that failed: 69 when every feed did, 75 when some did.
fn once_outcome(once: bool, stats: &Stats) -> anyhow::Result<ExitCode> {
    match stats.poll_failure() {
        Some(failure) if once => Err(failure.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The end-of-run summary as one event (the failing feeds each as a warning before it).
fn print_summary(stats: &Stats, sinks: &SinkSet) {
    let get = Stats::get;
    let feeds = get(&stats.feeds_polled);
    let failed = get(&stats.feeds_failed);
    if let Ok(failing) = stats.failing_feeds.lock() {
        for (feed, why) in failing.iter() {
            tracing::warn!(
                feed = feed.as_str(),
                reason = why.as_str(),
                "feed failed: {feed}: {why}"
            );
        }
    }
    let errors = get(&stats.decode_errors) + get(&stats.sink_errors);
    let errors = if errors > 0 {
        format!("; {errors} errors (see the log)")
    } else {
        String::new()
    };
    let text = format!(
        "{feeds} feeds polled ({} ok, {failed} failed); {} new articles, {} enriched, {} written; \
         found {} country tags, {} weapons systems, {} sanctions events{errors}",
        feeds - failed,
        get(&stats.articles_polled),
        get(&stats.enriched),
        get(&stats.written),
        get(&stats.countries),
        get(&stats.weapons),
        get(&stats.sanctions)
    );
    Summary {
        command: "newswire run",
        text: &text,
        stats,
        outputs: &sinks.describe(),
    }
    .emit();
}

/// `newswire run` with `bus.kind = "kafka"`: every stage in this process, records crossing
/// the broker between them. With `once`, polls each feed once and waits until the sink caught
/// up with what was published (or stopped making progress for 15 s).
async fn run_all(
    config: Config,
    once: bool,
    http_addr: Option<SocketAddr>,
) -> anyhow::Result<ExitCode> {
    let service = Service::start(&config, http_addr, Exports::every_stage(true)).await?;
    let kafka = &config.kafka;
    // The sinks first: a bad database is reported before any broker wait.
    let sinks = SinkSet::open(&config.sinks, Default::default()).await?;
    service.health.set(health::SINKS, ServiceState::Ready);
    let settings = service.connect_kafka(&config, None).await?;
    let stats = service.stats.clone();
    let producer = KafkaProducer::new(&settings)?;
    let output: Arc<dyn Producer> = Arc::new(producer.clone());

    let (enrich_group, sink_group) = (
        kafka.group_for(None, "enrich"),
        kafka.group_for(None, "sink"),
    );
    service.consumer_starting(&enrich_group);
    service.consumer_starting(&sink_group);
    let raw = KafkaConsumer::subscribe(
        &settings,
        &enrich_group,
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
        &sink_group,
        &[topics::ENRICHED],
        kafka.consumer_options(),
    )?;
    let enriched_handle = enriched.handle();
    let sink_task = tokio::spawn(sink::run(
        enriched,
        sinks,
        Batching::default(),
        stats.clone(),
        dead_letters,
        service.health.clone(),
    ));

    let mut poller = Poller::new(
        config.fetch.clone(),
        config.feeds.clone(),
        Some(config.poll.state_dir.clone()),
    )
    .context("cannot start the poller")?;
    service.health.set(health::POLLER, ServiceState::Ready);
    tracing::info!(
        feeds = config.feeds.len(),
        once,
        "newswire run started over Kafka"
    );
    if once {
        let polls = poller.poll_all().await;
        poll::publish(&mut poller, polls, output.as_ref(), &stats, &service.health).await;
        wait_caught_up(&stats, &service.shutdown).await;
    } else {
        loop {
            tokio::select! {
                polls = poller.poll_due() => poll::publish(&mut poller, polls, output.as_ref(), &stats, &service.health).await,
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
    let text = format!(
        "{} feeds polled, {} new articles published, {} enriched, {} written",
        get(&stats.feeds_polled),
        get(&stats.articles_delivered),
        get(&stats.enriched),
        get(&stats.written)
    );
    Summary {
        command: "newswire run (kafka)",
        text: &text,
        stats: &stats,
        outputs: &sinks.map(|s| s.describe()).unwrap_or_default(),
    }
    .emit();
    once_outcome(once, &stats)
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
