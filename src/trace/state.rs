//! Whether a session records, which session (its epoch), and the call-tree
//! node each thread is in.

use super::tree::{NodeId, ROOT};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};

/// 0: no session; 1: sampled (the default mode); 2: instrumented.
static MODE: AtomicU8 = AtomicU8::new(0);
static EPOCH: AtomicU64 = AtomicU64::new(0);

const OFF: u8 = 0;
const SAMPLED: u8 = 1;
const INSTRUMENTED: u8 = 2;

thread_local! {
    /// Read by the sampler's signal handler: const-initialized, no destructor.
    static CURRENT: Cell<NodeId> = const { Cell::new(ROOT) };
    /// The scalar op (`&'static ScalarSite` as an address) this thread is
    /// inside, 0 outside: the sampler charges its samples there.
    static SCALAR_SITE: Cell<usize> = const { Cell::new(0) };
    /// This thread works for a scope of another thread (`Context::run`):
    /// its samples show in the stacks but not in the scope's time, which is
    /// the wall time of the thread that opened it.
    static BORROWED: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread runs work handed over by another (`Context::run`).
#[inline(always)]
pub(crate) fn borrowed() -> bool {
    BORROWED.try_with(Cell::get).unwrap_or(false)
}

/// Marks this thread as working for another's scope; returns the old mark.
pub(crate) fn set_borrowed(on: bool) -> bool {
    BORROWED.try_with(|b| b.replace(on)).unwrap_or(false)
}

/// Whether a session is recording. One relaxed atomic load.
#[inline(always)]
pub fn enabled() -> bool {
    MODE.load(Ordering::Relaxed) != OFF
}

/// The recording mode: `None` off, `Some(true)` instrumented (per-event
/// clock reads), `Some(false)` sampled. One relaxed atomic load.
#[inline(always)]
pub(crate) fn mode() -> Option<bool> {
    match MODE.load(Ordering::Relaxed) {
        OFF => None,
        m => Some(m == INSTRUMENTED),
    }
}

/// Starts (`Some(instrumented)`) or stops (`None`) recording.
pub(crate) fn set_mode(mode: Option<bool>) {
    let m = match mode {
        None => OFF,
        Some(true) => INSTRUMENTED,
        Some(false) => SAMPLED,
    };
    MODE.store(m, Ordering::Release);
}

/// The scalar op this thread is inside (0: none).
#[inline(always)]
pub(crate) fn scalar_site() -> usize {
    SCALAR_SITE.try_with(Cell::get).unwrap_or(0)
}

/// Marks this thread as inside scalar op `site` (0: leaves it).
#[inline(always)]
pub(crate) fn set_scalar_site(site: usize) {
    let _ = SCALAR_SITE.try_with(|c| c.set(site));
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
