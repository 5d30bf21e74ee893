//! Repeats: each variant runs once to warm up (unrecorded: the profile holds
//! the timed runs only), then at least [`MIN_RUNS`]
//! times and for at least [`MIN_TOTAL`] in all (at most [`MAX_RUNS`] times),
//! each run timed by the wall clock around it. The tour reports the median
//! with its min-max, not one run: on a shared machine one run can be 10x off.

use crate::error::Result;
use crate::profiler::scope;
use serde::Serialize;
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// Fewest timed runs of a variant.
pub const MIN_RUNS: usize = 5;
/// Least wall time of a variant's timed runs together.
pub const MIN_TOTAL: Duration = Duration::from_millis(200);
/// Most timed runs of a variant: a safety cap (a 20 us variant needs
/// 10,000 runs to fill [`MIN_TOTAL`]).
pub const MAX_RUNS: usize = 100_000;
/// A variant whose runs spread more than this around their median
/// ([`Timing::spread`]) is flagged as noisy.
pub const NOISY_SPREAD: f64 = 0.25;

/// The wall-clock times of one variant's timed runs.
#[derive(Clone, Debug, Serialize)]
pub struct Timing {
    /// Which of the case's profiles holds the variant (the order its sessions started).
    pub profile: usize,
    /// The variant's scope path.
    pub path: Vec<String>,
    /// Each timed run, in nanoseconds, in run order (the warm-up run is not among them).
    pub runs_ns: Vec<f64>,
}

impl Timing {
    fn sorted(&self) -> Vec<f64> {
        let mut v = self.runs_ns.clone();
        v.sort_by(f64::total_cmp);
        v
    }

    /// The median run.
    pub fn median(&self) -> f64 {
        let v = self.sorted();
        match v.len() {
            0 => 0.0,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }

    /// The fastest run.
    pub fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(0.0)
    }

    /// The slowest run.
    pub fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(0.0)
    }

    /// The run at fraction `q` of the sorted runs (nearest rank).
    pub fn quantile(&self, q: f64) -> f64 {
        let v = self.sorted();
        if v.is_empty() {
            return 0.0;
        }
        let i = (q.clamp(0.0, 1.0) * (v.len() - 1) as f64).round() as usize;
        v[i]
    }

    /// `(p90 - p10) / median`: how far apart the runs are, with the rare
    /// interrupted run of a long series left out (with 5 to 10 runs this is
    /// `(max - min) / median`).
    pub fn spread(&self) -> f64 {
        let m = self.median();
        if m > 0.0 {
            (self.quantile(0.9) - self.quantile(0.1)) / m
        } else {
            0.0
        }
    }
}

#[derive(Default)]
struct Collected {
    /// Sessions the running case has started (profiled or not).
    sessions: usize,
    timings: Vec<Timing>,
}

thread_local! {
    static COLLECTED: RefCell<Collected> = RefCell::new(Collected::default());
    static FIXED: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// While alive, every variant on this thread runs exactly `n` timed runs
/// (for comparing the same work with and without the profiler).
///
/// ```
/// use ndprof::tour::{vectorize, FixedRuns, Profiling, Setup, Size};
/// let _five = FixedRuns::set(5);
/// let run = vectorize::run(Setup { size: Size::Quick, profiling: Profiling::Off }).unwrap();
/// assert!(run.timings.iter().all(|t| t.runs_ns.len() == 5));
/// ```
#[must_use = "the fixed count holds while the value lives"]
pub struct FixedRuns(Option<usize>);

impl FixedRuns {
    /// Fixes the count of timed runs at `n` until the value is dropped.
    pub fn set(n: usize) -> FixedRuns {
        FixedRuns(FIXED.with(|f| f.replace(Some(n))))
    }
}

impl Drop for FixedRuns {
    fn drop(&mut self) {
        FIXED.with(|f| f.set(self.0));
    }
}

/// A case started its next session: later variants belong to its profile.
pub(crate) fn session_started() {
    COLLECTED.with(|c| c.borrow_mut().sessions += 1);
}

/// The timings the running case collected; starts the next case afresh.
pub(crate) fn take_timings() -> Vec<Timing> {
    COLLECTED.with(|c| std::mem::take(&mut *c.borrow_mut()).timings)
}

/// Runs `body` as the variant at `path` (its last frame is opened here as a
/// scope, under the scope the caller is in): once to warm up, then
/// repeatedly as the module says, and returns the last run's value. The
/// previous run's value is dropped before the next run starts.
///
/// # Errors
/// The first error of `body`.
pub(crate) fn repeat<T>(path: &[&str], body: impl FnMut() -> Result<T>) -> Result<T> {
    repeat_until(path, body, |runs, total| {
        runs >= MIN_RUNS && (total >= MIN_TOTAL || runs >= MAX_RUNS)
    })
    .map(|(v, _)| v)
}

/// As [`repeat`], and says how many timed runs it made.
///
/// # Errors
/// The first error of `body`.
pub(crate) fn repeat_counted<T>(
    path: &[&str],
    body: impl FnMut() -> Result<T>,
) -> Result<(T, usize)> {
    repeat_until(path, body, |runs, total| {
        runs >= MIN_RUNS && (total >= MIN_TOTAL || runs >= MAX_RUNS)
    })
}

/// As [`repeat`] with exactly `runs` timed runs (at least [`MIN_RUNS`]): runs
/// whose reports are compared total for total (one program at two dtypes)
/// must do the same work.
///
/// # Errors
/// The first error of `body`.
pub(crate) fn repeat_times<T>(
    path: &[&str],
    runs: usize,
    body: impl FnMut() -> Result<T>,
) -> Result<T> {
    let runs = runs.max(MIN_RUNS);
    repeat_until(path, body, |done, _| done >= runs).map(|(v, _)| v)
}

fn repeat_until<T>(
    path: &[&str],
    mut body: impl FnMut() -> Result<T>,
    done: impl Fn(usize, Duration) -> bool,
) -> Result<(T, usize)> {
    let name = path.last().copied().unwrap_or("variant");
    let fixed = FIXED.with(std::cell::Cell::get);
    let done = |runs: usize, total: Duration| match fixed {
        Some(n) => runs >= n,
        None => done(runs, total),
    };
    let mut run = || -> Result<T> {
        let _scope = scope(name);
        body()
    };
    // The warm-up run (first touch of fresh buffers, cold caches) is left
    // out of the profile: the report's figures are the timed runs'.
    let mut last = Some(crate::trace::unrecorded(&mut run)?);
    let mut runs_ns = Vec::new();
    let mut total = Duration::ZERO;
    while !done(runs_ns.len(), total) {
        drop(last.take());
        let t = Instant::now();
        let value = run()?;
        let took = t.elapsed();
        last = Some(value);
        total += took;
        runs_ns.push(took.as_nanos() as f64);
    }
    let count = runs_ns.len();
    COLLECTED.with(|c| {
        let mut c = c.borrow_mut();
        let profile = c.sessions.saturating_sub(1);
        c.timings.push(Timing {
            profile,
            path: path.iter().map(|s| s.to_string()).collect(),
            runs_ns,
        });
    });
    match last {
        Some(v) => Ok((v, count)),
        None => run().map(|v| (v, count)),
    }
}
