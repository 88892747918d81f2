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
//!
//! See `migrations/0001_initial.sql` for the columns and `QUERYING.md` for queries.
//!
//! # Writes
//!
//! [`PostgresSink::write_batch`] writes a batch in one transaction: the articles are upserted
//! by id with one multi-row `INSERT ... SELECT FROM unnest(...) ON CONFLICT (id) DO UPDATE`,
//! their previous child rows deleted with one statement, and the new child rows sent with
//! binary `COPY`. It returns `Ok` only after `COMMIT` succeeded, so a caller that acknowledges
//! (stores Kafka offsets) only then never loses an article. A lost connection, a server
//! restart, a statement timeout or a serialization failure drops the connection, waits with
//! exponential backoff, reconnects and writes the whole batch again; as every write replaces
//! the article's rows, a batch written twice (or a transaction whose `COMMIT` was cut off after
//! the server committed it) leaves exactly the same rows as one write.
//!
//! Within a batch, an id that occurs more than once is written from its last occurrence.
//! Between batches the last write wins.

mod config;
mod error;
pub mod migrations;
mod rows;

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
use rows::{build_rows, BatchRows};

/// Counters of what the sink has done, for metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostgresStats {
    /// Batches committed.
    pub batches: u64,
    /// Articles committed (after de-duplication within each batch).
    pub articles: u64,
    /// Rows written across the four tables.
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
    upsert_articles: Statement,
    delete_children: Statement,
}

const UPSERT_ARTICLES: &str = "\
INSERT INTO articles (id, feed_id, feed_url, url, canonical_url, title, language,
                      published_at, updated_at, fetched_at, record, written_at)
SELECT u.id, u.feed_id, u.feed_url, u.url, u.canonical_url, u.title, u.language,
       u.published_at, u.updated_at, u.fetched_at, u.record, now()
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::jsonb[])
     AS u(id, feed_id, feed_url, url, canonical_url, title, language,
          published_at, updated_at, fetched_at, record)
ON CONFLICT (id) DO UPDATE SET
    feed_id = EXCLUDED.feed_id,
    feed_url = EXCLUDED.feed_url,
    url = EXCLUDED.url,
    canonical_url = EXCLUDED.canonical_url,
    title = EXCLUDED.title,
    language = EXCLUDED.language,
    published_at = EXCLUDED.published_at,
    updated_at = EXCLUDED.updated_at,
    fetched_at = EXCLUDED.fetched_at,
    record = EXCLUDED.record,
    written_at = EXCLUDED.written_at";

const DELETE_CHILDREN: &str = "\
WITH countries AS (DELETE FROM article_countries WHERE article_id = ANY($1::text[])),
     weapons AS (DELETE FROM article_weapons WHERE article_id = ANY($1::text[]))
DELETE FROM sanctions_events WHERE article_id = ANY($1::text[])";

const COPY_COUNTRIES: &str = "COPY article_countries \
    (article_id, code, name, salience, is_primary, mention_count) FROM STDIN (FORMAT binary)";
const COPY_WEAPONS: &str = "COPY article_weapons \
    (article_id, name, category, origin, manufacturer, mention_count) FROM STDIN (FORMAT binary)";
const COPY_SANCTIONS: &str = "COPY sanctions_events \
    (article_id, event_index, pair_index, imposer, target, action, negated, sectors, programs, \
     evidence_field, evidence_start, evidence_end) FROM STDIN (FORMAT binary)";

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
        let mut backoff = self.backoff();
        loop {
            match self.write_once(&rows).await {
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
        let idle_ms =
            (self.cfg.statement_timeout_ms.saturating_mul(2)).clamp(60_000, i32::MAX as u64);
        client
            .batch_execute(&format!(
                "SET statement_timeout = {}; SET idle_in_transaction_session_timeout = {idle_ms}",
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
        let upsert_articles = client.prepare(UPSERT_ARTICLES).await.map_err(db)?;
        let delete_children = client.prepare(DELETE_CHILDREN).await.map_err(db)?;
        Ok(Connection {
            client,
            upsert_articles,
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
async fn write_rows(conn: &mut Connection, rows: &BatchRows) -> Result<(), tokio_postgres::Error> {
    let tx = conn.client.transaction().await?;
    let a = &rows.articles;
    let params: [&(dyn ToSql + Sync); 11] = [
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
        &a.record,
    ];
    // Both statements go out before either answer comes back (tokio-postgres pipelines
    // concurrent requests on one connection).
    let upsert = tx.execute(&conn.upsert_articles, &params);
    let ids: [&(dyn ToSql + Sync); 1] = [&a.id];
    let delete = tx.execute(&conn.delete_children, &ids);
    futures::try_join!(upsert, delete)?;

    copy_countries(&tx, rows).await?;
    copy_weapons(&tx, rows).await?;
    copy_sanctions(&tx, rows).await?;
    tx.commit().await
}

async fn copy_countries(
    tx: &Transaction<'_>,
    rows: &BatchRows,
) -> Result<(), tokio_postgres::Error> {
    if rows.countries.is_empty() {
        return Ok(());
    }
    let sink = tx.copy_in(COPY_COUNTRIES).await?;
    let writer = BinaryCopyInWriter::new(
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
    pin_mut!(writer);
    for r in &rows.countries {
        writer
            .as_mut()
            .write(&[
                &r.article_id,
                &r.code,
                &r.name,
                &r.salience,
                &r.is_primary,
                &r.mention_count,
            ])
            .await?;
    }
    writer.finish().await.map(|_| ())
}

async fn copy_weapons(tx: &Transaction<'_>, rows: &BatchRows) -> Result<(), tokio_postgres::Error> {
    if rows.weapons.is_empty() {
        return Ok(());
    }
    let sink = tx.copy_in(COPY_WEAPONS).await?;
    let writer = BinaryCopyInWriter::new(
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
    pin_mut!(writer);
    for r in &rows.weapons {
        writer
            .as_mut()
            .write(&[
                &r.article_id,
                &r.name,
                &r.category,
                &r.origin,
                &r.manufacturer,
                &r.mention_count,
            ])
            .await?;
    }
    writer.finish().await.map(|_| ())
}

async fn copy_sanctions(
    tx: &Transaction<'_>,
    rows: &BatchRows,
) -> Result<(), tokio_postgres::Error> {
    if rows.sanctions.is_empty() {
        return Ok(());
    }
    let sink = tx.copy_in(COPY_SANCTIONS).await?;
    let writer = BinaryCopyInWriter::new(
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
    pin_mut!(writer);
    for r in &rows.sanctions {
        writer
            .as_mut()
            .write(&[
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
            ])
            .await?;
    }
    writer.finish().await.map(|_| ())
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
