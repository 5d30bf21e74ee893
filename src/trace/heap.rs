//! Whole-program heap counting for `alloc::Tracking`: called from inside the
//! global allocator, so nothing here may allocate while counting (a
//! re-entrancy flag lets the allocations of the counting itself through
//! uncounted) and the shared peak counter is touched only when a thread's
//! pending delta reaches [`FLUSH_BYTES`].

use super::metrics::Field;
use super::records::{self, LiveEntry};
use super::state::{current, enabled, epoch};
use super::tree::NodeId;
use std::cell::Cell;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

pub use super::live::FLUSH_BYTES;

use super::live::{HEAP as LIVE, TRACKING as INSTALLED};
static PEAK: AtomicI64 = AtomicI64::new(0);
/// The peak at which holders were last taken: a new snapshot waits for the
/// peak to pass it by 1/32 (a scan of every thread's table is not free; a
/// heap growing in small steps would otherwise rescan on every step).
static SNAPSHOT_AT: AtomicI64 = AtomicI64::new(0);
/// Who held the bytes when the shared counter last reached a new peak.
/// Each thread's (owner, bytes, blocks) then.
static AT_PEAK: Mutex<Vec<LiveEntry>> = Mutex::new(Vec::new());

thread_local! {
    static PENDING: Cell<i64> = const { Cell::new(0) };
}

/// Marks `alloc::Tracking` as the global allocator (it calls this).
#[inline]
pub(crate) fn mark_installed() {
    if !INSTALLED.load(Ordering::Relaxed) {
        INSTALLED.store(true, Ordering::Relaxed);
    }
}

/// Whether `alloc::Tracking` has served an allocation in this process.
pub(crate) fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

pub(crate) fn reset() {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    SNAPSHOT_AT.store(0, Ordering::Relaxed);
    AT_PEAK.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

/// The peak, and who held the bytes then (largest first).
pub(crate) fn peak() -> (u64, Vec<(NodeId, u64, u64)>) {
    let at = AT_PEAK.lock().unwrap_or_else(|e| e.into_inner()).clone();
    (
        PEAK.load(Ordering::Relaxed).max(0) as u64,
        records::merge_live(at),
    )
}

/// Records who holds the bytes at a new peak: heap blocks by the node that
/// allocated them, plus buffers by theirs. Runs with the allocator flag
/// set (`own::uncounted`), so its own allocations pass uncounted; it never
/// blocks (a busy table skips the snapshot, keeping the previous one).
fn snapshot_holders() {
    use super::held::{counts_now, BLOCKS, BYTES};
    const HEAP_BYTES: (Field, Field) = (Field::heap_bytes, Field::heap_bytes_freed);
    const HEAP_BLOCKS: (Field, Field) = (Field::heap_allocations, Field::heap_frees);
    let e = epoch();
    let Ok(mut at) = AT_PEAK.try_lock() else {
        return;
    };
    if counts_now(e) {
        records::live_entries(
            e,
            &[HEAP_BYTES, BYTES[0]],
            &[HEAP_BLOCKS, BLOCKS[0]],
            &mut at,
        );
    } else {
        records::live_entries(e, &[HEAP_BYTES], &[HEAP_BLOCKS], &mut at);
    }
}

/// Adds `delta` live bytes, flushing to the shared counter in large steps.
#[inline]
pub(crate) fn add_live(delta: i64) {
    let _ = PENDING.try_with(|p| {
        let v = p.get() + delta;
        if v.abs() >= FLUSH_BYTES {
            p.set(0);
            let live = LIVE.fetch_add(v, Ordering::Relaxed) + v;
            if PEAK.fetch_max(live, Ordering::Relaxed) < live && enabled() {
                let at = SNAPSHOT_AT.load(Ordering::Relaxed);
                if live >= at.saturating_add((at / 32).max(FLUSH_BYTES))
                    && SNAPSHOT_AT
                        .compare_exchange(at, live, Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok()
                {
                    super::own::uncounted(snapshot_holders);
                }
            }
        } else {
            p.set(v);
        }
    });
}

/// Enters the allocator on this thread: `true` if this is the outermost
/// entry, whose allocation belongs to the program; nested entries (the inner
/// allocator's or the counter's own allocations) are not counted. Pair with
/// [`leave`].
#[inline]
pub(crate) fn enter() -> bool {
    super::own::enter()
}

/// Leaves the allocator; `outermost` is what [`enter`] returned.
#[inline]
pub(crate) fn leave(outermost: bool) {
    super::own::leave(outermost);
}

/// Counts a heap allocation of `bytes` at the current node and returns the
/// owner to store in the block's header (`(0, 0)`: not counted). Call only
/// between an outermost [`enter`] and its [`leave`].
#[inline]
pub(crate) fn count_alloc(bytes: usize) -> (u64, NodeId) {
    if !enabled() {
        return (0, 0);
    }
    let (e, node) = (epoch(), current());
    records::add(
        e,
        node,
        [
            (Field::heap_allocations, 1),
            (Field::heap_bytes, bytes as u64),
        ],
    );
    add_live(bytes as i64);
    (e, node)
}

/// Counts the free of a block whose header says `owner` allocated it. Call
/// only between an outermost [`enter`] and its [`leave`].
#[inline]
pub(crate) fn count_free(owner: (u64, NodeId), bytes: usize) {
    if owner.0 == 0 || !enabled() || owner.0 != epoch() {
        return;
    }
    records::add(
        owner.0,
        owner.1,
        [
            (Field::heap_frees, 1),
            (Field::heap_bytes_freed, bytes as u64),
        ],
    );
    add_live(-(bytes as i64));
}
