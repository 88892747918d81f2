//! Graceful shutdown: the first SIGTERM or SIGINT asks every stage to stop taking work and
//! drain; a second one exits at once (code 130) for an operator who will not wait. SIGHUP is
//! ignored (and logged): it does not reload anything, so a restart is how a service takes a
//! new config or feeds file, and a closed terminal does not kill a service.

use std::time::Duration;

use tokio::sync::watch;

/// The exit status after a second signal: 128 + SIGINT, as shells report an interrupt.
pub const EXIT_INTERRUPTED: u8 = 130;

/// A cloneable handle that resolves once shutdown has been requested.
#[derive(Clone)]
pub struct Shutdown {
    rx: watch::Receiver<bool>,
}

impl Shutdown {
    /// Listens for SIGTERM and SIGINT for the rest of the process. `on_request` runs first
    /// thing when the first signal arrives, before anything waiting on [`Shutdown::requested`]
    /// wakes (readiness turns to draining in the same step).
    pub fn from_signals(on_request: impl FnOnce() + Send + 'static) -> Shutdown {
        let (tx, rx) = watch::channel(false);
        ignore_hangups();
        tokio::spawn(async move {
            wait_for_signal().await;
            on_request();
            tracing::info!("shutdown requested: draining (send the signal again to exit at once)");
            let _ = tx.send(true);
            wait_for_signal().await;
            tracing::warn!("second signal: exiting without draining");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        });
        Shutdown { rx }
    }

    /// Resolves once shutdown has been requested.
    pub async fn requested(&self) {
        let mut rx = self.rx.clone();
        // An error means the sender is gone, which only happens at process exit.
        let _ = rx.wait_for(|requested| *requested).await;
    }
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Logs each SIGHUP instead of dying of it (the default action).
#[cfg(unix)]
fn ignore_hangups() {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        return;
    };
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP ignored: nothing is reloaded; restart the service to apply a new config or feeds file");
        }
    });
}

#[cfg(not(unix))]
fn ignore_hangups() {}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

/// Runs `drain` but gives up after `deadline`, saying so.
pub async fn with_deadline<T>(
    deadline: Duration,
    what: &str,
    drain: impl std::future::Future<Output = T>,
) -> Option<T> {
    match tokio::time::timeout(deadline, drain).await {
        Ok(value) => Some(value),
        Err(_) => {
            tracing::error!(deadline_secs = deadline.as_secs(), "{what} did not finish before the shutdown deadline; unacknowledged records will be delivered again");
            None
        }
    }
}
