//! Versioned schema migrations, embedded in the binary.
//!
//! Each migration is a SQL file under `crates/sinks/migrations/`, named `NNNN_name.sql` and
//! listed in [`MIGRATIONS`]. Applied migrations are recorded in `newswire_schema_migrations`
//! (version, name, SHA-256 of the SQL, time applied). Migrations are never edited once
//! released: a changed checksum is refused, and so is a database that holds a version this
//! binary does not know (it was migrated by a newer newswire).
//!
//! Applying takes a transaction-scoped advisory lock and runs every missing migration in that
//! one transaction, so sinks starting together migrate once and a failed migration leaves the
//! database as it was.

use sha2::{Digest, Sha256};
use tokio_postgres::Client;

use super::error::{is_retryable, PostgresError};

/// One schema migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Ordinal recorded in `newswire_schema_migrations`; applied in ascending order.
    pub version: i32,
    /// Short name of the migration ("initial"), for logs and errors.
    pub name: &'static str,
    /// The SQL, embedded from `migrations/`.
    pub sql: &'static str,
}

/// Every migration this binary knows, in version order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "sanctions_target_entities",
        sql: include_str!("../../migrations/0002_sanctions_target_entities.sql"),
    },
];

/// Table that records applied migrations.
pub const MIGRATIONS_TABLE: &str = "newswire_schema_migrations";

/// Key of the advisory lock held while migrating ("newswire" in ASCII, as a number).
const LOCK_KEY: i64 = 0x6e_6577_7377_6972;

impl Migration {
    /// Hex SHA-256 of the migration's SQL.
    pub fn checksum(&self) -> String {
        let digest = Sha256::digest(self.sql.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn label(&self) -> String {
        format!("{:04}_{}", self.version, self.name)
    }
}

/// The newest schema version this binary knows.
pub fn latest_version() -> i32 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

#[derive(Debug)]
struct Applied {
    version: i32,
    name: String,
    checksum: String,
}

/// Applies every missing migration; returns the versions it applied.
pub(crate) async fn apply(client: &mut Client, target: &str) -> Result<Vec<i32>, PostgresError> {
    let db = |source| PostgresError::Database {
        op: "migration",
        target: target.to_string(),
        retryable: is_retryable(&source),
        source,
    };
    let tx = client.transaction().await.map_err(db)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(db)?;
    tx.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
             version    integer     PRIMARY KEY,
             name       text        NOT NULL,
             checksum   text        NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )"
    ))
    .await
    .map_err(db)?;
    let applied = read_applied(&tx).await.map_err(db)?;
    let missing = compare(&applied, target)?;
    let mut done = Vec::new();
    for m in missing {
        tx.batch_execute(m.sql)
            .await
            .map_err(|source| PostgresError::Schema {
                target: target.to_string(),
                reason: format!("migration {} failed: {}", m.label(), error_text(&source)),
            })?;
        tx.execute(
            &format!(
                "INSERT INTO {MIGRATIONS_TABLE} (version, name, checksum) VALUES ($1, $2, $3)"
            ),
            &[&m.version, &m.name, &m.checksum()],
        )
        .await
        .map_err(db)?;
        done.push(m.version);
    }
    tx.commit().await.map_err(db)?;
    Ok(done)
}

/// Checks, without changing anything, that the database has every embedded migration.
pub(crate) async fn check(client: &Client, target: &str) -> Result<(), PostgresError> {
    let db = |source| PostgresError::Database {
        op: "migration check",
        target: target.to_string(),
        retryable: is_retryable(&source),
        source,
    };
    let exists: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&MIGRATIONS_TABLE])
        .await
        .map_err(db)?
        .get(0);
    if !exists {
        return Err(PostgresError::Schema {
            target: target.to_string(),
            reason: format!(
                "the database is behind: it has no {MIGRATIONS_TABLE} table (never migrated), \
                 and this binary needs schema version {}; start the sink once without \
                 check_only_migrations to apply the migrations",
                latest_version()
            ),
        });
    }
    let applied = read_applied(client).await.map_err(db)?;
    let missing = compare(&applied, target)?;
    if missing.is_empty() {
        return Ok(());
    }
    let current = applied.iter().map(|a| a.version).max().unwrap_or(0);
    let names: Vec<String> = missing.iter().map(|m| m.label()).collect();
    Err(PostgresError::Schema {
        target: target.to_string(),
        reason: format!(
            "the database is behind: it is at schema version {current}, this binary needs \
             version {}; missing migrations: {}; start the sink once without \
             check_only_migrations to apply them",
            latest_version(),
            names.join(", ")
        ),
    })
}

async fn read_applied<C: tokio_postgres::GenericClient>(
    client: &C,
) -> Result<Vec<Applied>, tokio_postgres::Error> {
    let rows = client
        .query(
            &format!("SELECT version, name, checksum FROM {MIGRATIONS_TABLE} ORDER BY version"),
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Applied {
            version: r.get(0),
            name: r.get(1),
            checksum: r.get(2),
        })
        .collect())
}

/// The embedded migrations the database lacks, after refusing unknown or altered ones.
fn compare(applied: &[Applied], target: &str) -> Result<Vec<&'static Migration>, PostgresError> {
    for a in applied {
        match MIGRATIONS.iter().find(|m| m.version == a.version) {
            None => {
                return Err(PostgresError::Schema {
                    target: target.to_string(),
                    reason: format!(
                        "the database is ahead: it holds migration {:04}_{} which this binary \
                         does not know (it knows up to version {}); run a newer newswire",
                        a.version,
                        a.name,
                        latest_version()
                    ),
                })
            }
            Some(m) if m.checksum() != a.checksum => {
                return Err(PostgresError::Schema {
                    target: target.to_string(),
                    reason: format!(
                        "migration {} was applied with different SQL (checksum {} in the \
                         database, {} in this binary); released migrations must not change",
                        m.label(),
                        a.checksum,
                        m.checksum()
                    ),
                })
            }
            Some(_) => {}
        }
    }
    Ok(MIGRATIONS
        .iter()
        .filter(|m| !applied.iter().any(|a| a.version == m.version))
        .collect())
}

fn error_text(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i32 + 1, "{}", m.name);
            assert!(!m.sql.trim().is_empty());
        }
    }

    #[test]
    fn an_unknown_or_altered_migration_is_refused() {
        let m = &MIGRATIONS[0];
        let good = Applied {
            version: m.version,
            name: m.name.to_string(),
            checksum: m.checksum(),
        };
        let missing = compare(std::slice::from_ref(&good), "t").unwrap();
        assert_eq!(
            missing.len(),
            MIGRATIONS.len() - 1,
            "all but the first are missing"
        );
        assert!(missing.iter().all(|x| x.version != m.version));
        let all: Vec<Applied> = MIGRATIONS
            .iter()
            .map(|x| Applied {
                version: x.version,
                name: x.name.to_string(),
                checksum: x.checksum(),
            })
            .collect();
        assert!(compare(&all, "t").unwrap().is_empty());
        assert_eq!(compare(&[], "t").unwrap().len(), MIGRATIONS.len());
        let altered = Applied {
            checksum: "0".into(),
            ..good
        };
        let err = compare(&[altered], "t").unwrap_err().to_string();
        assert!(err.contains("different SQL"), "{err}");
        let future = Applied {
            version: 9999,
            name: "future".into(),
            checksum: "x".into(),
        };
        let err = compare(&[future], "t").unwrap_err().to_string();
        assert!(
            err.contains("ahead") && err.contains("9999_future"),
            "{err}"
        );
    }
}
