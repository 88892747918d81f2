//! A small HTTP/1.1 fixture server on 127.0.0.1 for the fetcher and poller tests: real TCP,
//! one request per connection, replies decided by a handler, every request recorded.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names lower-cased.
    pub headers: HashMap<String, String>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// What to answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Send the body in pieces of this size with this pause before each.
    pub trickle: Option<(usize, Duration)>,
    /// Leave out Content-Length (body ends when the connection closes).
    pub no_length: bool,
    /// Send the body again and again until the client hangs up (implies `no_length`).
    pub endless: bool,
}

impl Reply {
    pub fn new(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            trickle: None,
            no_length: false,
            endless: false,
        }
    }

    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(200)
            .header("Content-Type", content_type)
            .body(body)
    }

    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }

    pub fn body(mut self, b: impl Into<Vec<u8>>) -> Reply {
        self.body = b.into();
        self
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// The running server. Dropping it stops accepting.
pub struct Server {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let reqs = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let handler = handler.clone();
                let reqs = reqs.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let head_end = loop {
                        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break p;
                        }
                        if buf.len() > 65536 {
                            return;
                        }
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                    let mut lines = head.split("\r\n");
                    let mut first = lines.next().unwrap_or("").split_whitespace();
                    let method = first.next().unwrap_or("").to_string();
                    let path = first.next().unwrap_or("").to_string();
                    let headers = lines
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                        .collect();
                    let req = Request {
                        method,
                        path,
                        headers,
                    };
                    reqs.lock().unwrap().push(req.clone());
                    let reply = handler(&req);
                    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
                    for (k, v) in &reply.headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    if !reply.no_length && !reply.endless {
                        out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
                    }
                    out.push_str("Connection: close\r\n\r\n");
                    if sock.write_all(out.as_bytes()).await.is_err() {
                        return;
                    }
                    loop {
                        match reply.trickle {
                            None => {
                                if sock.write_all(&reply.body).await.is_err() {
                                    return;
                                }
                            }
                            Some((size, pause)) => {
                                for piece in reply.body.chunks(size.max(1)) {
                                    tokio::time::sleep(pause).await;
                                    if sock.write_all(piece).await.is_err() {
                                        return;
                                    }
                                    let _ = sock.flush().await;
                                }
                            }
                        }
                        if !reply.endless {
                            break;
                        }
                    }
                    let _ = sock.shutdown().await;
                });
            }
        });
        Server {
            addr,
            requests,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Requests seen so far for a path.
    pub fn requests_for(&self, path: &str) -> Vec<Request> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A small RSS document with `n` items whose links live under `base`.
pub fn rss(base: &str, n: usize) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Fixture</title><link>https://example.com/</link>");
    for i in 0..n {
        s.push_str(&format!(
            "<item><title>Story {i}: Ministers discuss air defence sales</title><link>{base}/story/{i}</link>\
             <pubDate>Mon, 02 Nov 2026 0{}:00:00 GMT</pubDate>\
             <description><![CDATA[<p>Paragraph one of story {i}, about talks on frigates and drones number {i}.</p><p>Paragraph two, with details {i}.</p>]]></description></item>",
            i % 10
        ));
    }
    s.push_str("</channel></rss>");
    s
}
