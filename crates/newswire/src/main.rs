//! `newswire`: newswire feeds in, enriched records (countries, weapons systems, sanctions) out.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod cmd;
mod exit;

use newswire_pipeline::config::{Config, ConfigError, LogFormat};
use newswire_pipeline::{logging, service};

/// The version with the commit and the date of the build (`build.rs`).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("NEWSWIRE_COMMIT"),
    ", built ",
    env!("NEWSWIRE_BUILD_DATE"),
    ")"
);

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
///
/// Signals: SIGTERM or SIGINT drains and exits (a second one exits at once, 130); SIGHUP is
/// ignored (logged): restart the service to reload its config or feeds.
#[derive(Parser, Debug)]
#[command(name = "newswire", version = VERSION, about, long_about, verbatim_doc_comment)]
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
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(cmd::docs::CompletionsArgs),
    /// Print the man page, or write one page per command into a directory.
    Man(cmd::docs::ManArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    // `--log-format` / NEWSWIRE_LOG_FORMAT, else NEWSWIRE_LOG__FORMAT: known before any config
    // is read, so even a config error is logged in the format asked for.
    let early = cli.log_format.or_else(logging::format_from_env);
    newswire_pipeline::telemetry::set_build_commit(env!("NEWSWIRE_COMMIT"));
    match cli.command {
        Command::Completions(args) => plain(early, || cmd::docs::completions(args, Cli::command())),
        Command::Man(args) => plain(early, || cmd::docs::man(args, Cli::command())),
        Command::Config(cmd) => plain(early, || cmd::config::run(cmd)),
        Command::Enrich(args) if args.serve => with_config(
            early,
            service::load_config(args.config.as_deref()),
            |config| cmd::enrich::serve(args, config),
        ),
        Command::Enrich(args) => plain(early, || cmd::enrich_lines::run(args)),
        Command::Feed(cmd) => plain(early, || runtime()?.block_on(cmd::feed::run(cmd))),
        Command::Poll(args) => with_config(
            early,
            service::load_config(args.config.as_deref()),
            |config| cmd::poll::run(args, config),
        ),
        Command::Sink(args) => with_config(
            early,
            service::load_config(args.config.as_deref()),
            |config| cmd::sink::run(args, config),
        ),
        Command::Run(args) => with_config(early, Config::load(&args.config), |config| {
            cmd::run::run(args, config)
        }),
    }
}

/// A command line clap refused: help and version go to stdout with 0; anything else is a
/// usage error, exit 64 (EX_USAGE), before any config is read or any connection made.
fn usage_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = err.print();
        return ExitCode::from(exit::OK);
    }
    match logging::format_from_env() {
        Some(LogFormat::Json) => {
            logging::init(LogFormat::Json);
            let text = err.render().to_string();
            tracing::error!(exit_code = exit::USAGE, "{}", text.trim_end());
        }
        _ => {
            let _ = err.print();
        }
    }
    ExitCode::from(exit::USAGE)
}

/// A command that needs no config file: logging as asked (human by default), then the command.
fn plain(early: Option<LogFormat>, command: impl FnOnce() -> anyhow::Result<ExitCode>) -> ExitCode {
    logging::init(early.unwrap_or(LogFormat::Human));
    command().unwrap_or_else(|err| exit::report(&err))
}

/// A service command: every one enters here. Logging follows `--log-format` or the
/// environment, else the config's `[log] format`; a bad config exits 78 before anything starts.
fn with_config<F: std::future::Future<Output = anyhow::Result<ExitCode>>>(
    early: Option<LogFormat>,
    loaded: Result<Config, ConfigError>,
    command: impl FnOnce(Config) -> F,
) -> ExitCode {
    let config = match loaded {
        Ok(config) => config,
        Err(err) => {
            logging::init(early.unwrap_or(LogFormat::Human));
            return exit::report(&err.into());
        }
    };
    logging::init(early.or(config.log.format).unwrap_or(LogFormat::Human));
    let result = runtime().and_then(|rt| rt.block_on(command(config)));
    result.unwrap_or_else(|err| exit::report(&err))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
