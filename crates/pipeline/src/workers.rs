//! A pool of threads for CPU-bound work (enrichment), and bounded, ordered streams of results
//! over it.
//!
//! Enriching on the async runtime holds up its I/O, and one loop uses one core. [`Workers`]
//! runs jobs on `n` threads (by default one per core). [`Workers::ordered`] gives a
//! [`Submitter`] and a [`Results`]: results come out in the order the jobs were submitted,
//! whatever order the threads finish them in, and at most `window` jobs are queued, running or
//! finished but unread. A slow reader therefore stops the submitter (backpressure) instead of
//! growing a queue, and a stage that reads its input, submits, and writes its output from
//! `Results` keeps its input order end to end.
//!
//! A job that panics loses only its own result ([`JobFailed`]); its thread goes on.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError};

use tokio::sync::{mpsc as bounded, oneshot};

type Job = Box<dyn FnOnce() + Send>;

/// A job's result was lost: the job panicked (a bug; the panic is on stderr).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a worker thread failed on this job")]
pub struct JobFailed;

/// The reading side of an ordered stream is gone, so nothing submitted would be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the results of this stream are no longer read")]
pub struct Closed;

/// A fixed set of worker threads. Cheap to clone; the threads end once every clone is dropped
/// and the queued jobs are done.
#[derive(Clone)]
pub struct Workers {
    inner: Arc<Inner>,
}

struct Inner {
    jobs: mpsc::Sender<Job>,
    size: usize,
    /// Jobs submitted and not yet finished, for tests and gauges.
    pending: Arc<AtomicUsize>,
}

impl Workers {
    /// `n` threads; 0 means one per core (`std::thread::available_parallelism`).
    pub fn new(n: usize) -> std::io::Result<Workers> {
        let size = if n == 0 { cores() } else { n };
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..size {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("newswire-worker-{i}"))
                .spawn(move || work(&queue))?;
        }
        Ok(Workers {
            inner: Arc::new(Inner {
                jobs,
                size,
                pending: Arc::new(AtomicUsize::new(0)),
            }),
        })
    }

    /// How many threads run jobs.
    pub fn size(&self) -> usize {
        self.inner.size
    }

    /// Jobs submitted and not yet finished.
    pub fn pending(&self) -> usize {
        self.inner.pending.load(Ordering::Relaxed)
    }

    /// Runs `job` on a worker thread; the receiver gets its result (an error if it panicked).
    fn spawn<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> oneshot::Receiver<T> {
        let (tx, rx) = oneshot::channel();
        let pending = self.inner.pending.clone();
        pending.fetch_add(1, Ordering::Relaxed);
        let job: Job = Box::new(move || {
            // Counts the job as finished, even if it panics, before its reader can see it.
            let done = Done(pending);
            let result = job();
            drop(done);
            // The reader may have gone (shutdown): the result is simply not wanted.
            let _ = tx.send(result);
        });
        // The threads only end when `jobs` is dropped, which cannot happen while `self` lives;
        // if they died anyway, the job is dropped here and the receiver reports it.
        let _ = self.inner.jobs.send(job);
        rx
    }

    /// An ordered stream of at most `window` (at least 1) unread jobs over these threads.
    pub fn ordered<T: Send + 'static>(&self, window: usize) -> (Submitter<T>, Results<T>) {
        let (tx, rx) = bounded::channel(window.max(1));
        (
            Submitter {
                workers: self.clone(),
                tx,
            },
            Results { rx },
        )
    }

    /// Runs `f` on every item on the worker threads, `chunk` items per job, and returns the
    /// results in the order of `items`. Blocking: for threads outside the async runtime's
    /// workers (a CLI, `spawn_blocking`).
    pub fn map_blocking<I, T, F>(
        &self,
        items: Vec<I>,
        chunk: usize,
        f: Arc<F>,
    ) -> Vec<Result<T, JobFailed>>
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
    {
        let chunk = chunk.max(1);
        let mut receivers = Vec::with_capacity(items.len().div_ceil(chunk));
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let part: Vec<I> = items.by_ref().take(chunk).collect();
            let (f, n) = (f.clone(), part.len());
            let job = move || part.into_iter().map(|i| f(i)).collect::<Vec<T>>();
            receivers.push((n, self.spawn(job)));
        }
        let mut out = Vec::new();
        for (n, rx) in receivers {
            match rx.blocking_recv() {
                Ok(results) => out.extend(results.into_iter().map(Ok)),
                Err(_) => out.extend((0..n).map(|_| Err(JobFailed))),
            }
        }
        out
    }
}

/// Decrements the pending count when a job ends, normally or by a panic.
struct Done(Arc<AtomicUsize>);

impl Drop for Done {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A worker thread: takes jobs until the pool is dropped.
fn work(queue: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else {
            return;
        };
        // A panicking job drops its result sender: its reader gets `JobFailed`.
        let _ = catch_unwind(AssertUnwindSafe(job));
    }
}

/// The submitting side of [`Workers::ordered`].
pub struct Submitter<T> {
    workers: Workers,
    tx: bounded::Sender<oneshot::Receiver<T>>,
}

impl<T: Send + 'static> Submitter<T> {
    /// Queues `job`, first waiting while `window` jobs are unread.
    pub async fn submit(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<(), Closed> {
        let slot = self.tx.reserve().await.map_err(|_| Closed)?;
        slot.send(self.workers.spawn(job));
        Ok(())
    }

    /// As [`Submitter::submit`], blocking the calling thread (for threads outside the async
    /// runtime's workers, whose other tasks it would hold up).
    pub fn submit_blocking(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<(), Closed> {
        futures::executor::block_on(self.submit(job))
    }

    /// Jobs submitted and not yet taken by the reader (queued, running or finished), at most
    /// `window`.
    pub fn unread(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }
}

/// The reading side of [`Workers::ordered`]: results in submission order.
pub struct Results<T> {
    rx: bounded::Receiver<oneshot::Receiver<T>>,
}

impl<T: Send + 'static> Results<T> {
    /// The next result in submission order; `None` once the submitter is dropped and every
    /// result was read. Not cancel-safe: a result being awaited when the call is dropped is
    /// lost.
    pub async fn next(&mut self) -> Option<Result<T, JobFailed>> {
        let rx = self.rx.recv().await?;
        Some(rx.await.map_err(|_| JobFailed))
    }

    /// As [`Results::next`], blocking the calling thread (not an async runtime worker).
    pub fn next_blocking(&mut self) -> Option<Result<T, JobFailed>> {
        let rx = self.rx.blocking_recv()?;
        Some(rx.blocking_recv().map_err(|_| JobFailed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;

    #[test]
    fn results_come_out_in_submission_order_whatever_order_jobs_finish_in() {
        let workers = Workers::new(4).unwrap();
        let (submit, mut results) = workers.ordered::<usize>(4);
        let (finished_tx, finished) = mpsc::channel();
        let mut releases = Vec::new();
        for i in 0..4 {
            let (release, wait) = mpsc::channel::<()>();
            releases.push(release);
            let finished_tx = finished_tx.clone();
            submit
                .submit_blocking(move || {
                    let _ = wait.recv();
                    finished_tx.send(i).unwrap();
                    i
                })
                .unwrap();
        }
        // Let the jobs finish last first, each only once the one before it has finished.
        let mut order = Vec::new();
        for release in releases.iter().rev() {
            release.send(()).unwrap();
            order.push(finished.recv().unwrap());
        }
        assert_eq!(order, [3, 2, 1, 0]);
        drop(submit);
        let got: Vec<usize> = std::iter::from_fn(|| results.next_blocking())
            .map(Result::unwrap)
            .collect();
        assert_eq!(got, [0, 1, 2, 3]);
    }

    #[tokio::test]
    async fn the_submitter_waits_while_the_window_is_full() {
        let workers = Workers::new(1).unwrap();
        let (submit, mut results) = workers.ordered::<u32>(2);
        submit.submit(|| 1).await.unwrap();
        submit.submit(|| 2).await.unwrap();
        assert_eq!(submit.unread(), 2);
        // A third job is not taken while two results are unread...
        let mut third = Box::pin(submit.submit(|| 3));
        assert!((&mut third).now_or_never().is_none());
        assert_eq!(submit.unread(), 2);
        // ... and is once one of them was read.
        assert_eq!(results.next().await, Some(Ok(1)));
        third.await.unwrap();
        assert_eq!(submit.unread(), 2);
        assert_eq!(results.next().await, Some(Ok(2)));
        assert_eq!(results.next().await, Some(Ok(3)));
        drop(submit);
        assert_eq!(results.next().await, None);
    }

    #[test]
    fn a_panicking_job_fails_alone_and_its_thread_goes_on() {
        let workers = Workers::new(1).unwrap();
        let (submit, mut results) = workers.ordered::<u32>(4);
        submit.submit_blocking(|| panic!("a bug")).unwrap();
        submit.submit_blocking(|| 7).unwrap();
        assert_eq!(results.next_blocking(), Some(Err(JobFailed)));
        assert_eq!(results.next_blocking(), Some(Ok(7)));
        assert_eq!(workers.pending(), 0);
    }

    #[test]
    fn submitting_to_a_stream_nobody_reads_is_refused() {
        let workers = Workers::new(1).unwrap();
        let (submit, results) = workers.ordered::<u32>(1);
        drop(results);
        assert_eq!(submit.submit_blocking(|| 1), Err(Closed));
    }

    #[test]
    fn map_blocking_keeps_the_order_of_the_items() {
        let workers = Workers::new(3).unwrap();
        let items: Vec<u64> = (0..1000).collect();
        let square = Arc::new(|i: u64| i * i);
        let got = workers.map_blocking(items, 7, square);
        let want: Vec<Result<u64, JobFailed>> = (0..1000u64).map(|i| Ok(i * i)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn zero_threads_means_one_per_core() {
        assert_eq!(Workers::new(0).unwrap().size(), cores());
        assert_eq!(Workers::new(3).unwrap().size(), 3);
    }
}
