//! `newswire run --once` on the shipped sample feeds, as a user runs it: a real process, real
//! files, the real config format. Output is checked against the checked-in JSON Schema.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A config like the embedded default, with output and state in `dir`.
fn config_in(dir: &Path) -> PathBuf {
    let feeds = repo().join("config/feeds.toml");
    let text = format!(
        "[poll]\nstate_dir = \"{state}\"\nfeeds_file = \"{feeds}\"\n\n[sinks.jsonl]\ndir = \"{out}\"\n",
        state = dir.join("state").display(),
        feeds = feeds.display(),
        out = dir.join("out").display(),
    );
    let path = dir.join("newswire.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run_once(config: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_newswire"))
        .args(["run", "--once", "--config"])
        .arg(config)
        .current_dir(config.parent().unwrap())
        .output()
        .unwrap()
}

fn output_lines(dir: &Path) -> Vec<Value> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(dir.join("out")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        lines.extend(
            text.lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap()),
        );
    }
    lines
}

/// How many entries the sample feeds hold, counted by the feed parser itself.
fn sample_entries() -> usize {
    let dir = repo().join("tests/fixtures/feeds");
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let parsed =
            newswire_feeds::parse_document(&bytes, None, "f", "file:///f", chrono::Utc::now())
                .unwrap();
        total += parsed.entries.len();
    }
    total
}

fn codes(article: &Value) -> Vec<String> {
    article["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn run_once_enriches_every_sample_article_and_restarts_without_reemitting() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path());

    let first = run_once(&config);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "run failed: {stderr}");
    assert!(
        stderr.contains("feeds polled") && stderr.contains("output:"),
        "no summary: {stderr}"
    );

    let lines = output_lines(dir.path());
    let expected = sample_entries();
    assert!(expected >= 10, "the sample feeds hold {expected} entries");
    assert_eq!(
        lines.len(),
        expected,
        "one enriched line per sample article"
    );
    let mut ids: Vec<_> = lines
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), expected, "ids are unique");

    let seed = lines
        .iter()
        .find(|l| {
            l["title"]
                .as_str()
                .unwrap()
                .contains("casts doubt on report of new Russian air defence sale")
        })
        .expect("the seed story is in the output");
    let seed_codes = codes(seed);
    for code in ["TR", "RU", "US", "UA"] {
        assert!(
            seed_codes.contains(&code.to_string()),
            "{code} missing from {seed_codes:?}"
        );
    }
    let body = seed["body"].as_str().unwrap();
    assert!(
        !body.contains("Register now for free unlimited access"),
        "clutter left in the body"
    );

    // A second run over the same state emits nothing new.
    let second = run_once(&config);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(
        output_lines(dir.path()).len(),
        expected,
        "a restart re-emitted articles"
    );
}

#[test]
fn pipeline_output_matches_the_checked_in_schema() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_once(&config_in(dir.path()));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let schema_text =
        std::fs::read_to_string(repo().join("schemas/enriched-article.v1.json")).unwrap();
    let schema: Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let lines = output_lines(dir.path());
    assert!(!lines.is_empty());
    for line in &lines {
        let errors: Vec<String> = validator
            .iter_errors(line)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "record {} violates the schema: {errors:?}",
            line["id"]
        );
    }
    // The validator is not vacuous: break one record and it must refuse it.
    let mut broken = lines[0].clone();
    broken["countries"] = serde_json::json!([{"code": 1}]);
    assert!(!validator.is_valid(&broken));
}
