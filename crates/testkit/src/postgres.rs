//! A throwaway PostgreSQL database per test, on the server of `NEWSWIRE_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`; the role must be allowed to create
//! databases). Dropped (with `FORCE`) when the [`TestDb`] is dropped, also when a test fails.

use anyhow::Context;
use tokio_postgres::NoTls;

/// The server the tests use.
pub fn server_url() -> String {
    std::env::var("NEWSWIRE_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A database of its own for one test.
pub struct TestDb {
    /// The database's name (`newswire_test_<pid>_<n>`).
    pub name: String,
    server: String,
}

impl TestDb {
    /// Creates a database with a unique name on the test server.
    pub async fn create() -> anyhow::Result<TestDb> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let server = server_url();
        let name = format!(
            "newswire_test_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let (client, conn) = tokio_postgres::connect(&server, NoTls)
            .await
            .with_context(|| {
                format!("cannot connect to PostgreSQL at {server} (set NEWSWIRE_TEST_POSTGRES_URL)")
            })?;
        tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .with_context(|| format!("cannot create database {name}"))?;
        Ok(TestDb { name, server })
    }

    /// The database's URL with `host:port` replaced by `addr` (to reach it through a proxy).
    pub fn url_via(&self, addr: &str) -> String {
        let (base, _) = self.server.rsplit_once('/').unwrap_or((&self.server, ""));
        let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
        let user = rest
            .rsplit_once('@')
            .map(|(u, _)| format!("{u}@"))
            .unwrap_or_default();
        format!("{scheme}://{user}{addr}/{}", self.name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // Drop may run inside a runtime: a thread of its own with its own runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok((client, conn)) = tokio_postgres::connect(&server, NoTls).await {
                    tokio::spawn(conn);
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    if let Err(e) = client.batch_execute(&drop).await {
                        eprintln!("could not drop test database {name}: {e}");
                    }
                }
            });
        })
        .join();
    }
}
