//! The sector vocabulary is one list: what `data/sanctions/sectors.tsv` maps phrases to, what
//! the JSON Schema enumerates (`newswire_model::SANCTION_SECTORS`), what the dev set labels and
//! what docs/vocabulary.md documents.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use newswire_enrich::Enricher;
use newswire_model::{Article, SANCTION_SECTORS};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(phrase, sector)` rows of the sector file, comments and blank lines skipped.
fn sector_rows() -> Vec<(String, String)> {
    read(&crate_dir().join("data/sanctions/sectors.tsv"))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut cols = l.split('\t');
            let phrase = cols.next().unwrap_or_default().to_string();
            let sector = cols.next().unwrap_or_default().to_string();
            (phrase, sector)
        })
        .collect()
}

fn vocabulary() -> BTreeSet<String> {
    SANCTION_SECTORS.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_sector_file_produces_exactly_the_vocabulary() {
    let produced: BTreeSet<String> = sector_rows().into_iter().map(|(_, s)| s).collect();
    let vocabulary = vocabulary();
    let outside: Vec<_> = produced.difference(&vocabulary).collect();
    let unreachable: Vec<_> = vocabulary.difference(&produced).collect();
    assert!(
        outside.is_empty(),
        "sectors.tsv maps to words outside SANCTION_SECTORS: {outside:?}"
    );
    assert!(
        unreachable.is_empty(),
        "no phrase in sectors.tsv gives {unreachable:?}"
    );
    assert_eq!(
        vocabulary.len(),
        SANCTION_SECTORS.len(),
        "the vocabulary has a duplicate"
    );
}

#[test]
fn every_sector_the_extractor_reports_is_a_vocabulary_word() {
    // Each phrase in the places a sector is read from: after a target, and as a target.
    let enricher = Enricher::new();
    let mut seen = BTreeSet::new();
    for (phrase, _) in sector_rows() {
        for body in [
            format!("The United States imposed sanctions on Russia's {phrase} on Monday."),
            format!("The European Union imposed sanctions on the {phrase} of Iran."),
        ] {
            let out = enricher.enrich(Article::from_text("s", "", body.as_str()));
            for event in &out.sanctions {
                for sector in &event.sectors {
                    assert!(
                        SANCTION_SECTORS.contains(&sector.as_str()),
                        "{body:?} gave sector {sector:?}, not in SANCTION_SECTORS"
                    );
                    seen.insert(sector.clone());
                }
            }
        }
    }
    // The sentences must exercise the extractor, or the check above proves nothing.
    assert!(
        seen.len() >= SANCTION_SECTORS.len() / 2,
        "only {seen:?} came out"
    );
}

#[test]
fn the_dev_set_labels_only_vocabulary_words() {
    let dir = crate_dir().join("dev/sanctions-news");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no dev batches under {}", dir.display());
    let vocabulary = vocabulary();
    for file in files {
        for (n, line) in read(&file).lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", file.display(), n + 1));
            let events = v["sanctions"].as_array().cloned().unwrap_or_default();
            for sector in events
                .iter()
                .flat_map(|e| e["sectors"].as_array().cloned().unwrap_or_default())
            {
                let word = sector.as_str().unwrap_or_default();
                assert!(
                    vocabulary.contains(word),
                    "{}:{}: sector {word:?}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}

#[test]
fn docs_vocabulary_lists_every_sector_once() {
    let doc = read(&crate_dir().join("../../docs/vocabulary.md"));
    let section = doc
        .split("## Sanctions sectors")
        .nth(1)
        .expect("docs/vocabulary.md has a Sanctions sectors section");
    let section = section.split("\n## ").next().unwrap_or_default();
    // Table rows start with the word in backticks: "| `oil` | ...".
    let listed: Vec<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let unique: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        listed.len(),
        "a sector is listed twice: {listed:?}"
    );
    assert_eq!(unique, vocabulary());
}
