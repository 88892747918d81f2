//! The SQL in `docs/querying.md`, run as written against articles written by the sink, with the
//! answers checked; and the indexes those queries are meant to use, checked with EXPLAIN.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::TestDb;
use newswire_model::{
    Article, CountryTag, EnrichedArticle, EnrichmentMeta, EntityKind, Evidence, Field, Mention,
    MentionKind, SanctionAction, SanctionsEvent, TargetEntity, WeaponTag,
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
                target_entities: vec![],
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

/// A sanctions event of `imposers` on `targets` whose evidence is the whole `body`, naming
/// `entities` (text, kind, country).
fn entity_event(
    body: &str,
    imposers: &[&str],
    targets: &[&str],
    negated: bool,
    entities: &[(&str, EntityKind, Option<&str>)],
) -> SanctionsEvent {
    SanctionsEvent {
        imposers: imposers.iter().map(|s| s.to_string()).collect(),
        targets: targets.iter().map(|s| s.to_string()).collect(),
        action: SanctionAction::Impose,
        negated,
        sectors: vec![],
        programs: vec![],
        evidence: Evidence {
            field: Field::Body,
            start: 0,
            end: body.len(),
        },
        target_entities: entities
            .iter()
            .map(|(text, kind, country)| {
                let start = body.find(text).unwrap_or(0);
                TargetEntity {
                    text: text.to_string(),
                    kind: *kind,
                    country: country.map(str::to_string),
                    field: Field::Body,
                    start,
                    end: start + text.len(),
                }
            })
            .collect(),
    }
}

fn entity_article(id: &str, days: i64, body: &str, events: Vec<SanctionsEvent>) -> EnrichedArticle {
    let spec = Spec {
        id,
        published: Some(noon(days)),
        countries: &[("RU", true, 1)],
        weapons: &[],
        sanctions: &[],
    };
    let mut rec = record(&spec, Utc::now());
    rec.article.body = body.to_string();
    rec.sanctions = events;
    rec
}

async fn seeded_entities() -> (TestDb, Client) {
    use EntityKind::*;
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let b1 = "The United States sanctioned Sberbank and VTB Bank.";
    let b2 = "The EU and Britain froze the assets of Sberbank of Russia.";
    let b3 = "Switzerland did not sanction Sberbank.";
    let b4 = "The US blacklisted Hezbollah financiers and Sberbank.";
    let b5 = "Washington sanctioned PJSC Sberbank.";
    let batch = vec![
        entity_article(
            "sber-us",
            1,
            b1,
            vec![entity_event(
                b1,
                &["US"],
                &["RU"],
                false,
                &[
                    ("Sberbank", Bank, Some("RU")),
                    ("VTB Bank", Bank, Some("RU")),
                ],
            )],
        ),
        entity_article(
            "sber-eu-gb",
            3,
            b2,
            vec![entity_event(
                b2,
                &["EU", "GB"],
                &["RU"],
                false,
                &[("Sberbank of Russia", Bank, Some("RU"))],
            )],
        ),
        entity_article(
            "sber-negated",
            2,
            b3,
            vec![entity_event(
                b3,
                &["CH"],
                &["RU"],
                true,
                &[("Sberbank", Bank, Some("RU"))],
            )],
        ),
        entity_article(
            "sber-hezbollah-old",
            40,
            b4,
            vec![entity_event(
                b4,
                &["US"],
                &["LB", "RU"],
                false,
                &[
                    ("Hezbollah", Group, Some("LB")),
                    ("Sberbank", Bank, Some("RU")),
                ],
            )],
        ),
        entity_article(
            "pjsc",
            1,
            b5,
            vec![entity_event(
                b5,
                &["US"],
                &["RU"],
                false,
                &[("PJSC Sberbank", Bank, Some("RU"))],
            )],
        ),
    ];
    sink.write_batch(&batch).await.unwrap();
    let client = db.client().await;
    (db, client)
}

#[tokio::test]
async fn articles_whose_sanctions_target_sberbank() {
    let (_db, client) = seeded_entities().await;
    let rows = client
        .query(&query("articles-targeting-sberbank"), &[])
        .await
        .unwrap();
    let got: Vec<(String, String, String, Vec<String>)> = rows
        .iter()
        .map(|r| {
            (
                r.get("id"),
                r.get("text"),
                r.get("action"),
                r.get("imposers"),
            )
        })
        .collect();
    let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            // Newest first; the negated Swiss event and "PJSC Sberbank" (not a prefix) are out;
            // one row per event however many (imposer, target) pairs it has.
            (
                "sber-us".into(),
                "Sberbank".into(),
                "impose".into(),
                v(&["US"])
            ),
            (
                "sber-eu-gb".into(),
                "Sberbank of Russia".into(),
                "impose".into(),
                v(&["EU", "GB"])
            ),
            (
                "sber-hezbollah-old".into(),
                "Sberbank".into(),
                "impose".into(),
                v(&["US"])
            ),
        ]
    );
}

#[tokio::test]
async fn most_sanctioned_entities_in_the_last_30_days() {
    let (_db, client) = seeded_entities().await;
    let rows = client
        .query(&query("most-sanctioned-entities-last-30-days"), &[])
        .await
        .unwrap();
    let got: Vec<(String, String, Option<String>, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.get("text"),
                r.get("kind"),
                r.get("country"),
                r.get("articles"),
            )
        })
        .collect();
    let row = |t: &str| (t.to_string(), "bank".to_string(), Some("RU".to_string()), 1);
    // The negated event and the 40-day-old article (Hezbollah) do not count.
    assert_eq!(
        got,
        vec![
            row("PJSC Sberbank"),
            row("Sberbank"),
            row("Sberbank of Russia"),
            row("VTB Bank"),
        ]
    );
}

#[tokio::test]
async fn the_entity_search_uses_its_index() {
    let (_db, client) = seeded_entities().await;
    // A table where Sberbank is one name among many, as in real use (on the seed alone most
    // rows match and walking the primary key in article order is rightly cheaper).
    client
        .batch_execute(
            "INSERT INTO sanctions_target_entities \
             SELECT 'sber-us', 0, 100 + i, 'Company ' || i, 'company', NULL, 'body', 0, 1 \
             FROM generate_series(1, 2000) AS i; \
             ANALYZE; SET enable_seqscan = off",
        )
        .await
        .unwrap();
    let plan: Vec<String> = client
        .query(
            &format!("EXPLAIN {}", query("articles-targeting-sberbank")),
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("sanctions_target_entities_text_idx"),
        "{plan}"
    );
}

#[tokio::test]
async fn the_au_migration_renames_only_old_african_union_events() {
    let db = TestDb::create().await;
    let mut sink = PostgresSink::connect(&db.config()).await.unwrap();
    let au =
        "The African Union (AU) lifted its sanctions on Mali. Australia imposed sanctions on Iran.";
    let split = au.find(" Australia").unwrap() + 1;
    let mut old = entity_article("old", 1, au, vec![]);
    let event = |imposer: &str, target: &str, start: usize, end: usize| SanctionsEvent {
        evidence: Evidence {
            field: Field::Body,
            start,
            end,
        },
        ..entity_event(au, &[imposer], &[target], false, &[])
    };
    // Event 0: the African Union on Mali; event 1: Australia on Iran; event 2: Iran retaliating
    // against Australia (AU as target), in the Australia sentence.
    old.sanctions = vec![
        event("AU", "ML", 0, split - 1),
        event("AU", "IR", split, au.len()),
        event("IR", "AU", split, au.len()),
    ];
    let mut new = entity_article("new", 1, au, vec![]);
    new.sanctions = vec![event("AU", "ML", 0, split - 1)];
    sink.write_batch(&[old, new]).await.unwrap();
    let client = db.client().await;
    // "old" as an engine before target_entities wrote it: its events have no such key.
    client
        .batch_execute(
            "UPDATE articles SET record = jsonb_set(record, '{sanctions}', \
               (SELECT jsonb_agg(e - 'target_entities' ORDER BY i) \
                FROM jsonb_array_elements(record->'sanctions') WITH ORDINALITY AS x(e, i))) \
             WHERE id = 'old'",
        )
        .await
        .unwrap();
    let changed = client
        .execute(&query("migrate-au-to-african-union"), &[])
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let rows: Vec<(String, i32, String, String)> = client
        .query(
            "SELECT article_id, event_index, imposer, target FROM sanctions_events \
             ORDER BY article_id, event_index",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let r = |a: &str, i: i32, imp: &str, tgt: &str| {
        (a.to_string(), i, imp.to_string(), tgt.to_string())
    };
    assert_eq!(
        rows,
        vec![
            // A record from a newer engine is left alone, whatever its evidence says.
            r("new", 0, "AU", "ML"),
            r("old", 0, "AFRICAN_UNION", "ML"),
            r("old", 1, "AU", "IR"),
            r("old", 2, "IR", "AU"),
        ]
    );
    // Running it again changes nothing.
    let again = client
        .execute(&query("migrate-au-to-african-union"), &[])
        .await
        .unwrap();
    assert_eq!(again, 0);
}
