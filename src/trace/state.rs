//! Whether a session records, which session (its epoch), and the call-tree
//! node each thread is in.

use super::tree::{NodeId, ROOT};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

static ENABLED: AtomicBool = AtomicBool::new(false);
static EPOCH: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static CURRENT: Cell<NodeId> = const { Cell::new(ROOT) };
}

/// Whether a session is recording. One relaxed atomic load.
#[inline(always)]
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

pub(crate) fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Release);
}

/// The call-tree node this thread is in.
#[inline]
pub(crate) fn current() -> NodeId {
    CURRENT.try_with(Cell::get).unwrap_or(ROOT)
}

/// Makes `node` this thread's current node and returns the previous one.
#[inline]
pub(crate) fn set_current(node: NodeId) -> NodeId {
    CURRENT.try_with(|c| c.replace(node)).unwrap_or(ROOT)
}

/// The recording session's epoch (0 before the first session).
#[inline]
pub(crate) fn epoch() -> u64 {
    EPOCH.load(Ordering::Relaxed)
}

/// Starts a new epoch and returns it.
pub(crate) fn next_epoch() -> u64 {
    EPOCH.fetch_add(1, Ordering::AcqRel) + 1
}

/// Puts the calling thread at the root (a session starts on it).
pub(crate) fn set_current_root() {
    set_current(ROOT);
}
