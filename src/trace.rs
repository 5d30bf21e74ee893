//! Layer 0: the profiling context that the runtime reports into.
//!
//! Array operations and buffer allocators call [`op`] and [`alloc_event`];
//! with no sink installed each call costs one relaxed atomic load. A profiler
//! (or a test) installs a [`Sink`] to receive the events. This module depends
//! on nothing else in the crate, so the lower layers can report without
//! knowing who listens.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

static ENABLED: AtomicBool = AtomicBool::new(false);
static SINK: RwLock<Option<Arc<dyn Sink>>> = RwLock::new(None);

/// One finished array operation.
#[derive(Clone, Debug, PartialEq)]
pub struct OpEvent {
    /// The operation's name (`add`, `sum`, `push`, ...).
    pub op: &'static str,
    /// The dtype the operation computed in, by NumPy name.
    pub dtype: &'static str,
    /// Elements produced (or consumed, for reductions).
    pub elements: u64,
    /// Bytes read from the operands.
    pub bytes_read: u64,
    /// Bytes written to the result.
    pub bytes_written: u64,
    /// Wall time of the call.
    pub nanos: u64,
}

/// What happened to a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocKind {
    /// A new block.
    Alloc,
    /// A block given back.
    Free,
    /// A block grown; `copied` bytes moved to the new place (0 if it grew in place).
    Grow { copied: u64 },
}

/// One buffer allocator event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocEvent {
    /// What happened.
    pub kind: AllocKind,
    /// Bytes requested (the new size, for growth).
    pub bytes: u64,
    /// The allocator's name (`system`, `mimalloc`, `pool`).
    pub allocator: &'static str,
}

/// Receives events while installed. Called on the thread that did the work,
/// so implementations must be cheap and must not call back into array ops.
pub trait Sink: Send + Sync {
    /// An operation finished.
    fn op(&self, event: &OpEvent);
    /// A buffer allocator did something.
    fn alloc(&self, event: &AllocEvent);
}

/// Installs `sink` to receive every event from now on, replacing any other.
pub fn install(sink: Arc<dyn Sink>) {
    let mut slot = SINK.write().unwrap_or_else(|e| e.into_inner());
    *slot = Some(sink);
    ENABLED.store(true, Ordering::Release);
}

/// Removes the installed sink; events stop.
pub fn uninstall() {
    ENABLED.store(false, Ordering::Release);
    let mut slot = SINK.write().unwrap_or_else(|e| e.into_inner());
    *slot = None;
}

/// Whether a sink is listening. One relaxed atomic load.
#[inline(always)]
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

fn with_sink(f: impl FnOnce(&dyn Sink)) {
    if let Ok(slot) = SINK.try_read() {
        if let Some(sink) = slot.as_ref() {
            f(sink.as_ref());
        }
    }
}

/// Starts timing an operation; the event goes to the sink when the guard drops.
#[inline]
pub fn op(
    op: &'static str,
    dtype: &'static str,
    elements: usize,
    bytes_read: usize,
    bytes_written: usize,
) -> OpGuard {
    OpGuard {
        live: enabled().then(|| {
            (
                Instant::now(),
                OpEvent {
                    op,
                    dtype,
                    elements: elements as u64,
                    bytes_read: bytes_read as u64,
                    bytes_written: bytes_written as u64,
                    nanos: 0,
                },
            )
        }),
    }
}

/// Times one operation; see [`op`].
#[must_use = "the operation is timed until the guard drops"]
pub struct OpGuard {
    live: Option<(Instant, OpEvent)>,
}

impl Drop for OpGuard {
    fn drop(&mut self) {
        if let Some((start, mut event)) = self.live.take() {
            event.nanos = start.elapsed().as_nanos() as u64;
            with_sink(|s| s.op(&event));
        }
    }
}

/// Reports a buffer allocator event.
#[inline]
pub fn alloc_event(kind: AllocKind, bytes: usize, allocator: &'static str) {
    if enabled() {
        let event = AllocEvent {
            kind,
            bytes: bytes as u64,
            allocator,
        };
        with_sink(|s| s.alloc(&event));
    }
}
