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

#[test]
fn version_names_the_commit_and_the_build_date() {
    let out = newswire(&["--version"], b"");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    // "newswire 0.2.0 (commit 0123456789ab, built 2026-12-01)"
    let inner = text
        .split_once("(commit ")
        .and_then(|(_, r)| r.split_once(')'))
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no commit in {text:?}"));
    let (commit, date) = inner.split_once(", built ").expect("a build date");
    assert!(
        commit == "unknown"
            || (commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{commit:?}"
    );
    let parts: Vec<&str> = date.split('-').collect();
    assert!(
        parts.len() == 3 && parts[0].len() == 4 && parts.iter().all(|p| p.parse::<u32>().is_ok()),
        "{date:?}"
    );
}

#[test]
fn completions_and_man_page_cover_every_command() {
    let bash = newswire(&["completions", "bash"], b"");
    assert!(bash.status.success());
    let bash = String::from_utf8_lossy(&bash.stdout);
    for word in ["_newswire", "poll", "sink", "enrich", "--brokers"] {
        assert!(bash.contains(word), "{word} not in the bash completions");
    }
    let zsh = newswire(&["completions", "zsh"], b"");
    assert!(String::from_utf8_lossy(&zsh.stdout).starts_with("#compdef newswire"));
    let bad = newswire(&["completions", "tcsh"], b"");
    assert_eq!(
        bad.status.code(),
        Some(64),
        "an unknown shell is a usage error"
    );

    let man = newswire(&["man"], b"");
    assert!(man.status.success());
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(page.contains(".TH newswire 1"), "{page}");
    assert!(page.contains("SIGHUP"), "signals are documented: {page}");
    let dir = tempfile::tempdir().unwrap();
    let out = newswire(&["man", "--dir", dir.path().to_str().unwrap()], b"");
    assert!(out.status.success());
    for name in [
        "newswire.1",
        "newswire-poll.1",
        "newswire-sink.1",
        "newswire-run.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(text.contains(".TH"), "{name}");
    }
}

#[test]
fn every_command_shows_examples_in_its_help() {
    for command in [
        &["run"][..],
        &["enrich"],
        &["poll"],
        &["sink"],
        &["config", "check"],
        &["feed", "parse"],
        &["feed", "check"],
        &["completions"],
        &["man"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let out = newswire(&args, b"");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{args:?}");
        let examples = help
            .split_once("Examples:\n")
            .map(|(_, e)| e)
            .unwrap_or_else(|| panic!("no examples in {args:?} --help:\n{help}"));
        let first = examples.lines().next().unwrap_or("");
        assert!(
            first.trim_start().starts_with("newswire ") || first.contains("| newswire"),
            "{args:?}: {first:?}"
        );
    }
}

#[test]
fn sighup_is_ignored_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::write(
        &config,
        format!(
            "[poll]\nfeeds_file = \"{}\"\nstate_dir = \"{}\"\n\n[sinks.jsonl]\ndir = \"{}\"\n",
            repo.join("config/feeds.toml").display(),
            dir.path().join("state").display(),
            dir.path().join("out").display()
        ),
    )
    .unwrap();
    let log = dir.path().join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_newswire"))
        .args(["run", "--config", config.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let wait_log = |needle: &str| {
        let started = std::time::Instant::now();
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if text.contains(needle) {
                return text;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "no {needle:?} in:\n{text}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    wait_log("newswire run started");
    let kill = |signal: &str| {
        Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success()
    };
    assert!(kill("-HUP"));
    wait_log("SIGHUP ignored");
    assert!(
        child.try_wait().unwrap().is_none(),
        "SIGHUP ended the service"
    );
    assert!(kill("-TERM"));
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
}
