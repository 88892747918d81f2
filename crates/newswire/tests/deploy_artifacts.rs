//! The deployment artifacts agree with the binary: every `newswire_*` metric that the Grafana
//! dashboard (deploy/grafana/newswire.json) or the alert rules (deploy/prometheus/alerts.yml)
//! query is one that a real `newswire run --http` process exports on /metrics, every metric it
//! exports is on the dashboard and in docs/operations.md (Metrics), /livez and /readyz answer 200 once the
//! service is up, and SIGTERM ends it with exit code 0 and nothing lost.
//!
//! Only 127.0.0.1 is used; HTTP is spoken by hand over std's TcpStream (no client dependency).

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod http_support;
use http_support::http_get;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// What the artifacts query.

/// Every `newswire_*` name in `text` (metric names: `[a-zA-Z0-9_:]`, not preceded by one).
fn metric_names(text: &str, out: &mut BTreeSet<String>) {
    let bytes = text.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b':';
    let mut from = 0;
    while let Some(pos) = text[from..].find("newswire_") {
        let start = from + pos;
        let mut end = start + "newswire_".len();
        while end < bytes.len() && is_name(bytes[end]) {
            end += 1;
        }
        let preceded = start > 0 && is_name(bytes[start - 1]);
        if !preceded && end > start + "newswire_".len() {
            out.insert(text[start..end].to_string());
        }
        from = end;
    }
}

/// The PromQL of a Grafana dashboard: `expr` of every target, `query`/`definition` of every
/// template variable, at any depth (rows may nest panels).
fn dashboard_queries(value: &Value, key: &str, out: &mut Vec<String>) {
    match value {
        Value::String(s) if matches!(key, "expr" | "query" | "definition") => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| dashboard_queries(v, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| dashboard_queries(v, k, out)),
        _ => {}
    }
}

fn dashboard_metrics() -> BTreeSet<String> {
    let path = repo().join("deploy/grafana/newswire.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let dashboard: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    assert_eq!(
        dashboard["uid"], "newswire",
        "the provisioned dashboard keeps a stable uid"
    );
    let panels = dashboard["panels"].as_array().expect("panels");
    let mut graphs = 0;
    for panel in panels {
        if panel["type"] == "row" {
            continue;
        }
        graphs += 1;
        let targets = panel["targets"].as_array();
        assert!(
            targets.is_some_and(|t| !t.is_empty()
                && t.iter()
                    .all(|t| t["expr"].as_str().is_some_and(|e| !e.trim().is_empty()))),
            "panel {:?} has a target without an expression",
            panel["title"]
        );
    }
    assert!(graphs >= 10, "the dashboard has only {graphs} panels");
    let mut queries = Vec::new();
    dashboard_queries(&dashboard, "", &mut queries);
    let mut names = BTreeSet::new();
    for q in &queries {
        metric_names(q, &mut names);
    }
    names
}

/// The alert rules, scanned without a YAML parser: every `newswire_*` name outside comments
/// (expressions and the annotations that name metrics), and the number of rules.
fn alert_metrics() -> (BTreeSet<String>, usize) {
    let path = repo().join("deploy/prometheus/alerts.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut names = BTreeSet::new();
    let mut rules = 0;
    let mut exprs = 0;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        assert!(
            !line.contains('\t'),
            "{}: tabs are not YAML indentation",
            path.display()
        );
        if trimmed.starts_with("- alert:") {
            rules += 1;
        }
        if trimmed.starts_with("expr:") {
            exprs += 1;
        }
        metric_names(line, &mut names);
    }
    assert_eq!(rules, exprs, "every alert rule has one expr");
    (names, rules)
}

// ---------------------------------------------------------------------------------------------
// What the binary exports.

/// The text exposition, parsed: metric families with their type, and sample names seen.
struct Exposition {
    families: BTreeMap<String, String>,
    samples: BTreeMap<String, f64>,
}

impl Exposition {
    fn parse(text: &str) -> Exposition {
        let mut families = BTreeMap::new();
        let mut samples = BTreeMap::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let mut parts = rest.split_whitespace();
                if let (Some(name), Some(kind)) = (parts.next(), parts.next()) {
                    families.insert(name.to_string(), kind.to_string());
                }
            } else if !line.starts_with('#') && !line.trim().is_empty() {
                let name_end = line.find(['{', ' ']).unwrap_or(line.len());
                let value = line
                    .rsplit(' ')
                    .next()
                    .and_then(|v| v.parse::<f64>().ok())
                    .unwrap_or(f64::NAN);
                // Sum over label sets: enough for "did anything happen".
                let name = line[..name_end].to_string();
                *samples.entry(name).or_insert(0.0) += value;
            }
        }
        Exposition { families, samples }
    }

    /// The family a queried series name belongs to, by the OpenMetrics naming rules
    /// (`_total` for counters, `_bucket`/`_sum`/`_count` for histograms, `_info` for info).
    fn family_of(&self, series: &str) -> Option<&str> {
        self.families.iter().find_map(|(family, kind)| {
            let suffixes: &[&str] = match kind.as_str() {
                "counter" => &["_total", "_created"],
                "histogram" | "gaugehistogram" => &["_bucket", "_sum", "_count", "_created"],
                "summary" => &["", "_sum", "_count", "_created"],
                "info" => &["_info"],
                _ => &[""],
            };
            suffixes
                .iter()
                .any(|s| series.strip_suffix(s) == Some(family.as_str()))
                .then_some(family.as_str())
        })
    }

    /// How Prometheus and the docs name a family's main series.
    fn display_name(family: &str, kind: &str) -> String {
        match kind {
            "counter" => format!("{family}_total"),
            "info" => format!("{family}_info"),
            _ => family.to_string(),
        }
    }

    fn value(&self, sample: &str) -> f64 {
        self.samples.get(sample).copied().unwrap_or(0.0)
    }
}

/// The metric families `crates/pipeline/src/telemetry/mod.rs` declares in its `metrics!`
/// table (one line per family: `field: Type = "name", UNIT, SCOPE, constructor;`, plus
/// `_seconds` for `SECONDS`), typed by their Rust type, and the build info it registers
/// beside them. prometheus-client leaves a labelled family out of /metrics until its first
/// series exists (no errors, no DLQ records, no Kafka lag in a clean in-memory run), so the
/// live exposition alone cannot vouch for those.
fn declared_families() -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(repo().join("crates/pipeline/src/telemetry/mod.rs")).unwrap();
    let table = text
        .split("\nmetrics! {")
        .nth(1)
        .and_then(|t| t.split("\n}").next())
        .expect("a metrics! { ... } table in telemetry/mod.rs");
    let mut out = BTreeMap::new();
    assert!(
        text.contains("registry.register(\"newswire_build\""),
        "telemetry/mod.rs registers newswire_build"
    );
    out.insert("newswire_build".to_string(), "info".to_string());
    for line in table
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("///") && !l.is_empty())
    {
        let (field_ty, rest) = line
            .split_once(" = \"")
            .unwrap_or_else(|| panic!("telemetry/mod.rs: cannot read the table line {line:?}"));
        let (name, rest) = rest.split_once('"').unwrap();
        let ty = field_ty.split_once(':').map_or("", |(_, t)| t);
        let kind = if ty.contains("Histogram") {
            "histogram"
        } else if ty.contains("Counter") {
            "counter"
        } else if ty.contains("Gauge") {
            "gauge"
        } else {
            panic!("telemetry/mod.rs: unknown metric type {ty} of {name}")
        };
        let name = if rest
            .trim_start_matches(',')
            .trim_start()
            .starts_with("SECONDS")
        {
            format!("{name}_seconds")
        } else {
            name.to_string()
        };
        out.insert(name, kind.to_string());
    }
    out
}

/// The first column of the "## Metrics" table of docs/operations.md: the documented series names.
fn documented_metrics(readme: &str) -> Vec<String> {
    let section = readme
        .split("\n## Metrics")
        .nth(1)
        .and_then(|s| s.split("\n#").next())
        .unwrap_or("");
    let names: Vec<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    assert!(
        names.len() >= 16,
        "docs/operations.md: the ## Metrics table lists only {names:?}"
    );
    names
}

/// Polls `path` until it answers `want` (or the deadline passes); the last answer.
fn wait_for_status(
    child: &mut Child,
    port: u16,
    path: &str,
    want: u16,
    within: Duration,
) -> (u16, String) {
    let started = Instant::now();
    let mut last = (0, String::from("no answer"));
    while started.elapsed() < within {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("newswire exited early with {status} while waiting for {path}");
        }
        if let Ok(answer) = http_get(port, path) {
            if answer.0 == want {
                return answer;
            }
            last = answer;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    last
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills the process if the test fails before it ends.
struct Guard(Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn config_in(dir: &Path) -> PathBuf {
    let text = format!(
        "[poll]\nstate_dir = \"{state}\"\nfeeds_file = \"{feeds}\"\n\n\
         [sinks]\nstdout = false\n\n[sinks.jsonl]\ndir = \"{out}\"\n\n\
         [shutdown]\ndeadline_secs = 15\n",
        state = dir.join("state").display(),
        feeds = repo().join("config/feeds.toml").display(),
        out = dir.join("out").display(),
    );
    let path = dir.join("newswire.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn jsonl_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count())
        .sum()
}

#[test]
fn dashboard_and_alerts_query_only_exported_metrics_and_the_service_stops_cleanly() {
    let dashboard = dashboard_metrics();
    let (alerts, rules) = alert_metrics();
    assert!(rules >= 5, "only {rules} alert rules");
    let docs = std::fs::read_to_string(repo().join("docs/operations.md")).unwrap_or_default();

    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path());
    let port = free_port();
    let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_newswire"));
    for (name, _) in std::env::vars() {
        if name.starts_with("NEWSWIRE_") {
            command.env_remove(name);
        }
    }
    let child = command
        .args(["run", "--config"])
        .arg(&config)
        .args(["--http", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut guard = Guard(Some(child));
    let child = guard.0.as_mut().unwrap();
    let log = || std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default();

    let (status, body) = wait_for_status(child, port, "/livez", 200, Duration::from_secs(15));
    assert_eq!(status, 200, "/livez: {body}\n{}", log());
    let (status, body) = wait_for_status(child, port, "/readyz", 200, Duration::from_secs(15));
    assert_eq!(status, 200, "/readyz never became ready: {body}\n{}", log());
    // The image's HEALTHCHECK script against the real listener, and against a closed port.
    let healthcheck = |addr: String, path: &str| {
        Command::new("bash")
            .arg(repo().join("deploy/healthcheck.sh"))
            .arg(path)
            .env("NEWSWIRE_HTTP", addr)
            .env_remove("NEWSWIRE_HEALTHCHECK_PORT")
            .stderr(Stdio::null())
            .status()
            .unwrap()
    };
    assert!(
        healthcheck(format!("0.0.0.0:{port}"), "/livez").success(),
        "healthcheck /livez"
    );
    assert!(
        healthcheck(format!("0.0.0.0:{port}"), "/readyz").success(),
        "healthcheck /readyz"
    );
    assert!(
        !healthcheck(format!("0.0.0.0:{}", free_port()), "/livez").success(),
        "healthcheck on a closed port"
    );
    assert!(
        !healthcheck(format!("0.0.0.0:{port}"), "/nowhere").success(),
        "healthcheck on a 404"
    );

    // Wait until the sample articles went all the way through, so the histograms have samples.
    let started = Instant::now();
    let metrics = loop {
        let (status, body) = http_get(port, "/metrics").unwrap();
        assert_eq!(status, 200, "/metrics: {body}");
        let metrics = Exposition::parse(&body);
        let polled = metrics.value("newswire_records_received_total");
        let written = if metrics
            .samples
            .contains_key("newswire_sink_batch_size_count")
        {
            metrics.value("newswire_sink_batch_size_count")
        } else {
            0.0
        };
        if (polled > 0.0 && written > 0.0) || started.elapsed() > Duration::from_secs(15) {
            break metrics;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        metrics.value("newswire_feed_items_total") > 0.0,
        "no article was polled from the sample feeds\n{}",
        log()
    );
    assert_eq!(
        metrics.value("newswire_ready"),
        1.0,
        "newswire_ready after /readyz 200"
    );

    let live: BTreeMap<String, String> = metrics
        .families
        .iter()
        .filter(|(f, _)| f.starts_with("newswire_"))
        .map(|(f, k)| (f.clone(), k.clone()))
        .collect();
    // The process's own resources, under the names every Prometheus client uses.
    let process = Exposition {
        families: metrics
            .families
            .iter()
            .filter(|(f, _)| f.starts_with("process_"))
            .map(|(f, k)| (f.clone(), k.clone()))
            .collect(),
        samples: BTreeMap::new(),
    };
    for family in [
        "process_cpu_seconds",
        "process_resident_memory_bytes",
        "process_open_fds",
    ] {
        assert!(
            process.families.contains_key(family),
            "{family} is not exported: {:?}",
            process.families
        );
    }
    assert!(
        live.len() >= 10,
        "only {} newswire families exported: {live:?}",
        live.len()
    );
    // The families the live run shows, plus those declared but without a series yet; the live
    // types must agree with the declared ones.
    let declared = declared_families();
    let mut problems = Vec::new();
    for (family, kind) in &live {
        match declared.get(family) {
            Some(k) if k == kind => {}
            other => problems.push(format!(
                "`{family}` is exported as {kind}, telemetry/mod.rs declares {other:?}"
            )),
        }
    }
    let not_live: Vec<&String> = declared.keys().filter(|f| !live.contains_key(*f)).collect();
    if !not_live.is_empty() {
        eprintln!(
            "note: declared in telemetry/mod.rs but absent from /metrics until their first series: {not_live:?}"
        );
    }
    let metrics = Exposition {
        families: declared.into_iter().chain(live).collect(),
        samples: metrics.samples,
    };
    let families = metrics.families.clone();
    assert!(
        families.len() >= 16,
        "only {} newswire families: {families:?}",
        families.len()
    );
    for (source, names) in [
        ("deploy/grafana/newswire.json", &dashboard),
        ("deploy/prometheus/alerts.yml", &alerts),
    ] {
        for name in names {
            if metrics.family_of(name).is_none() {
                problems.push(format!(
                    "{source} queries `{name}`, which newswire does not export"
                ));
            }
        }
    }
    for (family, kind) in &families {
        if !dashboard
            .iter()
            .any(|q| metrics.family_of(q) == Some(family.as_str()))
        {
            problems.push(format!(
                "`{family}` ({kind}) is exported but not on the dashboard"
            ));
        }
        let shown = Exposition::display_name(family, kind);
        if !docs.contains(&shown) {
            problems.push(format!(
                "`{shown}` is exported but not documented in docs/operations.md (Metrics)"
            ));
        }
    }

    // The other way round: every metric the docs table documents is one newswire exports.
    for name in documented_metrics(&docs) {
        let exported = if name.starts_with("process_") {
            &process
        } else {
            &metrics
        };
        // Histograms are documented by their family name, the rest by their series name.
        if !exported.families.contains_key(&name) && exported.family_of(&name).is_none() {
            problems.push(format!(
                "docs/operations.md (Metrics) documents `{name}`, which newswire does not export"
            ));
        }
    }

    // The sink's count right before SIGTERM: nothing written may be lost by the drain.
    let (_, body) = http_get(port, "/metrics").unwrap();
    let sink_sent = body
        .lines()
        .find(|l| l.starts_with("newswire_records_sent_total{stage=\"sink\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);

    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success(), "kill -TERM {pid}");
    let started = Instant::now();
    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "newswire did not exit within 20 s of SIGTERM\n{}",
            log()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    guard.0 = None;
    assert!(
        exit.success(),
        "SIGTERM must end newswire with exit 0, got {exit}\n{}",
        log()
    );
    let lines = jsonl_lines(&dir.path().join("out"));
    assert!(
        lines > 0 && lines as f64 >= sink_sent,
        "{lines} JSON lines written, the sink counted {sink_sent} sent\n{}",
        log()
    );

    assert!(
        problems.is_empty(),
        "{} problems:\n  {}\nexported: {families:?}",
        problems.len(),
        problems.join("\n  ")
    );
}
