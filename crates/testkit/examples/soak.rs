//! Soak: the whole pipeline over Kafka for a long time at a steady article rate, with bounds
//! that must hold.
//!
//!   cargo build --release -p newswire -p newswire-testkit --examples
//!   target/release/examples/soak target/release/newswire --minutes 30 [--rate 500] [--feeds 50]
//!       [--interval 2] [--out DIR] [--max-rss-mb 512] [--max-fds 256] [--drain-secs 300]
//!       [--near-dup-window-hours H]
//!
//! Starts Tansu, a local HTTP server whose feeds gain fresh articles at `--rate` per second in
//! total, and the three services as separate processes (`newswire poll`, `newswire enrich
//! --serve`, `newswire sink --jsonl`). Every 10 s it samples each process's resident memory
//! (VmRSS) and open file descriptors, the articles served to the poller and those reaching the
//! sink, and the consumer lag the services publish. After `--minutes` the feeds stop growing,
//! the pipeline drains, the services get SIGTERM, and the bounds are checked. Writes
//! `samples.csv`, `summary.md` and the service logs to `--out`; exits 1 if a bound fails.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use newswire_testkit::{free_port, Tansu};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

const SAMPLE_EVERY: Duration = Duration::from_secs(10);
const SERVICES: [&str; 3] = ["poll", "enrich", "sink"];

/// Command-line settings.
#[derive(Debug, Clone)]
struct Args {
    newswire: PathBuf,
    minutes: f64,
    rate: f64,
    feeds: usize,
    interval: u64,
    out: PathBuf,
    max_rss_mb: f64,
    max_fds: usize,
    drain_secs: u64,
    /// `fetch.near_dup_window_hours` for the poller (`None`: the product default).
    near_dup_hours: Option<u64>,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut raw = std::env::args().skip(1);
    let newswire = raw
        .next()
        .context("usage: soak PATH/TO/newswire [--minutes M] [--rate R] [--feeds F] [--interval S] [--out DIR] [--max-rss-mb MB] [--max-fds N] [--drain-secs S] [--near-dup-window-hours H]")?;
    let mut args = Args {
        newswire: PathBuf::from(newswire),
        minutes: 30.0,
        rate: 500.0,
        feeds: 50,
        interval: 2,
        out: std::env::temp_dir().join(format!("newswire-soak-{}", std::process::id())),
        max_rss_mb: 512.0,
        max_fds: 256,
        drain_secs: 300,
        near_dup_hours: None,
    };
    while let Some(flag) = raw.next() {
        let value = raw
            .next()
            .with_context(|| format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| anyhow::anyhow!("{flag} {value:?}: {e}");
        match flag.as_str() {
            "--minutes" => args.minutes = value.parse().map_err(|e| bad(&e))?,
            "--rate" => args.rate = value.parse().map_err(|e| bad(&e))?,
            "--feeds" => args.feeds = value.parse().map_err(|e| bad(&e))?,
            "--interval" => args.interval = value.parse().map_err(|e| bad(&e))?,
            "--out" => args.out = PathBuf::from(&value),
            "--max-rss-mb" => args.max_rss_mb = value.parse().map_err(|e| bad(&e))?,
            "--max-fds" => args.max_fds = value.parse().map_err(|e| bad(&e))?,
            "--drain-secs" => args.drain_secs = value.parse().map_err(|e| bad(&e))?,
            "--near-dup-window-hours" => {
                args.near_dup_hours = Some(value.parse().map_err(|e| bad(&e))?)
            }
            _ => bail!("unknown option {flag}"),
        }
    }
    if args.feeds == 0 || args.rate <= 0.0 || args.interval == 0 || args.minutes <= 0.0 {
        bail!("--feeds, --rate, --interval and --minutes must be positive");
    }
    Ok(args)
}

// ---------------------------------------------------------------------------------------------
// The fixture server: feed `i` gains an item every 1/(rate/feeds) s; each response lists the
// newest `window` items, enough to cover several missed polls.

/// What the server has handed out to the poller.
struct Served {
    /// Per feed: every item below this sequence number has been served at least once.
    upto: Vec<u64>,
    /// Items that left a feed's window before any response listed them.
    gaps: u64,
    requests: u64,
}

struct Fixture {
    port: u16,
    start: Instant,
    /// Unix seconds at `start`.
    epoch: f64,
    per_feed_rate: f64,
    window: u64,
    /// Seconds after `start` at which feeds stop growing (u64::MAX bits = never).
    frozen_at: AtomicU64,
    served: Mutex<Served>,
    emitted: AtomicU64,
}

impl Fixture {
    fn new(port: u16, args: &Args) -> Fixture {
        let per_feed_rate = args.rate / args.feeds as f64;
        // Three polling intervals of items plus slack: a late poll still sees every item.
        let window = (per_feed_rate * args.interval as f64 * 3.0).ceil() as u64 + 10;
        Fixture {
            port,
            start: Instant::now(),
            epoch: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
            per_feed_rate,
            window,
            frozen_at: AtomicU64::new(f64::INFINITY.to_bits()),
            served: Mutex::new(Served {
                upto: vec![0; args.feeds],
                gaps: 0,
                requests: 0,
            }),
            emitted: AtomicU64::new(0),
        }
    }

    fn freeze(&self) {
        let now = self.start.elapsed().as_secs_f64();
        self.frozen_at.store(now.to_bits(), Ordering::SeqCst);
    }

    /// Items feed `feed` has published so far (feeds are phase-shifted so they do not tick
    /// together).
    fn published(&self, feed: usize, feeds: usize) -> u64 {
        let frozen = f64::from_bits(self.frozen_at.load(Ordering::SeqCst));
        let t = self.start.elapsed().as_secs_f64().min(frozen);
        (t * self.per_feed_rate + feed as f64 / feeds as f64).floor() as u64
    }

    /// The document for feed `feed`, recording which items it hands out.
    fn feed_document(&self, feed: usize) -> Option<String> {
        let mut served = self.served.lock().ok()?;
        let feeds = served.upto.len();
        if feed >= feeds {
            return None;
        }
        let hi = self.published(feed, feeds);
        let lo = hi.saturating_sub(self.window);
        let upto = served.upto[feed];
        served.requests += 1;
        if hi > upto {
            served.gaps += lo.saturating_sub(upto);
            self.emitted.fetch_add(hi - lo.max(upto), Ordering::SeqCst);
            served.upto[feed] = hi;
        }
        drop(served);
        Some(rss(
            self.port,
            feed,
            lo..hi,
            (self.epoch, feeds, self.per_feed_rate),
        ))
    }
}

const SENTENCES: [&str; 24] = [
    "Officials in Ankara said the air defence talks with Moscow would resume next week.",
    "Washington warned that further purchases could trigger sanctions on the state arms agency.",
    "The European Union extended its asset freeze on several banks for another six months.",
    "Ukraine asked Germany and France for more artillery shells and armoured vehicles.",
    "A delegation from Japan visited Seoul to discuss missile early-warning cooperation.",
    "Brazil and Argentina signed a memorandum on joint patrol boats for the river border.",
    "India took delivery of a second batch of transport helicopters from the manufacturer.",
    "Analysts in London said the export ban would hit drone component suppliers hardest.",
    "The United Nations panel reported shipments of rifles reaching armed groups in Sudan.",
    "Canada announced new travel bans on officials linked to the crackdown in Iran.",
    "Poland ordered more main battle tanks and self-propelled howitzers this spring.",
    "Nigeria said its air force would receive light attack aircraft before the rainy season.",
    "Norway and Sweden agreed to share maintenance of their submarine fleets.",
    "Egypt bought frigates from Italy in a deal worth more than a billion euros.",
    "Australia confirmed the first nuclear-powered submarine crews had begun training.",
    "Mexico asked the United States to curb the flow of firearms across the border.",
    "The Treasury added three shipping firms to its list over oil cargoes from Venezuela.",
    "Kenya hosted talks on demining with observers from Ethiopia and Somalia.",
    "Israel said it intercepted rockets over the north with its short-range defence system.",
    "China criticised the latest round of export controls on advanced chips.",
    "Greece and Cyprus held naval exercises in the eastern Mediterranean on Tuesday.",
    "South Africa's arms control committee approved exports of armoured personnel carriers.",
    "Indonesia is weighing fighter jets from France after talks with another supplier stalled.",
    "Finland raised its defence budget and ordered long-range rocket launchers.",
];

/// An RSS document with items `items` of feed `feed`, newest first, each dated when the
/// fixture published it (`epoch`: Unix seconds of the fixture's start).
fn rss(port: u16, feed: usize, items: std::ops::Range<u64>, timing: (f64, usize, f64)) -> String {
    let (epoch, feeds, per_feed_rate) = timing;
    let mut doc = String::with_capacity(2048 * (items.end - items.start) as usize + 512);
    let _ = write!(
        doc,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Soak feed {feed}</title><link>http://127.0.0.1:{port}/</link>\
         <description>Synthetic news for the soak test</description><language>en</language>"
    );
    for seq in items.rev() {
        let at = epoch + (seq as f64 - feed as f64 / feeds as f64) / per_feed_rate;
        item(&mut doc, port, feed, seq, &rfc2822(at.max(0.0) as u64));
    }
    doc.push_str("</channel></rss>\n");
    doc
}

fn item(doc: &mut String, port: u16, feed: usize, seq: u64, date: &str) {
    let mut h = (feed as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ seq.wrapping_mul(0xff51_afd7);
    let mut body = format!("Dispatch {seq} from desk {feed}.");
    for _ in 0..8 {
        h ^= h >> 29;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        body.push(' ');
        body.push_str(SENTENCES[(h >> 40) as usize % SENTENCES.len()]);
    }
    let title = &SENTENCES[(h >> 20) as usize % SENTENCES.len()];
    let _ = write!(
        doc,
        "<item><title>{title} ({feed}/{seq})</title>\
         <link>http://127.0.0.1:{port}/a/{feed}/{seq}</link>\
         <guid isPermaLink=\"false\">soak-{feed}-{seq}</guid><pubDate>{date}</pubDate>\
         <description><![CDATA[<p>{body}</p>]]></description></item>"
    );
}

/// `Fri, 27 Nov 2026 08:00:00 +0000` for Unix seconds `secs`.
fn rfc2822(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs / 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    let t = secs % 86_400;
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} +0000",
        DAYS[(days % 7) as usize],
        MONTHS[(m - 1) as usize],
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// (year, month 1-12, day 1-31) of a day count since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Serves `GET /feed/N` over HTTP/1.1 keep-alive until the process ends.
async fn serve(listener: tokio::net::TcpListener, fixture: Arc<Fixture>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let fixture = fixture.clone();
        tokio::spawn(async move {
            let _ = connection(stream, &fixture).await;
        });
    }
}

async fn connection(stream: tokio::net::TcpStream, fixture: &Fixture) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = tokio::io::BufReader::new(read);
    loop {
        let mut request = String::new();
        if lines.read_line(&mut request).await? == 0 {
            return Ok(());
        }
        // Skip the headers: requests from the poller carry no body.
        loop {
            let mut header = String::new();
            if lines.read_line(&mut header).await? == 0 || header.trim().is_empty() {
                break;
            }
        }
        let path = request.split_whitespace().nth(1).unwrap_or("");
        let doc = path
            .strip_prefix("/feed/")
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|feed| fixture.feed_document(feed));
        let (status, body) = match doc {
            Some(d) => ("200 OK", d),
            None => ("404 Not Found", String::new()),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/rss+xml; charset=utf-8\r\n\
             Cache-Control: no-cache\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        write.write_all(head.as_bytes()).await?;
        write.write_all(body.as_bytes()).await?;
    }
}

// ---------------------------------------------------------------------------------------------
// The services.

/// A service process, sent SIGTERM (then killed) when dropped.
struct Service {
    name: &'static str,
    child: Child,
    http: u16,
    exit: Option<ExitStatus>,
}

impl Service {
    fn start(
        args: &Args,
        name: &'static str,
        extra: &[String],
        brokers: &str,
    ) -> anyhow::Result<Self> {
        let http = free_port()?;
        let log = std::fs::File::create(args.out.join(format!("{name}.log")))?;
        let child = Command::new(&args.newswire)
            .args(extra)
            .args(["--brokers", brokers, "--http", &format!("127.0.0.1:{http}")])
            .env("NEWSWIRE_KAFKA__CONSUMER__SESSION_TIMEOUT_MS", "6000")
            .env("NEWSWIRE_LOG__FORMAT", "json")
            .current_dir(&args.out)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {} {name}", args.newswire.display()))?;
        Ok(Service {
            name,
            child,
            http,
            exit: None,
        })
    }

    /// SIGTERM, then wait up to `timeout` before killing.
    fn terminate(&mut self, timeout: Duration) {
        if self.exit.is_some() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.exit = Some(status);
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        self.exit = self.child.wait().ok();
    }

    fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.terminate(Duration::from_secs(15));
    }
}

fn write_config(args: &Args, port: u16) -> anyhow::Result<PathBuf> {
    let mut toml = String::from(
        "# Written by the soak harness: feeds on the local fixture server, polled every few \
         seconds.\n[fetch]\nmin_interval_secs = 1\nper_host_rate_per_sec = 1000.0\n\
         per_host_concurrency = 16\nmax_concurrency = 64\n\n",
    );
    if let Some(h) = args.near_dup_hours {
        toml = toml.replacen(
            "[fetch]\n",
            &format!("[fetch]\nnear_dup_window_hours = {h}\n"),
            1,
        );
    }
    for feed in 0..args.feeds {
        let _ = writeln!(
            toml,
            "[[feeds]]\nid = \"soak-{feed}\"\nurl = \"http://127.0.0.1:{port}/feed/{feed}\"\n\
             interval_secs = {}\n",
            args.interval
        );
    }
    let path = args.out.join("soak.toml");
    std::fs::write(&path, toml).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

fn start_services(args: &Args, config: &Path, brokers: &str) -> anyhow::Result<Vec<Service>> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let config = config.display().to_string();
    let state = args.out.join("state").display().to_string();
    let sunk = args.out.join("sink").display().to_string();
    Ok(vec![
        Service::start(
            args,
            "poll",
            &s(&["poll", "--config", &config, "--state-dir", &state]),
            brokers,
        )?,
        Service::start(
            args,
            "enrich",
            &s(&["enrich", "--serve", "--group", "soak-enrich"]),
            brokers,
        )?,
        Service::start(
            args,
            "sink",
            &s(&["sink", "--group", "soak-sink", "--jsonl", &sunk]),
            brokers,
        )?,
    ])
}

// ---------------------------------------------------------------------------------------------
// Sampling.

/// Resident memory (kB) and open file descriptors of a process; `None` once it is gone.
fn proc_usage(pid: u32) -> Option<(u64, usize)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
    Some((rss, fds))
}

/// The broker: the child of this process that is not one of the services.
fn broker_pid(services: &[Service]) -> Option<u32> {
    let me = std::process::id();
    let ours: HashSet<u32> = services.iter().map(|s| s.child.id()).collect();
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
        // Fields after the parenthesised command: state, ppid, ...
        let ppid: u32 = stat
            .rsplit_once(')')?
            .1
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        (ppid == me && !ours.contains(&pid)).then_some(pid)
    })
}

/// Sum of `newswire_consumer_lag_records` on a service's /metrics (`None` if not published).
fn consumer_lag(http: u16) -> Option<u64> {
    let mut stream = TcpStream::connect(("127.0.0.1", http)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let req =
        format!("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{http}\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    let values: Vec<f64> = text
        .lines()
        .filter(|l| l.starts_with("newswire_consumer_lag_records{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() as u64)
}

/// Follows the sink's JSON Lines files, counting articles of this run by their link.
struct SinkReader {
    dir: PathBuf,
    needle: String,
    offsets: HashMap<PathBuf, u64>,
    distinct: HashSet<(u32, u64)>,
    lines: u64,
    foreign: u64,
}

impl SinkReader {
    fn new(dir: PathBuf, port: u16) -> SinkReader {
        SinkReader {
            dir,
            needle: format!("127.0.0.1:{port}/a/"),
            offsets: HashMap::new(),
            distinct: HashSet::new(),
            lines: 0,
            foreign: 0,
        }
    }

    /// Reads the complete lines written since the last call.
    fn update(&mut self) -> anyhow::Result<()> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(()); // not created yet
        };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        paths.sort();
        for path in paths {
            self.read_new(&path)?;
        }
        Ok(())
    }

    fn read_new(&mut self, path: &Path) -> anyhow::Result<()> {
        let offset = self.offsets.get(path).copied().unwrap_or(0);
        let mut file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
        file.seek(SeekFrom::Start(offset))?;
        let mut reader = BufReader::new(file);
        let mut line = String::new();
        let mut consumed = offset;
        loop {
            line.clear();
            let n = reader.read_line(&mut line)?;
            if n == 0 || !line.ends_with('\n') {
                break; // a partial line is read again next time
            }
            consumed += n as u64;
            self.count(&line);
        }
        self.offsets.insert(path.to_path_buf(), consumed);
        Ok(())
    }

    fn count(&mut self, line: &str) {
        self.lines += 1;
        match line
            .find(&self.needle)
            .and_then(|at| item_key(&line[at + self.needle.len()..]))
        {
            Some(key) => {
                self.distinct.insert(key);
            }
            None => self.foreign += 1,
        }
    }
}

/// `FEED/SEQ` at the start of `rest` (what follows `/a/` in an item link).
fn item_key(rest: &str) -> Option<(u32, u64)> {
    let (feed, tail) = rest.split_once('/')?;
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    Some((feed.parse().ok()?, digits.parse().ok()?))
}

/// One row of samples.csv.
#[derive(Debug, Clone)]
struct Sample {
    secs: f64,
    producing: bool,
    emitted: u64,
    sunk: u64,
    lines: u64,
    usage: Vec<Option<(u64, usize)>>,
    broker_rss_kb: Option<u64>,
    lag_enrich: Option<u64>,
    lag_sink: Option<u64>,
}

const CSV_HEADER: &str = "secs,phase,emitted_total,sunk_distinct,sunk_lines,emitted_per_s,sunk_per_s,\
poll_rss_kb,poll_fds,enrich_rss_kb,enrich_fds,sink_rss_kb,sink_fds,broker_rss_kb,lag_enrich,lag_sink";

fn csv_row(s: &Sample, prev: Option<&Sample>) -> String {
    let opt = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_default();
    let (er, sr) = match prev {
        Some(p) => {
            let dt = (s.secs - p.secs).max(1e-9);
            (
                (s.emitted - p.emitted) as f64 / dt,
                (s.sunk - p.sunk) as f64 / dt,
            )
        }
        None => (0.0, 0.0),
    };
    let mut row = format!(
        "{:.0},{},{},{},{},{er:.1},{sr:.1}",
        s.secs,
        if s.producing { "produce" } else { "drain" },
        s.emitted,
        s.sunk,
        s.lines
    );
    for u in &s.usage {
        let _ = write!(
            row,
            ",{},{}",
            opt(u.map(|x| x.0)),
            opt(u.map(|x| x.1 as u64))
        );
    }
    let _ = write!(
        row,
        ",{},{},{}",
        opt(s.broker_rss_kb),
        opt(s.lag_enrich),
        opt(s.lag_sink)
    );
    row
}

// ---------------------------------------------------------------------------------------------
// Verdicts.

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// A bound and whether it held.
struct Verdict {
    what: String,
    measured: String,
    ok: bool,
}

/// RSS values (MB) of service `i` over samples in `[from, to)` seconds of the producing phase.
fn rss_between(samples: &[Sample], i: usize, from: f64, to: f64) -> Vec<f64> {
    samples
        .iter()
        .filter(|s| s.producing && s.secs >= from && s.secs < to)
        .filter_map(|s| s.usage[i].map(|u| u.0 as f64 / 1024.0))
        .collect()
}

fn resource_verdicts(args: &Args, samples: &[Sample], produce_secs: f64) -> Vec<Verdict> {
    let mut out = Vec::new();
    // Growth windows: the 5 minutes before half-time vs the last 5 (for short runs: middle vs
    // last third). Not minutes 5-10: at 500 articles/s the poller's bounded state (the
    // near-duplicate index cap, seen ids per feed) is still filling then, which is growth
    // towards a bound, not a leak.
    let (early, late) = if produce_secs >= 900.0 {
        let half = produce_secs / 2.0;
        (
            (half - 300.0, half),
            (produce_secs - 300.0, produce_secs + 1.0),
        )
    } else {
        let third = produce_secs / 3.0;
        ((third, 2.0 * third), (2.0 * third, produce_secs + 1.0))
    };
    for (i, name) in SERVICES.iter().enumerate() {
        let rss_max = samples
            .iter()
            .filter_map(|s| s.usage[i])
            .map(|u| u.0)
            .max()
            .unwrap_or(0) as f64
            / 1024.0;
        let fds_max = samples
            .iter()
            .filter_map(|s| s.usage[i])
            .map(|u| u.1)
            .max()
            .unwrap_or(0);
        out.push(Verdict {
            what: format!("{name}: RSS never above {} MB", args.max_rss_mb),
            measured: format!("max {rss_max:.1} MB"),
            ok: rss_max <= args.max_rss_mb,
        });
        out.push(Verdict {
            what: format!("{name}: open fds never above {}", args.max_fds),
            measured: format!("max {fds_max}"),
            ok: fds_max <= args.max_fds,
        });
        let e = median(&mut rss_between(samples, i, early.0, early.1));
        let l = median(&mut rss_between(samples, i, late.0, late.1));
        out.push(Verdict {
            what: format!(
                "{name}: no growth (median RSS of {:.0}-{:.0} s within 20% of {:.0}-{:.0} s)",
                late.0, produce_secs, early.0, early.1
            ),
            measured: format!("{l:.1} MB vs {e:.1} MB ({:+.0}%)", 100.0 * (l / e - 1.0)),
            ok: l <= e * 1.2,
        });
    }
    out
}

struct Totals {
    emitted: u64,
    gaps: u64,
    requests: u64,
    sunk: u64,
    lines: u64,
    foreign: u64,
    missing: u64,
    steady_rate: f64,
    emitted_rate: f64,
}

fn delivery_verdicts(args: &Args, t: &Totals, services: &[Service]) -> Vec<Verdict> {
    let mut out = vec![
        Verdict {
            what: "every article served to the poller reached the sink (distinct by link)".into(),
            measured: format!(
                "{} of {} ({} missing)",
                t.emitted - t.missing,
                t.emitted,
                t.missing
            ),
            ok: t.missing == 0 && t.emitted > 0,
        },
        Verdict {
            what: "the poller kept up: no item left a feed's window unseen".into(),
            measured: format!("{} items never fetched", t.gaps),
            ok: t.gaps == 0,
        },
        Verdict {
            what: format!(
                "sustained rate at the sink >= 90% of {} articles/s",
                args.rate
            ),
            measured: format!(
                "{:.0} articles/s at the sink, {:.0}/s served (minute 1 to the end of production)",
                t.steady_rate, t.emitted_rate
            ),
            ok: t.steady_rate >= 0.9 * args.rate,
        },
    ];
    for s in services {
        let code = s.exit.and_then(|e| e.code());
        out.push(Verdict {
            what: format!("{}: exits 0 on SIGTERM after the drain", s.name),
            measured: s
                .exit
                .map(|e| e.to_string())
                .unwrap_or_else(|| "no exit status".into()),
            ok: code == Some(0),
        });
    }
    out
}

/// Min / median / max of one column over all samples.
fn spread(values: impl Iterator<Item = f64>) -> String {
    let mut v: Vec<f64> = values.collect();
    if v.is_empty() {
        return "n/a | n/a | n/a".into();
    }
    let m = median(&mut v);
    format!("{:.1} | {m:.1} | {:.1}", v[0], v[v.len() - 1])
}

fn summary(args: &Args, samples: &[Sample], t: &Totals, verdicts: &[Verdict], wall: f64) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Soak: {} feeds every {} s, target {} articles/s, {:.1} min producing, {:.1} min in all, \
         {} samples every {} s, poller near-duplicate window {}\n",
        args.feeds,
        args.interval,
        args.rate,
        args.minutes,
        wall / 60.0,
        samples.len(),
        SAMPLE_EVERY.as_secs(),
        args.near_dup_hours
            .map_or("72 h (default)".to_string(), |h| format!("{h} h"))
    );
    md.push_str("| process | RSS MB min | median | max | open fds min | median | max |\n|---|---|---|---|---|---|---|\n");
    for (i, name) in SERVICES.iter().enumerate() {
        let u = || samples.iter().filter_map(move |s| s.usage[i]);
        let _ = writeln!(
            md,
            "| newswire {name} | {} | {} |",
            spread(u().map(|x| x.0 as f64 / 1024.0)),
            spread(u().map(|x| x.1 as f64))
        );
    }
    let _ = writeln!(
        md,
        "| broker (Tansu, memory storage) | {} | | | |\n",
        spread(
            samples
                .iter()
                .filter_map(|s| s.broker_rss_kb)
                .map(|x| x as f64 / 1024.0)
        )
    );
    let _ = writeln!(
        md,
        "Served to the poller: {} articles in {} requests; reached the sink: {} distinct, {} lines \
         ({} duplicates, {} lines not from this run); lag at the last sample: enrich {}, sink {}.\n",
        t.emitted,
        t.requests,
        t.sunk,
        t.lines,
        t.lines.saturating_sub(t.sunk + t.foreign),
        t.foreign,
        samples.last().and_then(|s| s.lag_enrich).map_or("n/a".into(), |v| v.to_string()),
        samples.last().and_then(|s| s.lag_sink).map_or("n/a".into(), |v| v.to_string()),
    );
    md.push_str("| bound | measured | verdict |\n|---|---|---|\n");
    for v in verdicts {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            v.what,
            v.measured,
            if v.ok { "held" } else { "**FAILED**" }
        );
    }
    md
}

// ---------------------------------------------------------------------------------------------

struct Run {
    args: Args,
    fixture: Arc<Fixture>,
    services: Vec<Service>,
    reader: SinkReader,
    samples: Vec<Sample>,
    csv: std::fs::File,
    started: Instant,
}

impl Run {
    fn sample(&mut self, producing: bool, broker: Option<u32>) -> anyhow::Result<()> {
        self.reader.update()?;
        let sample = Sample {
            secs: self.started.elapsed().as_secs_f64(),
            producing,
            emitted: self.fixture.emitted.load(Ordering::SeqCst),
            sunk: self.reader.distinct.len() as u64,
            lines: self.reader.lines,
            usage: self
                .services
                .iter()
                .map(|s| proc_usage(s.child.id()))
                .collect(),
            broker_rss_kb: broker.and_then(proc_usage).map(|u| u.0),
            lag_enrich: consumer_lag(self.services[1].http),
            lag_sink: consumer_lag(self.services[2].http),
        };
        let row = csv_row(&sample, self.samples.last());
        writeln!(self.csv, "{row}")?;
        eprintln!("{row}");
        self.samples.push(sample);
        Ok(())
    }

    fn all_running(&mut self) -> bool {
        let mut ok = true;
        for s in &mut self.services {
            if !s.running() {
                eprintln!(
                    "soak: {} exited early; see {}/{}.log",
                    s.name,
                    self.args.out.display(),
                    s.name
                );
                ok = false;
            }
        }
        ok
    }

    /// Samples every 10 s until `until`; while draining, also until the sink has everything.
    async fn sample_until(
        &mut self,
        until: Instant,
        producing: bool,
        broker: Option<u32>,
    ) -> anyhow::Result<()> {
        let mut next = Instant::now() + SAMPLE_EVERY;
        while Instant::now() < until {
            tokio::time::sleep(next.saturating_duration_since(Instant::now())).await;
            next += SAMPLE_EVERY;
            self.sample(producing, broker)?;
            if !self.all_running() {
                bail!("a service exited during the soak");
            }
            if !producing
                && self.reader.distinct.len() as u64 >= self.fixture.emitted.load(Ordering::SeqCst)
            {
                return Ok(());
            }
        }
        Ok(())
    }

    fn totals(&self) -> Totals {
        let served = self
            .fixture
            .served
            .lock()
            .map(|s| (s.gaps, s.requests))
            .unwrap_or((0, 0));
        let emitted = self.fixture.emitted.load(Ordering::SeqCst);
        let upto = self
            .fixture
            .served
            .lock()
            .map(|s| s.upto.clone())
            .unwrap_or_default();
        // Every item below a feed's `upto` was served, except the gaps, which cannot be sunk.
        let sunk_served = self
            .reader
            .distinct
            .iter()
            .filter(|(f, s)| upto.get(*f as usize).is_some_and(|u| s < u))
            .count() as u64;
        let prod: Vec<&Sample> = self
            .samples
            .iter()
            .filter(|s| s.producing && s.secs >= 60.0)
            .collect();
        let rate = |f: fn(&Sample) -> u64| match (prod.first(), prod.last()) {
            (Some(a), Some(b)) if b.secs > a.secs => (f(b) - f(a)) as f64 / (b.secs - a.secs),
            _ => 0.0,
        };
        Totals {
            emitted,
            gaps: served.0,
            requests: served.1,
            sunk: self.reader.distinct.len() as u64,
            lines: self.reader.lines,
            foreign: self.reader.foreign,
            missing: emitted.saturating_sub(sunk_served),
            steady_rate: rate(|s| s.sunk),
            emitted_rate: rate(|s| s.emitted),
        }
    }
}

async fn soak(args: Args) -> anyhow::Result<bool> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let tansu = Tansu::start()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let fixture = Arc::new(Fixture::new(port, &args));
    tokio::spawn(serve(listener, fixture.clone()));
    let config = write_config(&args, port)?;
    let services = start_services(&args, &config, &tansu.brokers())?;
    let broker = broker_pid(&services);
    let mut csv = std::fs::File::create(args.out.join("samples.csv"))?;
    writeln!(csv, "{CSV_HEADER}")?;
    eprintln!(
        "soak: broker {} (pid {broker:?}), fixture on {port}, window {} items; writing {}",
        tansu.brokers(),
        fixture.window,
        args.out.display()
    );
    eprintln!("{CSV_HEADER}");
    let mut run = Run {
        reader: SinkReader::new(args.out.join("sink"), port),
        args: args.clone(),
        fixture,
        services,
        samples: Vec::new(),
        csv,
        started: Instant::now(),
    };
    let produce_until = run.started + Duration::from_secs_f64(args.minutes * 60.0);
    run.sample_until(produce_until, true, broker).await?;
    let produce_secs = run.started.elapsed().as_secs_f64();
    run.fixture.freeze();
    eprintln!(
        "soak: feeds frozen; draining for up to {} s",
        args.drain_secs
    );
    // One more poll round lands after the freeze; then wait for the sink to catch up.
    let drain_until = Instant::now() + Duration::from_secs(args.drain_secs);
    tokio::time::sleep(Duration::from_secs(args.interval * 2 + 1)).await;
    run.sample_until(drain_until, false, broker).await?;
    for s in &mut run.services {
        s.terminate(Duration::from_secs(60));
    }
    run.reader.update()?;
    let totals = run.totals();
    let mut verdicts = resource_verdicts(&args, &run.samples, produce_secs);
    verdicts.extend(delivery_verdicts(&args, &totals, &run.services));
    let md = summary(
        &args,
        &run.samples,
        &totals,
        &verdicts,
        run.started.elapsed().as_secs_f64(),
    );
    std::fs::write(args.out.join("summary.md"), &md)?;
    println!("{md}");
    drop(tansu);
    Ok(verdicts.iter().all(|v| v.ok))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("soak: {e:#}");
            return ExitCode::from(2);
        }
    };
    match soak(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("soak: a bound failed (see the table above)");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("soak: {e:#}");
            ExitCode::from(2)
        }
    }
}
