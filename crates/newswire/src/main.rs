//! `newswire`: newswire feeds in, enriched records (countries, weapons systems, sanctions) out.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod exit;

use newswire_pipeline::config::{Config, LogFormat};
use newswire_pipeline::{logging, service};

/// newswire polls RSS, Atom and JSON feeds, finds the countries, weapons systems and sanctions
/// each article talks about, and writes enriched records as JSON Lines (and more sinks).
///
/// Start with the embedded default, which runs offline on sample feeds:
///
///   newswire run --config config/newswire.toml --once
///
/// Try the enrichment on your own text:
///
///   echo '{"id":"x","title":"","body":"Turkey bought the S-400 from Russia."}' | newswire enrich
#[derive(Parser, Debug)]
#[command(name = "newswire", version, about, long_about, verbatim_doc_comment)]
struct Cli {
    /// Log format on stderr: human-readable lines or one JSON object per line.
    #[arg(long, global = true, value_enum, env = "NEWSWIRE_LOG_FORMAT")]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run every stage in one process: poll the feeds, enrich, write to the sinks.
    Run(cmd::run::RunArgs),
    /// Enrich JSON lines {"id","title","body"} (or full Article JSON) from stdin or --input,
    /// one EnrichedArticle JSON line out per line in.
    Enrich(cmd::enrich::EnrichArgs),
    /// Work with config files.
    #[command(subcommand)]
    Config(cmd::config::ConfigCommand),
    /// Parse or check a single feed: `feed parse PATH|-`, `feed check URL|PATH`.
    #[command(subcommand)]
    Feed(cmd::feed::FeedCommand),
    /// Poll feeds into Kafka (newswire.articles.raw.v1), as a service or --once.
    Poll(cmd::poll::PollArgs),
    /// Write enriched articles from Kafka (newswire.articles.enriched.v1) to the sinks.
    Sink(cmd::sink::SinkArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let log_format = cli.log_format;
    match cli.command {
        Command::Config(cmd) => cmd::config::run(cmd),
        Command::Enrich(args) if args.serve => with_config(
            service::load_config(args.config.as_deref()),
            log_format,
            |config| cmd::enrich::serve(args, config),
        ),
        Command::Enrich(args) => {
            logging::init(log_format.unwrap_or(LogFormat::Human));
            report(cmd::enrich_lines::run(args))
        }
        Command::Feed(cmd) => {
            logging::init(log_format.unwrap_or(LogFormat::Human));
            report(runtime().and_then(|rt| rt.block_on(cmd::feed::run(cmd))))
        }
        Command::Poll(args) => with_config(
            service::load_config(args.config.as_deref()),
            log_format,
            |config| cmd::poll::run(args, config),
        ),
        Command::Sink(args) => with_config(
            service::load_config(args.config.as_deref()),
            log_format,
            |config| cmd::sink::run(args, config),
        ),
        Command::Run(args) => with_config(Config::load(&args.config), log_format, |config| async {
            cmd::run::run(args, config)
                .await
                .map(|()| ExitCode::SUCCESS)
        }),
    }
}

/// Runs a service command: a bad config exits 78 before anything starts; logging follows
/// `--log-format`, else the config's `[log] format`.
fn with_config<E: std::fmt::Display, F: std::future::Future<Output = anyhow::Result<ExitCode>>>(
    loaded: Result<Config, E>,
    log_format: Option<LogFormat>,
    command: impl FnOnce(Config) -> F,
) -> ExitCode {
    let config = match loaded {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(exit::CONFIG);
        }
    };
    logging::init(log_format.or(config.log.format).unwrap_or(LogFormat::Human));
    report(runtime().and_then(|rt| rt.block_on(command(config))))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Prints an error with its causes and turns it into exit code 1.
fn report(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
