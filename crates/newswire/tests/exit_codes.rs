//! Exit codes as scripts see them: the table of docs/commands.md lists exactly the codes of
//! `src/exit.rs`, and every code is what the real binary returns in the situation the table
//! names (one test per code; 70, an internal error, has no situation a user can cause and is
//! checked by the unit test in `src/exit.rs`).

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The real binary with a clean environment (no NEWSWIRE_* of the caller) and no colour.
fn newswire(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newswire"));
    for (name, _) in std::env::vars() {
        if name.starts_with("NEWSWIRE_") {
            command.env_remove(name);
        }
    }
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    command
}

fn run(command: &mut Command) -> (Option<i32>, String) {
    let out: Output = command.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn fixture_feed() -> String {
    let path = repo().join("tests/fixtures/feeds/rss-arms.xml");
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// A config whose feeds are `urls`, with its state and output in `dir`.
fn config_with_feeds(dir: &Path, urls: &[&str]) -> PathBuf {
    let feeds: String = urls
        .iter()
        .map(|u| format!("[[feeds]]\nurl = \"{u}\"\n"))
        .collect();
    write(
        dir,
        "c.toml",
        &format!(
            "{feeds}\n[poll]\nstate_dir = \"{}\"\n\n[sinks.jsonl]\ndir = \"{}\"\n",
            dir.join("state").display(),
            dir.join("out").display()
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// The table.

/// `(code, row)` of every row of the exit-code table of docs/commands.md.
fn documented() -> Vec<(u8, String)> {
    let text = std::fs::read_to_string(repo().join("docs/commands.md")).unwrap();
    let section = text
        .split("### Exit codes")
        .nth(1)
        .and_then(|s| s.split("\n#").next())
        .expect("an \"### Exit codes\" section");
    section
        .lines()
        .filter_map(|l| {
            let cell = l.strip_prefix('|')?.split('|').next()?.trim();
            Some((cell.parse::<u8>().ok()?, l.to_string()))
        })
        .collect()
}

/// The codes `src/exit.rs` declares (`pub const NAME: u8 = N;`).
fn declared() -> Vec<u8> {
    let text = std::fs::read_to_string(repo().join("crates/newswire/src/exit.rs")).unwrap();
    let mut codes: Vec<u8> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub const "))
        .filter_map(|l| l.split_once(": u8 = "))
        .map(|(name, value)| {
            value
                .trim_end_matches(';')
                .parse()
                .unwrap_or_else(|_| panic!("exit.rs: {name} is not a literal code: {value}"))
        })
        .collect();
    codes.sort_unstable();
    codes
}

#[test]
fn the_table_lists_exactly_the_codes_of_exit_rs() {
    let mut table: Vec<u8> = documented().iter().map(|(c, _)| *c).collect();
    table.sort_unstable();
    assert_eq!(
        table,
        declared(),
        "the exit-code table and src/exit.rs differ"
    );
    assert!(table.len() >= 10, "{table:?}");
}

// ---------------------------------------------------------------------------------------------
// One test per code.

#[test]
fn ok_0_for_a_good_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = repo().join("config/newswire.toml");
    let (code, stderr) = run(newswire(dir.path()).args(["config", "check"]).arg(config));
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn usage_64_for_a_bad_feed_url_before_any_connection() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) =
        run(newswire(dir.path()).args(["poll", "--feed", "notaurl", "--brokers", "127.0.0.1:1"]));
    assert_eq!(code, Some(64), "{stderr}");
    assert!(
        stderr.contains("notaurl") && stderr.contains("--feed"),
        "{stderr}"
    );
    // Refused by the command line parser: no config was read, no Kafka client was made.
    assert!(!stderr.contains("kafka client settings"), "{stderr}");
    let (code, stderr) = run(newswire(dir.path()).args(["poll", "--bogus-flag"]));
    assert_eq!(code, Some(64), "{stderr}");
}

#[test]
fn data_65_for_lines_that_are_not_articles() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = newswire(dir.path())
        .arg("enrich")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"{broken\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(65));
}

#[test]
fn noinput_66_for_a_file_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.xml");
    let (code, stderr) = run(newswire(dir.path()).args(["feed", "parse"]).arg(&missing));
    assert_eq!(code, Some(66), "{stderr}");
    assert!(stderr.contains("missing.xml"), "{stderr}");
}

#[test]
fn unavailable_69_when_the_brokers_do_not_answer_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let feed = fixture_feed();
    let (code, stderr) = run(newswire(dir.path()).args([
        "poll",
        "--once",
        "--brokers",
        "127.0.0.1:1",
        "--feed",
        &feed,
    ]));
    assert_eq!(code, Some(69), "{stderr}");
    let last = stderr.lines().last().unwrap_or("");
    assert!(
        last.contains("127.0.0.1:1") && last.contains("kafka.startup_timeout_ms"),
        "the last line names the brokers and the setting: {stderr}"
    );
    // The wait is the documented kafka.startup_timeout_ms (15 s), not librdkafka's 60 s.
    assert!(started.elapsed() < Duration::from_secs(45), "{stderr}");
}

/// A URL of the test server with a database that does not exist, and a password in it.
fn missing_database_url() -> (String, &'static str) {
    let server = std::env::var("NEWSWIRE_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (base, _) = server
        .rsplit_once('/')
        .expect("a postgres:// URL with a path");
    let base = match base.split_once("://") {
        Some((scheme, rest))
            if rest.contains('@') && !rest.split('@').next().unwrap().contains(':') =>
        {
            let (user, host) = rest.split_once('@').unwrap();
            format!("{scheme}://{user}:hunter2secret@{host}")
        }
        _ => base.to_string(),
    };
    let name = "newswire_no_such_database";
    (format!("{base}/{name}"), name)
}

#[test]
fn unavailable_69_for_a_database_that_does_not_exist_naming_it_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let (url, name) = missing_database_url();
    let (code, stderr) =
        run(newswire(dir.path()).args(["sink", "--brokers", "127.0.0.1:1", "--postgres", &url]));
    assert_eq!(code, Some(69), "sink: {stderr}");
    assert!(stderr.contains(name), "{stderr}");
    assert!(
        !stderr.contains("hunter2secret"),
        "the password is left out: {stderr}"
    );

    let config = config_with_feeds(dir.path(), &[&fixture_feed()]);
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!("\n[sinks.postgres]\nurl = \"{url}\"\n"));
    std::fs::write(&config, text).unwrap();
    let (code, stderr) = run(newswire(dir.path())
        .args(["run", "--once", "--config"])
        .arg(&config));
    assert_eq!(code, Some(69), "run: {stderr}");
    assert!(
        stderr.contains(name) && !stderr.contains("hunter2secret"),
        "{stderr}"
    );
}

#[test]
fn unavailable_69_when_every_feed_failed_and_tempfail_75_when_some_did() {
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("file://{}/missing.xml", dir.path().display());
    let config = config_with_feeds(dir.path(), &[&missing]);
    let (code, stderr) = run(newswire(dir.path())
        .args(["run", "--once", "--config"])
        .arg(&config));
    assert_eq!(code, Some(69), "{stderr}");
    assert!(stderr.contains("every feed failed (1 of 1)"), "{stderr}");

    let config = config_with_feeds(dir.path(), &[&missing, &fixture_feed()]);
    let (code, stderr) = run(newswire(dir.path())
        .args(["run", "--once", "--config"])
        .arg(&config));
    assert_eq!(code, Some(75), "{stderr}");
    assert!(
        stderr.contains("1 of 2 feeds failed") && stderr.contains("missing.xml"),
        "{stderr}"
    );
}

#[test]
fn cantcreat_73_when_the_jsonl_directory_cannot_be_created() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "a-file", "");
    let (code, stderr) = run(newswire(dir.path())
        .args(["sink", "--brokers", "127.0.0.1:1", "--jsonl"])
        .arg(file.join("out")));
    assert_eq!(code, Some(73), "{stderr}");
}

#[test]
fn ioerr_74_when_the_feed_state_directory_cannot_be_created() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with_feeds(dir.path(), &[&fixture_feed()]);
    let file = write(dir.path(), "a-file", "");
    let (code, stderr) = run(newswire(dir.path())
        .args(["run", "--once", "--config"])
        .arg(&config)
        .env("NEWSWIRE_POLL__STATE_DIR", file.join("state")));
    assert_eq!(code, Some(74), "{stderr}");
    assert!(stderr.contains("a-file/state"), "{stderr}");
}

#[test]
fn config_78_naming_file_line_and_field_in_check_and_run_alike() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "feeds.toml",
        "[[feeds]]\nid = \"ok\"\nurl = \"https://example.com/rss\"\n\n[[feeds]]\nurl = \"ftp://example.com/rss\"\n",
    );
    let config = write(
        dir.path(),
        "c.toml",
        "[poll]\nfeeds_file = \"feeds.toml\"\n\n[sinks]\nstdout = true\n",
    );
    let (code, check) = run(newswire(dir.path()).args(["config", "check"]).arg(&config));
    assert_eq!(code, Some(78), "{check}");
    assert!(
        check.contains("feeds.toml:6:7") && check.contains("feeds[1].url") && check.contains("ftp"),
        "{check}"
    );
    let (code, run_err) = run(newswire(dir.path())
        .args(["run", "--once", "--config"])
        .arg(&config));
    assert_eq!(code, Some(78), "{run_err}");
    let reason = |text: &str| {
        text.lines()
            .last()
            .unwrap_or("")
            .split("ERROR")
            .last()
            .map(str::to_string)
    };
    assert_eq!(
        reason(&run_err).map(|r| r.replace("exit_code=78", "").trim().to_string()),
        reason(&check).map(|r| r.replace("exit_code=78", "").trim().to_string()),
        "run refuses it exactly as config check does"
    );
}

#[test]
fn config_78_for_a_sink_without_a_sink_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = run(newswire(dir.path()).args(["sink", "--brokers", "127.0.0.1:1"]));
    assert_eq!(code, Some(78), "{stderr}");
    assert!(
        stderr.contains("sinks.jsonl.dir") && stderr.contains("--jsonl"),
        "{stderr}"
    );
}

/// Accepts connections and never answers, so a poll of it stays in flight.
fn silent_server() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

fn wait_for_log(child: &mut Child, log: &Path, needle: &str) -> String {
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "exited before logging {needle:?}:\n{text}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no {needle:?} in the log:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn interrupted_130_on_a_second_signal_during_the_drain() {
    let dir = tempfile::tempdir().unwrap();
    let (_listener, port) = silent_server();
    let url = format!("http://127.0.0.1:{port}/feed.xml");
    let config = config_with_feeds(dir.path(), &[&url]);
    let log = dir.path().join("stderr.log");
    let mut child = newswire(dir.path())
        .args(["run", "--once", "--config"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    wait_for_log(&mut child, &log, "newswire run started");
    let pid = child.id().to_string();
    let term = || Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(term().success());
    wait_for_log(&mut child, &log, "shutdown requested");
    assert!(term().success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("no exit after the second signal");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(130));
}
