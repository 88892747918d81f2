//! Rows per second into PostgreSQL: `PostgresSink::write_batch` next to a plain binary `COPY`
//! of the same rows (the ceiling), in one run, on a throwaway database.
//!
//! ```text
//! cargo bench -p newswire-sinks --bench postgres
//! NEWSWIRE_BENCH_ARTICLES=20000 NEWSWIRE_BENCH_BATCH=500 NEWSWIRE_BENCH_TRIALS=3 \
//!     cargo bench -p newswire-sinks --bench postgres
//! ```
//!
//! The server is `NEWSWIRE_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), as for the tests.
//!
//! Both paths start from the same in-memory `EnrichedArticle`s and write the same rows into
//! the same empty tables (with the same indexes and foreign keys); both include their own
//! serialisation of the records. The sink writes batches of NEWSWIRE_BENCH_BATCH articles,
//! one transaction each (upsert + delete of child rows + COPY of child rows); the ceiling is
//! one transaction with one binary COPY per table for the whole data set, no upsert at all.
//! Trials alternate between the two; the median of each is reported.

#[path = "../tests/common/mod.rs"]
mod common;

use std::error::Error;
use std::time::Instant;

use bytes::{BufMut, BytesMut};
use common::{gen, TestDb};
use futures::pin_mut;
use newswire_model::EnrichedArticle;
use newswire_sinks::postgres::PostgresSink;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use tokio_postgres::Client;

#[derive(Debug)]
struct Jsonb(String);

impl ToSql for Jsonb {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        out.put_u8(1);
        out.put_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSONB
    }
    to_sql_checked!();
}

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn row_count(records: &[EnrichedArticle]) -> usize {
    records
        .iter()
        .map(|r| gen::expected_rows(r).iter().sum::<usize>())
        .sum()
}

async fn truncate(client: &Client) {
    client
        .batch_execute(
            "TRUNCATE articles, article_countries, article_weapons, sanctions_events, \
             sanctions_target_entities",
        )
        .await
        .expect("truncate");
    client
        .batch_execute("VACUUM ANALYZE")
        .await
        .expect("vacuum");
}

async fn copy_all(
    client: &mut Client,
    records: &[EnrichedArticle],
) -> Result<(), tokio_postgres::Error> {
    let tx = client.transaction().await?;

    let sink = tx
        .copy_in(
            "COPY articles (id, feed_id, feed_url, url, canonical_url, title, language, \
             published_at, updated_at, fetched_at, record) FROM STDIN (FORMAT binary)",
        )
        .await?;
    let w = BinaryCopyInWriter::new(
        sink,
        &[
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
            Type::JSONB,
        ],
    );
    pin_mut!(w);
    for r in records {
        let a = &r.article;
        let json = Jsonb(serde_json::to_string(r).expect("serialise"));
        w.as_mut()
            .write(&[
                &a.id,
                &a.feed_id,
                &a.feed_url,
                &a.url,
                &a.canonical_url,
                &a.title,
                &a.language,
                &a.published_at,
                &a.updated_at,
                &a.fetched_at,
                &json,
            ])
            .await?;
    }
    w.finish().await?;

    let sink = tx
        .copy_in(
            "COPY article_countries (article_id, code, name, salience, is_primary, mention_count) \
             FROM STDIN (FORMAT binary)",
        )
        .await?;
    let w = BinaryCopyInWriter::new(
        sink,
        &[
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::FLOAT8,
            Type::BOOL,
            Type::INT4,
        ],
    );
    pin_mut!(w);
    for r in records {
        for c in &r.countries {
            let n = c.mentions.len() as i32;
            w.as_mut()
                .write(&[&r.article.id, &c.code, &c.name, &c.salience, &c.primary, &n])
                .await?;
        }
    }
    w.finish().await?;

    let sink = tx
        .copy_in(
            "COPY article_weapons (article_id, name, category, origin, manufacturer, mention_count) \
             FROM STDIN (FORMAT binary)",
        )
        .await?;
    let w = BinaryCopyInWriter::new(
        sink,
        &[
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::INT4,
        ],
    );
    pin_mut!(w);
    for r in records {
        for x in &r.weapons {
            let n = x.mentions.len() as i32;
            w.as_mut()
                .write(&[
                    &r.article.id,
                    &x.name,
                    &x.category,
                    &x.origin,
                    &x.manufacturer,
                    &n,
                ])
                .await?;
        }
    }
    w.finish().await?;

    let sink = tx
        .copy_in(
            "COPY sanctions_events (article_id, event_index, pair_index, imposer, target, action, \
             negated, sectors, programs, evidence_field, evidence_start, evidence_end) \
             FROM STDIN (FORMAT binary)",
        )
        .await?;
    let w = BinaryCopyInWriter::new(
        sink,
        &[
            Type::TEXT,
            Type::INT4,
            Type::INT4,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::BOOL,
            Type::TEXT_ARRAY,
            Type::TEXT_ARRAY,
            Type::TEXT,
            Type::INT8,
            Type::INT8,
        ],
    );
    pin_mut!(w);
    for r in records {
        for (ei, e) in r.sanctions.iter().enumerate() {
            let imposers: Vec<Option<&str>> = if e.imposers.is_empty() {
                vec![None]
            } else {
                e.imposers.iter().map(|s| Some(s.as_str())).collect()
            };
            let targets: Vec<Option<&str>> = if e.targets.is_empty() {
                vec![None]
            } else {
                e.targets.iter().map(|s| Some(s.as_str())).collect()
            };
            let action = serde_json::to_value(e.action).expect("action");
            let action = action.as_str().unwrap_or("impose");
            let field = serde_json::to_value(e.evidence.field).expect("field");
            let field = field.as_str().unwrap_or("body");
            let (start, end) = (e.evidence.start as i64, e.evidence.end as i64);
            let ei = ei as i32;
            let mut pi = 0i32;
            for imp in &imposers {
                for tgt in &targets {
                    w.as_mut()
                        .write(&[
                            &r.article.id,
                            &ei,
                            &pi,
                            imp,
                            tgt,
                            &action,
                            &e.negated,
                            &e.sectors,
                            &e.programs,
                            &field,
                            &start,
                            &end,
                        ])
                        .await?;
                    pi += 1;
                }
            }
        }
    }
    w.finish().await?;
    copy_target_entities(&tx, records).await?;
    tx.commit().await
}

async fn copy_target_entities(
    tx: &tokio_postgres::Transaction<'_>,
    records: &[EnrichedArticle],
) -> Result<(), tokio_postgres::Error> {
    let sink = tx
        .copy_in(
            "COPY sanctions_target_entities (article_id, event_index, entity_index, text, kind, \
             country, mention_field, mention_start, mention_end) FROM STDIN (FORMAT binary)",
        )
        .await?;
    let (text, int4, int8) = (Type::TEXT, Type::INT4, Type::INT8);
    let types = [
        text.clone(),
        int4.clone(),
        int4,
        text.clone(),
        text.clone(),
        text.clone(),
        text,
        int8.clone(),
        int8,
    ];
    let w = BinaryCopyInWriter::new(sink, &types);
    pin_mut!(w);
    for r in records {
        for (ei, e) in r.sanctions.iter().enumerate() {
            for (ti, t) in e.target_entities.iter().enumerate() {
                let kind = serde_json::to_value(t.kind).expect("kind");
                let kind = kind.as_str().unwrap_or("company");
                let field = serde_json::to_value(t.field).expect("field");
                let field = field.as_str().unwrap_or("body");
                let (ei, ti) = (ei as i32, ti as i32);
                let (start, end) = (t.start as i64, t.end as i64);
                w.as_mut()
                    .write(&[
                        &r.article.id,
                        &ei,
                        &ti,
                        &t.text,
                        &kind,
                        &t.country,
                        &field,
                        &start,
                        &end,
                    ])
                    .await?;
            }
        }
    }
    w.finish().await?;
    Ok(())
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let articles = env_num("NEWSWIRE_BENCH_ARTICLES", 20_000);
    let batch = env_num("NEWSWIRE_BENCH_BATCH", 500);
    let trials = env_num("NEWSWIRE_BENCH_TRIALS", 3);

    let db = TestDb::create().await;
    if let Ok(ms) = std::env::var("NEWSWIRE_BENCH_LOG_SLOW_MS") {
        // Diagnosis: the server logs every statement of the benchmark database slower than this.
        if let Ok(ms) = ms.parse::<u32>() {
            let admin = common::connect(&common::server_url()).await;
            admin
                .batch_execute(&format!(
                    "ALTER DATABASE {} SET log_min_duration_statement = {ms}",
                    db.name
                ))
                .await
                .expect("set log_min_duration_statement");
        }
    }
    let mut sink = PostgresSink::connect(&db.config())
        .await
        .expect("connect the sink");
    let mut client = db.client().await;
    let records = gen::articles(42, 0..articles as u64, chrono::Utc::now());
    let rows = row_count(&records);
    println!(
        "postgres sink benchmark: {articles} articles, {rows} rows \
         ({:.1} rows/article), sink batches of {batch}, {trials} trials, {}",
        rows as f64 / articles as f64,
        sink.describe()
    );

    let mut sink_rates = Vec::new();
    let mut rewrite_rates = Vec::new();
    let mut copy_rates = Vec::new();
    for trial in 1..=trials {
        truncate(&client).await;
        let t = Instant::now();
        for chunk in records.chunks(batch) {
            sink.write_batch(chunk).await.expect("write_batch");
        }
        let secs = t.elapsed().as_secs_f64();
        sink_rates.push(rows as f64 / secs);

        // The same again over the stored rows: every article is a redelivery (update path).
        let t = Instant::now();
        for chunk in records.chunks(batch) {
            sink.write_batch(chunk).await.expect("write_batch");
        }
        let resecs = t.elapsed().as_secs_f64();
        rewrite_rates.push(rows as f64 / resecs);

        truncate(&client).await;
        let t = Instant::now();
        copy_all(&mut client, &records).await.expect("copy");
        let csecs = t.elapsed().as_secs_f64();
        copy_rates.push(rows as f64 / csecs);
        println!(
            "trial {trial}: sink {:>9.0} rows/s ({secs:.2} s)  rewrite {:>9.0} rows/s ({resecs:.2} s)  \
             COPY {:>9.0} rows/s ({csecs:.2} s)",
            rows as f64 / secs,
            rows as f64 / resecs,
            rows as f64 / csecs
        );
    }
    let s = median(&mut sink_rates);
    let r = median(&mut rewrite_rates);
    let c = median(&mut copy_rates);
    println!(
        "median: sink {s:.0} rows/s ({:.0} articles/s), rewrite {r:.0} rows/s, COPY ceiling {c:.0} rows/s; \
         sink = {:.0}% of COPY",
        s * articles as f64 / rows as f64,
        100.0 * s / c
    );
}
