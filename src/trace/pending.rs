//! Instrumented mode's per-element ops (`get`, `set`, `push`) between
//! their timed calls: each op and dtype keeps a countdown to its next timed
//! call (1-in-N, `scalar_time_every`) and, until then, a batch of exact
//! counts in this thread (a few loads and stores), instead of an update of
//! its record per call (a `get`'s calibrated extra cost was 10 ns, now 3.3
//! at 1-in-64, the timed calls' share included). The batch is written to the records, one update per
//! op, when the thread's node or session changes, before each timed call
//! (so it holds fewer than N calls of an op), when a scope or op is left,
//! when `Context::run` returns, when the recording stops on this thread and
//! when the thread exits. A thread still making per-element calls while
//! another finishes the session may leave its last batch (< N calls of each
//! op) out, as it leaves out anything it does after the drain.

use super::sites::{count_at, entry_way, ScalarOp, SiteTable, ENTRY_WAYS};
use super::state::{current, enabled, epoch};
use super::tree::NodeId;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

static TIME_EVERY: AtomicU64 = AtomicU64::new(1);

/// Times per-element ops 1-in-`n` per op, dtype and thread, scaling the
/// measured time by `n`; every call is still counted.
pub(crate) fn set_time_every(n: u64) {
    TIME_EVERY.store(n.max(1), Relaxed);
}

/// Ways of the table, direct-mapped by op and dtype ([`entry_way`]):
/// loops use few ops, each on one or two dtypes.
const WAYS: usize = ENTRY_WAYS;

/// One op and dtype: its countdown and its pending calls.
struct Way {
    /// The op's sites (`None`: the way is empty).
    table: Cell<Option<&'static SiteTable>>,
    /// The dtype's slot in `table`.
    slot: Cell<usize>,
    /// Calls left up to and including the next timed one.
    left: Cell<u64>,
    calls: Cell<u64>,
    /// Bytes one call reads and writes (the dtype's size: the same for
    /// every call of an op on one dtype).
    bytes_read: Cell<u64>,
    bytes_written: Cell<u64>,
    max_elements: Cell<u64>,
}

struct Pending {
    /// The session and node every pending call was made in.
    epoch: Cell<u64>,
    parent: Cell<NodeId>,
    /// Some way may hold calls.
    any: Cell<bool>,
    ways: [Way; WAYS],
}

impl Way {
    const fn empty() -> Way {
        Way {
            table: Cell::new(None),
            slot: Cell::new(0),
            left: Cell::new(0),
            calls: Cell::new(0),
            bytes_read: Cell::new(0),
            bytes_written: Cell::new(0),
            max_elements: Cell::new(0),
        }
    }
}

thread_local! {
    /// Const-initialized, no destructor: readable while other thread-locals
    /// are torn down (the records table flushes it on its way out).
    static PENDING: Pending = const {
        Pending {
            epoch: Cell::new(0),
            parent: Cell::new(0),
            any: Cell::new(false),
            ways: [const { Way::empty() }; WAYS],
        }
    };
}

/// Flushes the batch when the thread exits.
struct FlushAtExit;

impl Drop for FlushAtExit {
    fn drop(&mut self) {
        flush();
    }
}

thread_local! {
    static FLUSH_AT_EXIT: FlushAtExit = const { FlushAtExit };
}

/// One instrumented call of `s` in session `epoch`: the weight to time it
/// with (`scalar_time_every` when its turn has come), or 0 when it is not
/// timed, in which case it is counted in the batch if `batch` (an op that
/// counts itself exactly passes `false`).
#[inline(always)]
pub(crate) fn step(s: &ScalarOp, epoch: u64, batch: bool) -> u64 {
    let parent = current();
    PENDING
        .try_with(|p| {
            if p.epoch.get() != epoch || p.parent.get() != parent {
                rekey(p, epoch, parent);
            }
            let w = &p.ways[entry_way(s.mark, s.slot)];
            let same = w
                .table
                .get()
                .is_some_and(|t| std::ptr::eq(t, s.table) && w.slot.get() == s.slot);
            if !same {
                replace(p, w, s);
            }
            let left = w.left.get();
            if left <= 1 {
                return timed(w);
            }
            w.left.set(left - 1);
            if batch {
                debug_assert_eq!(
                    (w.bytes_read.get(), w.bytes_written.get()),
                    (s.bytes_read as u64, s.bytes_written as u64),
                    "an op's bytes per call depend on its dtype alone"
                );
                w.calls.set(w.calls.get() + 1);
                if w.max_elements.get() < s.array_elements as u64 {
                    w.max_elements.set(s.array_elements as u64);
                }
                p.any.set(true);
            }
            0
        })
        .unwrap_or(0)
}

/// This call is timed: the countdown starts over.
#[cold]
#[inline(never)]
fn timed(w: &Way) -> u64 {
    let every = TIME_EVERY.load(Relaxed);
    w.left.set(every);
    every
}

/// The thread's node or session changed: what is pending goes to the old
/// node (the countdowns go on; a new session starts them over).
#[cold]
#[inline(never)]
fn rekey(p: &Pending, epoch: u64, parent: NodeId) {
    flush_all(p);
    if p.epoch.get() != epoch {
        for w in &p.ways {
            w.table.set(None);
        }
    }
    p.epoch.set(epoch);
    p.parent.set(parent);
    // The thread's table first, then the hold that flushes at thread exit:
    // thread-locals are torn down in the reverse order (and should the
    // table go first, the flush finds none and drops the batch).
    super::records::claim_table();
    let _ = FLUSH_AT_EXIT.try_with(|_| {});
}

/// Way `w` holds another op or dtype (or none): its calls go first, and
/// the new op's countdown starts at a full period.
#[cold]
#[inline(never)]
fn replace(p: &Pending, w: &Way, s: &ScalarOp) {
    flush_way(p, w);
    w.table.set(Some(s.table));
    w.slot.set(s.slot);
    w.left.set(TIME_EVERY.load(Relaxed));
    w.bytes_read.set(s.bytes_read as u64);
    w.bytes_written.set(s.bytes_written as u64);
}

fn flush_way(p: &Pending, w: &Way) {
    let calls = w.calls.replace(0);
    let max_elements = w.max_elements.replace(0);
    let Some(table) = w.table.get() else {
        return;
    };
    if calls == 0 || p.epoch.get() != epoch() || !enabled() {
        return; // nothing, or an ended session's batch (its records are drained)
    }
    let call = super::records::Call {
        calls,
        elements: calls,
        bytes_read: calls.saturating_mul(w.bytes_read.get()),
        bytes_written: calls.saturating_mul(w.bytes_written.get()),
        max_elements,
        ..super::records::Call::default()
    };
    count_at(p.epoch.get(), p.parent.get(), table, w.slot.get(), &call, 0);
}

fn flush_all(p: &Pending) {
    if p.any.replace(false) {
        for w in &p.ways {
            flush_way(p, w);
        }
    }
}

/// Writes this thread's pending counts to the records (one thread-local
/// load when none are pending).
#[inline]
pub(crate) fn flush() {
    let _ = PENDING.try_with(|p| {
        if p.any.get() {
            flush_all(p);
        }
    });
}
