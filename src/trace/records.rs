//! Per-thread records, one slot per call-tree node, merged when a session
//! finishes. Each thread writes only its own slot (an uncontended lock);
//! the session's drain visits every thread's slot once.

use super::tree::NodeId;
use std::sync::{Arc, Mutex};

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
}

impl NodeStats {
    fn add(&mut self, o: &NodeStats) {
        self.calls += o.calls;
        self.ticks += o.ticks;
        self.elements += o.elements;
        self.bytes_read += o.bytes_read;
        self.bytes_written += o.bytes_written;
        self.allocations += o.allocations;
        self.frees += o.frees;
        self.reallocations += o.reallocations;
        self.bytes_allocated += o.bytes_allocated;
        self.bytes_freed += o.bytes_freed;
        self.bytes_copied += o.bytes_copied;
        self.heap_allocations += o.heap_allocations;
        self.heap_bytes += o.heap_bytes;
        self.heap_frees += o.heap_frees;
        self.heap_bytes_freed += o.heap_bytes_freed;
    }
}

#[derive(Default)]
struct Slot {
    epoch: u64,
    stats: Vec<NodeStats>,
}

type Shared = Arc<Mutex<Slot>>;

static SLOTS: Mutex<Vec<Shared>> = Mutex::new(Vec::new());

thread_local! {
    static MINE: Shared = {
        let slot: Shared = Arc::default();
        SLOTS.lock().unwrap_or_else(|e| e.into_inner()).push(slot.clone());
        slot
    };
}

/// Updates this thread's stats of `node` for session `epoch`.
#[inline]
pub(crate) fn update(epoch: u64, node: NodeId, f: impl FnOnce(&mut NodeStats)) {
    let _ = MINE.try_with(|slot| {
        let mut s = slot.lock().unwrap_or_else(|e| e.into_inner());
        if s.epoch != epoch {
            s.epoch = epoch;
            s.stats.clear();
        }
        let i = node as usize;
        if s.stats.len() <= i {
            s.stats.resize(i + 1, NodeStats::default());
        }
        f(&mut s.stats[i]);
    });
}

/// Every thread's stats for session `epoch`, merged by node, and cleared.
pub(crate) fn drain(epoch: u64) -> Vec<NodeStats> {
    let slots: Vec<Shared> = SLOTS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut merged: Vec<NodeStats> = Vec::new();
    for slot in slots {
        let mut s = slot.lock().unwrap_or_else(|e| e.into_inner());
        if s.epoch != epoch {
            continue;
        }
        if merged.len() < s.stats.len() {
            merged.resize(s.stats.len(), NodeStats::default());
        }
        for (m, t) in merged.iter_mut().zip(&s.stats) {
            m.add(t);
        }
        s.stats.clear();
    }
    // Drop the slots of threads that have exited and hold nothing.
    SLOTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|s| Arc::strong_count(s) > 1);
    merged
}
