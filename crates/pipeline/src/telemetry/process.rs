//! The process's own resources, read at each scrape, under the names every Prometheus client
//! library uses: `process_cpu_seconds_total`, `process_resident_memory_bytes`,
//! `process_virtual_memory_bytes`, `process_open_fds`, `process_max_fds`,
//! `process_start_time_seconds`. Linux (`/proc/self`); elsewhere only what `getrusage` and
//! `getrlimit` give.

use std::time::{SystemTime, UNIX_EPOCH};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Unit;

/// Reads the process's CPU time, memory and file descriptors when `/metrics` is scraped.
#[derive(Debug)]
pub struct ProcessCollector {
    /// When the collector was made: the service's start, close enough to the process's.
    started: f64,
}

impl ProcessCollector {
    /// A collector for this process.
    pub fn new() -> ProcessCollector {
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        ProcessCollector { started }
    }
}

impl Default for ProcessCollector {
    fn default() -> Self {
        ProcessCollector::new()
    }
}

/// What one scrape read; `None` where this platform cannot tell.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct ProcessSample {
    /// User plus system CPU time, seconds.
    pub cpu_seconds: Option<f64>,
    /// Resident set size, bytes.
    pub resident_bytes: Option<u64>,
    /// Virtual memory size, bytes.
    pub virtual_bytes: Option<u64>,
    /// Open file descriptors.
    pub open_fds: Option<u64>,
    /// The soft limit of open file descriptors.
    pub max_fds: Option<u64>,
}

impl ProcessSample {
    /// Reads the current values.
    pub fn read() -> ProcessSample {
        let (virtual_bytes, resident_bytes) = memory();
        ProcessSample {
            cpu_seconds: cpu_seconds(),
            resident_bytes,
            virtual_bytes,
            open_fds: std::fs::read_dir("/proc/self/fd")
                .ok()
                .map(|d| d.count() as u64),
            max_fds: max_fds(),
        }
    }
}

#[cfg(unix)]
fn cpu_seconds() -> Option<f64> {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0;
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    ok.then(|| secs(usage.ru_utime) + secs(usage.ru_stime))
}

#[cfg(not(unix))]
fn cpu_seconds() -> Option<f64> {
    None
}

#[cfg(unix)]
fn max_fds() -> Option<u64> {
    // SAFETY: getrlimit only writes into the struct it is given.
    let mut limit: libc::rlimit = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    ok.then_some(limit.rlim_cur as u64)
}

#[cfg(not(unix))]
fn max_fds() -> Option<u64> {
    None
}

/// Virtual and resident size from `/proc/self/statm` (in pages).
fn memory() -> (Option<u64>, Option<u64>) {
    let Ok(text) = std::fs::read_to_string("/proc/self/statm") else {
        return (None, None);
    };
    let page = page_size();
    let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().ok());
    let size = fields.next().flatten().map(|p| p * page);
    let resident = fields.next().flatten().map(|p| p * page);
    (size, resident)
}

#[cfg(unix)]
fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size).unwrap_or(4096)
}

#[cfg(not(unix))]
fn page_size() -> u64 {
    4096
}

impl Collector for ProcessCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let sample = ProcessSample::read();
        if let Some(cpu) = sample.cpu_seconds {
            let counter = ConstCounter::new(cpu);
            let metric = encoder.encode_descriptor(
                "process_cpu",
                "User and system CPU time spent",
                Some(&Unit::Seconds),
                counter.metric_type(),
            )?;
            counter.encode(metric)?;
        }
        let gauges = [
            (
                "process_resident_memory",
                "Resident memory size",
                Some(Unit::Bytes),
                sample.resident_bytes,
            ),
            (
                "process_virtual_memory",
                "Virtual memory size",
                Some(Unit::Bytes),
                sample.virtual_bytes,
            ),
            (
                "process_open_fds",
                "Open file descriptors",
                None,
                sample.open_fds,
            ),
            (
                "process_max_fds",
                "Most open file descriptors allowed",
                None,
                sample.max_fds,
            ),
        ];
        for (name, help, unit, value) in gauges {
            let Some(value) = value else { continue };
            let gauge = ConstGauge::new(i64::try_from(value).unwrap_or(i64::MAX));
            let metric =
                encoder.encode_descriptor(name, help, unit.as_ref(), gauge.metric_type())?;
            gauge.encode(metric)?;
        }
        let start = ConstGauge::new(self.started);
        let metric = encoder.encode_descriptor(
            "process_start_time",
            "When the service started, Unix time",
            Some(&Unit::Seconds),
            start.metric_type(),
        )?;
        start.encode(metric)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scrape_reads_this_process() {
        let sample = ProcessSample::read();
        let cpu = sample.cpu_seconds.expect("CPU time");
        assert!(cpu >= 0.0);
        let rss = sample.resident_bytes.expect("RSS from /proc/self/statm");
        assert!(rss > 1024 * 1024, "{rss}");
        let fds = sample.open_fds.expect("/proc/self/fd");
        assert!(
            fds >= 3 && fds <= sample.max_fds.unwrap_or(u64::MAX),
            "{sample:?}"
        );
    }
}
