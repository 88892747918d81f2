//! Prints precision, recall and F1 of the extractors on the labelled dev sets.
//!
//! ```text
//! cargo run --release -p newswire-eval -- [REPORT...] [--misses] [--split SPLIT] [--dev-dir DIR]
//! ```
//! REPORT is any of `countries`, `weapons`, `sanctions` (the hand-written regression set) and
//! `sanctions-news` (passages modelled on real news, per batch) and `entities` (the target-entity
//! recogniser on the same batches); all of them by default. `--misses` lists what each
//! sanctions-news passage got wrong, and the entities the recogniser missed, for tuning batches
//! only. `--split tuning|held-out|all` (default `all`) picks the sanctions-news and entities
//! batches: the held-out ones
//! ([`HELD_OUT_BATCHES`](newswire_eval::sanctions_news::HELD_OUT_BATCHES)) are never tuned on.

use std::path::PathBuf;
use std::process::ExitCode;

use newswire_eval as eval;
use newswire_eval::sanctions_news::Split;

const USAGE: &str =
    "usage: newswire-eval [countries|weapons|sanctions|sanctions-news|entities]... \
[--misses] [--split tuning|held-out|all] [--dev-dir DIR]";

fn main() -> ExitCode {
    let mut reports = Vec::new();
    let mut misses = false;
    let mut split = Split::All;
    let mut dev_dir = eval::dev_dir();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--misses" => misses = true,
            "--split" => match args.next().as_deref().and_then(Split::parse) {
                Some(s) => split = s,
                None => return usage("--split needs tuning, held-out or all"),
            },
            "--dev-dir" => match args.next() {
                Some(d) => dev_dir = PathBuf::from(d),
                None => return usage("--dev-dir needs a directory"),
            },
            "countries" | "weapons" | "sanctions" | "sanctions-news" | "entities" => {
                reports.push(a)
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return usage(&format!("unknown argument {other:?}")),
        }
    }
    if reports.is_empty() {
        reports = [
            "countries",
            "weapons",
            "sanctions",
            "sanctions-news",
            "entities",
        ]
        .map(String::from)
        .to_vec();
    }
    for r in &reports {
        let text = match r.as_str() {
            "countries" => eval::countries::report(&dev_dir),
            "weapons" => eval::weapons::report(&dev_dir),
            "sanctions" => eval::sanctions::report(&dev_dir),
            "entities" => eval::entities::report(&dev_dir, misses, split),
            _ => eval::sanctions_news::report(&dev_dir, misses, split),
        };
        print!("{text}");
    }
    ExitCode::SUCCESS
}

fn usage(why: &str) -> ExitCode {
    eprintln!("newswire-eval: {why}\n{USAGE}");
    ExitCode::from(64)
}
