//! The operator's HTTP listener: `/livez`, `/readyz`, `/metrics`.
//!
//! `/livez` answers 200 while the process runs (no dependency checks, so a slow broker never
//! gets a healthy pod restarted). `/readyz` answers 200 only when every component of
//! [`Health`] is ready and the service is not draining; otherwise 503 with the reasons, one per
//! component (`kafka degraded: brokers 127.0.0.1:9092 unreachable (...)`). `/metrics` is the
//! Prometheus text format.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::health::Health;
use crate::telemetry::Metrics;

#[derive(Clone)]
struct AppState {
    health: Arc<Health>,
    metrics: Arc<Metrics>,
}

/// Binds `addr` and serves until `shutdown` has fired and the caller drops the returned task.
/// Binding errors are returned at once so a bad `--http` is reported at start.
pub async fn serve(
    addr: SocketAddr,
    health: Arc<Health>,
    metrics: Arc<Metrics>,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        crate::failure::Failure::unavailable(format!("--http {addr}: cannot listen: {e}"))
    })?;
    let local = listener.local_addr()?;
    let app = Router::new()
        .route("/livez", get(|| async { "alive\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(AppState { health, metrics });
    let task = tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            tracing::error!(error = %err, "HTTP listener failed");
        }
    });
    tracing::info!(addr = %local, "HTTP listener: /livez /readyz /metrics");
    Ok((local, task))
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let result = state.health.check();
    state.metrics.ready.set(i64::from(result.is_ok()));
    match result {
        Ok(()) => (StatusCode::OK, "ready\n".to_string()),
        Err(reasons) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {}\n", reasons.join(", ")),
        ),
    }
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    state
        .metrics
        .ready
        .set(i64::from(state.health.check().is_ok()));
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;
    use crate::health::ServiceState;

    /// A plain HTTP/1.1 GET over TCP: status code and body.
    fn get(addr: SocketAddr, path: &str) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn readyz_follows_components_and_draining() {
        let health = Health::new();
        let metrics = Metrics::new(true);
        let (addr, _task) = serve("127.0.0.1:0".parse().unwrap(), health.clone(), metrics)
            .await
            .unwrap();
        let fetch = |path: &'static str| tokio::task::spawn_blocking(move || get(addr, path));

        assert_eq!(fetch("/livez").await.unwrap().0, 200);
        let (status, body) = fetch("/readyz").await.unwrap();
        assert_eq!((status, body.as_str()), (503, "not ready: starting\n"));
        health.set(
            "sinks",
            ServiceState::Degraded("postgres: connection lost".into()),
        );
        let (status, body) = fetch("/readyz").await.unwrap();
        assert_eq!(
            (status, body.as_str()),
            (
                503,
                "not ready: sinks degraded: postgres: connection lost\n"
            )
        );
        health.set("sinks", ServiceState::Ready);
        assert_eq!(fetch("/readyz").await.unwrap().0, 200);
        let (_, text) = fetch("/metrics").await.unwrap();
        assert!(text.contains("newswire_ready 1"), "{text}");
        health.start_draining();
        let (status, body) = fetch("/readyz").await.unwrap();
        assert_eq!((status, body.as_str()), (503, "not ready: draining\n"));
        assert_eq!(
            fetch("/livez").await.unwrap().0,
            200,
            "draining is still alive"
        );
    }
}
