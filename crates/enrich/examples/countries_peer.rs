//! newswire's country extraction over a JSON Lines corpus, timed the way
//! `bench/peers/countries.py` times geotext and flashgeotext on the same file.
//!
//!   cargo run --release -p newswire-enrich --example countries_peer -- CORPUS.jsonl [--seconds S]
//!   cargo run --release -p newswire-enrich --example countries_peer -- CORPUS.jsonl --predict
//!
//! Each line of the corpus is `{"id", "title", "body", ...}`. The timing mode runs whole passes
//! over the corpus (after one warm-up pass) until `--seconds` of process CPU time have gone
//! (default 3) and prints one JSON object: bytes (UTF-8 of title and body), passes, CPU and wall
//! seconds, MB/s (10^6 bytes) by each. `--predict` prints `{"id", "countries": [ISO codes]}` per
//! document instead, for the quality comparison.

use std::process::ExitCode;
use std::time::Instant;

use newswire_enrich::countries::CountryMatcher;
use serde_json::{json, Value};

struct Doc {
    id: String,
    title: String,
    body: String,
}

fn load(path: &str) -> Result<Vec<Doc>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut docs = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
        let field = |name: &str| {
            v.get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("{path}:{}: field {name:?} missing or not a string", n + 1))
        };
        docs.push(Doc {
            id: field("id")?,
            title: field("title")?,
            body: field("body")?,
        });
    }
    Ok(docs)
}

/// CPU time of this process in seconds.
fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes into the timespec we pass, which outlives the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

fn pass(matcher: &CountryMatcher, docs: &[Doc]) -> usize {
    docs.iter()
        .map(|d| std::hint::black_box(matcher.extract(&d.title, &d.body)).len())
        .sum()
}

fn time(matcher: &CountryMatcher, docs: &[Doc], seconds: f64) -> Value {
    let bytes: usize = docs.iter().map(|d| d.title.len() + d.body.len()).sum();
    pass(matcher, docs); // warm-up
    let (cpu0, wall0) = (cpu_seconds(), Instant::now());
    let mut passes = 0u64;
    while passes == 0 || cpu_seconds() - cpu0 < seconds {
        pass(matcher, docs);
        passes += 1;
    }
    let (cpu, wall) = (cpu_seconds() - cpu0, wall0.elapsed().as_secs_f64());
    let mb = bytes as f64 * passes as f64 / 1e6;
    json!({
        "tool": "newswire", "docs": docs.len(), "bytes": bytes, "passes": passes,
        "cpu_s": cpu, "wall_s": wall, "mb_per_s_cpu": mb / cpu, "mb_per_s_wall": mb / wall,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: countries_peer CORPUS.jsonl [--seconds S | --predict]");
        return ExitCode::from(2);
    };
    let seconds = match args.iter().position(|a| a == "--seconds") {
        Some(i) => match args.get(i + 1).and_then(|s| s.parse::<f64>().ok()) {
            Some(s) if s > 0.0 => s,
            _ => {
                eprintln!("countries_peer: --seconds needs a positive number");
                return ExitCode::from(2);
            }
        },
        None => 3.0,
    };
    let docs = match load(path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("countries_peer: {e}");
            return ExitCode::from(2);
        }
    };
    let matcher = CountryMatcher::new();
    if args.iter().any(|a| a == "--predict") {
        for d in &docs {
            let codes: Vec<String> = matcher
                .extract(&d.title, &d.body)
                .into_iter()
                .map(|t| t.code)
                .collect();
            println!("{}", json!({"id": d.id, "countries": codes}));
        }
    } else {
        println!("{}", time(&matcher, &docs, seconds));
    }
    ExitCode::SUCCESS
}
