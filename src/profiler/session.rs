//! [`Session`]: one profiling window, from `start()` to `finish()`.

use super::profile::{BuildInfo, HeapSource, Profile};
use crate::error::{Error, ErrorKind, Result};
use crate::trace::recording::{self, Drained, Options};
use crate::trace::{heap, Stamp};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Configures a [`Session`].
#[derive(Clone, Debug)]
pub struct SessionBuilder {
    cpu_hz: u32,
    scalar_time_every: u64,
    value_ranges: bool,
    heap: bool,
    labels: Vec<(String, String)>,
}

impl Default for SessionBuilder {
    fn default() -> Self {
        SessionBuilder {
            cpu_hz: if cfg!(feature = "cpu") { 99 } else { 0 },
            scalar_time_every: 1,
            value_ranges: false,
            heap: false,
            labels: Vec::new(),
        }
    }
}

impl SessionBuilder {
    /// The CPU sampling rate in Hz (default 99 with the `cpu` feature; 0
    /// turns sampling off). pprof-rs delivers at most ~240 samples per
    /// CPU-second here whatever the rate, so rates above ~200 Hz gain nothing.
    /// Without the `cpu` feature any rate is ignored.
    pub fn cpu_hz(mut self, hz: u32) -> Self {
        self.cpu_hz = hz;
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

    /// Op-time sampling for scalar `get`/`set` (the per-element loop path,
    /// millions of calls): time 1 call in `n` per thread and scale the time
    /// by `n`. Calls, elements and bytes stay exact; records and reports mark
    /// such times as sampled. Default 1 (every call timed; ~20 ns each).
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
        #[cfg(feature = "cpu")]
        let cpu = if self.cpu_hz > 0 {
            match super::cpu::CpuSampler::start(self.cpu_hz) {
                Ok(s) => Some(s),
                Err(e) => {
                    ACTIVE.store(false, Ordering::Release);
                    return Err(e);
                }
            }
        } else {
            None
        };
        let start = Stamp::now();
        let epoch = recording::start(Options {
            scalar_time_every: self.scalar_time_every,
            value_ranges: self.value_ranges,
        });
        Ok(Session {
            epoch,
            start,
            builder: self,
            done: false,
            #[cfg(feature = "cpu")]
            cpu,
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
    done: bool,
    #[cfg(feature = "cpu")]
    cpu: Option<super::cpu::CpuSampler>,
    _not_send: PhantomData<*const ()>,
}

impl Session {
    /// A builder with the defaults: heap report off, no labels.
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
        let end = Stamp::now();
        let drained = self.stop();
        let heap = self.builder.heap.then(|| {
            if heap::installed() {
                HeapSource::Global
            } else {
                HeapSource::Buffers
            }
        });
        #[allow(unused_mut)]
        let mut profile = Profile::build(
            drained,
            BuildInfo {
                start: self.start,
                end,
                heap,
                labels: std::mem::take(&mut self.builder.labels),
                scalar_time_every: self.builder.scalar_time_every,
            },
        );
        #[cfg(feature = "cpu")]
        if let Some(cpu) = self.cpu.take() {
            profile.set_cpu(cpu.finish()?);
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
