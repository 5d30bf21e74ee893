//! Per-thread records, one entry per call-tree node, merged when a session
//! finishes. Each thread writes only its own table, without locks: entries
//! are atomics that only the owning thread modifies (a load and a store, no
//! read-modify-write), in fixed chunks that never move, so the session's
//! drain can read them from another thread at any time. Events that race
//! with the drain itself (an op still finishing on another thread) may be
//! missed; nothing is ever double-counted.

use super::tree::NodeId;
use std::sync::atomic::{
    AtomicPtr, AtomicU64,
    Ordering::{Acquire, Relaxed, Release},
};
use std::sync::Mutex;

/// What happened at one call-tree node: calls and time of scopes and ops,
/// op sizes, and buffer allocator events inside it. Counts are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeStats {
    /// Times the scope or op was entered.
    pub calls: u64,
    /// Clock ticks spent inside, children included.
    pub ticks: u64,
    /// Elements the op produced or consumed.
    pub elements: u64,
    pub bytes_read: u64,
    pub bytes_written: u64,
    /// Buffer allocator events directly at this node.
    pub allocations: u64,
    pub frees: u64,
    pub reallocations: u64,
    pub bytes_allocated: u64,
    pub bytes_freed: u64,
    pub bytes_copied: u64,
    /// Whole-program heap events (through `alloc::Tracking`) charged here:
    /// allocations made here, and frees of blocks allocated here wherever
    /// they happened.
    pub heap_allocations: u64,
    pub heap_bytes: u64,
    pub heap_frees: u64,
    pub heap_bytes_freed: u64,
    /// Ops that reported the range of the integer values they produced.
    pub value_ops: u64,
    /// The largest array, in elements, an op here worked on (the array a
    /// scalar `get`/`set` indexed, the array after a `push`). Merged by max.
    pub max_elements: u64,
    /// Order-preserving keys of the smallest and largest integer value
    /// produced here (see [`NodeStats::value_range`]). Merged by max.
    pub value_lo_key: u64,
    pub value_hi_key: u64,
}

const FIELDS: usize = 19;
/// Fields from this position on merge by maximum, not by sum.
const MAX_FROM: usize = 16;
/// Positions of the fields [`bump_call`] adds to in [`NodeStats::fields`].
const CALLS: usize = 0;
const TICKS: usize = 1;
const ELEMENTS: usize = 2;
const BYTES_READ: usize = 3;
const BYTES_WRITTEN: usize = 4;
const MAX_ELEMENTS: usize = 16;
/// Positions of the heap byte counters in [`NodeStats::fields`].
const HEAP_BYTES: usize = 12;
const HEAP_BYTES_FREED: usize = 14;

impl NodeStats {
    fn fields(&self) -> [u64; FIELDS] {
        [
            self.calls,
            self.ticks,
            self.elements,
            self.bytes_read,
            self.bytes_written,
            self.allocations,
            self.frees,
            self.reallocations,
            self.bytes_allocated,
            self.bytes_freed,
            self.bytes_copied,
            self.heap_allocations,
            self.heap_bytes,
            self.heap_frees,
            self.heap_bytes_freed,
            self.value_ops,
            self.max_elements,
            self.value_lo_key,
            self.value_hi_key,
        ]
    }

    fn from_fields(f: [u64; FIELDS]) -> NodeStats {
        NodeStats {
            calls: f[0],
            ticks: f[1],
            elements: f[2],
            bytes_read: f[3],
            bytes_written: f[4],
            allocations: f[5],
            frees: f[6],
            reallocations: f[7],
            bytes_allocated: f[8],
            bytes_freed: f[9],
            bytes_copied: f[10],
            heap_allocations: f[11],
            heap_bytes: f[12],
            heap_frees: f[13],
            heap_bytes_freed: f[14],
            value_ops: f[15],
            max_elements: f[16],
            value_lo_key: f[17],
            value_hi_key: f[18],
        }
    }

    fn add(&mut self, o: &NodeStats) {
        let mut f = self.fields();
        for (i, (a, b)) in f.iter_mut().zip(o.fields()).enumerate() {
            *a = merge_field(i, *a, b);
        }
        *self = NodeStats::from_fields(f);
    }

    /// The smallest and largest integer value ops produced here, if any op
    /// reported values (sessions with `SessionBuilder::value_ranges`).
    pub fn value_range(&self) -> Option<(i64, i64)> {
        (self.value_ops > 0).then(|| {
            (
                range_key_min(self.value_lo_key),
                range_key_max(self.value_hi_key),
            )
        })
    }

    /// Sets the range keys for values in `lo..=hi` (one op's worth).
    pub(crate) fn set_value_range(&mut self, lo: i64, hi: i64) {
        self.value_ops = 1;
        self.value_lo_key = u64::MAX - order_key(lo);
        self.value_hi_key = order_key(hi);
    }
}

/// Maps `i64` order onto `u64` order.
fn order_key(v: i64) -> u64 {
    (v as u64) ^ (1 << 63)
}

fn range_key_max(k: u64) -> i64 {
    (k ^ (1 << 63)) as i64
}

fn range_key_min(k: u64) -> i64 {
    range_key_max(u64::MAX - k)
}

fn merge_field(i: usize, a: u64, b: u64) -> u64 {
    if i >= MAX_FROM {
        a.max(b)
    } else {
        a.wrapping_add(b)
    }
}

/// Nodes per chunk and chunks per thread: 65,536 nodes in all; events at
/// nodes beyond that are dropped.
const CHUNK: usize = 256;
const CHUNKS: usize = 256;

type Entry = [AtomicU64; FIELDS];
type Chunk = [Entry; CHUNK];

struct Slot {
    epoch: AtomicU64,
    chunks: [AtomicPtr<Chunk>; CHUNKS],
}

static SLOTS: Mutex<Vec<&'static Slot>> = Mutex::new(Vec::new());

thread_local! {
    static MINE: &'static Slot = {
        // Leaked on purpose: the drain may read a thread's table after it exits.
        let slot: &'static Slot = Box::leak(Box::new(Slot {
            epoch: AtomicU64::new(0),
            chunks: [const { AtomicPtr::new(std::ptr::null_mut()) }; CHUNKS],
        }));
        SLOTS.lock().unwrap_or_else(|e| e.into_inner()).push(slot);
        slot
    };
}

fn new_chunk() -> *mut Chunk {
    let chunk: Box<Chunk> = Box::new([const { [const { AtomicU64::new(0) }; FIELDS] }; CHUNK]);
    Box::into_raw(chunk)
}

impl Slot {
    /// Zeroes the table for a new session (owning thread only).
    fn clear(&self) {
        for c in &self.chunks {
            let p = c.load(Acquire);
            if !p.is_null() {
                // SAFETY: chunks are leaked boxes that live forever once published.
                for e in unsafe { &*p } {
                    for f in e {
                        f.store(0, Relaxed);
                    }
                }
            }
        }
    }

    fn entry(&self, node: NodeId) -> Option<&Entry> {
        let (c, i) = (node as usize / CHUNK, node as usize % CHUNK);
        let slot = self.chunks.get(c)?;
        let mut p = slot.load(Acquire);
        if p.is_null() {
            p = new_chunk();
            slot.store(p, Release);
        }
        // SAFETY: as in `clear`.
        Some(unsafe { &(*p)[i] })
    }
}

/// Adds what `f` writes into a zeroed `NodeStats` to this thread's entry for
/// `node` in session `epoch`.
#[inline]
pub(crate) fn update(epoch: u64, node: NodeId, f: impl FnOnce(&mut NodeStats)) {
    let _ = MINE.try_with(|slot| {
        let have = slot.epoch.load(Relaxed);
        if have != epoch {
            if epoch < have {
                return; // a straggler from a finished session
            }
            slot.clear();
            slot.epoch.store(epoch, Release);
        }
        let mut delta = NodeStats::default();
        f(&mut delta);
        if let Some(entry) = slot.entry(node) {
            for (i, (a, d)) in entry.iter().zip(delta.fields()).enumerate() {
                if d != 0 {
                    // Only this thread writes: a load and a store suffice.
                    a.store(merge_field(i, a.load(Relaxed), d), Relaxed);
                }
            }
        }
    });
}

/// One call of a scope or op, as [`bump_call`] adds it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Call {
    pub ticks: u64,
    pub elements: u64,
    pub bytes_read: u64,
    pub bytes_written: u64,
    pub max_elements: u64,
    pub values: Option<(i64, i64)>,
}

/// Adds one call to this thread's entry for `node`, touching only the fields
/// a call changes (the common path of every scope and op).
#[inline]
pub(crate) fn bump_call(epoch: u64, node: NodeId, c: &Call) {
    let _ = MINE.try_with(|slot| {
        if slot.epoch.load(Relaxed) != epoch || c.values.is_some() {
            // First event of this session on this thread (the general path
            // resets the table), or a value range to merge.
            update(epoch, node, |s| {
                s.calls = 1;
                s.ticks = c.ticks;
                s.elements = c.elements;
                s.bytes_read = c.bytes_read;
                s.bytes_written = c.bytes_written;
                s.max_elements = c.max_elements;
                if let Some((lo, hi)) = c.values {
                    s.set_value_range(lo, hi);
                }
            });
            return;
        }
        if let Some(e) = slot.entry(node) {
            // Only this thread writes: loads and stores suffice.
            let add = |i: usize, d: u64| {
                if d != 0 {
                    e[i].store(e[i].load(Relaxed).wrapping_add(d), Relaxed);
                }
            };
            add(CALLS, 1);
            add(TICKS, c.ticks);
            add(ELEMENTS, c.elements);
            add(BYTES_READ, c.bytes_read);
            add(BYTES_WRITTEN, c.bytes_written);
            if e[MAX_ELEMENTS].load(Relaxed) < c.max_elements {
                e[MAX_ELEMENTS].store(c.max_elements, Relaxed);
            }
        }
    });
}

/// Calls `f(node, entry)` for every nonzero entry of every thread table of
/// session `epoch`.
fn scan(slots: &[&'static Slot], epoch: u64, mut f: impl FnMut(usize, &Entry)) {
    for slot in slots {
        if slot.epoch.load(Acquire) != epoch {
            continue;
        }
        for (c, chunk) in slot.chunks.iter().enumerate() {
            let p = chunk.load(Acquire);
            if p.is_null() {
                continue;
            }
            // SAFETY: chunks are leaked boxes that live forever once published.
            for (i, e) in unsafe { &*p }.iter().enumerate() {
                f(c * CHUNK + i, e);
            }
        }
    }
}

/// Every thread's stats for session `epoch`, merged by node.
pub(crate) fn drain(epoch: u64) -> Vec<NodeStats> {
    let slots: Vec<&'static Slot> = SLOTS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut merged: Vec<NodeStats> = Vec::new();
    scan(&slots, epoch, |node, e| {
        let mut f = [0u64; FIELDS];
        for (v, a) in f.iter_mut().zip(e) {
            *v = a.load(Relaxed);
        }
        if f.iter().any(|&v| v != 0) {
            if merged.len() <= node {
                merged.resize(node + 1, NodeStats::default());
            }
            merged[node].add(&NodeStats::from_fields(f));
        }
    });
    merged
}

/// Live whole-program heap bytes per node (allocated there minus freed, over
/// all threads) for session `epoch`, added into `out`. Skips the scan if the
/// thread list is locked (a thread is registering).
pub(crate) fn add_heap_live(epoch: u64, out: &mut std::collections::HashMap<NodeId, i64>) {
    let Ok(slots) = SLOTS.try_lock() else {
        return;
    };
    scan(&slots, epoch, |node, e| {
        let live = e[HEAP_BYTES].load(Relaxed) as i64 - e[HEAP_BYTES_FREED].load(Relaxed) as i64;
        if live != 0 {
            *out.entry(node as NodeId).or_insert(0) += live;
        }
    });
}
