//! The PostgreSQL sink against a real server (a throwaway database per test; see
//! `tests/common/mod.rs` for `NEWSWIRE_TEST_POSTGRES_URL`).

mod common;

use std::time::Duration;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use common::gen;
use common::{dump, table_counts, TestDb};
use newswire_model::{Article, EnrichedArticle, SanctionAction};
use newswire_sinks::postgres::migrations::{latest_version, MIGRATIONS, MIGRATIONS_TABLE};
use newswire_sinks::postgres::{PostgresConfig, PostgresError, PostgresSink};

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn expected_counts(batch: &[EnrichedArticle]) -> [i64; 5] {
    let mut total = [0i64; 5];
    for rec in batch {
        for (t, n) in total.iter_mut().zip(gen::expected_rows(rec)) {
            *t += n as i64;
        }
    }
    total
}

#[tokio::test]
async fn migrations_apply_once_and_check_only_mode_reports_a_database_behind() {
    let db = TestDb::create().await;

    // A fresh database: check-only refuses, naming what is missing.
    let check_only = PostgresConfig {
        check_only_migrations: true,
        ..db.config()
    };
    let err = PostgresSink::connect(&check_only).await.unwrap_err();
    assert!(!err.is_transient());
    let text = err.to_string();
    assert!(text.contains("behind"), "{text}");
    assert!(text.contains(&db.name), "error names the database: {text}");

    // Applying creates the tables and records every version.
    let sink = PostgresSink::connect(&db.config()).await.unwrap();
    assert!(sink.describe().contains(&db.name));
    drop(sink);
    let client = db.client().await;
    let versions: Vec<i32> = client
        .query(
            &format!("SELECT version FROM {MIGRATIONS_TABLE} ORDER BY version"),
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let expected: Vec<i32> = MIGRATIONS.iter().map(|m| m.version).collect();
    assert_eq!(versions, expected);

    // Again: nothing new, and check-only now passes.
    PostgresSink::connect(&db.config()).await.unwrap();
    PostgresSink::connect(&check_only).await.unwrap();
    let n: i64 = client
        .query_one(&format!("SELECT count(*) FROM {MIGRATIONS_TABLE}"), &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, MIGRATIONS.len() as i64);

    // Behind by the newest migration: check-only names it.
    client
        .execute(
            &format!("DELETE FROM {MIGRATIONS_TABLE} WHERE version = $1"),
            &[&latest_version()],
        )
        .await
        .unwrap();
    let text = PostgresSink::connect(&check_only)
        .await
        .unwrap_err()
        .to_string();
    let last = MIGRATIONS.last().unwrap();
    assert!(
        text.contains("behind") && text.contains(&format!("{:04}_{}", last.version, last.name)),
        "{text}"
    );
    client
        .execute(
            &format!(
                "INSERT INTO {MIGRATIONS_TABLE} (version, name, checksum) VALUES ($1, $2, $3)"
            ),
            &[&last.version, &last.name, &last.checksum()],
        )
        .await
        .unwrap();

    // A database migrated by a newer binary, or with an edited migration, is refused.
    client
        .execute(
            &format!("INSERT INTO {MIGRATIONS_TABLE} (version, name, checksum) VALUES (9999, 'future', 'x')"),
            &[],
        )
        .await
        .unwrap();
    let text = PostgresSink::connect(&db.config())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("ahead") && text.contains("9999_future"),
        "{text}"
    );
    client
        .batch_execute(&format!(
            "DELETE FROM {MIGRATIONS_TABLE} WHERE version = 9999; \
             UPDATE {MIGRATIONS_TABLE} SET checksum = 'edited' WHERE version = 1"
        ))
        .await
        .unwrap();
    let text = PostgresSink::connect(&check_only)
        .await
        .unwrap_err()
        .to_string();
    assert!(text.contains("different SQL"), "{text}");
}

#[tokio::test]
async fn writing_the_same_batch_twice_leaves_the_same_rows() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let client = db.client().await;
    let t = now();
    let batch = gen::articles(1, 0..200, t);

    sink.write_batch(&batch).await.unwrap();
    let counts = table_counts(&client).await;
    assert_eq!(counts, expected_counts(&batch));
    let first = dump(&client).await;

    sink.write_batch(&batch).await.unwrap();
    assert_eq!(table_counts(&client).await, counts);
    assert_eq!(dump(&client).await, first);

    // Overlapping redelivery (half old, half new), as after a consumer restart.
    let more = gen::articles(1, 100..300, t);
    sink.write_batch(&more).await.unwrap();
    let all = gen::articles(1, 0..300, t);
    assert_eq!(table_counts(&client).await, expected_counts(&all));

    // A fresh sink (a restarted process) writing the same again changes nothing.
    let after = dump(&client).await;
    let mut again = PostgresSink::connect(&db.config()).await.unwrap();
    again.write_batch(&all).await.unwrap();
    assert_eq!(dump(&client).await, after);
    assert_eq!(again.stats().articles, 300);
}

#[tokio::test]
async fn an_updated_article_replaces_its_child_rows() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let client = db.client().await;
    let t = now();
    // An article with rows in every child table, written among others.
    let rec = (0..1000)
        .map(|i| gen::article(2, i, t))
        .find(|r| {
            !r.weapons.is_empty()
                && r.sanctions.len() >= 2
                && r.sanctions.iter().any(|e| !e.target_entities.is_empty())
                && r.countries.len() >= 2
        })
        .expect("the generator makes such an article");
    let id = rec.article.id.clone();
    let mut batch: Vec<EnrichedArticle> = (5000..5020).map(|i| gen::article(2, i, t)).collect();
    batch.push(rec.clone());
    sink.write_batch(&batch).await.unwrap();
    let others_before: Vec<String> = dump(&client)
        .await
        .into_iter()
        .filter(|l| !l.starts_with(&format!("{id}|")))
        .collect();

    // The story is updated: fewer countries, no weapons, a different sanctions event.
    let mut updated = rec.clone();
    updated.article.title = "Updated: Turkey defers S-400 activation".into();
    updated.countries.truncate(1);
    updated.weapons.clear();
    updated.sanctions.truncate(1);
    updated.sanctions[0].action = SanctionAction::Lift;
    updated.sanctions[0].imposers = vec!["EU".into()];
    updated.sanctions[0].targets = vec!["TR".into()];
    updated.sanctions[0].target_entities = vec![newswire_model::TargetEntity {
        text: "Aselsan".into(),
        kind: newswire_model::EntityKind::Company,
        country: Some("TR".into()),
        field: newswire_model::Field::Body,
        start: 0,
        end: 7,
    }];
    sink.write_batch(std::slice::from_ref(&updated))
        .await
        .unwrap();

    let row = client
        .query_one("SELECT title, record FROM articles WHERE id = $1", &[&id])
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), updated.article.title);
    let stored: EnrichedArticle = serde_json::from_value(row.get(1)).unwrap();
    assert_eq!(stored, updated);
    let children: Vec<i64> = client
        .query_one(
            "SELECT (SELECT count(*) FROM article_countries WHERE article_id = $1), \
                    (SELECT count(*) FROM article_weapons WHERE article_id = $1), \
                    (SELECT count(*) FROM sanctions_events WHERE article_id = $1), \
                    (SELECT count(*) FROM sanctions_target_entities WHERE article_id = $1)",
            &[&id],
        )
        .await
        .map(|r| vec![r.get(0), r.get(1), r.get(2), r.get(3)])
        .unwrap();
    assert_eq!(children, vec![1, 0, 1, 1]);
    let entity: String = client
        .query_one(
            "SELECT text FROM sanctions_target_entities WHERE article_id = $1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(entity, "Aselsan");
    let ev = client
        .query_one(
            "SELECT imposer, target, action FROM sanctions_events WHERE article_id = $1",
            &[&id],
        )
        .await
        .unwrap();
    assert_eq!(
        (
            ev.get::<_, String>(0),
            ev.get::<_, String>(1),
            ev.get::<_, String>(2)
        ),
        ("EU".into(), "TR".into(), "lift".into())
    );
    // Nobody else's rows moved.
    let others_after: Vec<String> = dump(&client)
        .await
        .into_iter()
        .filter(|l| !l.starts_with(&format!("{id}|")))
        .collect();
    assert_eq!(others_after, others_before);
}

#[tokio::test]
async fn an_id_repeated_within_a_batch_is_written_once_from_its_last_version() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let client = db.client().await;
    let t = now();
    let first = gen::article(3, 0, t);
    let mut second = gen::article(3, 1, t);
    second.article.id = first.article.id.clone();
    let other = gen::article(3, 2, t);
    sink.write_batch(&[first, other.clone(), second.clone()])
        .await
        .unwrap();
    assert_eq!(
        table_counts(&client).await,
        expected_counts(&[second.clone(), other])
    );
    let stored: serde_json::Value = client
        .query_one(
            "SELECT record FROM articles WHERE id = $1",
            &[&second.article.id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        serde_json::from_value::<EnrichedArticle>(stored).unwrap(),
        second
    );
}

/// Where two JSON values first differ, as a path with both values.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> String {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) if v == w => {}
                    Some(w) => return first_difference(v, w, &format!("{path}.{k}")),
                    None => return format!("{path}.{k} only in the stored record"),
                }
            }
            format!("{path}: keys differ")
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return first_difference(v, w, &format!("{path}[{i}]"));
                }
            }
            format!("{path}: equal as JSON, different as records")
        }
        _ => format!("{path}: stored {a} vs written {b}"),
    }
}

/// Checks that `rec` is stored exactly: the JSONB record deserialises to an equal value, the
/// typed columns agree with it, and the child rows are exactly those the record implies.
async fn assert_stored_exactly(client: &tokio_postgres::Client, rec: &EnrichedArticle) {
    let id = &rec.article.id;
    let row = client
        .query_one(
            "SELECT record, feed_id, feed_url, url, canonical_url, title, language, \
                    published_at, updated_at, fetched_at, effective_at \
             FROM articles WHERE id = $1",
            &[id],
        )
        .await
        .unwrap_or_else(|e| panic!("article {id} missing: {e}"));
    let stored: EnrichedArticle = serde_json::from_value(row.get(0)).unwrap();
    if &stored != rec {
        let a = serde_json::to_value(&stored).unwrap();
        let b = serde_json::to_value(rec).unwrap();
        panic!(
            "record of {id} changed on the way through jsonb: {}",
            first_difference(&a, &b, "")
        );
    }
    let a = &rec.article;
    let micros =
        |t: Option<DateTime<Utc>>| t.map(|t| t.duration_trunc(TimeDelta::microseconds(1)).unwrap());
    assert_eq!(row.get::<_, String>(1), a.feed_id);
    assert_eq!(row.get::<_, String>(2), a.feed_url);
    assert_eq!(row.get::<_, Option<String>>(3), a.url);
    assert_eq!(row.get::<_, Option<String>>(4), a.canonical_url);
    assert_eq!(row.get::<_, String>(5), a.title);
    assert_eq!(row.get::<_, Option<String>>(6), a.language);
    assert_eq!(
        row.get::<_, Option<DateTime<Utc>>>(7),
        micros(a.published_at)
    );
    assert_eq!(row.get::<_, Option<DateTime<Utc>>>(8), micros(a.updated_at));
    assert_eq!(
        row.get::<_, Option<DateTime<Utc>>>(9),
        micros(Some(a.fetched_at))
    );
    assert_eq!(
        row.get::<_, Option<DateTime<Utc>>>(10),
        micros(a.published_at.or(Some(a.fetched_at)))
    );

    let countries: Vec<(String, String, f64, bool, i32)> = client
        .query(
            "SELECT code, name, salience, is_primary, mention_count FROM article_countries \
             WHERE article_id = $1 ORDER BY code",
            &[id],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    let mut want: Vec<(String, String, f64, bool, i32)> = rec
        .countries
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                c.name.clone(),
                c.salience,
                c.primary,
                c.mentions.len() as i32,
            )
        })
        .collect();
    want.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(countries, want, "countries of {id}");

    type WeaponRow = (String, String, Option<String>, Option<String>, i32);
    let weapons: Vec<WeaponRow> = client
        .query(
            "SELECT name, category, origin, manufacturer, mention_count FROM article_weapons \
             WHERE article_id = $1 ORDER BY name",
            &[id],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    let mut want: Vec<WeaponRow> = rec
        .weapons
        .iter()
        .map(|w| {
            (
                w.name.clone(),
                w.category.clone(),
                w.origin.clone(),
                w.manufacturer.clone(),
                w.mentions.len() as i32,
            )
        })
        .collect();
    want.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(weapons, want, "weapons of {id}");

    type Pair = (
        i32,
        Option<String>,
        Option<String>,
        String,
        bool,
        Vec<String>,
        Vec<String>,
        String,
        i64,
        i64,
    );
    let pairs: Vec<Pair> = client
        .query(
            "SELECT event_index, imposer, target, action, negated, sectors, programs, \
                    evidence_field, evidence_start, evidence_end \
             FROM sanctions_events WHERE article_id = $1 ORDER BY event_index, pair_index",
            &[id],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.get(4),
                r.get(5),
                r.get(6),
                r.get(7),
                r.get(8),
                r.get(9),
            )
        })
        .collect();
    let mut want: Vec<Pair> = Vec::new();
    for (i, ev) in rec.sanctions.iter().enumerate() {
        let imposers: Vec<Option<String>> = if ev.imposers.is_empty() {
            vec![None]
        } else {
            ev.imposers.iter().cloned().map(Some).collect()
        };
        let targets: Vec<Option<String>> = if ev.targets.is_empty() {
            vec![None]
        } else {
            ev.targets.iter().cloned().map(Some).collect()
        };
        let action = serde_json::to_value(ev.action).unwrap();
        let field = serde_json::to_value(ev.evidence.field).unwrap();
        for imp in &imposers {
            for tgt in &targets {
                want.push((
                    i as i32,
                    imp.clone(),
                    tgt.clone(),
                    action.as_str().unwrap().to_string(),
                    ev.negated,
                    ev.sectors.clone(),
                    ev.programs.clone(),
                    field.as_str().unwrap().to_string(),
                    ev.evidence.start as i64,
                    ev.evidence.end as i64,
                ));
            }
        }
    }
    assert_eq!(pairs, want, "sanctions events of {id}");
    assert_entities_stored_exactly(client, rec).await;
}

/// The `sanctions_target_entities` rows of `rec` are exactly its events' `target_entities`.
async fn assert_entities_stored_exactly(client: &tokio_postgres::Client, rec: &EnrichedArticle) {
    type Entity = (i32, i32, String, String, Option<String>, String, i64, i64);
    let id = &rec.article.id;
    let got: Vec<Entity> = client
        .query(
            "SELECT event_index, entity_index, text, kind, country, mention_field, \
                    mention_start, mention_end \
             FROM sanctions_target_entities WHERE article_id = $1 \
             ORDER BY event_index, entity_index",
            &[id],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.get(4),
                r.get(5),
                r.get(6),
                r.get(7),
            )
        })
        .collect();
    let json = |v: serde_json::Value| v.as_str().unwrap().to_string();
    let want: Vec<Entity> = rec
        .sanctions
        .iter()
        .enumerate()
        .flat_map(|(i, ev)| {
            ev.target_entities.iter().enumerate().map(move |(j, e)| {
                (
                    i as i32,
                    j as i32,
                    e.text.clone(),
                    json(serde_json::to_value(e.kind).unwrap()),
                    e.country.clone(),
                    json(serde_json::to_value(e.field).unwrap()),
                    e.start as i64,
                    e.end as i64,
                )
            })
        })
        .collect();
    assert_eq!(got, want, "target entities of {id}");
}

#[tokio::test]
async fn generated_records_round_trip_through_the_tables() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let client = db.client().await;
    let batch = gen::articles(4, 0..300, now());
    // Every optional part occurs both present and absent in the sample.
    assert!(batch.iter().any(|r| r.article.published_at.is_none()));
    assert!(batch.iter().any(|r| r.article.url.is_none()));
    assert!(batch
        .iter()
        .any(|r| r.weapons.iter().any(|w| w.manufacturer.is_none())));
    assert!(batch.iter().any(|r| r
        .sanctions
        .iter()
        .any(|e| e.imposers.len() > 1 && e.targets.len() > 1)));
    assert!(batch
        .iter()
        .any(|r| r.sanctions.iter().any(|e| e.imposers.is_empty())));
    assert!(batch
        .iter()
        .any(|r| r.sanctions.iter().any(|e| e.target_entities.len() > 1)));
    assert!(batch.iter().any(|r| r
        .sanctions
        .iter()
        .flat_map(|e| &e.target_entities)
        .any(|t| t.country.is_none())));
    sink.write_batch(&batch).await.unwrap();
    for rec in &batch {
        assert_stored_exactly(&client, rec).await;
    }
}

#[tokio::test]
async fn what_the_enricher_emits_round_trips_through_the_tables() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let client = db.client().await;
    let enricher = newswire_enrich::Enricher::new();
    let seed_story = include_str!("../../../tests/fixtures/reuters-s400.txt");
    let (title, body) = seed_story.split_once('\n').unwrap_or(("", seed_story));
    let texts = [
        (title, body),
        ("", "Turkey bought the S-400 from Russia."),
        (
            "EU and US impose sanctions on Russia and Belarus",
            "BRUSSELS, March 3 (Reuters) - The European Union and the United States imposed \
             new sanctions on Russia and Belarus on Monday, targeting the defence industry. \
             Washington threatened Turkey with CAATSA sanctions over its S-400 purchase, while \
             Ankara said it would not join Western sanctions against Moscow.",
        ),
        ("Untitled", ""),
    ];
    let mut batch = Vec::new();
    for (i, (title, body)) in texts.iter().enumerate() {
        let mut article = Article::from_text(format!("enriched-{i}"), *title, *body);
        article.url = Some(format!("https://news.example/{i}"));
        article.published_at = Some(Utc::now() - TimeDelta::hours(i as i64));
        batch.push(enricher.enrich(article));
    }
    assert!(
        batch[0].countries.iter().any(|c| c.code == "TR"),
        "the seed story names Turkey: {:?}",
        batch[0].countries
    );
    sink.write_batch(&batch).await.unwrap();
    for rec in &batch {
        assert_stored_exactly(&client, rec).await;
    }
}

#[tokio::test]
async fn nul_characters_are_stored_as_spaces_and_do_not_fail_the_batch() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let client = db.client().await;
    let mut rec = gen::article(5, 0, now());
    rec.article.title = "bad\0title".into();
    rec.article.body = "x\0y".into();
    rec.countries[0].name = "N\0".into();
    sink.write_batch(&[rec.clone(), gen::article(5, 1, now())])
        .await
        .unwrap();
    let row = client
        .query_one(
            "SELECT title, record->>'body' FROM articles WHERE id = $1",
            &[&rec.article.id],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "bad title");
    assert_eq!(row.get::<_, String>(1), "x y");
    assert_eq!(table_counts(&client).await[0], 2);
}

#[tokio::test]
async fn an_unstorable_record_is_refused_by_position_and_nothing_is_written() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let client = db.client().await;
    let mut batch = gen::articles(6, 0..5, now());
    batch[3].article.id = "x".repeat(newswire_sinks::postgres::MAX_ID_BYTES + 1);
    match sink.write_batch(&batch).await {
        Err(PostgresError::InvalidRecord { index, .. }) => assert_eq!(index, 3),
        other => panic!("expected InvalidRecord, got {other:?}"),
    }
    assert_eq!(table_counts(&client).await, [0, 0, 0, 0, 0]);
    // The caller dead-letters record 3 and writes the rest.
    batch.remove(3);
    sink.write_batch(&batch).await.unwrap();
    assert_eq!(table_counts(&client).await, expected_counts(&batch));
}

/// Finds the backend of a session by application name, waiting until it is inside a
/// transaction, and terminates it.
async fn terminate_when_in_transaction(client: &tokio_postgres::Client, app: &str) -> bool {
    for _ in 0..5000 {
        let rows = client
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = $1 AND xact_start IS NOT NULL AND pid <> pg_backend_pid()",
                &[&app],
            )
            .await
            .unwrap();
        if rows.iter().any(|r| r.get::<_, bool>(0)) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    false
}

#[tokio::test]
async fn a_connection_lost_mid_batch_is_retried_on_a_new_one_and_nothing_is_lost() {
    let db = TestDb::create().await;
    let app = format!("nw-lost-{}", db.name.len() + std::process::id() as usize);
    let cfg = PostgresConfig {
        application_name: app.clone(),
        ..db.config()
    };
    let mut sink = PostgresSink::connect(&cfg).await.unwrap();
    let client = db.client().await;
    let batch = gen::articles(7, 0..3000, now());
    let writer = tokio::spawn(async move {
        let result = sink.write_batch(&batch).await;
        (result, sink, batch)
    });
    assert!(
        terminate_when_in_transaction(&client, &app).await,
        "the sink's transaction was never seen"
    );
    let (result, sink, batch) = writer.await.unwrap();
    result.expect("the batch is retried on a new connection");
    assert!(sink.stats().retries >= 1, "{:?}", sink.stats());
    assert!(sink.stats().connections >= 2, "{:?}", sink.stats());
    assert_eq!(table_counts(&client).await, expected_counts(&batch));
}

#[tokio::test]
async fn statements_time_out_and_a_blocked_batch_fails_without_writing() {
    let db = TestDb::create().await;
    let cfg = PostgresConfig {
        statement_timeout_ms: 1000,
        retry_max_attempts: 2,
        ..db.config()
    };
    let mut sink = PostgresSink::connect(&cfg).await.unwrap();
    let mut blocker = db.client().await;
    let batch = gen::articles(8, 0..10, now());

    let tx = blocker.transaction().await.unwrap();
    tx.batch_execute("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let err = sink.write_batch(&batch).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    let code = match &err {
        PostgresError::Database { source, .. } => source.code().map(|c| c.code().to_string()),
        _ => None,
    };
    assert_eq!(code.as_deref(), Some("57014"), "statement timeout: {err}");
    assert_eq!(sink.stats().retries, 2);
    tx.rollback().await.unwrap();

    // Once the lock is gone the same batch goes through.
    sink.write_batch(&batch).await.unwrap();
    let client = db.client().await;
    assert_eq!(table_counts(&client).await, expected_counts(&batch));
}

#[tokio::test]
async fn an_unreachable_server_fails_after_the_configured_retries() {
    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cfg = PostgresConfig {
        retry_max_attempts: 2,
        retry_initial_backoff_ms: 10,
        retry_max_backoff_ms: 10,
        ..PostgresConfig::new(format!("postgres://postgres:hunter2@127.0.0.1:{port}/x"))
    };
    let err = PostgresSink::connect(&cfg).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    let text = err.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[test]
fn config_from_toml_refuses_unknown_keys_and_fills_defaults() {
    let cfg: PostgresConfig = toml::from_str(
        r#"
        url = "postgres://newswire@db:5432/newswire"
        batch_size = 250
        check_only_migrations = true
        "#,
    )
    .unwrap();
    assert_eq!(cfg.batch_size, 250);
    assert!(cfg.check_only_migrations);
    assert_eq!(cfg.statement_timeout_ms, 30_000);
    cfg.validate().unwrap();

    let err = toml::from_str::<PostgresConfig>(
        r#"
        url = "postgres://newswire@db/newswire"
        statment_timeout_ms = 5
        "#,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("statment_timeout_ms"), "{err}");

    let err = toml::from_str::<PostgresConfig>("batch_size = 3")
        .unwrap_err()
        .to_string();
    assert!(err.contains("url"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sinks_writing_the_same_articles_at_once_leave_each_article_once() {
    let db = TestDb::create().await;
    let mut a = PostgresSink::connect(&db.config()).await.unwrap();
    let mut b = PostgresSink::connect(&db.config()).await.unwrap();
    let t = now();
    let mut all = Vec::new();
    for round in 0..5u64 {
        // Overlapping batches in opposite orders: the writers wait on each other's rows and
        // may deadlock, which PostgreSQL breaks and the sink retries.
        let first = gen::articles(9, round * 100..round * 100 + 150, t);
        let mut second = gen::articles(9, round * 100 + 50..round * 100 + 200, t);
        second.reverse();
        let (ra, rb) = tokio::join!(a.write_batch(&first), b.write_batch(&second));
        ra.unwrap();
        rb.unwrap();
    }
    for i in 0..5u64 {
        all.extend(gen::articles(9, i * 100..i * 100 + 200, t));
    }
    all.sort_by(|x, y| x.article.id.cmp(&y.article.id));
    all.dedup_by(|x, y| x.article.id == y.article.id);
    let client = db.client().await;
    assert_eq!(table_counts(&client).await, expected_counts(&all));
    for rec in all.iter().step_by(37) {
        assert_stored_exactly(&client, rec).await;
    }
}

#[tokio::test]
async fn a_write_dropped_midway_commits_nothing_and_the_next_one_works() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let client = db.client().await;
    let batch = gen::articles(10, 0..2000, now());
    // The caller gives up (shutdown deadline): the future is dropped inside the transaction.
    let cut = tokio::time::timeout(Duration::from_millis(30), sink.write_batch(&batch)).await;
    assert!(cut.is_err(), "the write should not finish in 30 ms");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(table_counts(&client).await, [0, 0, 0, 0, 0]);
    sink.write_batch(&batch).await.unwrap();
    assert_eq!(table_counts(&client).await, expected_counts(&batch));
}

#[tokio::test]
async fn a_database_error_that_retrying_cannot_fix_is_returned_at_once() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let client = db.client().await;
    let batch = gen::articles(11, 0..50, now());
    client
        .batch_execute("ALTER TABLE article_weapons RENAME COLUMN category TO kind")
        .await
        .unwrap();
    let err = sink.write_batch(&batch).await.unwrap_err();
    assert!(!err.is_transient(), "{err}");
    assert!(
        err.to_string().contains(&db.name),
        "names the database: {err}"
    );
    assert_eq!(sink.stats().retries, 0);
    assert_eq!(table_counts(&client).await, [0, 0, 0, 0, 0]);
}

#[tokio::test]
async fn skipping_mode_writes_every_storable_record_and_returns_the_others() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let client = db.client().await;
    let mut batch = gen::articles(12, 0..6, now());
    batch[2].article.id = String::new();
    let rejected = sink.write_batch_skipping_invalid(&batch).await.unwrap();
    let positions: Vec<usize> = rejected
        .iter()
        .map(|e| match e {
            PostgresError::InvalidRecord { index, .. } => *index,
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert_eq!(positions, vec![2]);
    batch.remove(2);
    assert_eq!(table_counts(&client).await, expected_counts(&batch));
}
