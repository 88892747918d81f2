//! Readiness follows the dependencies under a running service: `/readyz` answers 503 naming
//! the cause once the (real, Tansu) broker is killed, or once PostgreSQL becomes unreachable
//! (through a TCP proxy the test cuts; the shared server is never touched), and 200 again when
//! they are back; `newswire_ready` follows. The process keeps running throughout.

mod http_support;
mod kafka_support;

use std::time::{Duration, Instant};

use http_support::{http_get, sum};
use kafka_support::*;
use newswire_testkit::postgres::{server_url, TestDb};
use newswire_testkit::proxy::Proxy;

/// Polls `/readyz` until `want` accepts (status, body); the last answer and how long it took.
async fn readyz_until(
    port: u16,
    within: Duration,
    service: &mut Service,
    want: impl Fn(u16, &str) -> bool,
) -> (u16, String, Duration) {
    let started = Instant::now();
    let mut last = (0, String::from("no answer"));
    while started.elapsed() < within {
        assert!(
            service.is_running(),
            "the service exited ({}):\n{}",
            service.exit_status(),
            service.log()
        );
        let answer = tokio::task::spawn_blocking(move || http_get(port, "/readyz"))
            .await
            .unwrap();
        if let Ok((status, body)) = answer {
            if want(status, &body) {
                return (status, body, started.elapsed());
            }
            last = (status, body);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    (last.0, last.1, started.elapsed())
}

async fn ready_gauge(port: u16) -> f64 {
    let (_, text) = tokio::task::spawn_blocking(move || http_get(port, "/metrics"))
        .await
        .unwrap()
        .unwrap();
    sum(&text, "newswire_ready", &[])
}

// The restarted broker (Tansu, memory storage) has lost the topics: the consumer's first Fetch
// asks for the old topic ids, and Tansu answers with a zero topic id. Unpatched librdkafka
// 2.12.1 died of SIGSEGV on that reply (a NULL topic name in `rd_kafka_metadata_update_op`);
// the vendored rdkafka-sys (vendor/rdkafka-sys/NEWSWIRE.md) guards it, and this test is the
// proof that it does, so it stays on memory storage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_names_the_broker_while_it_is_down_and_recovers() {
    let mut tansu = Tansu::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let port = newswire_testkit::free_port().unwrap();
    let (brokers, http) = (tansu.brokers(), format!("127.0.0.1:{port}"));
    let mut service = Service::start(
        "enrich",
        dir.path(),
        &["enrich", "--serve", "--brokers", &brokers, "--http", &http],
    );
    let ok = |s: u16, _: &str| s == 200;
    let (status, body, _) = readyz_until(port, Duration::from_secs(90), &mut service, ok).await;
    assert_eq!(status, 200, "never ready: {body}\n{}", service.log());
    assert_eq!(ready_gauge(port).await, 1.0);

    tansu.stop();
    let down = |s: u16, b: &str| s == 503 && b.contains(&brokers);
    let (status, body, took) =
        readyz_until(port, Duration::from_secs(45), &mut service, down).await;
    assert_eq!(
        (status, body.contains(&brokers)),
        (503, true),
        "/readyz with the broker gone: {body}\n{}",
        service.log()
    );
    assert!(body.contains("kafka degraded"), "{body}\n{}", service.log());
    assert_eq!(ready_gauge(port).await, 0.0);
    eprintln!("503 naming the broker {took:?} after it was killed: {body}");

    tansu.restart().unwrap();
    let (status, body, took) = readyz_until(port, Duration::from_secs(120), &mut service, ok).await;
    assert_eq!(
        status,
        200,
        "/readyz after the broker came back: {body}\n{}",
        service.log()
    );
    assert_eq!(ready_gauge(port).await, 1.0);
    eprintln!("200 again {took:?} after the broker restarted");
    let status = service.terminate(Duration::from_secs(30));
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

/// `host:port` of the test PostgreSQL server.
fn server_addr() -> std::net::SocketAddr {
    let url = server_url();
    let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let host_port = after_scheme
        .rsplit_once('@')
        .map_or(after_scheme, |(_, h)| h)
        .split('/')
        .next()
        .unwrap_or("127.0.0.1:5432");
    let host_port = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    };
    let host_port = host_port.replace("localhost", "127.0.0.1");
    host_port
        .parse()
        .expect("a numeric host:port in NEWSWIRE_TEST_POSTGRES_URL")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_names_the_database_while_it_is_unreachable_and_recovers() {
    let tansu = Tansu::start().unwrap();
    let db = TestDb::create().await.unwrap();
    let mut proxy = Proxy::start(server_addr()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let port = newswire_testkit::free_port().unwrap();
    let (brokers, http) = (tansu.brokers(), format!("127.0.0.1:{port}"));
    let url = db.url_via(&proxy.addr());
    let mut service = Service::start(
        "sink",
        dir.path(),
        &[
            "sink",
            "--brokers",
            &brokers,
            "--postgres",
            &url,
            "--http",
            &http,
        ],
    );
    let ok = |s: u16, _: &str| s == 200;
    let (status, body, _) = readyz_until(port, Duration::from_secs(90), &mut service, ok).await;
    assert_eq!(status, 200, "never ready: {body}\n{}", service.log());

    proxy.cut();
    let down = |s: u16, b: &str| s == 503 && b.contains("sinks degraded: postgres");
    let (status, body, took) =
        readyz_until(port, Duration::from_secs(45), &mut service, down).await;
    assert_eq!(
        status,
        503,
        "/readyz with the database unreachable: {body}\n{}",
        service.log()
    );
    assert!(body.contains(&db.name), "names the database: {body}");
    assert_eq!(ready_gauge(port).await, 0.0);
    eprintln!("503 naming the database {took:?} after the cut: {body}");

    proxy.restore().await.unwrap();
    let (status, body, took) = readyz_until(port, Duration::from_secs(60), &mut service, ok).await;
    assert_eq!(
        status,
        200,
        "/readyz after the database came back: {body}\n{}",
        service.log()
    );
    eprintln!("200 again {took:?} after the database came back");
    let status = service.terminate(Duration::from_secs(30));
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}
