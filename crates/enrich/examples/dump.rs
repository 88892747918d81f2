//! Prints the enrichment of every labelled dev and held-out passage and of the seed story, one
//! JSON object per line, without the timing field: diff two runs to see exactly what an engine
//! change altered. The dev passages are also joined into news-length articles, as the `enrich`
//! bench does, so that references back across passages are covered.
//!
//! `cargo run --release -p newswire-enrich --example dump > before.jsonl`

use newswire_enrich::Enricher;
use newswire_model::Article;

const SEED: &str = include_str!("../../../tests/fixtures/reuters-s400.txt");
const SETS: &[(&str, &str)] = &[
    ("countries", include_str!("../dev/countries.jsonl")),
    (
        "countries-heldout",
        include_str!("../dev/countries-heldout.jsonl"),
    ),
    (
        "weapons_sanctions",
        include_str!("../dev/weapons_sanctions.jsonl"),
    ),
    (
        "weapons_sanctions_holdout",
        include_str!("../dev/weapons_sanctions_holdout.jsonl"),
    ),
];

fn main() {
    let enricher = Enricher::new();
    let (title, body) = SEED.split_once('\n').unwrap_or(("", SEED));
    print_one(&enricher, "seed", title, body);
    for (set, lines) in SETS {
        for (n, line) in lines.lines().enumerate() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let id = format!("{set}:{}:{}", n + 1, v["id"].as_str().unwrap_or(""));
            let title = v["title"].as_str().unwrap_or("");
            let body = v["body"].as_str().unwrap_or("");
            print_one(&enricher, &id, title, body);
        }
    }
    let mut joined = String::new();
    let mut n = 0;
    for line in SETS[2].1.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        for key in ["title", "body"] {
            joined.push_str(v[key].as_str().unwrap_or(""));
            joined.push_str(".\n\n");
        }
        if joined.len() >= 3000 {
            n += 1;
            print_one(&enricher, &format!("joined:{n}"), "", &joined);
            joined.clear();
        }
    }
    print_one(&enricher, "joined:last", "", &joined);
}

fn print_one(enricher: &Enricher, id: &str, title: &str, body: &str) {
    let e = enricher.enrich(Article::from_text(id, title, body));
    let out = serde_json::json!({
        "id": id,
        "countries": e.countries,
        "weapons": e.weapons,
        "weapon_classes": e.weapon_classes,
        "sanctions": e.sanctions,
    });
    println!("{out}");
}
