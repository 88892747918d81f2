//! A criterion `Measurement` of the benchmarking thread's CPU time, shared by the benches of
//! `newswire-enrich` and `newswire-nlp` (each includes this file with `#[path]`; a crate of its
//! own would need a workspace member for twenty lines, and newswire-testkit pulls in rdkafka).
//!
//! On a shared machine the wall clock also counts the time a thread waits for a core; the
//! thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`) is the cost per core. Values are nanoseconds
//! and are printed like criterion's wall-clock durations.
//!
//! Needs `criterion` and `libc` as dev-dependencies of the including crate.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// CPU time consumed by the measuring thread, in nanoseconds.
pub struct CpuTime;

/// CPU time consumed so far by the calling thread, in nanoseconds (0 if the clock fails).
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes into the timespec we pass, which outlives the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(ts.tv_nsec).unwrap_or(0);
    secs.saturating_mul(1_000_000_000).saturating_add(nanos)
}

static WALL: WallTime = WallTime;

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, started: u64) -> u64 {
        thread_cpu_ns().saturating_sub(started)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a.saturating_add(*b)
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

/// The `main` of a bench whose `groups(c, prefix)` runs its groups once on the wall clock
/// (prefix `""`) and once on [`CpuTime`] (prefix `"cpu-time/"`). The including crate names this
/// module `cpu_time` at its root. (The enrich bench names its groups `wall/`/`cpu/` and the
/// speed example needs only the clock, hence the allow.)
#[allow(unused_macros)]
macro_rules! wall_and_cpu_time_main {
    ($groups:path) => {
        fn wall(c: &mut criterion::Criterion) {
            $groups(c, "");
        }

        fn cpu(c: &mut criterion::Criterion<$crate::cpu_time::CpuTime>) {
            $groups(c, "cpu-time/");
        }

        criterion::criterion_group!(wall_time, wall);
        criterion::criterion_group! {
            name = cpu_time;
            config = criterion::Criterion::default().with_measurement($crate::cpu_time::CpuTime);
            targets = cpu
        }
        criterion::criterion_main!(wall_time, cpu_time);
    };
}
#[allow(unused_imports)]
pub(crate) use wall_and_cpu_time_main;
