//! Per-thread records, one [`Metrics`] entry per call-tree node, merged when
//! a session finishes. Each thread writes only its own table, without locks:
//! entries are atomics that only the owning thread modifies (a load and a
//! store, no read-modify-write), in chunks that never move, so the drain can
//! read them from another thread at any time. Events that race with the
//! drain itself (an op still finishing on another thread) may be missed;
//! nothing is ever double-counted.
//!
//! A table is allocated lazily, 64 nodes at a time, and goes back to a free
//! list when its thread exits; the next new thread takes it over (its
//! counts stay, and add up with the new owner's, which is what a merge by
//! node would do anyway). So a program that starts thousands of short
//! threads holds as many tables as it ever ran threads at once.

use super::metrics::{Field, Metrics, LEN};
use super::tree::{self, NodeId, MAX_NODES};
use std::cell::Cell;
use std::sync::atomic::{
    AtomicPtr, AtomicU64, AtomicUsize,
    Ordering::{Acquire, Relaxed, Release},
};
use std::sync::Mutex;

/// Nodes per chunk, chunks per directory, directories per table.
const CHUNK: usize = 64;
const DIR: usize = 256;
const DIRS: usize = MAX_NODES / (CHUNK * DIR);

pub(crate) type Entry = [AtomicU64; LEN];
type Chunk = [Entry; CHUNK];
type Dir = [AtomicPtr<Chunk>; DIR];

struct Slot {
    epoch: AtomicU64,
    dirs: [AtomicPtr<Dir>; DIRS],
    /// One past the highest chunk (`directory * DIR + chunk`) made: scans
    /// stop there rather than visit all `DIRS` directories (a snapshot of
    /// who holds memory scans every table, up to hundreds of times while a
    /// session's live bytes first grow).
    chunks_made: AtomicUsize,
}

/// Every table ever made (the drain reads them all), and the free ones.
static SLOTS: Mutex<Vec<&'static Slot>> = Mutex::new(Vec::new());
static FREE: Mutex<Vec<&'static Slot>> = Mutex::new(Vec::new());

/// A thread's hold on its table; gives it back when the thread exits.
struct Owned(&'static Slot);

impl Drop for Owned {
    fn drop(&mut self) {
        // Later events of this exiting thread find no table and are dropped:
        // the table may belong to another thread from now on.
        let _ = MINE.try_with(|m| m.set(None));
        FREE.lock().unwrap_or_else(|e| e.into_inner()).push(self.0);
    }
}

thread_local! {
    /// The hot path's view of this thread's table: const-initialized, no
    /// destructor, so reading it is one TLS load.
    static MINE: Cell<Option<&'static Slot>> = const { Cell::new(None) };
    /// The hold that returns the table when the thread exits.
    static OWNED: Owned = Owned(super::own::uncounted(take_slot));
}

/// Claims this thread's table, if it has none yet.
pub(crate) fn claim_table() {
    with_slot(|_| {});
}

/// Runs `f` on this thread's table (claimed on first use); nothing if the
/// thread is exiting.
#[inline]
fn with_slot(f: impl FnOnce(&'static Slot)) {
    let Ok(mine) = MINE.try_with(Cell::get) else {
        return;
    };
    let slot = match mine {
        Some(s) => s,
        None => match OWNED.try_with(|o| o.0) {
            Ok(s) => {
                let _ = MINE.try_with(|m| m.set(Some(s)));
                s
            }
            Err(_) => return,
        },
    };
    f(slot)
}

fn take_slot() -> &'static Slot {
    if let Some(s) = FREE.lock().unwrap_or_else(|e| e.into_inner()).pop() {
        return s;
    }
    // Tables live for the life of the process (the drain may read one at
    // any time), and are reused through FREE.
    let slot: &'static Slot = Box::leak(Box::new(Slot {
        epoch: AtomicU64::new(0),
        dirs: [const { AtomicPtr::new(std::ptr::null_mut()) }; DIRS],
        chunks_made: AtomicUsize::new(0),
    }));
    SLOTS.lock().unwrap_or_else(|e| e.into_inner()).push(slot);
    slot
}

/// A new chunk of entries: the profiler's own memory (uncounted).
#[cold]
fn new_chunk() -> *mut Chunk {
    super::own::uncounted(|| {
        let chunk: Box<Chunk> = Box::new(std::array::from_fn(|_| {
            std::array::from_fn(|i| AtomicU64::new(Metrics::IDENTITY[i]))
        }));
        Box::into_raw(chunk)
    })
}

/// A new directory of chunks: the profiler's own memory (uncounted).
#[cold]
fn new_dir() -> *mut Dir {
    super::own::uncounted(|| {
        let dir: Box<Dir> = Box::new([const { AtomicPtr::new(std::ptr::null_mut()) }; DIR]);
        Box::into_raw(dir)
    })
}

/// Loads a published pointer, creating it first if null (owning thread only).
fn get_or_make<T>(p: &AtomicPtr<T>, make: fn() -> *mut T) -> *mut T {
    let mut v = p.load(Acquire);
    if v.is_null() {
        v = make();
        p.store(v, Release);
    }
    v
}

impl Slot {
    /// Calls `f` on every allocated chunk with the node id of its first entry.
    fn chunks(&self, mut f: impl FnMut(usize, &Chunk)) {
        let made = self.chunks_made.load(Acquire);
        for (d, dir) in self.dirs.iter().enumerate().take(made.div_ceil(DIR)) {
            let dp = dir.load(Acquire);
            if dp.is_null() {
                continue;
            }
            let in_dir = (made - d * DIR).min(DIR);
            // SAFETY: directories and chunks are leaked boxes that live
            // forever once published (Release) and are only read (Acquire).
            for (c, chunk) in unsafe { &*dp }.iter().enumerate().take(in_dir) {
                let cp = chunk.load(Acquire);
                if !cp.is_null() {
                    // SAFETY: as above.
                    f((d * DIR + c) * CHUNK, unsafe { &*cp });
                }
            }
        }
    }

    /// Resets every entry to the identity for a new session (owning thread only).
    fn clear(&self) {
        self.chunks(|_, chunk| {
            for e in chunk {
                for (f, id) in e.iter().zip(Metrics::IDENTITY) {
                    f.store(id, Relaxed);
                }
            }
        });
    }

    /// The entry of `node`, made if missing (owning thread only).
    fn entry(&self, node: NodeId) -> Option<&Entry> {
        let n = node as usize;
        let (d, c, i) = (n / (CHUNK * DIR), (n / CHUNK) % DIR, n % CHUNK);
        let dp = get_or_make(self.dirs.get(d)?, new_dir);
        // SAFETY: published directories live forever (see `chunks`).
        let chunk = &unsafe { &*dp }[c];
        let mut cp = chunk.load(Acquire);
        if cp.is_null() {
            cp = self.make_chunk(chunk, d * DIR + c);
        }
        // SAFETY: as above, for chunks.
        Some(unsafe { &(*cp)[i] })
    }

    /// Makes and publishes chunk `index` (owning thread only).
    #[cold]
    fn make_chunk(&self, at: &AtomicPtr<Chunk>, index: usize) -> *mut Chunk {
        let cp = new_chunk();
        at.store(cp, Release);
        self.chunks_made.fetch_max(index + 1, Release);
        cp
    }

    /// Starts session `epoch` on this table if it is behind; `false` for a
    /// straggler event of a finished session.
    #[inline]
    fn enter_epoch(&self, epoch: u64) -> bool {
        let have = self.epoch.load(Relaxed);
        if have == epoch {
            return true;
        }
        if epoch < have {
            return false;
        }
        // This thread's first event of the session: time to sample it.
        super::sampler::arm_this_thread(epoch, super::sampler::SampleClock::for_this_thread);
        self.clear();
        self.epoch.store(epoch, Release);
        true
    }
}

/// Merges what `f` writes into an identity [`Metrics`] into this thread's
/// entry for `node` in session `epoch`.
#[inline]
pub(crate) fn update(epoch: u64, node: NodeId, f: impl FnOnce(&mut Metrics)) {
    if !tree::recorded(node) {
        return;
    }
    with_slot(|slot| {
        if !slot.enter_epoch(epoch) {
            return;
        }
        let mut delta = Metrics::default();
        f(&mut delta);
        if let Some(entry) = slot.entry(node) {
            let d = delta.to_slots();
            for i in 0..LEN {
                if d[i] != Metrics::IDENTITY[i] {
                    // Only this thread writes: a load and a store suffice.
                    let a = &entry[i];
                    a.store(Metrics::RULES[i].apply(a.load(Relaxed), d[i]), Relaxed);
                }
            }
        }
    });
}

/// One call of a scope or op, as [`bump_call`] adds it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Call {
    /// Calls this stands for (0 counts as 1).
    pub calls: u64,
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
    if !tree::recorded(node) {
        return;
    }
    with_slot(|slot| {
        if slot.epoch.load(Relaxed) != epoch || c.values.is_some() {
            // First event of this session on this thread (the general path
            // resets the table), or a value range to merge.
            update(epoch, node, |s| {
                s.calls = c.calls.max(1);
                s.ticks = c.ticks;
                s.elements = c.elements;
                s.bytes_read = c.bytes_read;
                s.bytes_written = c.bytes_written;
                s.max_elements = c.max_elements;
                if let Some((lo, hi)) = c.values {
                    s.value_min = lo;
                    s.value_max = hi;
                }
            });
            return;
        }
        let Some(e) = slot.entry(node) else {
            tree::note_dropped(); // `DROPPED`, past the tree's last node
            return;
        };
        add_call(e, c);
    });
}

/// This thread's entry for `node` in session `epoch` (made if missing), to
/// cache and update with [`add_call`]; `None` past the tree's last node or
/// for a straggler event of a finished session.
pub(crate) fn entry_of(epoch: u64, node: NodeId) -> Option<&'static Entry> {
    if !tree::recorded(node) {
        return None;
    }
    let mut out = None;
    with_slot(|slot| {
        if slot.enter_epoch(epoch) {
            out = slot.entry(node);
        }
    });
    out
}

thread_local! {
    /// The (epoch, node)s [`add`] last wrote to, and their entries,
    /// direct-mapped by node: allocations come in runs at a few nodes (the
    /// op that allocates, the owners of what it frees).
    static LAST_ADD: [Cell<(u64, NodeId, Option<&'static Entry>)>; 4] =
        const { [const { Cell::new((0, 0, None)) }; 4] };
}

/// Adds `N` summed counters to this thread's entry for `node` in session
/// `epoch` (through a small cache), without the general update's loop:
/// the allocation paths' update.
#[inline]
pub(crate) fn add<const N: usize>(epoch: u64, node: NodeId, adds: [(Field, u64); N]) {
    let way = node as usize & 3;
    let cached = LAST_ADD.try_with(|c| c[way].get()).unwrap_or_default();
    let entry = match cached {
        (e, n, Some(entry)) if (e, n) == (epoch, node) => Some(entry),
        _ => {
            let entry = entry_of(epoch, node);
            let _ = LAST_ADD.try_with(|c| c[way].set((epoch, node, entry)));
            entry
        }
    };
    if let Some(entry) = entry {
        for (f, d) in adds {
            // Only this thread writes its table: a load and a store suffice.
            let a = &entry[f as usize];
            a.store(a.load(Relaxed).saturating_add(d), Relaxed);
        }
    }
}

/// Adds one call to an entry of this thread's table (from [`entry_of`]).
#[inline(always)]
pub(crate) fn add_call(e: &Entry, c: &Call) {
    // Only this thread writes: loads and stores suffice.
    let add = |f: Field, d: u64| {
        let a = &e[f as usize];
        if d != 0 {
            a.store(a.load(Relaxed).saturating_add(d), Relaxed);
        }
    };
    add(Field::calls, c.calls.max(1));
    add(Field::ticks, c.ticks);
    add(Field::elements, c.elements);
    add(Field::bytes_read, c.bytes_read);
    add(Field::bytes_written, c.bytes_written);
    let m = &e[Field::max_elements as usize];
    if m.load(Relaxed) < c.max_elements {
        m.store(c.max_elements, Relaxed);
    }
}

/// Calls `f(node, entry)` for every entry of every thread table of session `epoch`.
fn scan(slots: &[&'static Slot], epoch: u64, mut f: impl FnMut(usize, &Entry)) {
    for slot in slots {
        if slot.epoch.load(Acquire) != epoch {
            continue;
        }
        slot.chunks(|first, chunk| {
            for (i, e) in chunk.iter().enumerate() {
                f(first + i, e);
            }
        });
    }
}

/// Every thread's records for session `epoch`, merged by node (index = node id).
pub(crate) fn drain(epoch: u64) -> Vec<Metrics> {
    let slots: Vec<&'static Slot> = SLOTS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut merged: Vec<Metrics> = Vec::new();
    scan(&slots, epoch, |node, e| {
        let mut f = [0u64; LEN];
        for (v, a) in f.iter_mut().zip(e) {
            *v = a.load(Relaxed);
        }
        if f != Metrics::IDENTITY {
            if merged.len() <= node {
                merged.resize(node + 1, Metrics::default());
            }
            merged[node].merge(&Metrics::from_slots(&f));
        }
    });
    merged
}

/// (added, released) counter pairs whose difference is live: bytes or blocks.
pub(crate) type LivePairs<'a> = &'a [(Field, Field)];

/// One thread's live bytes and blocks at one node (see [`live_entries`]).
pub(crate) type LiveEntry = (NodeId, i64, i64);

/// Replaces `out` with every thread's entry for session `epoch` whose live
/// bytes (the `bytes` pairs' `added - released`, summed) or live blocks (the
/// `blocks` pairs') are not zero: one scan, no hashing, and no allocation
/// once `out` has room (this runs inside the allocator, on each new peak).
/// A node appears once per thread that touched it; [`merge_live`] sums them.
/// Returns `false`, leaving `out` as it was, if the thread list is locked (a
/// thread is registering).
pub(crate) fn live_entries(
    epoch: u64,
    bytes: LivePairs<'_>,
    blocks: LivePairs<'_>,
    out: &mut Vec<LiveEntry>,
) -> bool {
    let Ok(slots) = SLOTS.try_lock() else {
        return false;
    };
    out.clear();
    let live = |e: &Entry, pairs: LivePairs<'_>| -> i64 {
        pairs
            .iter()
            .map(|&(a, r)| {
                (e[a as usize].load(Relaxed) as i64)
                    .wrapping_sub(e[r as usize].load(Relaxed) as i64)
            })
            .fold(0i64, i64::wrapping_add)
    };
    scan(&slots, epoch, |node, e| {
        let (b, k) = (live(e, bytes), live(e, blocks));
        if b != 0 || k != 0 {
            out.push((node as NodeId, b, k));
        }
    });
    true
}

/// Sums [`live_entries`] by node and keeps the nodes holding bytes:
/// (node, bytes, blocks), largest first (ties by node).
pub(crate) fn merge_live(mut entries: Vec<LiveEntry>) -> Vec<(NodeId, u64, u64)> {
    entries.sort_unstable_by_key(|e| e.0);
    let mut out: Vec<(NodeId, u64, u64)> = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let node = entries[i].0;
        let (mut b, mut k) = (0i64, 0i64);
        while i < entries.len() && entries[i].0 == node {
            b = b.saturating_add(entries[i].1);
            k = k.saturating_add(entries[i].2);
            i += 1;
        }
        if b > 0 {
            out.push((node, b as u64, k.max(0) as u64));
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// How many per-thread tables exist, and how many are free for reuse
/// (their threads exited).
pub fn thread_tables() -> (usize, usize) {
    let all = SLOTS.lock().unwrap_or_else(|e| e.into_inner()).len();
    let free = FREE.lock().unwrap_or_else(|e| e.into_inner()).len();
    (all, free)
}

#[cfg(test)]
mod tests {
    use crate::trace::records::{add, drain, live_entries, merge_live, Field};
    use crate::trace::state::next_epoch;

    #[test]
    fn live_entries_sum_each_threads_part_of_a_node() {
        let _l = crate::testing::lock();
        let epoch = next_epoch();
        let (bytes, blocks) = (Field::held_bytes, Field::held_blocks);
        let (freed, gone) = (Field::held_bytes_released, Field::held_blocks_released);
        // This thread first (a table freed by an exited thread is reused),
        // then another allocates at node 5 and frees 30 bytes of node 7's.
        add(epoch, 7, [(bytes, 50), (blocks, 1)]);
        add(epoch, 5, [(freed, 40), (gone, 1)]);
        add(epoch, 9, [(bytes, 8), (freed, 8)]); // nothing live
        std::thread::scope(|s| {
            s.spawn(|| {
                add(epoch, 5, [(bytes, 100), (blocks, 1)]);
                add(epoch, 7, [(freed, 30)]);
            });
        });
        let mut out = vec![(1, 1, 1)];
        assert!(live_entries(
            epoch,
            &[(bytes, freed)],
            &[(blocks, gone)],
            &mut out
        ));
        out.sort_unstable();
        assert_eq!(out, [(5, -40, -1), (5, 100, 1), (7, -30, 0), (7, 50, 1)]);
        assert_eq!(merge_live(out), [(5, 60, 0), (7, 20, 1)]);
        assert_eq!(merge_live(vec![(3, -5, 1), (4, 0, 2)]), []);
    }

    #[test]
    fn a_drain_reads_entries_in_every_chunk_and_directory_made() {
        let _l = crate::testing::lock();
        let epoch = next_epoch();
        // Chunks 0, 1, 78 and 255 of directory 0; chunks 0 and 100 of directory 1.
        let nodes = [0, 63, 64, 5_000, 16_383, 16_384, 22_784];
        for (k, &n) in nodes.iter().enumerate() {
            add(epoch, n, [(Field::calls, k as u64 + 1)]);
        }
        let merged = drain(epoch);
        for (k, &n) in nodes.iter().enumerate() {
            assert_eq!(merged[n as usize].calls, k as u64 + 1, "node {n}");
        }
        assert_eq!(merged.len(), 22_785);
    }
}
