//! Whether a session records, which session (its epoch), and the call-tree
//! node each thread is in.

use super::tree::{NodeId, ROOT};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// The recording session's epoch (high 32 bits) and mode (low two bits: 0
/// no session, 1 sampled, the default mode, 2 instrumented), in one word so
/// that the per-element path reads both with one load. A new epoch raises
/// the word by `2^32`, more than any countdown's calls left (see `countdown`).
static STATE: AtomicU64 = AtomicU64::new(0);
const MODE_BITS: u64 = 3;
const EPOCH_SHIFT: u32 = 32;

const OFF: u64 = 0;
const SAMPLED: u64 = 1;
const INSTRUMENTED: u64 = 2;

thread_local! {
    /// Read by the sampler's signal handler: const-initialized, no destructor.
    static CURRENT: Cell<NodeId> = const { Cell::new(ROOT) };
    /// The mark of the scalar op (`SiteTable::mark`) this thread is inside,
    /// 0 outside: the sampler charges its samples there; and the
    /// thread's countdown to its next counted scalar op (`countdown`), side
    /// by side so that the per-element path computes one address.
    static SCALAR: Scalar = const {
        Scalar {
            site: Cell::new(0),
            epoch: Cell::new(0),
            deadline: Cell::new(1), // a thread's first call is counted
            exact: Cell::new(0),
        }
    };
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

/// Per-thread state of the per-element path; see `SCALAR`.
pub(crate) struct Scalar {
    site: Cell<usize>,
    /// The session the countdown below belongs to (see `countdown`).
    pub(crate) epoch: Cell<u64>,
    /// The state word at which the next call is counted: the word when the
    /// countdown was set plus the calls left (see `countdown`).
    pub(crate) deadline: Cell<u64>,
    /// Calls still to count one by one in this session (see `countdown`).
    pub(crate) exact: Cell<u32>,
}

/// Whether a session is recording. One relaxed atomic load.
#[inline(always)]
pub fn enabled() -> bool {
    STATE.load(Ordering::Relaxed) & MODE_BITS != OFF
}

/// The recording mode: `None` off, `Some(true)` instrumented (per-event
/// clock reads), `Some(false)` sampled. One relaxed atomic load.
#[inline(always)]
pub(crate) fn mode() -> Option<bool> {
    match STATE.load(Ordering::Relaxed) & MODE_BITS {
        OFF => None,
        m => Some(m == INSTRUMENTED),
    }
}

/// The state word: the mode bits (`& MODE_BITS`, see [`SAMPLED_BITS`])
/// and the epoch (see [`epoch_of`]), from one load.
#[inline(always)]
pub(crate) fn state_word() -> u64 {
    STATE.load(Ordering::Relaxed)
}

/// The mode bits of a state word.
#[inline(always)]
pub(crate) fn mode_of(word: u64) -> u64 {
    word & MODE_BITS
}

/// The epoch of a state word.
#[inline(always)]
pub(crate) fn epoch_of(word: u64) -> u64 {
    word >> EPOCH_SHIFT
}

/// The mode bits of sampled mode (see [`state_word`]).
pub(crate) const SAMPLED_BITS: u64 = SAMPLED;

/// Starts (`Some(instrumented)`) or stops (`None`) recording.
pub(crate) fn set_mode(mode: Option<bool>) {
    let m = match mode {
        None => OFF,
        Some(true) => INSTRUMENTED,
        Some(false) => SAMPLED,
    };
    let _ = STATE.fetch_update(Ordering::AcqRel, Ordering::Relaxed, |s| {
        Some(s & !MODE_BITS | m)
    });
}

/// Runs `f` on this thread's per-element state.
#[inline(always)]
pub(crate) fn with_scalar<R: Default>(f: impl FnOnce(&Scalar) -> R) -> R {
    SCALAR.try_with(f).unwrap_or_default()
}

/// The scalar op this thread is inside (0: none).
#[inline(always)]
pub(crate) fn scalar_site() -> usize {
    SCALAR.try_with(|s| s.site.get()).unwrap_or(0)
}

/// Leaves any scalar op this thread was marked inside.
#[inline(always)]
pub(crate) fn clear_scalar_site() {
    let _ = SCALAR.try_with(|s| s.site.set(0));
}

/// Marks this thread as inside scalar op `site` (0: leaves it).
#[cfg(test)]
pub(crate) fn set_scalar_site(site: usize) {
    let _ = SCALAR.try_with(|s| s.site.set(site));
}

impl Scalar {
    /// Marks this thread as inside scalar op `site` (0: leaves it).
    #[inline(always)]
    pub(crate) fn set_site(&self, site: usize) {
        self.site.set(site);
    }
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
    epoch_of(STATE.load(Ordering::Relaxed))
}

/// Starts a new epoch and returns it.
pub(crate) fn next_epoch() -> u64 {
    epoch_of(STATE.fetch_add(1 << EPOCH_SHIFT, Ordering::AcqRel)) + 1
}

/// Puts the calling thread at the root (a session starts on it).
pub(crate) fn set_current_root() {
    set_current(ROOT);
}
