//! The live-byte totals the heap counters keep and the sampler's signal
//! handler reads (atomics only, so reading them is async-signal-safe): a
//! leaf module, so that the sampler need not import the counters.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering::Relaxed};

/// A thread's live-byte changes (heap blocks, buffers) reach the shared
/// counters in steps of at least this many bytes, so the global peaks are
/// low by at most this much per allocating thread.
pub const FLUSH_BYTES: i64 = 64 << 10;

/// Live bytes of the whole heap, buffers included, when `alloc::Tracking`
/// is the global allocator (see `heap`).
pub(crate) static HEAP: AtomicI64 = AtomicI64::new(0);
/// Live buffer bytes of the session (see `held`).
pub(crate) static BUFFERS: AtomicI64 = AtomicI64::new(0);
/// `alloc::Tracking` has served an allocation in this process.
pub(crate) static TRACKING: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// This thread's change to live buffer bytes not yet added to
    /// [`BUFFERS`] (see `held`): an atomic only so that the signal handler
    /// may read it; only its thread writes it.
    pub(crate) static BUFFERS_PENDING: AtomicI64 = const { AtomicI64::new(0) };
}

/// Live bytes now, as the calling thread sees them: the whole heap with
/// `alloc::Tracking`, else buffers (with this thread's unflushed change).
pub(crate) fn now() -> u64 {
    let v = if TRACKING.load(Relaxed) {
        HEAP.load(Relaxed)
    } else {
        let pending = BUFFERS_PENDING.try_with(|p| p.load(Relaxed)).unwrap_or(0);
        BUFFERS.load(Relaxed).saturating_add(pending)
    };
    v.max(0) as u64
}
