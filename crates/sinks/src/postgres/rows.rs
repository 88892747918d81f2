//! Turning a batch of enriched articles into the rows of the five tables.
//!
//! Pure functions, no I/O: everything the database would refuse is decided here, before a
//! transaction starts, so a bad record is reported by its position instead of failing a batch
//! halfway.

use std::borrow::Cow;
use std::collections::HashMap;
use std::error::Error;

use bytes::{BufMut, BytesMut};
use chrono::{DateTime, Datelike, Utc};
use newswire_model::{EnrichedArticle, EntityKind, Field, SanctionAction};
use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};

use super::error::PostgresError;

/// Longest article id the sink stores, in bytes. PostgreSQL refuses B-tree index entries
/// larger than about 2700 bytes; the id is the primary key and part of every child key.
pub const MAX_ID_BYTES: usize = 1536;
/// Longest country code or weapon name (part of a child table's primary key), or target
/// entity text (indexed), in bytes.
pub const MAX_CHILD_KEY_BYTES: usize = 1024;

/// A JSON document already serialised, sent as `jsonb` without parsing it again.
#[derive(Debug, Clone)]
pub(crate) struct RawJsonb(pub String);

impl ToSql for RawJsonb {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        if *ty == Type::JSONB {
            // jsonb's binary format: a version byte, then the JSON text.
            out.put_u8(1);
        }
        out.put_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSONB || *ty == Type::JSON
    }

    to_sql_checked!();
}

/// The `articles` rows of a batch, column by column.
#[derive(Debug, Default)]
pub(crate) struct ArticleColumns {
    pub id: Vec<String>,
    pub feed_id: Vec<String>,
    pub feed_url: Vec<String>,
    pub url: Vec<Option<String>>,
    pub canonical_url: Vec<Option<String>>,
    pub title: Vec<String>,
    pub language: Vec<Option<String>>,
    pub published_at: Vec<Option<DateTime<Utc>>>,
    pub updated_at: Vec<Option<DateTime<Utc>>>,
    pub fetched_at: Vec<Option<DateTime<Utc>>>,
    pub record: Vec<RawJsonb>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CountryRow {
    pub article_id: String,
    pub code: String,
    pub name: String,
    pub salience: f64,
    pub is_primary: bool,
    pub mention_count: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WeaponRow {
    pub article_id: String,
    pub name: String,
    pub category: String,
    pub origin: Option<String>,
    pub manufacturer: Option<String>,
    pub mention_count: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SanctionRow {
    pub article_id: String,
    pub event_index: i32,
    pub pair_index: i32,
    pub imposer: Option<String>,
    pub target: Option<String>,
    pub action: &'static str,
    pub negated: bool,
    pub sectors: Vec<String>,
    pub programs: Vec<String>,
    pub evidence_field: &'static str,
    pub evidence_start: i64,
    pub evidence_end: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TargetEntityRow {
    pub article_id: String,
    pub event_index: i32,
    pub entity_index: i32,
    pub text: String,
    pub kind: &'static str,
    pub country: Option<String>,
    pub mention_field: &'static str,
    pub mention_start: i64,
    pub mention_end: i64,
}

/// Every row one batch writes.
#[derive(Debug, Default)]
pub(crate) struct BatchRows {
    pub articles: ArticleColumns,
    pub countries: Vec<CountryRow>,
    pub weapons: Vec<WeaponRow>,
    pub sanctions: Vec<SanctionRow>,
    pub target_entities: Vec<TargetEntityRow>,
}

impl BatchRows {
    /// Number of rows across the five tables.
    pub fn row_count(&self) -> usize {
        self.articles.id.len()
            + self.countries.len()
            + self.weapons.len()
            + self.sanctions.len()
            + self.target_entities.len()
    }
}

/// Builds the rows of a batch.
///
/// - An id that occurs more than once in the batch is written once, from its last occurrence
///   (the newest version in stream order).
/// - NUL characters, which PostgreSQL cannot store in text or jsonb, become spaces (one byte
///   for one byte, so every byte offset stays valid).
/// - A country code or weapon name that occurs twice in one record is stored as one row: the
///   first tag's name and category, the highest salience, `primary` if any tag is, and the
///   mention counts added up.
/// - A sanctions event becomes one row per (imposer, target) pair, duplicates in either list
///   dropped; an empty list stands as one NULL.
/// - Each of an event's `target_entities` becomes one row, in the record's order.
pub(crate) fn build_rows(batch: &[EnrichedArticle]) -> Result<BatchRows, PostgresError> {
    build(batch, false).map(|(rows, _)| rows)
}

/// Like [`build_rows`], but a record that cannot be stored is left out and returned as a
/// [`PostgresError::InvalidRecord`] instead of failing the batch.
pub(crate) fn build_rows_skipping_invalid(
    batch: &[EnrichedArticle],
) -> (BatchRows, Vec<PostgresError>) {
    match build(batch, true) {
        Ok(built) => built,
        // Unreachable: with skip_invalid every record error is collected, not returned.
        Err(e) => (BatchRows::default(), vec![e]),
    }
}

fn build(
    batch: &[EnrichedArticle],
    skip_invalid: bool,
) -> Result<(BatchRows, Vec<PostgresError>), PostgresError> {
    let mut rejected = Vec::new();
    let mut valid = vec![true; batch.len()];
    // Keyed by the id as stored (NULs replaced), so two ids that only differ there are one.
    let mut last: HashMap<Cow<'_, str>, usize> = HashMap::with_capacity(batch.len());
    for (i, rec) in batch.iter().enumerate() {
        if let Err(e) = validate(i, rec) {
            if !skip_invalid {
                return Err(e);
            }
            valid[i] = false;
            rejected.push(e);
            continue;
        }
        last.insert(clean(&rec.article.id), i);
    }
    let mut rows = BatchRows::default();
    for (i, rec) in batch.iter().enumerate() {
        if !valid[i] || last.get(&clean(&rec.article.id)) != Some(&i) {
            continue;
        }
        if let Err(e) = push_record(&mut rows, i, rec) {
            if !skip_invalid {
                return Err(e);
            }
            rejected.push(e);
        }
    }
    Ok((rows, rejected))
}

fn validate(index: usize, rec: &EnrichedArticle) -> Result<(), PostgresError> {
    let invalid = |reason: String| PostgresError::InvalidRecord {
        index,
        id: truncate_for_message(&rec.article.id),
        reason,
    };
    let id = &rec.article.id;
    if id.is_empty() {
        return Err(invalid("the id is empty".to_string()));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(invalid(format!(
            "the id is {} bytes long, more than the {MAX_ID_BYTES} a primary key can hold",
            id.len()
        )));
    }
    for c in &rec.countries {
        if c.code.len() > MAX_CHILD_KEY_BYTES {
            return Err(invalid(format!(
                "a country code is longer than {MAX_CHILD_KEY_BYTES} bytes"
            )));
        }
    }
    for w in &rec.weapons {
        if w.name.len() > MAX_CHILD_KEY_BYTES {
            return Err(invalid(format!(
                "a weapon name is longer than {MAX_CHILD_KEY_BYTES} bytes"
            )));
        }
    }
    for (i, ev) in rec.sanctions.iter().enumerate() {
        if ev
            .target_entities
            .iter()
            .any(|e| e.text.len() > MAX_CHILD_KEY_BYTES)
        {
            return Err(invalid(format!(
                "a target entity of sanctions[{i}] is longer than {MAX_CHILD_KEY_BYTES} bytes"
            )));
        }
    }
    Ok(())
}

fn truncate_for_message(s: &str) -> String {
    if s.len() <= 200 {
        return s.to_string();
    }
    let mut end = 200;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

fn push_record(
    rows: &mut BatchRows,
    index: usize,
    rec: &EnrichedArticle,
) -> Result<(), PostgresError> {
    let a = &rec.article;
    let id = clean(&a.id).into_owned();
    let record = record_json(rec).map_err(|e| PostgresError::InvalidRecord {
        index,
        id: truncate_for_message(&a.id),
        reason: format!("cannot be serialised to JSON: {e}"),
    })?;

    let cols = &mut rows.articles;
    cols.id.push(id.clone());
    cols.feed_id.push(clean(&a.feed_id).into_owned());
    cols.feed_url.push(clean(&a.feed_url).into_owned());
    cols.url
        .push(a.url.as_deref().map(|s| clean(s).into_owned()));
    cols.canonical_url
        .push(a.canonical_url.as_deref().map(|s| clean(s).into_owned()));
    cols.title.push(clean(&a.title).into_owned());
    cols.language
        .push(a.language.as_deref().map(|s| clean(s).into_owned()));
    cols.published_at.push(a.published_at.filter(storable_time));
    cols.updated_at.push(a.updated_at.filter(storable_time));
    cols.fetched_at
        .push(Some(a.fetched_at).filter(storable_time));
    cols.record.push(record);

    let first_country = rows.countries.len();
    for c in &rec.countries {
        let code = clean(&c.code);
        let mentions = count(c.mentions.len());
        let salience = if c.salience.is_finite() {
            c.salience
        } else {
            0.0
        };
        if let Some(existing) = rows.countries[first_country..]
            .iter_mut()
            .find(|r| r.code == *code)
        {
            existing.salience = existing.salience.max(salience);
            existing.is_primary |= c.primary;
            existing.mention_count = existing.mention_count.saturating_add(mentions);
            continue;
        }
        rows.countries.push(CountryRow {
            article_id: id.clone(),
            code: code.into_owned(),
            name: clean(&c.name).into_owned(),
            salience,
            is_primary: c.primary,
            mention_count: mentions,
        });
    }

    let first_weapon = rows.weapons.len();
    for w in &rec.weapons {
        let name = clean(&w.name);
        let mentions = count(w.mentions.len());
        if let Some(existing) = rows.weapons[first_weapon..]
            .iter_mut()
            .find(|r| r.name == *name)
        {
            existing.mention_count = existing.mention_count.saturating_add(mentions);
            continue;
        }
        rows.weapons.push(WeaponRow {
            article_id: id.clone(),
            name: name.into_owned(),
            category: clean(&w.category).into_owned(),
            origin: w.origin.as_deref().map(|s| clean(s).into_owned()),
            manufacturer: w.manufacturer.as_deref().map(|s| clean(s).into_owned()),
            mention_count: mentions,
        });
    }

    for (event_index, ev) in rec.sanctions.iter().enumerate() {
        let imposers = distinct_or_null(&ev.imposers);
        let targets = distinct_or_null(&ev.targets);
        let sectors: Vec<String> = ev.sectors.iter().map(|s| clean(s).into_owned()).collect();
        let programs: Vec<String> = ev.programs.iter().map(|s| clean(s).into_owned()).collect();
        let mut pair_index: i32 = 0;
        for imposer in &imposers {
            for target in &targets {
                rows.sanctions.push(SanctionRow {
                    article_id: id.clone(),
                    event_index: count(event_index),
                    pair_index,
                    imposer: imposer.clone(),
                    target: target.clone(),
                    action: action_name(ev.action),
                    negated: ev.negated,
                    sectors: sectors.clone(),
                    programs: programs.clone(),
                    evidence_field: field_name(ev.evidence.field),
                    evidence_start: i64::try_from(ev.evidence.start).unwrap_or(i64::MAX),
                    evidence_end: i64::try_from(ev.evidence.end).unwrap_or(i64::MAX),
                });
                pair_index = pair_index.saturating_add(1);
            }
        }
        push_target_entities(rows, &id, count(event_index), ev);
    }
    Ok(())
}

fn push_target_entities(
    rows: &mut BatchRows,
    id: &str,
    event_index: i32,
    ev: &newswire_model::SanctionsEvent,
) {
    for (entity_index, e) in ev.target_entities.iter().enumerate() {
        rows.target_entities.push(TargetEntityRow {
            article_id: id.to_string(),
            event_index,
            entity_index: count(entity_index),
            text: clean(&e.text).into_owned(),
            kind: kind_name(e.kind),
            country: e.country.as_deref().map(|s| clean(s).into_owned()),
            mention_field: field_name(e.field),
            mention_start: i64::try_from(e.start).unwrap_or(i64::MAX),
            mention_end: i64::try_from(e.end).unwrap_or(i64::MAX),
        });
    }
}

/// The record as it goes into `articles.record`: serde_json's output of the EnrichedArticle,
/// with NUL characters (which jsonb refuses) turned into spaces.
fn record_json(rec: &EnrichedArticle) -> Result<RawJsonb, serde_json::Error> {
    let text = serde_json::to_string(rec)?;
    if !text.contains("\\u0000") {
        return Ok(RawJsonb(text));
    }
    let mut value = serde_json::to_value(rec)?;
    strip_nul(&mut value);
    Ok(RawJsonb(serde_json::to_string(&value)?))
}

fn strip_nul(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if s.contains('\0') => *s = s.replace('\0', " "),
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_nul),
        serde_json::Value::Object(map) => map.values_mut().for_each(strip_nul),
        _ => {}
    }
}

/// Text without NUL characters: each one becomes a space, so byte offsets stay valid.
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', " "))
    } else {
        Cow::Borrowed(s)
    }
}

fn distinct_or_null(codes: &[String]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::with_capacity(codes.len().max(1));
    for c in codes {
        let c = clean(c).into_owned();
        if !out.iter().any(|o| o.as_deref() == Some(c.as_str())) {
            out.push(Some(c));
        }
    }
    if out.is_empty() {
        out.push(None);
    }
    out
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// PostgreSQL's timestamptz covers 4713 BC to 294276 AD; the typed columns keep the years
/// 1..=9999 and hold NULL outside them (the record in `articles.record` keeps every value).
fn storable_time(t: &DateTime<Utc>) -> bool {
    (1..=9999).contains(&t.year())
}

pub(crate) fn action_name(a: SanctionAction) -> &'static str {
    match a {
        SanctionAction::Impose => "impose",
        SanctionAction::Threaten => "threaten",
        SanctionAction::Lift => "lift",
        SanctionAction::Evade => "evade",
        SanctionAction::Oppose => "oppose",
    }
}

pub(crate) fn kind_name(k: EntityKind) -> &'static str {
    match k {
        EntityKind::Company => "company",
        EntityKind::Bank => "bank",
        EntityKind::Person => "person",
        EntityKind::Vessel => "vessel",
        EntityKind::Agency => "agency",
        EntityKind::Group => "group",
    }
}

pub(crate) fn field_name(f: Field) -> &'static str {
    match f {
        Field::Title => "title",
        Field::Body => "body",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use newswire_model::{
        Article, CountryTag, EnrichmentMeta, Evidence, Mention, MentionKind, SanctionsEvent,
        TargetEntity, WeaponTag,
    };

    fn mention(text: &str) -> Mention {
        Mention {
            text: text.to_string(),
            field: Field::Body,
            start: 0,
            end: text.len(),
            kind: MentionKind::Name,
        }
    }

    fn record(id: &str) -> EnrichedArticle {
        EnrichedArticle {
            article: Article::from_text(id, "Title", "Body"),
            countries: vec![
                CountryTag {
                    code: "TR".into(),
                    name: "Turkey".into(),
                    salience: 0.4,
                    primary: false,
                    mentions: vec![mention("Turkey")],
                },
                CountryTag {
                    code: "TR".into(),
                    name: "Türkiye".into(),
                    salience: 0.9,
                    primary: true,
                    mentions: vec![mention("Ankara"), mention("Turkish")],
                },
            ],
            weapons: vec![WeaponTag {
                name: "S-400".into(),
                category: "air_defence".into(),
                origin: Some("RU".into()),
                manufacturer: None,
                mentions: vec![mention("S-400")],
            }],
            weapon_classes: vec![],
            sanctions: vec![
                SanctionsEvent {
                    imposers: vec!["US".into(), "EU".into(), "US".into()],
                    targets: vec!["TR".into(), "RU".into()],
                    action: SanctionAction::Threaten,
                    negated: false,
                    sectors: vec!["defence".into()],
                    programs: vec!["CAATSA".into()],
                    evidence: Evidence {
                        field: Field::Body,
                        start: 3,
                        end: 9,
                    },
                    target_entities: vec![
                        TargetEntity {
                            text: "Aselsan".into(),
                            kind: EntityKind::Company,
                            country: Some("TR".into()),
                            field: Field::Body,
                            start: 3,
                            end: 10,
                        },
                        TargetEntity {
                            text: "SSB\0".into(),
                            kind: EntityKind::Agency,
                            country: None,
                            field: Field::Title,
                            start: 0,
                            end: 4,
                        },
                    ],
                },
                SanctionsEvent {
                    imposers: vec![],
                    targets: vec![],
                    action: SanctionAction::Lift,
                    negated: true,
                    sectors: vec![],
                    programs: vec![],
                    evidence: Evidence {
                        field: Field::Title,
                        start: 0,
                        end: 1,
                    },
                    target_entities: vec![],
                },
            ],
            enrichment: EnrichmentMeta {
                engine_version: "t".into(),
                gazetteer_version: "t".into(),
                took_us: 1,
            },
        }
    }

    #[test]
    fn multi_party_events_become_one_row_per_pair() {
        let rows = build_rows(&[record("a")]).unwrap();
        let pairs: Vec<(Option<&str>, Option<&str>, i32, i32)> = rows
            .sanctions
            .iter()
            .map(|r| {
                (
                    r.imposer.as_deref(),
                    r.target.as_deref(),
                    r.event_index,
                    r.pair_index,
                )
            })
            .collect();
        assert_eq!(
            pairs,
            vec![
                (Some("US"), Some("TR"), 0, 0),
                (Some("US"), Some("RU"), 0, 1),
                (Some("EU"), Some("TR"), 0, 2),
                (Some("EU"), Some("RU"), 0, 3),
                (None, None, 1, 0),
            ]
        );
        assert_eq!(rows.sanctions[4].action, "lift");
        assert!(rows.sanctions[4].negated);
        assert_eq!(rows.sanctions[4].evidence_field, "title");
    }

    #[test]
    fn each_target_entity_is_one_row_under_its_event() {
        let rows = build_rows(&[record("a")]).unwrap();
        type Row<'a> = (
            i32,
            i32,
            &'a str,
            &'a str,
            Option<&'a str>,
            &'a str,
            i64,
            i64,
        );
        let got: Vec<Row> = rows
            .target_entities
            .iter()
            .map(|r| {
                (
                    r.event_index,
                    r.entity_index,
                    r.text.as_str(),
                    r.kind,
                    r.country.as_deref(),
                    r.mention_field,
                    r.mention_start,
                    r.mention_end,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 0, "Aselsan", "company", Some("TR"), "body", 3, 10),
                (0, 1, "SSB ", "agency", None, "title", 0, 4),
            ]
        );
        assert_eq!(rows.row_count(), 1 + 1 + 1 + 5 + 2);
    }

    #[test]
    fn a_repeated_country_is_merged_into_one_row() {
        let rows = build_rows(&[record("a")]).unwrap();
        assert_eq!(
            rows.countries,
            vec![CountryRow {
                article_id: "a".into(),
                code: "TR".into(),
                name: "Turkey".into(),
                salience: 0.9,
                is_primary: true,
                mention_count: 3,
            }]
        );
    }

    #[test]
    fn the_last_occurrence_of_an_id_in_a_batch_wins() {
        let mut newer = record("a");
        newer.article.title = "newer".into();
        let rows = build_rows(&[record("a"), record("b"), newer]).unwrap();
        assert_eq!(rows.articles.id, vec!["b".to_string(), "a".to_string()]);
        assert_eq!(rows.articles.title[1], "newer");
        assert_eq!(rows.countries.len(), 2);
    }

    #[test]
    fn nul_characters_become_spaces_everywhere() {
        let mut r = record("a\0b");
        r.article.body = "x\0y".into();
        r.countries[0].mentions[0].text = "\0".into();
        let rows = build_rows(&[r]).unwrap();
        assert_eq!(rows.articles.id[0], "a b");
        assert!(!rows.articles.record[0].0.contains("\\u0000"));
        assert!(rows.articles.record[0].0.contains("\"x y\""));
        assert_eq!(rows.countries[0].article_id, "a b");
    }

    #[test]
    fn unstorable_records_are_refused_by_position() {
        let long = "x".repeat(MAX_ID_BYTES + 1);
        let err = build_rows(&[record("ok"), record(&long)]).unwrap_err();
        match err {
            PostgresError::InvalidRecord { index, .. } => assert_eq!(index, 1),
            other => panic!("unexpected {other}"),
        }
        let err = build_rows(&[record("")]).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        let mut long_entity = record("e");
        long_entity.sanctions[0].target_entities[0].text = "x".repeat(MAX_CHILD_KEY_BYTES + 1);
        let err = build_rows(&[long_entity]).unwrap_err();
        assert!(err.to_string().contains("sanctions[0]"), "{err}");
    }

    #[test]
    fn skipping_leaves_out_only_the_unstorable_records() {
        let long = "x".repeat(MAX_ID_BYTES + 1);
        let (rows, rejected) =
            build_rows_skipping_invalid(&[record("a"), record(&long), record(""), record("b")]);
        assert_eq!(rows.articles.id, vec!["a".to_string(), "b".to_string()]);
        let positions: Vec<usize> = rejected
            .iter()
            .map(|e| match e {
                PostgresError::InvalidRecord { index, .. } => *index,
                _ => usize::MAX,
            })
            .collect();
        assert_eq!(positions, vec![1, 2]);
    }

    #[test]
    fn out_of_range_times_leave_the_typed_column_null() {
        let mut r = record("a");
        r.article.published_at = Some(Utc.with_ymd_and_hms(12000, 1, 1, 0, 0, 0).unwrap());
        let rows = build_rows(&[r]).unwrap();
        assert_eq!(rows.articles.published_at[0], None);
        assert!(rows.articles.fetched_at[0].is_some());
    }
}
