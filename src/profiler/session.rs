//! [`Session`]: one profiling window, from `start()` to `finish()`.

use super::calibrate::{self, EventCost};
use super::mode::Mode;
use super::profile::{BuildInfo, HeapSource, Profile};
use crate::error::{Error, ErrorKind, Result};
use crate::trace::recording::{self, Drained, Options};
use crate::trace::{heap, SamplerConfig, Stamp};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Configures a [`Session`].
#[derive(Clone, Debug)]
pub struct SessionBuilder {
    mode: Mode,
    cpu_hz: u32,
    native_stacks: bool,
    sample_capacity: usize,
    scalar_time_every: u64,
    value_ranges: bool,
    call_sites: bool,
    heap: bool,
    labels: Vec<(String, String)>,
}

impl Default for SessionBuilder {
    fn default() -> Self {
        SessionBuilder {
            mode: Mode::Sampled,
            cpu_hz: DEFAULT_HZ,
            native_stacks: cfg!(feature = "cpu"),
            sample_capacity: 1 << 16,
            scalar_time_every: 1,
            value_ranges: false,
            call_sites: true,
            heap: false,
            labels: Vec::new(),
        }
    }
}

/// The sampler's default rate: a sample per 4 ms (on average) that a
/// thread spends in scopes. Each timer signal costs the interrupted work
/// ~25-55 us on this project's VM whatever the handler does (a no-op
/// handler measured the same), so the rate is the sampler's cost: ~0.6-1.5%
/// here at 250 Hz, ~0.3-0.5% at 100 Hz (Go's and async-profiler's default),
/// at the price of 1.6x the uncertainty (`benches/RESULTS.md`, run J).
pub const DEFAULT_HZ: u32 = 250;

impl SessionBuilder {
    /// How time is measured: [`Mode::Sampled`] (default) or [`Mode::Instrumented`].
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// The sampling rate per thread in Hz of wall time (default 250; 0
    /// turns the sampler off), for threads inside a scope. Measured on this
    /// project's 2-core VM, a timer signal costs the interrupted work ~25 us
    /// on a busy thread and ~50-60 us when it wakes one waiting for rayon's
    /// workers (the VM's timer exits dominate: a no-op handler costs the
    /// same; the native unwind adds little), so 250 Hz costs ~0.6-1.5% and
    /// 1000 Hz ~7%. Resolution is one period (4 ms
    /// at 250 Hz); each record reports its uncertainty. Linux only;
    /// elsewhere no samples are taken.
    pub fn cpu_hz(mut self, hz: u32) -> Self {
        self.cpu_hz = hz;
        self
    }

    /// Whether each CPU sample also walks the native stack, for `cpu.svg`
    /// and `cpu.pb` (default on with the `cpu` feature). Off, the sampler
    /// only attributes time to scopes and ops.
    pub fn native_stacks(mut self, on: bool) -> Self {
        self.native_stacks = on;
        self
    }

    /// The most samples a session keeps (default 65,536, over four minutes
    /// of one thread inside scopes at 250 Hz); later ones
    /// are counted as lost (`Profile::lost_sample_ns`). Memory is reserved
    /// (not touched) at start: 544 bytes a sample with native stacks, 32
    /// without, unmapped at `finish`.
    pub fn sample_capacity(mut self, samples: usize) -> Self {
        self.sample_capacity = samples.max(1);
        self
    }

    /// Whether to report the heap. Whole-program counting needs
    /// [`alloc::Tracking`](crate::alloc::Tracking) as the global allocator;
    /// without it the heap report falls back to ndprof's buffers only and
    /// says so (`source: "buffers"` instead of `"global"`).
    pub fn heap(mut self, on: bool) -> Self {
        self.heap = on;
        self
    }

    /// Instrumented mode's op-time sampling for scalar `get`/`set` (the
    /// per-element loop path, millions of calls): time 1 call in `n` per op
    /// and thread and scale the time by `n`. Calls, elements and bytes stay
    /// exact; records and reports mark such times as sampled. Default 1
    /// (every call timed; ~20 ns each).
    pub fn scalar_time_every(mut self, n: u64) -> Self {
        self.scalar_time_every = n.max(1);
        self
    }

    /// Whether integer-producing ops (elementwise, `arange`, `astype`,
    /// `set`, `push`) record the range of values they produce, so that the
    /// `dtype-downsize` advice can tell which int64 arrays would fit a
    /// smaller dtype. Costs one extra read pass over each integer result.
    /// Default off.
    pub fn value_ranges(mut self, on: bool) -> Self {
        self.value_ranges = on;
        self
    }

    /// Whether ops are recorded per call site: the file:line of your code
    /// that called each array op (public ops are `#[track_caller]`), kept in
    /// each op record's `lines` and shown as the hottest source lines in
    /// `ops.txt`, the HTML and `ops.pb` (`go tool pprof -lines`). Per-element
    /// ops (`get`, `set`, `push`) are not located: their line is the loop
    /// their scope already names. Default on; the cost is one more word
    /// compared per op (measured in `benches/RESULTS.md`).
    pub fn call_sites(mut self, on: bool) -> Self {
        self.call_sites = on;
        self
    }

    /// Attaches a label to the run (`dtype` = `int32`, ...), kept in reports.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.push((key.into(), value.into()));
        self
    }

    /// Starts recording.
    ///
    /// # Errors
    /// [`ErrorKind::Session`] if another session is running in this process.
    pub fn start(self) -> Result<Session> {
        if ACTIVE.swap(true, Ordering::AcqRel) {
            return Err(Error::new(
                ErrorKind::Session,
                "a profiling session is already running in this process; finish it first",
            ));
        }
        let sampling = self.cpu_hz > 0 && cfg!(target_os = "linux");
        let instrumented = self.mode == Mode::Instrumented;
        let event_cost = if instrumented {
            calibrate::event_cost(self.scalar_time_every)
        } else {
            EventCost::default()
        };
        let start = Stamp::now();
        let epoch = recording::start(Options {
            instrumented,
            sampler: sampling.then_some(SamplerConfig {
                hz: self.cpu_hz,
                stacks: self.native_stacks && cfg!(feature = "cpu"),
                capacity: self.sample_capacity,
            }),
            scalar_time_every: self.scalar_time_every,
            value_ranges: self.value_ranges,
            call_sites: self.call_sites,
        })
        .map_err(|e| {
            ACTIVE.store(false, Ordering::Release);
            Error::new(ErrorKind::Session, format!("CPU sampling: {e}"))
        })?;
        Ok(Session {
            epoch,
            start,
            builder: self,
            event_cost,
            done: false,
            _not_send: PhantomData,
        })
    }
}

/// A running profiling session. Only one runs at a time per process.
///
/// `finish` consumes the session, so finishing twice does not compile:
///
/// ```compile_fail
/// # fn main() -> ndprof::Result<()> {
/// let session = ndprof::Session::builder().start()?;
/// let a = session.finish()?;
/// let b = session.finish()?; // error: use of moved value
/// # Ok(())
/// # }
/// ```
///
/// Dropping a session without finishing stops recording and discards what
/// it recorded; it never panics.
#[must_use = "a session records until it is finished or dropped"]
pub struct Session {
    epoch: u64,
    start: Stamp,
    builder: SessionBuilder,
    event_cost: EventCost,
    done: bool,
    _not_send: PhantomData<*const ()>,
}

impl Session {
    /// A builder with the defaults: sampled mode at 250 Hz with native
    /// stacks, heap report off, no labels.
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }

    fn stop(&mut self) -> Drained {
        recording::stop();
        let drained = recording::drain(self.epoch);
        ACTIVE.store(false, Ordering::Release);
        self.done = true;
        drained
    }

    /// Stops recording and returns what was recorded.
    ///
    /// # Errors
    /// [`ErrorKind::Session`] if the CPU sampler's report cannot be built.
    pub fn finish(mut self) -> Result<Profile> {
        #[cfg(feature = "cpu")]
        let hz = self.builder.cpu_hz;
        let end = Stamp::now();
        let mut drained = self.stop();
        let heap = self.builder.heap.then(|| {
            if heap::installed() {
                HeapSource::Global
            } else {
                HeapSource::Buffers
            }
        });
        #[allow(unused_variables)]
        let stacks = std::mem::take(&mut drained.stacks);
        #[allow(unused_mut, unused_variables)]
        let (mut profile, node_records) = Profile::build(
            drained,
            BuildInfo {
                start: self.start,
                end,
                heap,
                labels: std::mem::take(&mut self.builder.labels),
                scalar_time_every: self.builder.scalar_time_every,
                mode: self.builder.mode,
                event_cost: self.event_cost,
            },
        );
        #[cfg(feature = "cpu")]
        if self.builder.native_stacks && !stacks.is_empty() {
            let path_of = |node: u32| {
                node_records
                    .get(node as usize)
                    .copied()
                    .flatten()
                    .map(|r| profile.path(r))
                    .unwrap_or_default()
            };
            let pending = super::cpu::PendingCpu::new(hz, profile.wall_ns(), path_of, stacks);
            profile.set_cpu(pending);
        }
        Ok(profile)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.stop();
        }
    }
}
