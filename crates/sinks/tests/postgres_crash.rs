//! Crash test: a real sink process is killed with SIGKILL while its transaction is open,
//! restarted from the last position it reported as committed (minus one batch, as an
//! at-least-once consumer may redeliver), and in the end no article is missing and no row is
//! duplicated.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{gen, table_counts, TestDb};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const WRITER: &str = env!("CARGO_BIN_EXE_newswire-pg-crash-writer");
const SEED: u64 = 11;
const TOTAL: u64 = 2400;
const BATCH: u64 = 200;

struct Writer {
    child: Child,
    committed: Arc<AtomicU64>,
    reader: tokio::task::JoinHandle<bool>,
}

fn start_writer(db: &TestDb, from: u64, now: i64, app: &str) -> Writer {
    let mut child = Command::new(WRITER)
        .args([
            db.url.as_str(),
            &SEED.to_string(),
            &from.to_string(),
            &TOTAL.to_string(),
            &BATCH.to_string(),
            &now.to_string(),
            app,
        ])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the crash writer");
    let committed = Arc::new(AtomicU64::new(from));
    let stdout = child.stdout.take().expect("piped stdout");
    let seen = committed.clone();
    let reader = tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        let mut done = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(n) = line.strip_prefix("committed ") {
                if let Ok(n) = n.parse::<u64>() {
                    seen.store(n, Ordering::SeqCst);
                }
            } else if line == "done" {
                done = true;
            }
        }
        done
    });
    Writer {
        child,
        committed,
        reader,
    }
}

/// Ids present in `articles`, in stream order.
async fn stored_indexes(client: &tokio_postgres::Client) -> Vec<u64> {
    let mut idx: Vec<u64> = client
        .query("SELECT id FROM articles", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let id: String = r.get(0);
            id.rsplit('-').next().unwrap().parse::<u64>().unwrap()
        })
        .collect();
    idx.sort_unstable();
    idx
}

fn expected_counts(n: u64, now: chrono::DateTime<chrono::Utc>) -> [i64; 5] {
    let mut total = [0i64; 5];
    for rec in gen::articles(SEED, 0..n, now) {
        for (t, k) in total.iter_mut().zip(gen::expected_rows(&rec)) {
            *t += k as i64;
        }
    }
    total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_sink_mid_batch_loses_nothing_and_duplicates_nothing() {
    let db = TestDb::create().await;
    let client = db.client().await;
    let now = chrono::Utc::now().timestamp();
    let now_dt = chrono::DateTime::from_timestamp(now, 0).unwrap();
    let app = format!("nw-crash-{}", std::process::id());

    let mut resume_from = 0u64;
    for round in 0..3 {
        let mut w = start_writer(&db, resume_from, now, &app);
        // Let it commit at least one batch this round, then catch it inside a transaction.
        let mut caught = false;
        for _ in 0..20_000 {
            if w.committed.load(Ordering::SeqCst) > resume_from {
                let rows = client
                    .query(
                        "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 \
                         AND xact_start IS NOT NULL AND state <> 'idle'",
                        &[&app],
                    )
                    .await
                    .unwrap();
                if !rows.is_empty() {
                    w.child.start_kill().expect("SIGKILL the writer");
                    caught = true;
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(
            caught,
            "round {round}: never saw the writer inside a transaction"
        );
        let status = w.child.wait().await.unwrap();
        assert!(!status.success(), "round {round}: the writer was killed");
        let finished = w.reader.await.unwrap();
        assert!(!finished, "round {round}: killed before the end");
        let reported = w.committed.load(Ordering::SeqCst);

        // The server ends the dead session and rolls its transaction back.
        for _ in 0..500 {
            let open: i64 = client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                    &[&app],
                )
                .await
                .unwrap()
                .get(0);
            if open == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }

        // Every batch reported committed is there, whole; the killed one is not there at all.
        let stored = stored_indexes(&client).await;
        let n = stored.len() as u64;
        assert!(
            n >= reported,
            "round {round}: {n} stored < {reported} reported committed"
        );
        assert_eq!(
            n % BATCH,
            0,
            "round {round}: a partial batch is visible ({n} articles)"
        );
        assert_eq!(stored, (0..n).collect::<Vec<_>>(), "round {round}: a gap");
        assert_eq!(
            table_counts(&client).await,
            expected_counts(n, now_dt),
            "round {round}"
        );

        // Resume from the stored offset, one batch early: the overlap is written twice.
        resume_from = reported.saturating_sub(BATCH);
    }

    let mut w = start_writer(&db, resume_from, now, &app);
    let status = tokio::time::timeout(Duration::from_secs(300), w.child.wait())
        .await
        .expect("the last run finishes")
        .unwrap();
    assert!(status.success(), "the last run exits 0");
    assert!(w.reader.await.unwrap(), "the last run reports done");

    assert_eq!(
        stored_indexes(&client).await,
        (0..TOTAL).collect::<Vec<_>>()
    );
    assert_eq!(table_counts(&client).await, expected_counts(TOTAL, now_dt));
    let dup: i64 = client
        .query_one(
            "SELECT (SELECT count(*) - count(DISTINCT id) FROM articles) \
                  + (SELECT count(*) - count(DISTINCT (article_id, code)) FROM article_countries) \
                  + (SELECT count(*) - count(DISTINCT (article_id, name)) FROM article_weapons) \
                  + (SELECT count(*) - count(DISTINCT (article_id, event_index, imposer, target)) \
                     FROM sanctions_events)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(dup, 0, "duplicate rows");
}
