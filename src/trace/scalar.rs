//! Per-element ops (`get`, `set`, `push`): the per-element loop's path,
//! kept as cheap as the mode allows (see [`scalar_op`]).

use super::class::OpClass;
use super::events::{enter, Guard, OpGuard, VALUE_RANGES};
use super::metrics::Field;
use super::records;
use super::state::{
    clear_scalar_site, current, epoch, mode, mode_of, set_current, state_word, with_scalar,
    SAMPLED_BITS,
};
use super::tree::{self, NodeId};
use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

static SCALAR_TIME_EVERY: AtomicU64 = AtomicU64::new(1);

/// Per-element calls left before the next timed one, one countdown per op
/// and dtype (mark and slot), so that ops called in turn (`get`, `set`,
/// `get`, ...) are each timed 1-in-N rather than one of them always and the
/// other never.
const COUNTERS: usize = MARKS * SITE_SLOTS;

thread_local! {
    static SCALAR_CALLS: [Cell<u64>; COUNTERS] = const { [const { Cell::new(0) }; COUNTERS] };
}

/// Times per-element ops (`get`, `set`, `push`) 1-in-`n` per thread,
/// scaling the measured time by `n`; every call is still counted.
pub(crate) fn set_scalar_time_every(n: u64) {
    SCALAR_TIME_EVERY.store(n.max(1), Ordering::Relaxed);
}

/// A per-element op's call site: its name, class and dtype, in a static
/// (one per op and dtype), so that the hot path and the sampler's signal
/// handler refer to it by address.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScalarSite {
    pub name: &'static str,
    pub class: OpClass,
    pub dtype: &'static str,
}

/// Slots of a [`SiteTable`]: one per dtype (a power of two, so that a
/// slot is masked rather than bounds-checked).
pub(crate) const SITE_SLOTS: usize = 16;

/// Marks a [`SiteTable`] may have: `1..MARKS`; `ops::sites` uses 1-3, the
/// unit tests 5-7.
pub(crate) const MARKS: usize = 8;

/// The sites of one per-element op, one slot per dtype, and the op's mark:
/// a small constant (`1..MARKS`, one per op) that the per-element path
/// stores as an immediate to mark the thread as inside the op (the same for
/// every dtype, so that the mark costs no load). The sampler's records turn
/// a mark back into the op's node under the sampled scope, and the dtype is
/// resolved there from the calls counted (see `charge`).
#[derive(Debug)]
pub(crate) struct SiteTable {
    pub mark: usize,
    pub sites: [ScalarSite; SITE_SLOTS],
}

impl SiteTable {
    /// A table with mark `mark` whose slots all hold `site` (tests).
    #[cfg(test)]
    pub(crate) const fn uniform(mark: usize, site: ScalarSite) -> SiteTable {
        SiteTable {
            mark,
            sites: [site; SITE_SLOTS],
        }
    }

    /// The site in `slot`.
    #[inline(always)]
    pub(crate) fn site(&'static self, slot: usize) -> &'static ScalarSite {
        &self.sites[slot & (SITE_SLOTS - 1)]
    }
}

/// The tables by mark, as counted calls met them (a sample's mark is read
/// back through this; a mark never counted names no table).
static TABLES: [AtomicPtr<SiteTable>; MARKS] = [const { AtomicPtr::new(ptr::null_mut()) }; MARKS];

pub(crate) fn register(table: &'static SiteTable) {
    if let Some(slot) = TABLES.get(table.mark) {
        slot.store(table as *const SiteTable as *mut SiteTable, Relaxed);
    }
}

/// The op a mark names, if a call of it was counted.
pub(crate) fn table_of_mark(mark: usize) -> Option<&'static SiteTable> {
    let p = TABLES.get(mark)?.load(Relaxed);
    // SAFETY: only `register` stores here, and only `&'static` tables.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// What a per-element op (`get`, `set`, `push`) reports.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScalarOp {
    /// The op's sites, one per dtype.
    pub table: &'static SiteTable,
    /// `table.mark`, as a constant (an immediate in the per-element loop,
    /// not a load from the table).
    pub mark: usize,
    /// The slot of this call's dtype.
    pub slot: usize,
    /// The array indexed (or grown to), in elements.
    pub array_elements: usize,
    pub bytes_read: usize,
    pub bytes_written: usize,
    /// The op may allocate (a `set` that copies a shared buffer, a `push`).
    pub may_allocate: bool,
    /// The op writes an integer (reported in value ranges).
    pub writes_integer: bool,
}

impl ScalarOp {
    /// A read of one 8-byte element of a one-element array, as op `table`
    /// with mark `mark` (`table.mark`, passed as a constant): for tests.
    #[cfg(test)]
    pub(crate) const fn read_one(table: &'static SiteTable, mark: usize) -> ScalarOp {
        ScalarOp {
            table,
            mark,
            slot: 0,
            array_elements: 1,
            bytes_read: 8,
            bytes_written: 0,
            may_allocate: false,
            writes_integer: false,
        }
    }

    /// This call's site.
    #[inline(always)]
    pub(crate) fn site(&self) -> &'static ScalarSite {
        self.table.site(self.slot)
    }
}

/// Runs `body`, a one-element access (`get`, `set`, `push`), as op `s`:
/// the per-element loop's path, kept as cheap as the mode allows. `body`
/// gets the op's guard (for [`note_value`](crate::ops) value ranges).
///
/// Sampled mode: the op marks itself as this thread's scalar site (the
/// sampler charges CPU samples to it) and counts calls through a countdown:
/// each thread's first [`EXACT_SCALAR_CALLS`] calls of a session exactly,
/// then 1-in-[`SCALAR_SAMPLE_EVERY`] calls at random, each standing for
/// that many, marked as estimated. No guard is built on this path (an
/// `OpGuard` on the stack of every `get` cost ~0.5 ns more). An op that may
/// allocate (or reports value ranges) is counted exactly and made the
/// current node.
///
/// Instrumented mode: counted on every call, timed 1-in-N (`scalar_time_every`,
/// one counter per op) with the time scaled up.
///
/// [`EXACT_SCALAR_CALLS`]: super::EXACT_SCALAR_CALLS
/// [`SCALAR_SAMPLE_EVERY`]: super::SCALAR_SAMPLE_EVERY
///
/// Callers mark `body` (and `op`) `#[inline(always)]`: called from each
/// path, a body was otherwise made a function of its own in some builds,
/// returning its result through memory (~1 ns a call).
#[inline(always)]
pub(crate) fn scalar<R>(op: impl Fn() -> ScalarOp, body: impl FnOnce(&mut OpGuard) -> R) -> R {
    let word = state_word();
    let marked = mode_of(word) != 0;
    if marked {
        // `op` is called where its fields are used, so that the fast path
        // computes only the mark and the flags (not the array's size or dtype).
        let (mark, may_allocate, writes_integer) = {
            let s = op();
            (s.mark, s.may_allocate, s.writes_integer)
        };
        if mode_of(word) != SAMPLED_BITS || may_allocate || writes_integer && value_ranges() {
            // The guard is made out of line.
            let mut g = scalar_guard(op());
            return body(&mut g);
        }
        let weight = with_scalar(|sc| {
            sc.set_site(mark);
            super::countdown::tick(sc, word)
        });
        if let Some(weight) = weight {
            count_scalar_cold(&op, weight);
        }
    }
    // No session and sampled mode share this call of the body, so that both
    // run the same code. The idle guard needs no drop: kept out of the
    // unwinding path, it costs no stores.
    let r = body(&mut ManuallyDrop::new(OpGuard::idle()));
    if marked {
        // Left by a plain store to the thread-local (no pointer kept across
        // the body, no drop guard: its unwinding path cost the per-element
        // loop ~0.3 ns a call). A body that unwinds (library code does not
        // panic) leaves the site set until the thread's next scope exit
        // clears it.
        clear_scalar_site();
    }
    r
}

#[cold]
#[inline(never)]
fn count_scalar_cold(op: &impl Fn() -> ScalarOp, weight: u64) {
    count_scalar(&op(), weight);
}

/// [`scalar`]'s guard outside the sampled fast path, out of line: sampled
/// mode's exact count (an op that may allocate or reports value ranges) or
/// instrumented mode's count and 1-in-N timing.
#[inline(never)]
fn scalar_guard(s: ScalarOp) -> OpGuard {
    match mode() {
        None => OpGuard::idle(),
        Some(false) => scalar_exact(&s),
        Some(true) => scalar_instrumented(&s),
    }
}

fn value_ranges() -> bool {
    VALUE_RANGES.load(Ordering::Relaxed)
}

thread_local! {
    /// Where this thread last counted scalar ops: (epoch, parent node, site
    /// address) -> (op node, its table entry), direct-mapped by op and
    /// dtype, so that alternating ops (`get`, `set`) each keep their entry
    /// (mapped by the site's address, `get` and `set` of one dtype shared a
    /// way: instrumented mode's `get`/`set` loop missed on every call).
    static ENTRIES: [Cell<CachedEntry>; ENTRY_WAYS] = const { [const { Cell::new((0, 0, 0, 0, None)) }; ENTRY_WAYS] };
}

type CachedEntry = (u64, NodeId, usize, NodeId, Option<&'static records::Entry>);

const ENTRY_WAYS: usize = 8;

/// The way of [`ENTRIES`] op `mark` on dtype `slot` uses: ops of one dtype
/// (marks 1-3) and one op's neighbouring dtypes fall in distinct ways.
fn entry_way(mark: usize, slot: usize) -> usize {
    (mark + 3 * slot) % ENTRY_WAYS
}

/// Counts `weight` calls of `s` (0: one, not estimated) under the current
/// node; returns the session's epoch and the op's node.
pub(crate) fn count_scalar(s: &ScalarOp, weight: u64) -> (u64, NodeId) {
    debug_assert_eq!(s.mark, s.table.mark, "a scalar op's mark is its table's");
    let epoch = epoch();
    let parent = current();
    let site = s.site() as *const ScalarSite as usize;
    let way = entry_way(s.mark, s.slot);
    let cached = ENTRIES.try_with(|c| c[way].get()).unwrap_or_default();
    let (node, entry) = match cached {
        (e, p, a, node, entry) if (e, p, a) == (epoch, parent, site) => (node, entry),
        _ => {
            let label = tree::op_label(s.site().name, s.site().class, s.site().dtype, None);
            // A node new to this thread's cache: make sure the sampler's
            // records can read its op's mark back.
            register(s.table);
            let node = tree::child(epoch, parent, label);
            let entry = records::entry_of(epoch, node);
            let _ = ENTRIES.try_with(|c| c[way].set((epoch, parent, site, node, entry)));
            (node, entry)
        }
    };
    if let Some(e) = entry {
        let w = weight.max(1);
        records::add_call(
            e,
            &records::Call {
                calls: w,
                elements: w,
                bytes_read: w.saturating_mul(s.bytes_read as u64),
                bytes_written: w.saturating_mul(s.bytes_written as u64),
                max_elements: s.array_elements as u64,
                ..records::Call::default()
            },
        );
        if weight > 0 {
            // Only this thread writes its table: a load and a store suffice.
            let a = &e[Field::estimated_calls as usize];
            a.store(a.load(Relaxed).saturating_add(weight), Relaxed);
        }
    } else if node == tree::DROPPED {
        tree::note_dropped(); // past the tree's last node: counted as dropped
    }
    (epoch, node)
}

/// A scalar op counted exactly and not timed; made the current node while
/// it may allocate, so that its allocations are charged to it.
fn scalar_exact(s: &ScalarOp) -> OpGuard {
    if s.writes_integer && value_ranges() {
        let mut live = enter(
            tree::op_label(s.site().name, s.site().class, s.site().dtype, None),
            [1, s.bytes_read as u64, s.bytes_written as u64],
            0,
        );
        live.array_elements = s.array_elements as u64;
        return OpGuard {
            guard: Guard::Timed(live),
            restore: None,
            _not_send: PhantomData,
        };
    }
    let (_, node) = count_scalar(s, 0);
    OpGuard {
        guard: Guard::Idle,
        restore: s.may_allocate.then(|| set_current(node)),
        _not_send: PhantomData,
    }
}

fn scalar_instrumented(s: &ScalarOp) -> OpGuard {
    let every = SCALAR_TIME_EVERY.load(Ordering::Relaxed);
    let weight = if every <= 1 {
        1
    } else {
        // A countdown per op and dtype, not a remainder (a 64-bit division
        // per call), and no label lookup for the calls not timed.
        SCALAR_CALLS
            .try_with(|c| {
                let c = &c[(s.mark * SITE_SLOTS + s.slot) % COUNTERS];
                match c.get() {
                    0 | 1 => {
                        c.set(every);
                        every
                    }
                    left => {
                        c.set(left.min(every) - 1);
                        0
                    }
                }
            })
            .unwrap_or(0)
    };
    if weight == 0 && !(s.writes_integer && value_ranges()) {
        // Counted, not timed: no clock reads and no record merge on drop.
        return scalar_exact(s);
    }
    let label = tree::op_label(s.site().name, s.site().class, s.site().dtype, None);
    let mut live = enter(
        label,
        [1, s.bytes_read as u64, s.bytes_written as u64],
        weight,
    );
    live.array_elements = s.array_elements as u64;
    OpGuard {
        guard: Guard::Timed(live),
        restore: None,
        _not_send: PhantomData,
    }
}

#[cfg(test)]
mod tests {
    use crate::trace::class::OpClass;
    use crate::trace::scalar::{scalar, ScalarOp, ScalarSite, SiteTable};
    use crate::trace::state::scalar_site;

    static SITE: SiteTable = SiteTable::uniform(
        7,
        ScalarSite {
            name: "get",
            class: OpClass::ScalarRead,
            dtype: "float64",
        },
    );

    fn op() -> ScalarOp {
        ScalarOp {
            slot: 3,
            ..ScalarOp::read_one(&SITE, 7)
        }
    }

    #[test]
    fn ops_of_one_dtype_and_one_ops_neighbouring_dtypes_keep_distinct_cache_ways() {
        use crate::trace::scalar::{entry_way, SITE_SLOTS};
        for slot in 0..SITE_SLOTS {
            let ways: Vec<usize> = (1..=3).map(|mark| entry_way(mark, slot)).collect();
            assert!(ways[0] != ways[1] && ways[1] != ways[2] && ways[0] != ways[2]);
            for mark in 1..=3 {
                assert_ne!(
                    entry_way(mark, slot),
                    entry_way(mark, (slot + 1) % SITE_SLOTS)
                );
            }
        }
    }

    #[test]
    fn the_site_is_marked_during_the_body_and_cleared_after_it_or_at_the_scope_exit(
    ) -> crate::Result<()> {
        let _l = crate::testing::lock();
        let session = crate::Session::builder().cpu_hz(0).start()?;
        let address = 7;
        let inside = crate::profile!("loop", {
            let inside = scalar(op, |_| scalar_site());
            assert_eq!(scalar_site(), 0, "left after the body returns");
            inside
        });
        assert_eq!(inside, address);
        crate::profile!("unwinds", {
            let r = std::panic::catch_unwind(|| scalar(op, |_| -> () { panic!("in the body") }));
            assert!(r.is_err());
            assert_eq!(scalar_site(), address, "a body that unwound leaves it set");
        });
        assert_eq!(scalar_site(), 0, "the scope's exit clears it");
        let p = session.finish()?;
        assert_eq!(
            p.record(&["loop", "get[float64]"]).map(|r| r.calls),
            Some(1)
        );
        Ok(())
    }
}
