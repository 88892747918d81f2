//! `newswire enrich` on many threads: output lines come in input order, bad lines are reported
//! in place by number, and the output is the same whatever the number of threads.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn enrich(workers: &str, stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newswire"))
        .args(["enrich", "--workers", workers])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin_pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    // Written from a thread: the child's stdout fills while we still write its stdin.
    let writer = std::thread::spawn(move || stdin_pipe.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

/// 1,500 lines; every seventh is long (so threads finish chunks out of order), and lines 500
/// and 1,201 are broken.
fn input() -> Vec<u8> {
    let mut text = String::new();
    for i in 1..=1_500usize {
        match i {
            500 => text.push_str("{broken\n"),
            1_201 => text.push_str("{\"title\": 5}\n"),
            _ => {
                let body = "Turkey bought the S-400 from Russia; the United States objected. "
                    .repeat(if i.is_multiple_of(7) { 40 } else { 1 });
                let line = serde_json::json!({"id": format!("s{i}"), "title": "", "body": body});
                text.push_str(&line.to_string());
                text.push('\n');
            }
        }
    }
    text.into_bytes()
}

fn ids(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect()
}

/// Output lines without what differs from run to run (the time an article without one was
/// "fetched", how long enrichment took).
fn stable(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v["fetched_at"] = Value::Null;
            v["enrichment"]["took_us"] = Value::Null;
            v
        })
        .collect()
}

/// Log lines without their leading timestamp.
fn untimed(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .map(|l| l.split_once(' ').map_or(l, |(_, rest)| rest).to_string())
        .collect()
}

#[test]
fn output_order_is_input_order_on_many_threads() {
    let out = enrich("8", &input());
    assert_eq!(out.status.code(), Some(65));
    let want: Vec<String> = (1..=1_500)
        .filter(|i| *i != 500 && *i != 1_201)
        .map(|i| format!("s{i}"))
        .collect();
    assert_eq!(ids(&out), want);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr.find("stdin:500:").expect(&stderr);
    let second = stderr.find("stdin:1201:").expect(&stderr);
    assert!(first < second, "{stderr}");
    assert!(
        stderr.contains("2 of 1500 lines could not be enriched"),
        "{stderr}"
    );
}

#[test]
fn output_is_the_same_on_one_thread_and_on_many() {
    let input = input();
    let one = enrich("1", &input);
    let many = enrich("5", &input);
    assert_eq!(one.status.code(), many.status.code());
    let (one_lines, many_lines) = (stable(&one), stable(&many));
    assert_eq!(one_lines.len(), 1_498);
    assert!(one_lines == many_lines, "outputs differ");
    assert_eq!(untimed(&one.stderr), untimed(&many.stderr));
}
