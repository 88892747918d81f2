//! A TCP forwarder a test controls, to make a dependency (PostgreSQL, a broker) unreachable
//! under a running service and bring it back, without touching the shared server itself.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Forwards `127.0.0.1:<port>` to a target while it is up; [`Proxy::cut`] closes the listener
/// and every open connection, [`Proxy::restore`] listens on the same port again.
pub struct Proxy {
    port: u16,
    target: SocketAddr,
    running: Arc<Mutex<Vec<JoinHandle<()>>>>,
    acceptor: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Starts forwarding a free port of 127.0.0.1 to `target`. Needs a tokio runtime.
    pub async fn start(target: SocketAddr) -> anyhow::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let mut proxy = Proxy {
            port,
            target,
            running: Arc::default(),
            acceptor: None,
        };
        proxy.accept_on(listener);
        Ok(proxy)
    }

    /// `127.0.0.1:PORT`, what the service is given instead of the target.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Refuses new connections and resets the open ones: the target is unreachable.
    pub fn cut(&mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            acceptor.abort();
        }
        for task in self.running.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Forwards again, on the same port.
    pub async fn restore(&mut self) -> anyhow::Result<()> {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await?;
        self.accept_on(listener);
        Ok(())
    }

    fn accept_on(&mut self, listener: TcpListener) {
        let (target, running) = (self.target, self.running.clone());
        self.acceptor = Some(tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                let mut running = running.lock().unwrap();
                running.retain(|t| !t.is_finished());
                running.push(task);
            }
        }));
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
    }
}
