//! Shared helpers of the PostgreSQL sink's tests: a throwaway database per test.
//!
//! The server comes from `NEWSWIRE_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); the role must be allowed to create
//! databases. Each [`TestDb`] creates a database with a unique name and drops it (with
//! `FORCE`, ending any session still connected) when dropped, also when the test fails.

#![allow(dead_code)]

pub mod gen;

use std::sync::atomic::{AtomicU64, Ordering};

use newswire_sinks::postgres::PostgresConfig;
use tokio_postgres::{Client, NoTls};

pub const DEFAULT_SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// URL of the server the tests create their databases on.
pub fn server_url() -> String {
    std::env::var("NEWSWIRE_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_SERVER_URL.to_string())
}

/// `url` with its database replaced by `dbname`; works for URLs and key=value strings.
pub fn with_dbname(url: &str, dbname: &str) -> String {
    for scheme in ["postgres://", "postgresql://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            let (main, query) = match rest.find('?') {
                Some(q) => (&rest[..q], &rest[q..]),
                None => (rest, ""),
            };
            let authority = match main.find('/') {
                Some(slash) => &main[..slash],
                None => main,
            };
            return format!("{scheme}{authority}/{dbname}{query}");
        }
    }
    format!("{url} dbname={dbname}")
}

/// A database that exists for one test.
pub struct TestDb {
    pub name: String,
    pub url: String,
    server: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestDb {
    pub async fn create() -> TestDb {
        let server = server_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "newswire_test_{}_{}_{}",
            std::process::id(),
            nanos,
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let admin = connect(&server).await;
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name} on {server}: {e}"));
        TestDb {
            url: with_dbname(&server, &name),
            name,
            server,
        }
    }

    /// A sink configuration for this database with short retry waits.
    pub fn config(&self) -> PostgresConfig {
        PostgresConfig {
            retry_initial_backoff_ms: 20,
            retry_max_backoff_ms: 500,
            ..PostgresConfig::new(self.url.clone())
        }
    }

    /// A plain client on this database, for assertions.
    pub async fn client(&self) -> Client {
        connect(&self.url).await
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let server = self.server.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which must not be blocked on: use a thread
        // with a runtime of its own.
        let joined = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok((client, conn)) = tokio_postgres::connect(&server, NoTls).await {
                    tokio::spawn(conn);
                    if let Err(e) = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await
                    {
                        eprintln!("could not drop test database {name}: {e}");
                    }
                }
            });
        })
        .join();
        if joined.is_err() {
            eprintln!("dropping test database {} failed", self.name);
        }
    }
}

/// Connects a plain client, failing the test with the URL when the server is not there.
pub async fn connect(url: &str) -> Client {
    let (client, conn) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot connect to PostgreSQL at {url}: {e}\n\
             (set NEWSWIRE_TEST_POSTGRES_URL to a server where this role may create databases)"
            )
        });
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

/// Row counts of the five tables.
pub async fn table_counts(client: &Client) -> [i64; 5] {
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_countries), \
                    (SELECT count(*) FROM article_weapons), (SELECT count(*) FROM sanctions_events), \
                    (SELECT count(*) FROM sanctions_target_entities)",
            &[],
        )
        .await
        .expect("count rows");
    [row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)]
}

/// Every row of the five tables as text, in a fixed order, `written_at` left out: two
/// equal dumps mean equal table contents.
pub async fn dump(client: &Client) -> Vec<String> {
    let queries = [
        "SELECT format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', id, feed_id, feed_url, url, \
         canonical_url, title, language, published_at, updated_at, fetched_at, effective_at, \
         record::text) FROM articles ORDER BY id",
        "SELECT format('%s|%s|%s|%s|%s|%s', article_id, code, name, salience, is_primary, \
         mention_count) FROM article_countries ORDER BY article_id, code",
        "SELECT format('%s|%s|%s|%s|%s|%s', article_id, name, category, origin, manufacturer, \
         mention_count) FROM article_weapons ORDER BY article_id, name",
        "SELECT format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', article_id, event_index, \
         pair_index, imposer, target, action, negated, sectors, programs, evidence_field, \
         evidence_start, evidence_end) FROM sanctions_events \
         ORDER BY article_id, event_index, pair_index",
        "SELECT format('%s|%s|%s|%s|%s|%s|%s|%s|%s', article_id, event_index, entity_index, \
         text, kind, country, mention_field, mention_start, mention_end) \
         FROM sanctions_target_entities ORDER BY article_id, event_index, entity_index",
    ];
    let mut out = Vec::new();
    for q in queries {
        for row in client.query(q, &[]).await.expect("dump") {
            out.push(row.get::<_, String>(0));
        }
    }
    out
}
