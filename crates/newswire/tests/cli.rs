//! The command line as scripts use it: exit codes, stdout, stderr.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn newswire(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newswire"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn codes(v: &Value) -> Vec<&str> {
    v["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect()
}

#[test]
fn enrich_reads_json_lines_from_stdin() {
    let out = newswire(
        &["enrich"],
        br#"{"id":"x","title":"","body":"Turkey bought the S-400 from Russia."}"#,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = lines(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["id"], "x");
    let c = codes(&got[0]);
    assert!(c.contains(&"TR") && c.contains(&"RU"), "{c:?}");
}

#[test]
fn enrich_reports_bad_lines_by_number_and_keeps_going() {
    let input =
        b"{\"id\":\"a\",\"body\":\"Kenya\"}\n{broken\n\n{\"id\":\"c\",\"body\":\"Chile\"}\n";
    let out = newswire(&["enrich"], input);
    assert_eq!(out.status.code(), Some(65));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("stdin:2:") && stderr.contains("invalid JSON"),
        "{stderr}"
    );
    let ids: Vec<_> = lines(&out)
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["a", "c"], "good lines are enriched in input order");
}

#[test]
fn enrich_text_treats_input_as_one_article() {
    let seed = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/reuters-s400.txt"),
    )
    .unwrap();
    let out = newswire(&["enrich", "--text"], &seed);
    assert!(out.status.success());
    let got = lines(&out);
    assert_eq!(got.len(), 1);
    let c = codes(&got[0]);
    for code in ["TR", "RU", "US", "UA"] {
        assert!(c.contains(&code), "{code} missing: {c:?}");
    }
}

#[test]
fn config_check_names_a_misspelt_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[sinks.jsonl]\ndirr = \"out\"\n").unwrap();
    let out = newswire(&["config", "check", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(78));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.toml:2:1")
            && stderr.contains("dirr")
            && stderr.contains("sinks.jsonl"),
        "{stderr}"
    );
}

#[test]
fn config_check_accepts_the_embedded_default() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/newswire.toml");
    let out = newswire(&["config", "check", path.to_str().unwrap()], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok (4 feeds"));
}

#[test]
fn config_check_online_reports_an_unreachable_database_with_exit_69() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    std::fs::write(
        &path,
        "[sinks.postgres]\nurl = \"postgres://postgres@127.0.0.1:1/none\"\nretry_max_attempts = 1\n",
    )
    .unwrap();
    let out = newswire(
        &["config", "check", "--online", path.to_str().unwrap()],
        b"",
    );
    assert_eq!(
        out.status.code(),
        Some(69),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("postgres:"));
}
