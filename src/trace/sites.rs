//! Per-element ops' sites (`get`, `set`, `push`, one static per op and
//! dtype), what one call reports ([`ScalarOp`]), and the count of calls
//! under a node ([`count_scalar`], [`count_at`]): what both modes' paths
//! in `scalar` and instrumented mode's batches in `pending` write through.

use super::class::OpClass;
use super::metrics::Field;
use super::records;
use super::state::{current, epoch};
use super::tree::{self, NodeId};
use std::cell::Cell;
use std::ptr;
use std::sync::atomic::AtomicPtr;
use std::sync::atomic::Ordering::Relaxed;

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

thread_local! {
    /// Where this thread last counted scalar ops: (epoch, parent node, site
    /// address) -> (op node, its table entry), direct-mapped by op and
    /// dtype, so that alternating ops (`get`, `set`) each keep their entry
    /// (mapped by the site's address, `get` and `set` of one dtype shared a
    /// way: instrumented mode's `get`/`set` loop missed on every call).
    static ENTRIES: [Cell<CachedEntry>; ENTRY_WAYS] = const { [const { Cell::new((0, 0, 0, 0, None)) }; ENTRY_WAYS] };
}

type CachedEntry = (u64, NodeId, usize, NodeId, Option<&'static records::Entry>);

pub(crate) const ENTRY_WAYS: usize = 8;

/// The way of [`ENTRIES`] op `mark` on dtype `slot` uses: ops of one dtype
/// (marks 1-3) and one op's neighbouring dtypes fall in distinct ways.
pub(crate) fn entry_way(mark: usize, slot: usize) -> usize {
    (mark + 3 * slot) % ENTRY_WAYS
}

/// Counts `weight` calls of `s` (0: one, not estimated) under the current
/// node; returns the session's epoch and the op's node.
pub(crate) fn count_scalar(s: &ScalarOp, weight: u64) -> (u64, NodeId) {
    debug_assert_eq!(s.mark, s.table.mark, "a scalar op's mark is its table's");
    let w = weight.max(1);
    let call = records::Call {
        calls: w,
        elements: w,
        bytes_read: w.saturating_mul(s.bytes_read as u64),
        bytes_written: w.saturating_mul(s.bytes_written as u64),
        max_elements: s.array_elements as u64,
        ..records::Call::default()
    };
    let epoch = epoch();
    (
        epoch,
        count_at(epoch, current(), s.table, s.slot, &call, weight),
    )
}

/// Adds `call` to op `table` on dtype `slot` under node `parent` of session
/// `epoch`; `estimated` of its calls are estimates (0: all exact). Returns
/// the op's node.
pub(crate) fn count_at(
    epoch: u64,
    parent: NodeId,
    table: &'static SiteTable,
    slot: usize,
    call: &records::Call,
    estimated: u64,
) -> NodeId {
    let site = table.site(slot);
    let address = site as *const ScalarSite as usize;
    let way = entry_way(table.mark, slot);
    let cached = ENTRIES.try_with(|c| c[way].get()).unwrap_or_default();
    let (node, entry) = match cached {
        (e, p, a, node, entry) if (e, p, a) == (epoch, parent, address) => (node, entry),
        _ => {
            let label = tree::op_label(site.name, site.class, site.dtype, None);
            // A node new to this thread's cache: make sure the sampler's
            // records can read its op's mark back.
            register(table);
            let node = tree::child(epoch, parent, label);
            let entry = records::entry_of(epoch, node);
            let _ = ENTRIES.try_with(|c| c[way].set((epoch, parent, address, node, entry)));
            (node, entry)
        }
    };
    if let Some(e) = entry {
        records::add_call(e, call);
        if estimated > 0 {
            // Only this thread writes its table: a load and a store suffice.
            let a = &e[Field::estimated_calls as usize];
            a.store(a.load(Relaxed).saturating_add(estimated), Relaxed);
        }
    } else if node == tree::DROPPED {
        tree::note_dropped(); // past the tree's last node: counted as dropped
    }
    node
}

#[cfg(test)]
mod tests {
    use crate::trace::sites::{entry_way, SITE_SLOTS};

    #[test]
    fn ops_of_one_dtype_and_one_ops_neighbouring_dtypes_keep_distinct_cache_ways() {
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
}
