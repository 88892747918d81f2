//! The SQL in `docs/querying.md`, run as written against articles written by the sink, with the
//! answers checked; and the indexes those queries are meant to use, checked with EXPLAIN.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::TestDb;
use newswire_model::{
    Article, CountryTag, EnrichedArticle, EnrichmentMeta, Evidence, Field, Mention, MentionKind,
    SanctionAction, SanctionsEvent, WeaponTag,
};
use newswire_sinks::postgres::PostgresSink;
use tokio_postgres::Client;

const QUERYING: &str = include_str!("../../../docs/querying.md");

/// The ```sql block of docs/querying.md whose first line is `-- query: NAME`.
fn query(name: &str) -> String {
    let mut blocks = QUERYING.split("```sql\n").skip(1);
    let block = blocks
        .find(|b| b.lines().next().map(str::trim) == Some(&format!("-- query: {name}")))
        .unwrap_or_else(|| panic!("docs/querying.md has no query {name}"));
    block
        .split("```")
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches(';')
        .to_string()
}

fn mentions(n: usize) -> Vec<Mention> {
    (0..n)
        .map(|i| Mention {
            text: "x".into(),
            field: Field::Body,
            start: i,
            end: i + 1,
            kind: MentionKind::Name,
        })
        .collect()
}

struct Spec<'a> {
    id: &'a str,
    published: Option<DateTime<Utc>>,
    countries: &'a [(&'a str, bool, usize)],
    weapons: &'a [&'a str],
    sanctions: &'a [(&'a [&'a str], &'a [&'a str], SanctionAction, bool)],
}

fn record(s: &Spec, fetched: DateTime<Utc>) -> EnrichedArticle {
    let mut article = Article::from_text(s.id, format!("Story {}", s.id), "body");
    article.url = Some(format!("https://news.example/{}", s.id));
    article.published_at = s.published;
    article.fetched_at = fetched;
    EnrichedArticle {
        article,
        countries: s
            .countries
            .iter()
            .map(|(code, primary, n)| CountryTag {
                code: code.to_string(),
                name: format!("Country {code}"),
                salience: if *primary { 0.9 } else { 0.2 },
                primary: *primary,
                mentions: mentions(*n),
            })
            .collect(),
        weapons: s
            .weapons
            .iter()
            .map(|name| WeaponTag {
                name: name.to_string(),
                category: "air_defence".into(),
                origin: Some("RU".into()),
                manufacturer: None,
                family: None,
                mentions: mentions(1),
            })
            .collect(),
        weapon_classes: vec![],
        sanctions: s
            .sanctions
            .iter()
            .map(|(imposers, targets, action, negated)| SanctionsEvent {
                imposers: imposers.iter().map(|s| s.to_string()).collect(),
                targets: targets.iter().map(|s| s.to_string()).collect(),
                action: *action,
                negated: *negated,
                sectors: vec![],
                programs: vec![],
                evidence: Evidence {
                    field: Field::Body,
                    start: 0,
                    end: 4,
                },
            })
            .collect(),
        enrichment: EnrichmentMeta {
            engine_version: "test".into(),
            gazetteer_version: "test".into(),
            took_us: 1,
        },
    }
}

/// Noon UTC, `days` days before today (UTC).
fn noon(days: i64) -> DateTime<Utc> {
    let today = Utc::now().date_naive();
    let d = today - Duration::days(days);
    Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap())
}

fn day(days: i64) -> NaiveDate {
    noon(days).date_naive()
}

async fn seeded() -> (TestDb, Client) {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let now = Utc::now();
    use SanctionAction::*;
    let specs = [
        // About Turkey, names the S-400, 2 days ago: in.
        Spec {
            id: "s400-tr-recent",
            published: Some(noon(2)),
            countries: &[("TR", true, 3), ("RU", true, 2), ("US", false, 1)],
            weapons: &["S-400"],
            sanctions: &[(&["US"], &["TR"], Threaten, false)],
        },
        // No date from the feed: counted at fetch time (now): in.
        Spec {
            id: "s400-tr-undated",
            published: None,
            countries: &[("TR", true, 1)],
            weapons: &["S-400", "F-35"],
            sanctions: &[],
        },
        // Ten days ago: out of the 7-day window.
        Spec {
            id: "s400-tr-old",
            published: Some(noon(10)),
            countries: &[("TR", true, 2)],
            weapons: &["S-400"],
            sanctions: &[],
        },
        // Mentions Turkey, but is about India: out.
        Spec {
            id: "s400-in",
            published: Some(noon(1)),
            countries: &[("IN", true, 4), ("TR", false, 1)],
            weapons: &["S-400"],
            sanctions: &[],
        },
        // About Turkey, other weapons: out.
        Spec {
            id: "f35-tr",
            published: Some(noon(1)),
            countries: &[("TR", true, 2)],
            weapons: &["F-35"],
            sanctions: &[(&["EU", "US"], &["RU", "BY"], Impose, false)],
        },
        // Two articles about the same EU/US sanctions, one with a negated event.
        Spec {
            id: "sanctions-ru",
            published: Some(noon(1)),
            countries: &[("RU", true, 5), ("BY", true, 1)],
            weapons: &[],
            sanctions: &[
                (&["US"], &["RU"], Impose, false),
                (&["TR"], &["RU"], Impose, true),
                (&[], &["RU"], Lift, false),
            ],
        },
        Spec {
            id: "sanctions-ru-2",
            published: Some(noon(40)),
            countries: &[("RU", true, 1)],
            weapons: &[],
            sanctions: &[(&["US"], &["RU"], Impose, false)],
        },
    ];
    let batch: Vec<EnrichedArticle> = specs.iter().map(|s| record(s, now)).collect();
    sink.write_batch(&batch).await.unwrap();
    let client = db.client().await;
    (db, client)
}

#[tokio::test]
async fn s400_about_turkey_in_the_last_7_days() {
    let (_db, client) = seeded().await;
    let rows = client
        .query(&query("s400-about-turkey-last-7-days"), &[])
        .await
        .unwrap();
    let ids: Vec<String> = rows.iter().map(|r| r.get("id")).collect();
    assert_eq!(ids, vec!["s400-tr-undated", "s400-tr-recent"]);
    assert_eq!(rows[1].get::<_, String>("title"), "Story s400-tr-recent");
}

#[tokio::test]
async fn sanctions_by_imposer_and_target_over_time() {
    let (_db, client) = seeded().await;
    let rows = client
        .query(&query("sanctions-by-imposer-and-target-per-day"), &[])
        .await
        .unwrap();
    type Row = (NaiveDate, Option<String>, Option<String>, String, i64, i64);
    let got: Vec<Row> = rows
        .iter()
        .map(|r| {
            (
                r.get("day"),
                r.get("imposer"),
                r.get("target"),
                r.get("action"),
                r.get("events"),
                r.get("articles"),
            )
        })
        .collect();
    let s = |x: &str| Some(x.to_string());
    let want = vec![
        (day(40), s("US"), s("RU"), "impose".to_string(), 1, 1),
        (day(2), s("US"), s("TR"), "threaten".to_string(), 1, 1),
        (day(1), s("EU"), s("BY"), "impose".to_string(), 1, 1),
        (day(1), s("EU"), s("RU"), "impose".to_string(), 1, 1),
        (day(1), s("US"), s("BY"), "impose".to_string(), 1, 1),
        (day(1), s("US"), s("RU"), "impose".to_string(), 2, 2),
        (day(1), None, s("RU"), "lift".to_string(), 1, 1),
    ];
    assert_eq!(got, want);

    let rows = client
        .query(&query("sanctions-us-against-russia-per-month"), &[])
        .await
        .unwrap();
    let total: i64 = rows.iter().map(|r| r.get::<_, i64>("events")).sum();
    assert_eq!(
        total, 3,
        "two impositions 40 days apart, one shared with the EU"
    );
    assert!(rows
        .iter()
        .all(|r| r.get::<_, String>("action") == "impose"));
}

#[tokio::test]
async fn top_countries_by_primary_mentions_per_day() {
    let (_db, client) = seeded().await;
    let rows = client
        .query(&query("top-countries-by-primary-mentions-per-day"), &[])
        .await
        .unwrap();
    let got: Vec<(NaiveDate, i64, String, i64, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.get("day"),
                r.get("rank"),
                r.get("code"),
                r.get("articles"),
                r.get("mentions"),
            )
        })
        .collect();
    let today = Utc::now().date_naive();
    let want = vec![
        // The undated article counts today (fetched now).
        (today, 1, "TR".to_string(), 1, 1),
        // Day 1: TR (f35-tr) 1 article, IN 1, RU 1, BY 1: all tied.
        (day(1), 1, "BY".to_string(), 1, 1),
        (day(1), 1, "IN".to_string(), 1, 4),
        (day(1), 1, "RU".to_string(), 1, 5),
        (day(1), 1, "TR".to_string(), 1, 2),
        (day(2), 1, "RU".to_string(), 1, 2),
        (day(2), 1, "TR".to_string(), 1, 3),
        (day(10), 1, "TR".to_string(), 1, 2),
    ];
    assert_eq!(got, want);
}

#[tokio::test]
async fn the_queries_can_use_their_indexes() {
    let (_db, client) = seeded().await;
    // On a handful of rows the planner rightly prefers sequential scans; forbid them to see
    // which indexes the plans can use.
    client
        .batch_execute("ANALYZE; SET enable_seqscan = off")
        .await
        .unwrap();
    let plan = |sql: String| {
        let client = &client;
        async move {
            client
                .query(&format!("EXPLAIN {sql}"), &[])
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    let p = plan(query("s400-about-turkey-last-7-days")).await;
    assert!(p.contains("article_weapons_name_idx"), "{p}");
    let p = plan(query("sanctions-us-against-russia-per-month")).await;
    assert!(p.contains("sanctions_events_imposer_target_idx"), "{p}");
    let p = plan(query("top-countries-by-primary-mentions-per-day")).await;
    assert!(p.contains("articles_effective_at_idx"), "{p}");
}
