//! Test tool: writes generated articles to PostgreSQL through `PostgresSink`, batch after
//! batch, as a sink consuming a topic would. The crash test (`tests/postgres_crash.rs`) runs it
//! as a child process, kills it with SIGKILL while a transaction is open, and restarts it from
//! the last position it reported as committed, as a consumer resumes from its stored offset.
//!
//! ```text
//! newswire-pg-crash-writer URL SEED FROM TO BATCH NOW_UNIX_SECONDS [APPLICATION_NAME]
//! ```
//!
//! Writes articles FROM..TO of the generated stream SEED (times relative to NOW) in batches
//! of BATCH, and after each commit prints `committed N` (N = the next article to write) on
//! stdout. Exits 0 after `done`, 1 with a message on stderr on any error.

#[path = "../../tests/common/gen.rs"]
mod gen;

use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use newswire_sinks::postgres::{PostgresConfig, PostgresSink};

struct Args {
    url: String,
    seed: u64,
    from: u64,
    to: u64,
    batch: u64,
    now: DateTime<Utc>,
    app: String,
}

fn parse_args() -> Result<Args, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 6 || args.len() > 7 {
        return Err(
            "usage: newswire-pg-crash-writer URL SEED FROM TO BATCH NOW_UNIX_SECONDS [APPLICATION_NAME]"
                .to_string(),
        );
    }
    let num = |i: usize, name: &str| -> Result<u64, String> {
        args[i]
            .parse::<u64>()
            .map_err(|e| format!("{name} {:?}: {e}", args[i]))
    };
    let now_secs = num(5, "NOW_UNIX_SECONDS")?;
    let now = i64::try_from(now_secs)
        .ok()
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .ok_or_else(|| format!("NOW_UNIX_SECONDS {now_secs} is out of range"))?;
    let batch = num(4, "BATCH")?;
    if batch == 0 {
        return Err("BATCH must be at least 1".to_string());
    }
    Ok(Args {
        url: args[0].clone(),
        seed: num(1, "SEED")?,
        from: num(2, "FROM")?,
        to: num(3, "TO")?,
        batch,
        now,
        app: args
            .get(6)
            .cloned()
            .unwrap_or_else(|| "newswire-crash-writer".to_string()),
    })
}

async fn run(args: Args) -> Result<(), String> {
    let cfg = PostgresConfig {
        application_name: args.app.clone(),
        ..PostgresConfig::new(args.url.clone())
    };
    let mut sink = PostgresSink::connect(&cfg)
        .await
        .map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout();
    let mut next = args.from;
    while next < args.to {
        let end = next.saturating_add(args.batch).min(args.to);
        let batch = gen::articles(args.seed, next..end, args.now);
        sink.write_batch(&batch).await.map_err(|e| e.to_string())?;
        next = end;
        writeln!(stdout, "committed {next}").map_err(|e| e.to_string())?;
        stdout.flush().map_err(|e| e.to_string())?;
    }
    writeln!(stdout, "done").map_err(|e| e.to_string())?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("newswire-pg-crash-writer: {e}");
            ExitCode::FAILURE
        }
    }
}
