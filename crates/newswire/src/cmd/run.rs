//! `newswire run`: every stage in one process over the in-memory bus.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use newswire_bus::memory::MemoryBus;
use newswire_bus::Producer;
use newswire_enrich::Enricher;
use newswire_feeds::Poller;
use newswire_model::topics;
use newswire_sinks::{JsonlSink, StdoutSink};

use crate::config::Config;
use crate::pipeline::sink::{Batching, SinkSet};
use crate::pipeline::stats::Stats;
use crate::pipeline::{enrich, poll, sink};

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The config file (TOML). `config/newswire.toml` is the embedded default.
    #[arg(long, short, value_name = "FILE")]
    pub config: PathBuf,
    /// Poll every feed once, drain the pipeline, print a summary and exit.
    #[arg(long)]
    pub once: bool,
}

pub async fn run(args: RunArgs, config: Config) -> anyhow::Result<()> {
    let stats = Arc::new(Stats::default());
    let bus = MemoryBus::new(config.bus.capacity);
    let producer: Arc<dyn Producer> = Arc::new(bus.producer());

    let sinks = build_sinks(&config)?;
    let enricher = Arc::new(Enricher::new());
    let enrich_task = tokio::spawn(enrich::run(
        bus.subscribe(topics::RAW)?,
        producer.clone(),
        enricher,
        stats.clone(),
    ));
    let sink_task = tokio::spawn(sink::run(
        bus.subscribe(topics::ENRICHED)?,
        sinks,
        Batching::default(),
        stats.clone(),
    ));

    let mut poller = Poller::new(
        config.fetch.clone(),
        config.feeds.clone(),
        Some(config.poll.state_dir.clone()),
    )
    .with_context(|| format!("{}: cannot start the poller", args.config.display()))?;
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
                _ = tokio::signal::ctrl_c() => {
                    tracing::info!("interrupted: draining");
                    break;
                }
            }
        }
    }

    // Drain: no more raw records, the enrich stage finishes what it has, then the sink.
    bus.close(topics::RAW);
    enrich_task.await.context("enrich stage failed")?;
    bus.close(topics::ENRICHED);
    let sinks = sink_task.await.context("sink stage failed")?;
    print_summary(&stats, &sinks);
    Ok(())
}

fn build_sinks(config: &Config) -> anyhow::Result<SinkSet> {
    let mut sinks = SinkSet::default();
    if let Some(jsonl) = &config.sinks.jsonl {
        sinks.jsonl =
            Some(JsonlSink::new(jsonl.clone()).context("cannot open the JSON Lines sink")?);
    }
    if config.sinks.stdout {
        sinks.stdout = Some(StdoutSink);
    }
    Ok(sinks)
}

fn print_summary(stats: &Stats, sinks: &SinkSet) {
    let get = Stats::get;
    let feeds = get(&stats.feeds_polled);
    let failed = get(&stats.feeds_failed);
    eprintln!(
        "newswire run: {feeds} feeds polled ({} ok, {failed} failed)",
        feeds - failed
    );
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
