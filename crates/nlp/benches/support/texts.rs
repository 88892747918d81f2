//! The texts the nlp bench and the `speed` example measure: the seed story and the bodies of
//! the sanctions dev passages of batches 1-6 (about 170 KB of wire copy). Included with
//! `#[path]` by `benches/analyse.rs` and `examples/speed.rs`, so both measure the same input.

const SEED: &str = include_str!("../../../../tests/fixtures/reuters-s400.txt");
const DEV: [&str; 6] = [
    include_str!("../../../enrich/dev/sanctions-news/batch-01.jsonl"),
    include_str!("../../../enrich/dev/sanctions-news/batch-02.jsonl"),
    include_str!("../../../enrich/dev/sanctions-news/batch-03.jsonl"),
    include_str!("../../../enrich/dev/sanctions-news/batch-04.jsonl"),
    include_str!("../../../enrich/dev/sanctions-news/batch-05.jsonl"),
    include_str!("../../../enrich/dev/sanctions-news/batch-06.jsonl"),
];

/// The seed story and every dev passage body; an error names the line that does not parse.
pub fn texts() -> Result<Vec<String>, String> {
    let mut out = vec![SEED.to_string()];
    for (i, line) in DEV
        .iter()
        .flat_map(|b| b.lines())
        .filter(|l| !l.trim().is_empty())
        .enumerate()
    {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("dev passage {}: {e}", i + 1))?;
        out.push(v["body"].as_str().unwrap_or("").to_string());
    }
    Ok(out)
}
