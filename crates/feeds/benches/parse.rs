//! Parse throughput: MB/s, entries/s and documents/s of `parse_document` on two corpora, next
//! to Python feedparser on the same files in the same run (when `python3 -c "import
//! feedparser"` works; `pip install feedparser`).
//!
//! Corpora:
//! - "news": the sample feeds of tests/fixtures/feeds/ grown to 60 items each (distinct links
//!   and titles), written to a temporary directory so both parsers read the same bytes;
//! - "feedparser": the documents of tests/fixtures/feedparser/ (Python feedparser's test suite,
//!   vendored; small, odd, often broken: measures per-document overhead).
//!
//! Times are CPU seconds of the measuring process (the machine is shared). Run:
//! `cargo bench -p newswire-feeds --bench parse` (BENCH_SECS=N CPU seconds per measurement,
//! default 3; NO_PYTHON=1 skips feedparser; BENCH_CORPUS=news or =feedparser runs one corpus).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use newswire_feeds::parse_document;

struct Doc {
    path: PathBuf,
    bytes: Vec<u8>,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Grows a sample feed to `n` items by repeating its items with distinct links and titles.
fn grow(doc: &str, n: usize) -> String {
    let (open, close) = if doc.contains("<item>") {
        ("<item>", "</item>")
    } else {
        ("<entry>", "</entry>")
    };
    let (Some(first), Some(last)) = (doc.find(open), doc.rfind(close)) else {
        return doc.to_string();
    };
    let items = &doc[first..last + close.len()];
    let parts: Vec<&str> = items.split(close).filter(|p| p.contains(open)).collect();
    let mut out = String::from(&doc[..first]);
    for i in 0..n {
        let item = parts[i % parts.len()];
        let item = item
            .replace("</title>", &format!(" (update {i})</title>"))
            .replace(
                "samples.newswire.invalid/",
                &format!("samples.newswire.invalid/{i}/"),
            )
            .replace("www.reuters.com/", &format!("www.reuters.com/{i}/"))
            .replace(":2026:", &format!(":2026-{i}:"))
            .replace("newswire-seed:", &format!("newswire-seed-{i}:"));
        out.push_str(&item);
        out.push_str(close);
    }
    out.push_str(&doc[last + close.len()..]);
    out
}

fn grow_json(doc: &str, n: usize) -> String {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(doc) else {
        return doc.to_string();
    };
    let items = v["items"].as_array().cloned().unwrap_or_default();
    if items.is_empty() {
        return doc.to_string();
    }
    let grown: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut it = items[i % items.len()].clone();
            for key in ["id", "url"] {
                if let Some(s) = it[key].as_str() {
                    it[key] = format!("{s}-{i}").into();
                }
            }
            if let Some(t) = it["title"].as_str() {
                it["title"] = format!("{t} (update {i})").into();
            }
            it
        })
        .collect();
    v["items"] = grown.into();
    serde_json::to_string_pretty(&v).unwrap_or_else(|_| doc.to_string())
}

fn news_corpus(dir: &Path) -> Vec<Doc> {
    let src = repo_root().join("tests/fixtures/feeds");
    let mut docs = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&src)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    names.sort();
    for p in names {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let grown = if p.extension().is_some_and(|e| e == "json") {
            grow_json(&text, 60)
        } else {
            grow(&text, 60)
        };
        let out = dir.join(p.file_name().unwrap_or_default());
        std::fs::write(&out, &grown).expect("write corpus");
        docs.push(Doc {
            path: out,
            bytes: grown.into_bytes(),
        });
    }
    docs
}

fn feedparser_corpus() -> Vec<Doc> {
    fn walk(d: &Path, out: &mut Vec<Doc>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "xml") {
                if let Ok(bytes) = std::fs::read(&p) {
                    out.push(Doc { path: p, bytes });
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo_root().join("tests/fixtures/feedparser"), &mut out);
    out
}

struct Measure {
    bytes: f64,
    entries: f64,
    docs: f64,
    secs: f64,
}

/// CPU time (user + system) of this process: the machine is shared, so wall time would
/// measure the neighbours as much as the parser. Python uses `time.process_time()` likewise.
fn cpu_time() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn measure_rust(docs: &[Doc], budget: Duration) -> Measure {
    let now = Utc::now();
    let mut m = Measure {
        bytes: 0.0,
        entries: 0.0,
        docs: 0.0,
        secs: 0.0,
    };
    // Warm-up pass.
    for d in docs {
        let _ = parse_document(&d.bytes, None, "bench", "http://bench/", now);
    }
    let start = cpu_time();
    while cpu_time() - start < budget.as_secs_f64() {
        for d in docs {
            let n = parse_document(&d.bytes, None, "bench", "http://bench/", now)
                .map(|f| f.entries.len())
                .unwrap_or(0);
            m.entries += n as f64;
            m.bytes += d.bytes.len() as f64;
            m.docs += 1.0;
        }
    }
    m.secs = cpu_time() - start;
    m
}

const PY: &str = r#"
import sys, time, json
import feedparser
paths = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
budget = float(sys.argv[2])
data = [open(p, "rb").read() for p in paths]
for d in data:
    feedparser.parse(d)
b = e = n = 0
t0 = time.process_time()
while time.process_time() - t0 < budget:
    for d in data:
        r = feedparser.parse(d)
        e += len(r.entries); b += len(d); n += 1
print(json.dumps({"bytes": b, "entries": e, "docs": n, "secs": time.process_time() - t0}))
"#;

fn measure_python(docs: &[Doc], budget: Duration, tmp: &Path) -> Option<Measure> {
    let list = tmp.join("paths.txt");
    let script = tmp.join("bench_feedparser.py");
    std::fs::write(
        &list,
        docs.iter()
            .map(|d| d.path.display().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .ok()?;
    std::fs::write(&script, PY).ok()?;
    let out = Command::new("python3")
        .arg(&script)
        .arg(&list)
        .arg(budget.as_secs_f64().to_string())
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "python feedparser not available: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(Measure {
        bytes: v["bytes"].as_f64()?,
        entries: v["entries"].as_f64()?,
        docs: v["docs"].as_f64()?,
        secs: v["secs"].as_f64()?,
    })
}

fn report(name: &str, who: &str, m: &Measure) {
    println!(
        "{name:11} {who:18} {:8.2} MB/s {:10.0} entries/s {:9.0} docs/s",
        m.bytes / m.secs / 1e6,
        m.entries / m.secs,
        m.docs / m.secs
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing we use.
    let budget = Duration::from_secs_f64(
        std::env::var("BENCH_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3.0),
    );
    let tmp = std::env::temp_dir().join(format!("newswire-parse-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let news = news_corpus(&tmp);
    let fp = feedparser_corpus();
    let only = std::env::var("BENCH_CORPUS").ok();
    for (name, docs) in [("news", news), ("feedparser", fp)] {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        if docs.is_empty() {
            println!("{name}: corpus not found, skipped");
            continue;
        }
        let total: usize = docs.iter().map(|d| d.bytes.len()).sum();
        println!(
            "corpus {name}: {} documents, {:.2} MB",
            docs.len(),
            total as f64 / 1e6
        );
        let r = measure_rust(&docs, budget);
        report(name, "newswire", &r);
        if std::env::var_os("NO_PYTHON").is_some() {
            continue;
        }
        if let Some(p) = measure_python(&docs, budget, &tmp) {
            report(name, "python feedparser", &p);
            println!(
                "{name:11} speed-up vs feedparser: {:.1}x (MB/s)",
                (r.bytes / r.secs) / (p.bytes / p.secs)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
