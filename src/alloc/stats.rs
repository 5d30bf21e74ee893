//! Exact allocator statistics.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A snapshot of one allocator's statistics. Every figure is exact.
///
/// Cumulative counts (`allocations` ... `bytes_copied`, `reused`) only grow;
/// compare two snapshots with [`AllocStats::since`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocStats {
    /// Blocks handed out (fresh or reused).
    pub allocations: u64,
    /// Blocks given back.
    pub frees: u64,
    /// Blocks grown (by `push` or `reserve`).
    pub reallocations: u64,
    /// Bytes requested: each allocation's size plus each growth's added bytes.
    pub bytes_allocated: u64,
    /// Bytes copied to move grown blocks.
    pub bytes_copied: u64,
    /// Bytes in blocks handed out and not yet given back.
    pub live_bytes: u64,
    /// The most `live_bytes` ever reached.
    pub peak_live_bytes: u64,
    /// Allocations served from freed blocks instead of the system (pool only).
    pub reused: u64,
    /// Bytes of freed blocks kept for reuse (pool only).
    pub retained_bytes: u64,
}

impl AllocStats {
    /// The cumulative counts since `earlier`; the live, peak and retained
    /// figures are this snapshot's.
    pub fn since(&self, earlier: &AllocStats) -> AllocStats {
        AllocStats {
            allocations: self.allocations - earlier.allocations,
            frees: self.frees - earlier.frees,
            reallocations: self.reallocations - earlier.reallocations,
            bytes_allocated: self.bytes_allocated - earlier.bytes_allocated,
            bytes_copied: self.bytes_copied - earlier.bytes_copied,
            reused: self.reused - earlier.reused,
            ..*self
        }
    }
}

/// The atomic counters behind [`AllocStats`], updated by the provided methods
/// of [`BufferAllocator`](super::allocator::BufferAllocator).
#[derive(Debug, Default)]
pub struct Counters {
    allocations: AtomicU64,
    frees: AtomicU64,
    reallocations: AtomicU64,
    bytes_allocated: AtomicU64,
    bytes_copied: AtomicU64,
    live_bytes: AtomicU64,
    peak_live_bytes: AtomicU64,
    reused: AtomicU64,
    retained_bytes: AtomicU64,
}

impl Counters {
    /// Zeroed counters.
    pub const fn new() -> Self {
        Counters {
            allocations: AtomicU64::new(0),
            frees: AtomicU64::new(0),
            reallocations: AtomicU64::new(0),
            bytes_allocated: AtomicU64::new(0),
            bytes_copied: AtomicU64::new(0),
            live_bytes: AtomicU64::new(0),
            peak_live_bytes: AtomicU64::new(0),
            reused: AtomicU64::new(0),
            retained_bytes: AtomicU64::new(0),
        }
    }

    fn add_live(&self, bytes: u64) {
        let now = self.live_bytes.fetch_add(bytes, Relaxed) + bytes;
        self.peak_live_bytes.fetch_max(now, Relaxed);
    }

    pub(crate) fn on_alloc(&self, bytes: usize) {
        self.allocations.fetch_add(1, Relaxed);
        self.bytes_allocated.fetch_add(bytes as u64, Relaxed);
        self.add_live(bytes as u64);
    }

    pub(crate) fn on_free(&self, bytes: usize) {
        self.frees.fetch_add(1, Relaxed);
        self.live_bytes.fetch_sub(bytes as u64, Relaxed);
    }

    pub(crate) fn on_grow(&self, old: usize, new: usize, copied: usize) {
        self.reallocations.fetch_add(1, Relaxed);
        self.bytes_allocated.fetch_add((new - old) as u64, Relaxed);
        self.bytes_copied.fetch_add(copied as u64, Relaxed);
        self.add_live((new - old) as u64);
    }

    pub(crate) fn on_reuse(&self) {
        self.reused.fetch_add(1, Relaxed);
    }

    pub(crate) fn set_retained(&self, bytes: u64) {
        self.retained_bytes.store(bytes, Relaxed);
    }

    /// A snapshot.
    pub fn snapshot(&self) -> AllocStats {
        AllocStats {
            allocations: self.allocations.load(Relaxed),
            frees: self.frees.load(Relaxed),
            reallocations: self.reallocations.load(Relaxed),
            bytes_allocated: self.bytes_allocated.load(Relaxed),
            bytes_copied: self.bytes_copied.load(Relaxed),
            live_bytes: self.live_bytes.load(Relaxed),
            peak_live_bytes: self.peak_live_bytes.load(Relaxed),
            reused: self.reused.load(Relaxed),
            retained_bytes: self.retained_bytes.load(Relaxed),
        }
    }
}
