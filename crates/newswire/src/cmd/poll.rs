//! `newswire poll`: feeds in, raw articles to Kafka (`newswire.articles.raw.v1`, key = id).
//!
//! An article counts as delivered (and is not emitted again) only once the broker
//! acknowledged it (`acks=all`); the rest are polled again next time. Feed state (validators,
//! seen ids) lives in the compacted topic `newswire.feeds.state.v1`, or in a directory
//! (`--state-dir`, `poll.state`, `poll.state_dir`: see [`newswire_pipeline::feed_state`]); it is saved
//! after the articles it marks as seen were acknowledged.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use newswire_bus::kafka::KafkaProducer;
use newswire_bus::Producer;
use newswire_feeds::{FeedConfig, Poller};
use newswire_model::topics;

use newswire_pipeline::config::Config;
use newswire_pipeline::events::Summary;
use newswire_pipeline::failure::{Failure, FailureKind};
use newswire_pipeline::feed_state;
use newswire_pipeline::health::{self, ServiceState};
use newswire_pipeline::service::{flush, Service};
use newswire_pipeline::stage::poll;
use newswire_pipeline::stage::stats::Stats;
use newswire_pipeline::telemetry::Exports;

#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  \
    newswire poll --brokers kafka:9092 --feed https://www.example.com/rss.xml --once\n  \
    newswire poll --config /etc/newswire/newswire.toml --brokers kafka:9092 --http 0.0.0.0:9100\n  \
    newswire poll --config newswire.toml --brokers kafka:9092 --shard 1/3\n\n\
    Exit: 0 done; 64 a bad --feed; 69 the brokers do not answer (or, with --once, every feed\n\
    failed); 75 with --once when some feeds failed or articles were not acknowledged.")]
pub struct PollArgs {
    /// The config file (TOML): feeds, fetch settings, the kafka section. Optional with --feed.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// An ad-hoc feed URL (http(s):// or file://), in addition to the config's; repeatable.
    #[arg(long = "feed", value_name = "URL", value_parser = parse_feed)]
    pub feeds: Vec<FeedConfig>,
    /// Kafka bootstrap servers.
    #[arg(long, value_name = "HOST:PORT", env = "NEWSWIRE_KAFKA_BROKERS")]
    pub brokers: Option<String>,
    /// Poll every feed once, wait until the broker acknowledged every article, and exit.
    #[arg(long)]
    pub once: bool,
    /// Keep per-feed state in this directory instead of the Kafka topic newswire.feeds.state.v1
    /// (the default unless the config sets poll.state or poll.state_dir).
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Serve /livez, /readyz and /metrics on this address.
    #[arg(long, value_name = "ADDR", env = "NEWSWIRE_HTTP")]
    pub http: Option<SocketAddr>,
    /// Poll only shard I of N of the feed list (`0/3`, `1/3`, `2/3`): N pollers with the same
    /// feeds split them by rendezvous hashing of the feed id, each feed to exactly one.
    #[arg(long, value_name = "I/N", value_parser = parse_shard, env = "NEWSWIRE_SHARD")]
    pub shard: Option<(usize, usize)>,
}

fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    newswire_feeds::parse_shard(text)
}

/// `--feed URL`, checked by the same validator as feeds in a config (a usage error, before
/// any connection).
fn parse_feed(text: &str) -> Result<FeedConfig, String> {
    let feed = FeedConfig::new(text);
    match feed.validate(0) {
        Ok(()) => Ok(feed),
        Err(newswire_feeds::FeedsError::Config { reason, .. }) => Err(reason),
        Err(other) => Err(other.to_string()),
    }
}

/// `newswire poll`: polls the feeds into the raw topic, as a service or `--once`.
pub async fn run(args: PollArgs, config: Config) -> anyhow::Result<ExitCode> {
    let mut feeds = config.feeds.clone();
    for feed in &args.feeds {
        if !feeds.iter().any(|f| f.feed_id() == feed.feed_id()) {
            feeds.push(feed.clone());
        }
    }
    if feeds.is_empty() {
        return Err(Failure::new(
            FailureKind::Usage,
            "no feeds: pass --feed URL, or a --config that lists feeds ([[feeds]] or poll.feeds_file)",
        )
        .into());
    }
    if let Some((i, n)) = args.shard {
        let total = feeds.len();
        feeds = newswire_feeds::shard_feeds(feeds, i, n);
        tracing::info!(shard = %format!("{i}/{n}"), feeds = feeds.len(), of = total, "polling one shard of the feeds");
    }
    let state_choice = feed_state::choose(args.state_dir.as_deref(), &config.poll);
    let service = Service::start(&config, args.http, Exports::POLL).await?;
    let settings = service
        .connect_kafka(&config, args.brokers.as_deref())
        .await?;
    let producer = KafkaProducer::new(&settings)?;
    let output: Arc<dyn Producer> = Arc::new(producer.clone());
    let feed_ids: Vec<String> = feeds.iter().map(FeedConfig::feed_id).collect();
    let (store, state_table) =
        feed_state::open_store(&state_choice, &settings, &feed_ids, args.shard)
            .await
            .context("cannot read the feed state")?;
    let mut poller = Poller::with_store(config.fetch.clone(), feeds, store)
        .context("cannot start the poller")?;
    service.health.set(health::POLLER, ServiceState::Ready);
    let stats = &service.stats;
    tracing::info!(
        topic = topics::RAW,
        once = args.once,
        "poll service started"
    );
    if args.once {
        let polls = poller.poll_all().await;
        poll::publish(&mut poller, polls, output.as_ref(), stats, &service.health).await;
    } else {
        loop {
            tokio::select! {
                polls = poller.poll_due() => poll::publish(&mut poller, polls, output.as_ref(), stats, &service.health).await,
                _ = service.shutdown.requested() => break,
            }
        }
    }
    flush(&producer, Duration::from_secs(10)).await;
    // The duplicate index is otherwise saved at most every 30 s.
    if let Err(err) = poller.flush() {
        tracing::warn!(error = %err, "cannot save the duplicate index");
    }
    let state_saved = match &state_table {
        Some(table) => feed_state::flush(table, Duration::from_secs(10)).await,
        None => true,
    };
    let get = Stats::get;
    let (polled, delivered) = (get(&stats.articles_polled), get(&stats.articles_delivered));
    let text = format!(
        "{} feeds polled ({} failed), {polled} new articles, {delivered} delivered to {}",
        get(&stats.feeds_polled),
        get(&stats.feeds_failed),
        topics::RAW
    );
    Summary {
        command: "newswire poll",
        text: &text,
        stats,
        outputs: &[],
    }
    .emit();
    if delivered < polled {
        return Err(Failure::temporary(format!(
            "{} articles were not acknowledged and will be polled again",
            polled - delivered
        ))
        .into());
    }
    if !state_saved {
        return Err(Failure::temporary(
            "feed state was not fully saved: some articles may be emitted again",
        )
        .into());
    }
    if args.once {
        if let Some(failure) = stats.poll_failure() {
            return Err(failure.into());
        }
    }
    Ok(ExitCode::SUCCESS)
}
