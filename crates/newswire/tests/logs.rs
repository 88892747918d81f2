//! What the services write on stderr, as a log shipper sees it: with `--log-format json` (or
//! `NEWSWIRE_LOG__FORMAT=json`, or `[log] format = "json"`, which `enrich --serve` honours
//! too) every line is a JSON object, the end-of-run summary included; no colour codes in a
//! file; a periodic progress line; and a healthy poll that reads the Kafka state topic logs no
//! ERROR (librdkafka's partition EOF is not one).

mod kafka_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kafka_support::Tansu;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn newswire(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newswire"));
    for (name, _) in std::env::vars() {
        if name.starts_with("NEWSWIRE_") || name == "NO_COLOR" || name == "RUST_LOG" {
            command.env_remove(name);
        }
    }
    command.current_dir(dir).stdin(Stdio::null());
    command
}

fn sample_config(dir: &Path) -> PathBuf {
    let path = dir.join("c.toml");
    let text = format!(
        "[poll]\nfeeds_file = \"{}\"\nstate_dir = \"{}\"\n\n[sinks.jsonl]\ndir = \"{}\"\n",
        repo().join("config/feeds.toml").display(),
        dir.join("state").display(),
        dir.join("out").display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Every line of `stderr` as JSON; fails naming the first line that is not.
fn json_lines(stderr: &str) -> Vec<Value> {
    stderr
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {l:?}\nin:\n{stderr}"))
        })
        .collect()
}

#[test]
fn json_logs_are_json_on_every_line_summary_included() {
    let dir = tempfile::tempdir().unwrap();
    let config = sample_config(dir.path());
    let out = newswire(dir.path())
        .args(["--log-format", "json", "run", "--once", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines = json_lines(&stderr);
    let summary = lines
        .iter()
        .find(|l| l["summary"] == "newswire run")
        .unwrap_or_else(|| panic!("no summary event in:\n{stderr}"));
    assert!(summary["feeds_polled"].as_u64().unwrap() >= 4, "{summary}");
    assert!(summary["written"].as_u64().unwrap() > 0, "{summary}");
    assert!(
        summary["message"]
            .as_str()
            .unwrap()
            .starts_with("newswire run: "),
        "{summary}"
    );

    // The config key's environment form does the same, for an error before anything runs.
    let out = newswire(dir.path())
        .args(["poll", "--feed", "notaurl"])
        .env("NEWSWIRE_LOG__FORMAT", "json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines = json_lines(&stderr);
    assert!(lines.iter().any(|l| l["exit_code"] == 64), "{stderr}");
}

#[test]
fn enrich_serve_honours_the_config_log_format() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        "[log]\nformat = \"json\"\n\n[kafka]\nstartup_timeout_ms = 500\n",
    )
    .unwrap();
    let out = newswire(dir.path())
        .args(["enrich", "--serve", "--brokers", "127.0.0.1:1", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(69));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines = json_lines(&stderr);
    assert!(lines.len() >= 2, "{stderr}");
    assert!(
        lines.last().unwrap()["message"]
            .as_str()
            .unwrap()
            .contains("127.0.0.1:1"),
        "{stderr}"
    );
}

#[test]
fn logs_to_a_file_carry_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let config = sample_config(dir.path());
    let out = newswire(dir.path())
        .args(["run", "--once", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("newswire run: "), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "escape codes in a pipe:\n{stderr}"
    );
}

#[test]
fn a_running_service_logs_its_progress() {
    let dir = tempfile::tempdir().unwrap();
    let config = sample_config(dir.path());
    let log = dir.path().join("stderr.log");
    let mut child = newswire(dir.path())
        .args(["--log-format", "json", "run", "--config"])
        .arg(&config)
        .env("NEWSWIRE_LOG__PROGRESS_SECS", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let progress = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let lines: Vec<Value> = text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let sink = lines.iter().rev().find(|l| {
            l["stage"] == "sink"
                && l["message"].as_str().unwrap_or("").starts_with("progress:")
                && l["records_out"].as_u64().unwrap_or(0) > 0
        });
        if let Some(line) = sink {
            break line.clone();
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("no progress line with records written in 30 s:\n{text}");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    for field in ["records_in", "records_out", "errors"] {
        assert!(progress[field].is_u64(), "{field} in {progress}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_poll_with_the_state_topic_logs_no_error() {
    let tansu = Tansu::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let feed = format!(
        "file://{}",
        repo()
            .join("tests/fixtures/feeds/rss-arms.xml")
            .canonicalize()
            .unwrap()
            .display()
    );
    // Twice: the second poll reads the state the first wrote, to the end of the topic.
    for round in 0..2 {
        let brokers = tansu.brokers();
        let dir = dir.path().to_path_buf();
        let feed = feed.clone();
        let out = tokio::task::spawn_blocking(move || {
            newswire(&dir)
                .args([
                    "--log-format",
                    "json",
                    "poll",
                    "--once",
                    "--brokers",
                    &brokers,
                ])
                .args(["--feed", &feed])
                .env("NEWSWIRE_KAFKA__CONSUMER__SESSION_TIMEOUT_MS", "6000")
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "round {round}:\n{stderr}");
        let lines = json_lines(&stderr);
        let errors: Vec<&Value> = lines.iter().filter(|l| l["level"] == "ERROR").collect();
        assert!(
            errors.is_empty(),
            "round {round} logged errors: {errors:#?}"
        );
        assert!(
            !stderr.contains("PartitionEOF"),
            "partition EOF is not logged at info or above:\n{stderr}"
        );
    }
}
