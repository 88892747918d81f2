//! The PostgreSQL sink: enriched articles as rows an analyst can query.
//!
//! # Tables
//!
//! - `articles`: one row per article id, with the article's columns and the whole
//!   [`EnrichedArticle`] as `record jsonb`. `effective_at` is `published_at`, or `fetched_at`
//!   when the feed gave no date: the time an article counts under in queries.
//! - `article_countries`: one row per (article, country code): salience, `is_primary` (the
//!   record's `primary`, renamed because `primary` is an SQL keyword), mention count.
//! - `article_weapons`: one row per (article, weapon name): category, origin, manufacturer,
//!   mention count.
//! - `sanctions_events`: one row per (imposer, target) pair of each sanctions event, so "the EU
//!   and the US sanctioned Russia and Belarus" is four rows sharing `event_index`. An event
//!   with no imposer (or no target) has rows with `imposer` (or `target`) NULL.
//! - `sanctions_target_entities`: one row per named entity an event targets (the record's
//!   `sanctions[].target_entities[]`), keyed by the event's `event_index` and the entity's
//!   position: text as written, kind, country, and where the mention is.
//!
//! See `migrations/` for the columns and docs/querying.md for queries.
//!
//! # Writes
//!
//! [`PostgresSink::write_batch`] writes a batch in one transaction: the articles are sent
//! with binary `COPY` into a per-session temporary staging table; one
//! `INSERT ... SELECT ... ON CONFLICT (id) DO NOTHING RETURNING id` stores the new ones; the
//! others (redeliveries, updates) are overwritten with one `UPDATE ... FROM` the staging table
//! and their previous child rows deleted with one statement; then all child rows are sent with
//! binary `COPY`. (A temporary table and prepared statements need a session of its own: put
//! no transaction-pooling proxy between the sink and the database.)
//!
//! It returns `Ok` only after `COMMIT` succeeded, so a caller that acknowledges
//! (stores Kafka offsets) only then never loses an article. A lost connection, a server
//! restart, a statement timeout or a serialization failure drops the connection, waits with
//! exponential backoff, reconnects and writes the whole batch again; as every write replaces
//! the article's rows, a batch written twice (or a transaction whose `COMMIT` was cut off after
//! the server committed it) leaves exactly the same rows as one write.
//!
//! Within a batch, an id that occurs more than once is written from its last occurrence.
//! Between batches the last write wins.
//!
//! # What PostgreSQL cannot hold
//!
//! - NUL characters (refused in `text` and `jsonb`) are stored as spaces, one byte for one,
//!   so byte offsets stay valid.
//! - An id longer than [`MAX_ID_BYTES`], or a country code, weapon name or target entity
//!   longer than [`MAX_CHILD_KEY_BYTES`], cannot be a key or index entry: the batch is refused up front with
//!   [`PostgresError::InvalidRecord`] naming the record's position, so the caller can
//!   dead-letter that record and write the rest.
//! - A timestamp outside the years 1..=9999 leaves its typed column NULL (`record` keeps it).
//! - A country code or weapon name listed twice in one record is one row (first name and
//!   category, highest salience, `primary` if any, mention counts added up).

mod config;
mod error;
pub mod migrations;
mod rows;

use std::collections::HashSet;
use std::time::Duration;

use futures::pin_mut;
use newswire_model::EnrichedArticle;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, NoTls, Statement, Transaction};
use tracing::{debug, info, warn};

pub use config::PostgresConfig;
pub use error::PostgresError;
pub use rows::{MAX_CHILD_KEY_BYTES, MAX_ID_BYTES};

use config::describe_config;
use error::is_retryable;
use rows::{build_rows, build_rows_skipping_invalid, BatchRows};

/// Counters of what the sink has done, for metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostgresStats {
    /// Batches committed.
    pub batches: u64,
    /// Articles committed (after de-duplication within each batch).
    pub articles: u64,
    /// Rows written across the five tables.
    pub rows: u64,
    /// Attempts that failed with a transient error and were retried.
    pub retries: u64,
    /// Connections opened, the first one included.
    pub connections: u64,
}

/// Writes enriched articles to PostgreSQL. See the [module documentation](self).
pub struct PostgresSink {
    cfg: PostgresConfig,
    pg: tokio_postgres::Config,
    target: String,
    conn: Option<Connection>,
    /// A write was started and never finished: its future was dropped mid-transaction, so
    /// the connection is in an unknown state and is replaced before the next write.
    in_flight: bool,
    stats: PostgresStats,
}

struct Connection {
    client: Client,
    insert_new: Statement,
    update_existing: Statement,
    delete_children: Statement,
}

/// Per-session staging table the batch's articles are copied into (emptied at each commit).
const CREATE_STAGE: &str = "\
CREATE TEMP TABLE IF NOT EXISTS newswire_stage_articles (
    id text, feed_id text, feed_url text, url text, canonical_url text, title text,
    language text, published_at timestamptz, updated_at timestamptz, fetched_at timestamptz,
    record jsonb
) ON COMMIT DELETE ROWS";

const COPY_STAGE: &str = "COPY newswire_stage_articles (id, feed_id, feed_url, url, \
    canonical_url, title, language, published_at, updated_at, fetched_at, record) \
    FROM STDIN (FORMAT binary)";

/// New articles: inserted; those whose id is already stored are skipped, so the ids this
/// returns are exactly the articles that had no row before.
const INSERT_NEW_ARTICLES: &str = "\
INSERT INTO articles (id, feed_id, feed_url, url, canonical_url, title, language,
                      published_at, updated_at, fetched_at, record)
SELECT id, feed_id, feed_url, url, canonical_url, title, language,
       published_at, updated_at, fetched_at, record
FROM newswire_stage_articles
ON CONFLICT (id) DO NOTHING
RETURNING id";

/// Articles already stored (redelivered or updated): their row is overwritten.
const UPDATE_ARTICLES: &str = "\
UPDATE articles AS a SET
    feed_id = s.feed_id,
    feed_url = s.feed_url,
    url = s.url,
    canonical_url = s.canonical_url,
    title = s.title,
    language = s.language,
    published_at = s.published_at,
    updated_at = s.updated_at,
    fetched_at = s.fetched_at,
    record = s.record,
    written_at = now()
FROM newswire_stage_articles AS s
WHERE a.id = s.id AND a.id = ANY($1::text[])";

/// The child rows of articles already stored, before their new ones are copied in.
const DELETE_CHILDREN: &str = "\
WITH countries AS (DELETE FROM article_countries WHERE article_id = ANY($1::text[])),
     weapons AS (DELETE FROM article_weapons WHERE article_id = ANY($1::text[])),
     entities AS (DELETE FROM sanctions_target_entities WHERE article_id = ANY($1::text[]))
DELETE FROM sanctions_events WHERE article_id = ANY($1::text[])";

const COPY_COUNTRIES: &str = "COPY article_countries \
    (article_id, code, name, salience, is_primary, mention_count) FROM STDIN (FORMAT binary)";
const COPY_WEAPONS: &str = "COPY article_weapons \
    (article_id, name, category, origin, manufacturer, mention_count) FROM STDIN (FORMAT binary)";
const COPY_SANCTIONS: &str = "COPY sanctions_events \
    (article_id, event_index, pair_index, imposer, target, action, negated, sectors, programs, \
     evidence_field, evidence_start, evidence_end) FROM STDIN (FORMAT binary)";
const COPY_TARGET_ENTITIES: &str = "COPY sanctions_target_entities \
    (article_id, event_index, entity_index, text, kind, country, mention_field, mention_start, \
     mention_end) FROM STDIN (FORMAT binary)";

impl PostgresSink {
    /// Connects (retrying transient failures with backoff), then applies the embedded
    /// migrations, or with `check_only_migrations` only checks that the database has them all.
    pub async fn connect(cfg: &PostgresConfig) -> Result<PostgresSink, PostgresError> {
        cfg.validate()?;
        let pg = cfg.connection_config()?;
        let target = describe_config(&pg);
        let mut sink = PostgresSink {
            cfg: cfg.clone(),
            pg,
            target,
            conn: None,
            in_flight: false,
            stats: PostgresStats::default(),
        };
        let mut backoff = sink.backoff();
        loop {
            match sink.start().await {
                Ok(()) => return Ok(sink),
                Err(e) if e.is_transient() => match backoff.next() {
                    Some(wait) => {
                        warn!(target_db = %sink.target, error = %e, wait_ms = wait.as_millis() as u64,
                              "postgres sink could not start, retrying");
                        sink.stats.retries += 1;
                        tokio::time::sleep(wait).await;
                    }
                    None => return Err(e),
                },
                Err(e) => return Err(e),
            }
        }
    }

    async fn start(&mut self) -> Result<(), PostgresError> {
        let mut client = self.open_client().await?;
        if self.cfg.check_only_migrations {
            migrations::check(&client, &self.target).await?;
            info!(target_db = %self.target, version = migrations::latest_version(),
                  "postgres schema is up to date (checked only)");
        } else {
            let applied = migrations::apply(&mut client, &self.target).await?;
            info!(target_db = %self.target, applied = ?applied,
                  version = migrations::latest_version(), "postgres schema is up to date");
        }
        self.conn = Some(self.prepare(client).await?);
        Ok(())
    }

    /// Writes a batch in one transaction: upserts the articles by id and replaces their child
    /// rows. Returns `Ok` only after `COMMIT`; on `Err` nothing of the batch is committed.
    ///
    /// Transient failures (lost connection, server restart, timeout) are retried on a new
    /// connection with exponential backoff, up to `retry_max_attempts`, writing the whole
    /// batch again each time. A record PostgreSQL cannot store is refused up front with
    /// [`PostgresError::InvalidRecord`] naming its position, and nothing is written.
    ///
    /// Cancel-safe: if the returned future is dropped, the transaction is not committed and
    /// the next call starts on a new connection.
    pub async fn write_batch(&mut self, batch: &[EnrichedArticle]) -> Result<(), PostgresError> {
        if batch.is_empty() {
            return Ok(());
        }
        let rows = build_rows(batch)?;
        self.write_with_retries(&rows).await
    }

    /// Like [`write_batch`](Self::write_batch), but a record PostgreSQL cannot store does not
    /// stop the others: it is left out, and returned as [`PostgresError::InvalidRecord`]
    /// (with its position in `batch`) for the caller to dead-letter. `Ok` means every other
    /// record is committed.
    pub async fn write_batch_skipping_invalid(
        &mut self,
        batch: &[EnrichedArticle],
    ) -> Result<Vec<PostgresError>, PostgresError> {
        let (rows, rejected) = build_rows_skipping_invalid(batch);
        if rows.articles.id.is_empty() {
            return Ok(rejected);
        }
        self.write_with_retries(&rows).await?;
        Ok(rejected)
    }

    async fn write_with_retries(&mut self, rows: &BatchRows) -> Result<(), PostgresError> {
        let mut backoff = self.backoff();
        loop {
            match self.write_once(rows).await {
                Ok(()) => {
                    self.stats.batches += 1;
                    self.stats.articles += rows.articles.id.len() as u64;
                    self.stats.rows += rows.row_count() as u64;
                    return Ok(());
                }
                Err(e) if e.is_transient() => {
                    self.conn = None;
                    match backoff.next() {
                        Some(wait) => {
                            warn!(target_db = %self.target, error = %e,
                                  wait_ms = wait.as_millis() as u64,
                                  articles = rows.articles.id.len(),
                                  "postgres batch failed, reconnecting and retrying it");
                            self.stats.retries += 1;
                            tokio::time::sleep(wait).await;
                        }
                        None => return Err(e),
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn write_once(&mut self, rows: &BatchRows) -> Result<(), PostgresError> {
        let stale = match &self.conn {
            None => true,
            Some(c) => self.in_flight || c.client.is_closed(),
        };
        if stale {
            self.conn = None;
            let client = self.open_client().await?;
            self.conn = Some(self.prepare(client).await?);
        }
        let Some(conn) = self.conn.as_mut() else {
            // Unreachable: set just above.
            return Err(PostgresError::ConnectTimeout {
                target: self.target.clone(),
            });
        };
        self.in_flight = true;
        let result = write_rows(conn, rows).await;
        self.in_flight = false;
        result.map_err(|source| PostgresError::Database {
            op: "batch write",
            target: self.target.clone(),
            retryable: is_retryable(&source),
            source,
        })
    }

    /// Whether the database answers now: `SELECT 1` on the sink's connection, opening a new
    /// one first when it was lost (once, no retries, within `connect_timeout_ms`). A lost
    /// database shows between batches too, for readiness.
    pub async fn check(&mut self) -> Result<(), PostgresError> {
        let stale = match &self.conn {
            None => true,
            Some(c) => self.in_flight || c.client.is_closed(),
        };
        if stale {
            self.conn = None;
            let client = self.open_client().await?;
            self.conn = Some(self.prepare(client).await?);
        }
        let target = self.target.clone();
        let Some(conn) = self.conn.as_ref() else {
            return Err(PostgresError::ConnectTimeout { target });
        };
        let answered = tokio::time::timeout(
            self.cfg.connect_timeout(),
            conn.client.simple_query("SELECT 1"),
        )
        .await;
        let result = match answered {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(source)) => Err(PostgresError::Database {
                op: "health check",
                target,
                retryable: is_retryable(&source),
                source,
            }),
            Err(_) => Err(PostgresError::ConnectTimeout { target }),
        };
        if result.is_err() {
            self.conn = None;
        }
        result
    }

    /// The database the sink writes to, e.g. `postgres://newswire@db:5432/newswire`, never
    /// with the password.
    pub fn describe(&self) -> String {
        self.target.clone()
    }

    /// True while the sink holds an open connection (it reconnects on the next write if not).
    pub fn is_connected(&self) -> bool {
        self.conn.as_ref().is_some_and(|c| !c.client.is_closed())
    }

    /// What the sink has written so far.
    pub fn stats(&self) -> PostgresStats {
        self.stats
    }

    /// The configuration the sink runs with.
    pub fn config(&self) -> &PostgresConfig {
        &self.cfg
    }

    async fn open_client(&mut self) -> Result<Client, PostgresError> {
        let target = self.target.clone();
        let connecting = self.pg.connect(NoTls);
        let (client, connection) = tokio::time::timeout(self.cfg.connect_timeout(), connecting)
            .await
            .map_err(|_| PostgresError::ConnectTimeout {
                target: target.clone(),
            })?
            .map_err(|source| PostgresError::Database {
                op: "connect",
                target: target.clone(),
                retryable: is_retryable(&source),
                source,
            })?;
        let task_target = target.clone();
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                debug!(target_db = %task_target, error = %e, "postgres connection ended");
            }
        });
        self.stats.connections += 1;
        // A crashed writer's open transaction must not hold locks for long: the server ends
        // sessions idle inside a transaction after twice the statement timeout (at least 60 s).
        // Plans are made for each execution: a generic plan cached while the tables were
        // small would go on scanning them whole for `article_id = ANY($1)` as they grow.
        let idle_ms =
            (self.cfg.statement_timeout_ms.saturating_mul(2)).clamp(60_000, i32::MAX as u64);
        client
            .batch_execute(&format!(
                "SET statement_timeout = {}; SET idle_in_transaction_session_timeout = {idle_ms}; \
                 SET plan_cache_mode = force_custom_plan",
                self.cfg.statement_timeout_ms
            ))
            .await
            .map_err(|source| PostgresError::Database {
                op: "session setup",
                target: target.clone(),
                retryable: is_retryable(&source),
                source,
            })?;
        debug!(target_db = %target, "postgres connection opened");
        Ok(client)
    }

    async fn prepare(&self, client: Client) -> Result<Connection, PostgresError> {
        let db = |source| PostgresError::Database {
            op: "prepare",
            target: self.target.clone(),
            retryable: is_retryable(&source),
            source,
        };
        client.batch_execute(CREATE_STAGE).await.map_err(db)?;
        let insert_new = client.prepare(INSERT_NEW_ARTICLES).await.map_err(db)?;
        let update_existing = client.prepare(UPDATE_ARTICLES).await.map_err(db)?;
        let delete_children = client.prepare(DELETE_CHILDREN).await.map_err(db)?;
        Ok(Connection {
            client,
            insert_new,
            update_existing,
            delete_children,
        })
    }

    fn backoff(&self) -> Backoff {
        Backoff {
            next: Duration::from_millis(self.cfg.retry_initial_backoff_ms.max(1)),
            max: Duration::from_millis(self.cfg.retry_max_backoff_ms.max(1)),
            attempts_left: match self.cfg.retry_max_attempts {
                0 => None,
                n => Some(n),
            },
        }
    }
}

impl std::fmt::Debug for PostgresSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresSink")
            .field("target", &self.target)
            .field("connected", &self.is_connected())
            .field("stats", &self.stats)
            .finish()
    }
}

/// Exponential backoff: doubling waits up to a ceiling, for a bounded or unbounded count.
struct Backoff {
    next: Duration,
    max: Duration,
    attempts_left: Option<u32>,
}

impl Iterator for Backoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        if let Some(left) = self.attempts_left.as_mut() {
            if *left == 0 {
                return None;
            }
            *left -= 1;
        }
        let wait = self.next;
        self.next = (self.next * 2).min(self.max);
        Some(wait)
    }
}

/// One attempt at writing a batch: one transaction, committed at the end.
///
/// 1. Binary `COPY` of the batch's articles into the session's staging table.
/// 2. `INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING id` inserts the articles not
///    stored yet and tells which they are (a concurrent writer's uncommitted insert of the
///    same id is waited for, then counts as stored).
/// 3. Only for the others (redeliveries and updates): `UPDATE` their row from the staging
///    table and delete their child rows. New articles, the common case, cost no delete.
/// 4. Binary `COPY` of every child row of the batch.
async fn write_rows(conn: &mut Connection, rows: &BatchRows) -> Result<(), tokio_postgres::Error> {
    let tx = conn.client.transaction().await?;
    let a = &rows.articles;
    copy_stage(&tx, rows).await?;
    let inserted = tx.query(&conn.insert_new, &[]).await?;
    if inserted.len() < a.id.len() {
        let new: HashSet<&str> = inserted.iter().map(|r| r.get::<_, &str>(0)).collect();
        let old: Vec<&String> =
            a.id.iter()
                .filter(|id| !new.contains(id.as_str()))
                .collect();
        let ids: [&(dyn ToSql + Sync); 1] = [&old];
        // Both go out before either answer comes back (tokio-postgres pipelines concurrent
        // requests on one connection).
        let update = tx.execute(&conn.update_existing, &ids);
        let delete = tx.execute(&conn.delete_children, &ids);
        futures::try_join!(update, delete)?;
    }
    copy_countries(&tx, rows).await?;
    copy_weapons(&tx, rows).await?;
    copy_sanctions(&tx, rows).await?;
    copy_target_entities(&tx, rows).await?;
    tx.commit().await
}

async fn copy_stage(tx: &Transaction<'_>, rows: &BatchRows) -> Result<(), tokio_postgres::Error> {
    let a = &rows.articles;
    let sink = tx.copy_in(COPY_STAGE).await?;
    let writer = BinaryCopyInWriter::new(
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
    pin_mut!(writer);
    for i in 0..a.id.len() {
        writer
            .as_mut()
            .write(&[
                &a.id[i],
                &a.feed_id[i],
                &a.feed_url[i],
                &a.url[i],
                &a.canonical_url[i],
                &a.title[i],
                &a.language[i],
                &a.published_at[i],
                &a.updated_at[i],
                &a.fetched_at[i],
                &a.record[i],
            ])
            .await?;
    }
    writer.finish().await.map(|_| ())
}

/// Sends `rows` to `statement` (a `COPY ... FROM STDIN BINARY`) with one binary COPY.
async fn copy_rows<'r, T>(
    tx: &Transaction<'_>,
    statement: &str,
    types: &[Type],
    rows: &'r [T],
    values: impl Fn(&'r T) -> Vec<&'r (dyn ToSql + Sync)>,
) -> Result<(), tokio_postgres::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let sink = tx.copy_in(statement).await?;
    let writer = BinaryCopyInWriter::new(sink, types);
    pin_mut!(writer);
    for row in rows {
        writer.as_mut().write(&values(row)).await?;
    }
    writer.finish().await.map(|_| ())
}

async fn copy_countries(
    tx: &Transaction<'_>,
    rows: &BatchRows,
) -> Result<(), tokio_postgres::Error> {
    use Type as T;
    let types = [T::TEXT, T::TEXT, T::TEXT, T::FLOAT8, T::BOOL, T::INT4];
    copy_rows(tx, COPY_COUNTRIES, &types, &rows.countries, |r| {
        vec![
            &r.article_id,
            &r.code,
            &r.name,
            &r.salience,
            &r.is_primary,
            &r.mention_count,
        ]
    })
    .await
}

async fn copy_weapons(tx: &Transaction<'_>, rows: &BatchRows) -> Result<(), tokio_postgres::Error> {
    use Type as T;
    let types = [T::TEXT, T::TEXT, T::TEXT, T::TEXT, T::TEXT, T::INT4];
    copy_rows(tx, COPY_WEAPONS, &types, &rows.weapons, |r| {
        vec![
            &r.article_id,
            &r.name,
            &r.category,
            &r.origin,
            &r.manufacturer,
            &r.mention_count,
        ]
    })
    .await
}

async fn copy_sanctions(
    tx: &Transaction<'_>,
    rows: &BatchRows,
) -> Result<(), tokio_postgres::Error> {
    use Type as T;
    let types = [
        T::TEXT,
        T::INT4,
        T::INT4,
        T::TEXT,
        T::TEXT,
        T::TEXT,
        T::BOOL,
        T::TEXT_ARRAY,
        T::TEXT_ARRAY,
        T::TEXT,
        T::INT8,
        T::INT8,
    ];
    copy_rows(tx, COPY_SANCTIONS, &types, &rows.sanctions, |r| {
        vec![
            &r.article_id,
            &r.event_index,
            &r.pair_index,
            &r.imposer,
            &r.target,
            &r.action,
            &r.negated,
            &r.sectors,
            &r.programs,
            &r.evidence_field,
            &r.evidence_start,
            &r.evidence_end,
        ]
    })
    .await
}

async fn copy_target_entities(
    tx: &Transaction<'_>,
    rows: &BatchRows,
) -> Result<(), tokio_postgres::Error> {
    use Type as T;
    let types = [
        T::TEXT,
        T::INT4,
        T::INT4,
        T::TEXT,
        T::TEXT,
        T::TEXT,
        T::TEXT,
        T::INT8,
        T::INT8,
    ];
    copy_rows(
        tx,
        COPY_TARGET_ENTITIES,
        &types,
        &rows.target_entities,
        |r| {
            vec![
                &r.article_id,
                &r.event_index,
                &r.entity_index,
                &r.text,
                &r.kind,
                &r.country,
                &r.mention_field,
                &r.mention_start,
                &r.mention_end,
            ]
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_ceiling_and_stops() {
        let b = Backoff {
            next: Duration::from_millis(100),
            max: Duration::from_millis(350),
            attempts_left: Some(4),
        };
        let waits: Vec<u64> = b.map(|d| d.as_millis() as u64).collect();
        assert_eq!(waits, vec![100, 200, 350, 350]);
        let mut forever = Backoff {
            next: Duration::from_millis(1),
            max: Duration::from_millis(2),
            attempts_left: None,
        };
        assert_eq!(forever.nth(1000), Some(Duration::from_millis(2)));
    }
}
