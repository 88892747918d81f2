//! Shared by the kafka_*.rs tests: a real Tansu per test, the real `newswire` binary as
//! separate service processes, raw articles, and a reader that follows a topic.
#![allow(dead_code, unused_imports)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use newswire_bus::kafka::rdkafka::consumer::{BaseConsumer, Consumer as _};
use newswire_bus::kafka::rdkafka::message::{Headers, Message};
use newswire_bus::kafka::rdkafka::{ClientConfig, Offset, TopicPartitionList};
use newswire_bus::kafka::KafkaSettings;
use newswire_bus::Record;
use newswire_model::Article;

pub use newswire_testkit::kafka::{produce, read_topic};
pub use newswire_testkit::Tansu;

pub const RAW: &str = "newswire.articles.raw.v1";
pub const ENRICHED: &str = "newswire.articles.enriched.v1";
pub const DLQ: &str = "newswire.articles.dlq.v1";

/// A raw article record as the poll stage sends it.
pub fn raw_article(i: usize) -> Record {
    let title = format!("Turkey weighs second S-400 batch from Russia ({i})");
    let body = format!(
        "ANKARA, item {i} - Turkey said on Monday it would take delivery of more S-400 systems \
         from Russia, and the United States threatened sanctions under CAATSA."
    );
    let article = Article::from_text(format!("test-{i:05}"), title, body);
    Record::new(article.id.clone(), serde_json::to_vec(&article).unwrap())
        .with_header("content-type", "application/json")
        .with_header("newswire-schema", "article/1")
        .with_header("newswire-stage", "poll")
}

/// A service process: the real `newswire` binary, logging to a file.
pub struct Service {
    pub name: String,
    child: Option<Child>,
    log: PathBuf,
    /// How the process ended, once `is_running` saw it end (a signal or an exit code).
    exited: Option<std::process::ExitStatus>,
}

impl Service {
    pub fn start(name: &str, dir: &Path, args: &[&str]) -> Service {
        let log = dir.join(format!("{name}.log"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_newswire"))
            .args(args)
            .current_dir(dir)
            .env("NEWSWIRE_KAFKA__CONSUMER__SESSION_TIMEOUT_MS", "6000")
            .env("NEWSWIRE_SHUTDOWN__DEADLINE_SECS", "20")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("the newswire binary starts");
        Service {
            name: name.to_string(),
            child: Some(child),
            log,
            exited: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    /// SIGKILL: no drain, no commit.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM, then wait for a clean exit (at most `timeout`).
    pub fn terminate(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let mut c = self.child.take()?;
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = c.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                let _ = c.kill();
                let _ = c.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut().map(|c| c.try_wait()) {
            Some(Ok(None)) => true,
            Some(Ok(Some(status))) => {
                self.exited = Some(status);
                false
            }
            _ => false,
        }
    }

    /// How the process ended (e.g. "signal: 11 (SIGSEGV)"), when `is_running` saw it end.
    pub fn exit_status(&self) -> String {
        self.exited
            .map_or_else(|| "unknown".to_string(), |s| s.to_string())
    }

    /// Waits for the process to exit by itself.
    pub fn wait(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                self.child = None;
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// What a [`Follower`] saw of a topic.
#[derive(Default)]
pub struct Seen {
    /// Records per key.
    pub keys: HashMap<String, usize>,
    pub total: usize,
    pub records: Vec<Record>,
}

impl Seen {
    pub fn distinct(&self) -> usize {
        self.keys.len()
    }
    pub fn duplicates(&self) -> usize {
        self.total - self.keys.len()
    }
}

/// Follows a topic from the beginning on a background thread (read_committed, no group).
pub struct Follower {
    pub seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Follower {
    pub fn start(settings: &KafkaSettings, topic: &str, keep_records: bool) -> Follower {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (brokers, topic) = (settings.brokers.clone(), topic.to_string());
        let (s, st) = (seen.clone(), stop.clone());
        let thread = std::thread::spawn(move || follow(&brokers, &topic, keep_records, &s, &st));
        Follower {
            seen,
            stop,
            thread: Some(thread),
        }
    }

    pub fn distinct(&self) -> usize {
        self.seen.lock().unwrap().distinct()
    }

    /// As [`Follower::wait_distinct`], giving up early when `service` exited.
    pub fn wait_distinct_alive(&self, n: usize, timeout: Duration, service: &mut Service) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.distinct() >= n {
                return true;
            }
            if !service.is_running() {
                return self.distinct() >= n;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// Waits until `distinct` keys were seen; false on timeout.
    pub fn wait_distinct(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.distinct() >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn follow(brokers: &str, topic: &str, keep: bool, seen: &Mutex<Seen>, stop: &AtomicBool) {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", "test-follower")
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed")
        .create()
        .unwrap();
    let partitions = loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let n = consumer
            .fetch_metadata(Some(topic), Duration::from_secs(2))
            .ok()
            .and_then(|m| m.topics().first().map(|t| t.partitions().len()))
            .unwrap_or(0);
        if n > 0 {
            break n;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions as i32 {
        tpl.add_partition_offset(topic, p, Offset::Beginning)
            .unwrap();
    }
    consumer.assign(&tpl).unwrap();
    while !stop.load(Ordering::SeqCst) {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(100)) {
            let key = m
                .key()
                .map(|k| String::from_utf8_lossy(k).into_owned())
                .unwrap_or_default();
            let mut seen = seen.lock().unwrap();
            *seen.keys.entry(key.clone()).or_default() += 1;
            seen.total += 1;
            if keep {
                let mut record =
                    Record::new(key, m.payload().map(<[u8]>::to_vec).unwrap_or_default());
                if let Some(h) = m.headers() {
                    for h in h.iter() {
                        let v = h
                            .value
                            .map(|v| String::from_utf8_lossy(v).into_owned())
                            .unwrap_or_default();
                        record.headers.push((h.key.to_string(), v));
                    }
                }
                seen.records.push(record);
            }
        }
    }
}

/// Creates the pipeline's topics with `partitions` partitions.
pub async fn create_topics(settings: &KafkaSettings, partitions: i32) {
    use newswire_bus::kafka::admin::{ensure_topics, TopicSpec};
    let specs: Vec<TopicSpec> = [RAW, ENRICHED, DLQ]
        .into_iter()
        .map(|t| TopicSpec::new(t, partitions, 1))
        .collect();
    ensure_topics(settings, &specs).await.unwrap();
}
