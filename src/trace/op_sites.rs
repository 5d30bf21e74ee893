//! Sampled mode's op path: a per-thread, direct-mapped cache from an op's
//! call site (name, dtype, caller's location) and parent node to its node
//! and table entry, so that a repeated op costs a compare and no label
//! lookup (the label is only made on a miss).

use super::class::OpClass;
use super::counted::{count_entered, lookup_entry, Cached, Counted};
use super::state::{current, epoch};
use super::tree::{self, LabelId, NodeId};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

static CALL_SITES: AtomicBool = AtomicBool::new(true);

/// Whether ops are recorded per call site (the file:line that called them).
pub(crate) fn set_call_sites(on: bool) {
    CALL_SITES.store(on, Ordering::Relaxed);
}

/// An op call site: what [`op`](super::op) was called with, and from where.
#[derive(Clone, Copy)]
pub(super) struct OpSite {
    pub(super) name: &'static str,
    pub(super) class: OpClass,
    pub(super) dtype: &'static str,
    pub(super) caller: &'static std::panic::Location<'static>,
}

impl OpSite {
    /// The op's label (with its call site if the session records them).
    pub(super) fn label(&self) -> LabelId {
        let caller = CALL_SITES.load(Ordering::Relaxed).then_some(self.caller);
        tree::op_label(self.name, self.class, self.dtype, caller)
    }
}

/// What names an op call site to the per-thread op cache: the addresses
/// (and lengths) of its name and dtype and the caller's location. Equal
/// keys always mean the same label; distinct keys may share one.
#[derive(Clone, Copy, PartialEq, Eq)]
struct OpKey {
    epoch: u64,
    parent: NodeId,
    name: (usize, usize),
    dtype: (usize, usize),
    caller: usize,
}

impl OpKey {
    #[inline]
    fn new(
        name: &'static str,
        dtype: &'static str,
        caller: &'static std::panic::Location<'static>,
    ) -> OpKey {
        OpKey {
            epoch: epoch(),
            parent: current(),
            name: (name.as_ptr() as usize, name.len()),
            dtype: (dtype.as_ptr() as usize, dtype.len()),
            caller: caller as *const std::panic::Location<'static> as usize,
        }
    }

    /// The key's way in [`OP_ENTRIES`].
    #[inline]
    fn way(&self) -> usize {
        let h = (self.caller >> 3)
            ^ (self.parent as usize).wrapping_mul(0x9e37_79b1)
            ^ (self.dtype.0 >> 2);
        (h ^ (h >> 7)) & (OP_WAYS - 1)
    }
}

/// Ways of [`OP_ENTRIES`] (a power of two).
const OP_WAYS: usize = 16;

const NO_OP: (OpKey, Cached) = (
    OpKey {
        epoch: 0,
        parent: 0,
        name: (0, 0),
        dtype: (0, 0),
        caller: 0,
    },
    Cached {
        node: 0,
        entry: None,
    },
);

thread_local! {
    /// Call site and parent -> (node, entry) of this thread's recent ops,
    /// direct-mapped: a hit costs one compare and no label lookup (an op's
    /// label, keyed by name, dtype and call site, is only made on a miss).
    static OP_ENTRIES: [Cell<(OpKey, Cached)>; OP_WAYS] = const { [const { Cell::new(NO_OP) }; OP_WAYS] };
}

/// [`enter_counted`] for an op, found by its call site: a hit in this thread's cache costs a compare (no label lookup).
#[inline]
pub(super) fn enter_counted_op(site: OpSite, sizes: [u64; 3]) -> Counted {
    let key = OpKey::new(site.name, site.dtype, site.caller);
    let way = key.way();
    let c = match OP_ENTRIES.try_with(|c| c[way].get()) {
        Ok((k, c)) if k == key => c,
        _ => op_entry_missed(key, site),
    };
    count_entered(c, key.epoch, sizes, sizes[0])
}

#[cold]
#[inline(never)]
fn op_entry_missed(key: OpKey, site: OpSite) -> Cached {
    let c = lookup_entry((key.epoch, key.parent, site.label()));
    let _ = OP_ENTRIES.try_with(|e| e[key.way()].set((key, c)));
    c
}
