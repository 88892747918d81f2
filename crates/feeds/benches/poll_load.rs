//! Polling load: N feeds (default 10,000) served by a fixture server on 127.0.0.1 (a child
//! process, so its CPU is not counted), polled at a 60 s interval. Reports the poller's CPU
//! (cores = CPU seconds / wall seconds) over the steady state after the first full cycle, and
//! its peak RSS. One feed in ten publishes a new item every minute; the others answer 304.
//!
//! Run: `cargo bench -p newswire-feeds --bench poll_load` (FEEDS=N, SECS=steady-state seconds,
//! default 130). Everything is bounded: the server and the poll loop stop by themselves.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Reply, Server};
use newswire_feeds::{FeedConfig, FetchConfig, Poller};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// utime + stime of this process, in seconds.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| {
            v.split_whitespace()
                .next()
                .and_then(|n| n.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn feed_doc(i: usize, generation: u64) -> String {
    let mut s = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {i}</title><link>https://feed{i}.example/</link>");
    for k in 0..5u64 {
        let item = generation.saturating_sub(k);
        s.push_str(&format!(
            "<item><title>Feed {i} story {item}: talks on air defence exports</title><link>https://feed{i}.example/story/{item}</link>\
             <pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><description><![CDATA[<p>Story {item} of feed {i}: ministers discussed the delivery of systems and sanctions.</p><p>A second paragraph for story {item}.</p>]]></description></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

async fn serve(run_for: Duration) {
    let started = Instant::now();
    let server = Server::start(move |req| {
        let Some(i) = req
            .path
            .strip_prefix("/feed/")
            .and_then(|n| n.parse::<usize>().ok())
        else {
            return Reply::new(404);
        };
        // One feed in ten gets a new item every minute.
        let generation = if i % 10 == 0 {
            started.elapsed().as_secs() / 60
        } else {
            0
        };
        let etag = format!("\"{i}-{generation}\"");
        if req.header("if-none-match") == Some(etag.as_str()) {
            return Reply::new(304).header("ETag", &etag);
        }
        Reply::ok("application/rss+xml", feed_doc(i, generation)).header("ETag", &etag)
    })
    .await;
    println!("{}", server.addr.port());
    tokio::time::sleep(run_for).await;
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--serve") {
        let secs = args
            .get(pos + 1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(300);
        rt.block_on(serve(Duration::from_secs(secs)));
        return;
    }
    let n = env_num("FEEDS", 10_000) as usize;
    let steady = Duration::from_secs(env_num("SECS", 130));
    let exe = std::env::current_exe().expect("current exe");
    let mut child = Command::new(exe)
        .arg("--serve")
        .arg((steady.as_secs() + 240).to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the fixture server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("child stdout"))
        .read_line(&mut line)
        .expect("server port");
    let port: u16 = line.trim().parse().expect("port number");
    let state = std::env::temp_dir().join(format!("newswire-poll-load-{}", std::process::id()));
    let feeds: Vec<FeedConfig> = (0..n)
        .map(|i| FeedConfig {
            id: Some(format!("feed-{i}")),
            ..FeedConfig::new(format!("http://127.0.0.1:{port}/feed/{i}"))
        })
        .collect();
    // All feeds share one host here; real deployments spread them over many, so the per-host
    // limits are raised to let 10,000 feeds fit in a 60 s cycle.
    let config = FetchConfig {
        default_interval_secs: 60,
        min_interval_secs: 60,
        max_interval_secs: 60,
        per_host_concurrency: 32,
        per_host_rate_per_sec: 2000.0,
        max_concurrency: 128,
        force_full_fetch_hours: 0,
        ..Default::default()
    };
    let mut poller = Poller::new(config, feeds, Some(state.clone())).expect("poller");
    let (articles, polls, failures) = rt.block_on(async {
        let mut articles = 0usize;
        let mut polls = 0usize;
        let mut failures = 0usize;
        let start = Instant::now();
        let mut steady_from: Option<(Instant, f64)> = None;
        let deadline = Duration::from_secs(60) + steady + Duration::from_secs(120);
        loop {
            let batch = tokio::time::timeout(Duration::from_secs(70), poller.poll_due()).await.unwrap_or_default();
            for p in &batch {
                polls += 1;
                if !p.outcome.is_success() {
                    failures += 1;
                }
                articles += p.articles.len();
                if !p.articles.is_empty() {
                    let ids: Vec<String> = p.articles.iter().map(|a| a.id.clone()).collect();
                    poller.mark_delivered(&p.feed_id, &ids).expect("deliver");
                }
            }
            if steady_from.is_none() && polls >= n {
                println!("first cycle: {n} feeds in {:.1} s, CPU {:.1} s", start.elapsed().as_secs_f64(), cpu_secs());
                steady_from = Some((Instant::now(), cpu_secs()));
            }
            if let Some((t, c)) = steady_from {
                if t.elapsed() >= steady {
                    let wall = t.elapsed().as_secs_f64();
                    let cpu = cpu_secs() - c;
                    println!(
                        "steady state: {wall:.0} s wall, {cpu:.1} s CPU = {:.3} cores; peak RSS {:.0} MB",
                        cpu / wall,
                        peak_rss_mb()
                    );
                    break;
                }
            }
            if start.elapsed() > deadline {
                println!("stopped at the deadline");
                break;
            }
        }
        let _ = poller.flush();
        (articles, polls, failures)
    });
    println!("{n} feeds: {polls} polls, {failures} failed, {articles} articles emitted");
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&state);
}
