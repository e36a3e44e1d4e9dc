//! The batch path: many files, in parallel, with output in a stable order and bounded memory.
//!
//! Files are processed a window at a time on a pool of `--jobs` threads; each window's results
//! are emitted in input order before the next window's are kept, so memory does not grow with
//! the number of files. Rulesets are loaded once per run by the caller and shared.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::{self, IsTerminal};

/// Below this many files a progress bar is noise.
const PROGRESS_THRESHOLD: usize = 200;

/// How many results are held at once per worker thread: enough to keep every core busy
/// between two emissions, small enough that memory stays flat.
const WINDOW_PER_THREAD: usize = 256;

/// The most workers a batch runs, whatever `-j` asks.
pub const MAX_JOBS: usize = 64;

pub struct Batch {
    pool: rayon::ThreadPool,
    jobs: usize,
}

impl Batch {
    /// `jobs` workers (default: one a core), at most [`MAX_JOBS`] or four a core, whichever is
    /// less: more only costs memory (each worker holds a file's forms) and thread start-up
    /// (`-j 20000` ran 30 s before doing anything). A request above the cap says so on stderr.
    pub fn new(jobs: Option<usize>) -> io::Result<Batch> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let cap = MAX_JOBS.min(4 * cores).max(1);
        let jobs = match jobs.filter(|&n| n > 0) {
            Some(n) if n > cap => {
                eprintln!(
                    "jixiao: -j {n} 超过上限，使用 {cap} 个线程 (-j {n} is above the cap of {cap} workers: 4 a core, at most {MAX_JOBS}; using {cap})"
                );
                cap
            }
            Some(n) => n,
            None => cores.min(cap),
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|i| format!("jixiao-worker-{i}"))
            .build()
            .map_err(io::Error::other)?;
        Ok(Batch { pool, jobs })
    }

    pub fn jobs(&self) -> usize {
        self.jobs
    }

    /// Run `work` on every item in parallel and hand each result to `emit` in input order.
    pub fn run<T, R>(
        &self,
        items: &[T],
        work: impl Fn(&T) -> R + Sync,
        mut emit: impl FnMut(R) -> io::Result<()>,
    ) -> io::Result<()>
    where
        T: Sync,
        R: Send,
    {
        let progress = progress_bar(items.len());
        let window = WINDOW_PER_THREAD.saturating_mul(self.jobs).max(1);
        for chunk in items.chunks(window) {
            let results: Vec<R> = if self.jobs == 1 {
                chunk.iter().map(&work).collect()
            } else {
                self.pool.install(|| chunk.par_iter().map(&work).collect())
            };
            for result in results {
                emit(result)?;
            }
            if let Some(bar) = &progress {
                bar.inc(chunk.len() as u64);
            }
        }
        if let Some(bar) = progress {
            bar.finish_and_clear();
        }
        Ok(())
    }
}

/// A bar on stderr when it is a terminal and the batch is large; nothing otherwise.
fn progress_bar(total: usize) -> Option<ProgressBar> {
    if total < PROGRESS_THRESHOLD || !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} 表 ({per_sec}, {eta})") {
        bar.set_style(style);
    }
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_out_in_input_order_whatever_the_thread_count() {
        let items: Vec<u64> = (0..5000).collect();
        for jobs in [1, 2, 4] {
            let batch = Batch::new(Some(jobs)).unwrap();
            let mut seen = Vec::new();
            batch
                .run(
                    &items,
                    |x| x * 2,
                    |r| {
                        seen.push(r);
                        Ok(())
                    },
                )
                .unwrap();
            assert_eq!(seen, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn an_emit_error_stops_the_batch() {
        let items: Vec<u32> = (0..1000).collect();
        let batch = Batch::new(Some(2)).unwrap();
        let mut count = 0;
        let result = batch.run(
            &items,
            |x| *x,
            |_| {
                count += 1;
                if count == 10 {
                    Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(result.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(count, 10);
    }
}
