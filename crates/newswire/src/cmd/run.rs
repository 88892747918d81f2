//! `newswire run`: every stage in one process over the in-memory bus.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use newswire_bus::memory::MemoryBus;
use newswire_bus::Producer;
use newswire_enrich::Enricher;
use newswire_feeds::Poller;
use newswire_model::topics;

use crate::config::Config;
use crate::http::{self, Health};
use crate::pipeline::dead_letter::DeadLetters;
use crate::pipeline::sink::{Batching, SinkOverrides, SinkSet};
use crate::pipeline::stats::Stats;
use crate::pipeline::{enrich, poll, sink};
use crate::shutdown::{self, Shutdown};
use crate::telemetry::Metrics;

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

pub async fn run(args: RunArgs, config: Config) -> anyhow::Result<()> {
    if config.bus.kind == crate::config::BusKind::Kafka {
        return crate::cmd::serve::run_all(config, args.once, args.http).await;
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
