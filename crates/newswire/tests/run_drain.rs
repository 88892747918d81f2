//! `newswire run --http` as an orchestrator sees it: /livez answers, /readyz turns 200 once the
//! pipeline is up, and after SIGTERM, while work is still in flight (a feed whose body a real
//! local HTTP server holds back halfway), /readyz answers 503 "draining" and /livez and /metrics
//! still answer: the listener stays up for the whole drain. Once the body is released the run
//! finishes, exits 0, and every article of the feed is in the JSON Lines output.

mod http_support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use http_support::{http_get, sum};

const ITEMS: usize = 300;

fn item_url(i: usize) -> String {
    format!("https://news.example.org/2026/drain-{i:04}")
}

fn feed_body() -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Drain wire</title>\
         <link>https://news.example.org/</link><description>test</description>",
    );
    for i in 0..ITEMS {
        xml.push_str(&format!(
            "<item><title>Turkey and Greece discuss air defence ({i})</title><link>{url}</link>\
             <guid>{url}</guid><pubDate>Mon, 02 Nov 2026 10:{m:02}:00 GMT</pubDate>\
             <description>ANKARA - Turkey said it would take more S-400 systems from Russia, item \
             {i}; the United States warned of sanctions and Greece asked NATO for talks.\
             </description></item>",
            url = item_url(i),
            m = i % 60,
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}

/// A feed server that sends the first half of the body, then holds the rest until released.
struct HeldFeed {
    port: u16,
    requested: Arc<AtomicBool>,
    gate: Arc<(Mutex<bool>, Condvar)>,
}

impl HeldFeed {
    fn start() -> HeldFeed {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requested = Arc::new(AtomicBool::new(false));
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let (r, g) = (requested.clone(), gate.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, g) = (r.clone(), g.clone());
                std::thread::spawn(move || serve(stream, &r, &g));
            }
        });
        HeldFeed {
            port,
            requested,
            gate,
        }
    }

    fn release(&self) {
        *self.gate.0.lock().unwrap() = true;
        self.gate.1.notify_all();
    }
}

impl Drop for HeldFeed {
    fn drop(&mut self) {
        self.release();
    }
}

fn serve(mut stream: TcpStream, requested: &AtomicBool, gate: &(Mutex<bool>, Condvar)) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    let _ = reader.read_line(&mut first);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
    }
    if !first.starts_with("GET /feed.xml ") {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    let body = feed_body();
    let (head, tail) = body.split_at(body.len() / 2);
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{head}",
        body.len()
    );
    let _ = stream.flush();
    requested.store(true, Ordering::SeqCst);
    let (released, changed) = gate;
    let guard = released.lock().unwrap();
    // Bounded: a test that fails before releasing must not leave this thread hanging forever.
    let _ = changed
        .wait_timeout_while(guard, Duration::from_secs(120), |r| !*r)
        .unwrap();
    let _ = stream.write_all(tail.as_bytes());
}

fn config_in(dir: &Path, feed_port: u16) -> PathBuf {
    let text = format!(
        "[poll]\nstate_dir = \"{state}\"\n\n[fetch]\ntimeout_secs = 180\n\n\
         [sinks]\nstdout = false\n\n[sinks.jsonl]\ndir = \"{out}\"\n\n\
         [shutdown]\ndeadline_secs = 120\n\n\
         [[feeds]]\nid = \"drain\"\nurl = \"http://127.0.0.1:{feed_port}/feed.xml\"\n",
        state = dir.join("state").display(),
        out = dir.join("out").display(),
    );
    let path = dir.join("newswire.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Kills the process if the test fails before it ends.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `path` until `want` answers it (bounded); panics with the last answer and the log.
fn wait_for(child: &mut Child, port: u16, path: &str, want: u16, log: &dyn Fn() -> String) {
    let started = Instant::now();
    let mut last = String::from("no answer");
    while started.elapsed() < Duration::from_secs(30) {
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "newswire exited with {status} while waiting for {path}\n{}",
                log()
            );
        }
        match http_get(port, path) {
            Ok((status, _)) if status == want => return,
            Ok((status, body)) => last = format!("{status} {body}"),
            Err(err) => last = err.to_string(),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "{path} never answered {want} in 30 s (last: {last})\n{}",
        log()
    );
}

fn written_urls(dir: &Path) -> Vec<String> {
    let mut urls = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            urls.push(value["url"].as_str().unwrap_or_default().to_string());
        }
    }
    urls
}

#[test]
fn readyz_answers_503_while_draining_and_nothing_polled_is_lost() {
    let feed = HeldFeed::start();
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), feed.port);
    let port = newswire_testkit::free_port().unwrap();
    let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_newswire"));
    for (name, _) in std::env::vars() {
        if name.starts_with("NEWSWIRE_") {
            command.env_remove(name);
        }
    }
    let child = command
        .args(["run", "--once", "--config"])
        .arg(&config)
        .args(["--http", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut guard = Guard(child);
    let child = &mut guard.0;
    let log = || std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default();

    wait_for(child, port, "/livez", 200, &log);
    wait_for(child, port, "/readyz", 200, &log);
    let started = Instant::now();
    while !feed.requested.load(Ordering::SeqCst) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the feed was never requested\n{}",
            log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    // Half the feed is in, the rest is held: the poll is in flight. Ask it to stop.
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let mut draining_seen = false;
    let started = Instant::now();
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "newswire did not exit within 120 s of SIGTERM\n{}",
            log()
        );
        match http_get(port, "/readyz") {
            Ok((503, body)) if body.contains("draining") && !draining_seen => {
                draining_seen = true;
                // The rest of the listener serves during the drain too.
                let (live, _) = http_get(port, "/livez").unwrap();
                assert_eq!(live, 200, "/livez while draining");
                let (status, metrics) = http_get(port, "/metrics").unwrap();
                assert_eq!(status, 200, "/metrics while draining");
                assert_eq!(sum(&metrics, "newswire_ready", &[]), 0.0, "{metrics}");
                feed.release();
            }
            // The signal reaches the service's handler asynchronously: a 200 in the first
            // moments after `kill` returns is the signal still in flight, not a readiness bug.
            Ok((200, body)) if draining_seen || started.elapsed() > Duration::from_secs(2) => {
                panic!("/readyz answered 200 after SIGTERM: {body}")
            }
            // Other answers (or none once the listener closed at exit) are fine.
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        draining_seen,
        "/readyz never answered 503 draining while the poll was held\n{}",
        log()
    );
    assert!(
        exit.success(),
        "SIGTERM must end with exit 0, got {exit}\n{}",
        log()
    );

    let written = written_urls(&dir.path().join("out"));
    let unique: HashSet<&String> = written.iter().collect();
    let expected: HashSet<String> = (0..ITEMS).map(item_url).collect();
    assert_eq!(written.len(), ITEMS, "one line per article\n{}", log());
    assert!(
        expected.iter().all(|u| unique.contains(u)),
        "missing articles: {:?}",
        expected
            .difference(&written.iter().cloned().collect())
            .take(5)
            .collect::<Vec<_>>()
    );
    assert!(
        log().contains(&format!("{ITEMS} new articles")),
        "summary\n{}",
        log()
    );
}
