//! Layer 0: the profiling context that the runtime reports into.
//!
//! Array operations call [`op`] and buffer allocators call [`alloc_event`];
//! `profile!` scopes call [`enter_scope`]. With no session recording, each
//! costs one relaxed atomic load. While a session records, scopes and ops
//! become nodes of one call tree (`scope;scope;op[dtype]`), each thread
//! keeps per-node counts and times in its own slot, and the session merges
//! them when it finishes. This module depends on nothing else in the crate,
//! so the lower layers report without knowing who listens.

mod clock;
pub mod heap;
mod held;
mod records;
mod tree;

pub use clock::{now_ticks, ns_per_tick, Stamp};
pub use records::NodeStats;
pub use tree::{snapshot, Label, LabelId, LabelKind, NodeId, ROOT};

use std::cell::Cell;
use std::marker::PhantomData;
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

/// The call-tree node this thread is in.
#[inline]
pub fn current() -> NodeId {
    CURRENT.try_with(Cell::get).unwrap_or(ROOT)
}

fn set_current(node: NodeId) -> NodeId {
    CURRENT.try_with(|c| c.replace(node)).unwrap_or(ROOT)
}

fn epoch() -> u64 {
    EPOCH.load(Ordering::Relaxed)
}

/// Starts recording for a new session and returns its epoch. The profiler
/// calls this; it does not check for a concurrent session.
pub fn start_recording() -> u64 {
    let e = EPOCH.fetch_add(1, Ordering::AcqRel) + 1;
    held::reset(e);
    heap::reset();
    ENABLED.store(true, Ordering::Release);
    e
}

/// Stops recording.
pub fn stop_recording() {
    ENABLED.store(false, Ordering::Release);
}

/// What a session recorded.
pub struct Drained {
    /// Stats per node id.
    pub stats: Vec<NodeStats>,
    /// The most buffer bytes live at once among buffers allocated during the session.
    pub peak_bytes: u64,
    /// The nodes that had allocated those bytes, with their share, largest first.
    pub peak_owners: Vec<(NodeId, u64)>,
    /// With `alloc::Tracking`: the most bytes live at once, buffers and the
    /// rest of the heap together, low by at most `heap::FLUSH_BYTES` per thread.
    pub heap_peak_bytes: u64,
    /// Who held them then, by allocating node, largest first.
    pub heap_peak_owners: Vec<(NodeId, u64)>,
}

/// Collects what session `epoch` recorded, from every thread.
pub fn drain(epoch: u64) -> Drained {
    let stats = records::drain(epoch);
    let (peak_bytes, peak_owners) = held::peak(epoch);
    let (heap_peak_bytes, heap_peak_owners) = heap::peak();
    Drained {
        stats,
        peak_bytes,
        peak_owners,
        heap_peak_bytes,
        heap_peak_owners,
    }
}

/// The owner to remember in a new buffer: (session epoch, current node), or
/// `None` when no session records.
#[inline]
pub fn buffer_owner() -> Option<(u64, NodeId)> {
    enabled().then(|| (epoch(), current()))
}

/// A buffer owned by `owner` grew (`delta > 0`) or was freed (`delta < 0`).
pub fn buffer_held(owner: (u64, NodeId), delta: i64) {
    held::update(owner.0, owner.1, delta);
    if heap::installed() && owner.0 == epoch() {
        heap::add_live(delta);
    }
}

/// Registers a scope name (once per call site; see `profile!`).
pub fn register_scope(name: &'static str) -> LabelId {
    tree::intern(Label {
        name,
        dtype: "",
        kind: LabelKind::Scope,
    })
}

/// Enters a scope whose name is computed at run time (`rows=4`, a file
/// name). Costs a lookup of the name on each call, so prefer `profile!` with
/// a literal in hot loops. A no-op guard when no session records.
pub fn enter_dynamic_scope(name: &str) -> ScopeGuard {
    if !enabled() {
        return ScopeGuard {
            live: None,
            _not_send: PhantomData,
        };
    }
    enter_scope(tree::intern_scope_name(name))
}

struct Live {
    epoch: u64,
    node: NodeId,
    prev: NodeId,
    start: u64,
    sizes: [u64; 3],
    /// The largest array the op worked on, in elements.
    array_elements: u64,
    /// The range of integer values the op produced, if it reported one.
    values: Option<(i64, i64)>,
    /// Scale of the measured time: 1 when every call is timed, N when this
    /// call stands for N (1-in-N sampling), 0 when this call is not timed.
    weight: u64,
}

static SCALAR_TIME_EVERY: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static SCALAR_CALLS: Cell<u64> = const { Cell::new(0) };
}

/// Times scalar `get`/`set` calls 1-in-`n` (per thread), scaling the
/// measured time by `n`; every call is still counted. The profiler sets this
/// for a session (`SessionBuilder::scalar_time_every`).
pub fn set_scalar_time_every(n: u64) {
    SCALAR_TIME_EVERY.store(n.max(1), Ordering::Relaxed);
}

/// The current 1-in-N rate of scalar-op timing.
pub fn scalar_time_every() -> u64 {
    SCALAR_TIME_EVERY.load(Ordering::Relaxed)
}

/// Enters `label` under the current node. Nothing is written to the records
/// until `leave`, which does it in one update.
#[inline]
fn enter(label: LabelId, sizes: [u64; 3], weight: u64) -> Live {
    let epoch = epoch();
    let node = tree::child(current(), label);
    let prev = set_current(node);
    Live {
        epoch,
        node,
        prev,
        start: if weight > 0 { now_ticks() } else { 0 },
        sizes,
        array_elements: sizes[0],
        values: None,
        weight,
    }
}

#[inline]
fn leave(live: &Live) {
    let ticks = if live.weight > 0 {
        now_ticks().wrapping_sub(live.start) * live.weight
    } else {
        0
    };
    records::bump_call(
        live.epoch,
        live.node,
        &records::Call {
            ticks,
            elements: live.sizes[0],
            bytes_read: live.sizes[1],
            bytes_written: live.sizes[2],
            max_elements: live.array_elements,
            values: live.values,
        },
    );
    set_current(live.prev);
}

/// Times one scope until dropped; see `profile!`.
#[must_use = "the scope lasts until the guard drops"]
pub struct ScopeGuard {
    live: Option<Live>,
    /// Scopes stay on the thread that opened them.
    _not_send: PhantomData<*const ()>,
}

/// Enters scope `label` under the current node (a no-op guard when no session records).
#[inline]
pub fn enter_scope(label: LabelId) -> ScopeGuard {
    ScopeGuard {
        live: enabled().then(|| enter(label, [0; 3], 1)),
        _not_send: PhantomData,
    }
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        if let Some(live) = &self.live {
            leave(live);
        }
    }
}

/// Times one operation until dropped; see [`op`].
#[must_use = "the operation is timed until the guard drops"]
pub struct OpGuard {
    live: Option<Live>,
    /// The node to return to, for counted-only scalar ops that may allocate.
    restore: Option<NodeId>,
    _not_send: PhantomData<*const ()>,
}

/// Records one array operation under the current node: a call, its sizes,
/// and (when the guard drops) its time. Allocations made while the guard is
/// alive are charged to it.
#[inline]
pub fn op(
    op: &'static str,
    dtype: &'static str,
    elements: usize,
    bytes_read: usize,
    bytes_written: usize,
) -> OpGuard {
    OpGuard {
        live: enabled().then(|| {
            enter(
                tree::op_label(op, dtype),
                [elements as u64, bytes_read as u64, bytes_written as u64],
                1,
            )
        }),
        restore: None,
        _not_send: PhantomData,
    }
}

/// Like [`op`] for one-element access (`get`, `set`, `push`): counted on every
/// call, timed 1-in-[`scalar_time_every`] calls with the time scaled up.
/// Untimed calls take a short path that bumps the counts only; with
/// `may_allocate` the op is also made the current node until the guard drops,
/// so an allocation inside (a `set` that copies a shared buffer) is charged
/// to it. A `writes_integer` op takes the full path while value ranges are
/// recorded.
#[inline]
pub fn scalar_op(
    op: &'static str,
    dtype: &'static str,
    array_elements: usize,
    bytes_read: usize,
    bytes_written: usize,
    may_allocate: bool,
    writes_integer: bool,
) -> OpGuard {
    if !enabled() {
        return OpGuard::idle();
    }
    let every = scalar_time_every();
    let weight = if every <= 1 {
        1
    } else {
        let k = SCALAR_CALLS
            .try_with(|c| {
                let k = c.get() + 1;
                c.set(k);
                k
            })
            .unwrap_or(0);
        if k.is_multiple_of(every) {
            every
        } else {
            0
        }
    };
    if weight == 0 && !(writes_integer && VALUE_RANGES.load(Ordering::Relaxed)) {
        // Counted, not timed: no clock reads and no record merge on drop.
        let epoch = epoch();
        let node = tree::child(current(), tree::op_label(op, dtype));
        records::bump_call(
            epoch,
            node,
            &records::Call {
                elements: 1,
                bytes_read: bytes_read as u64,
                bytes_written: bytes_written as u64,
                max_elements: array_elements as u64,
                ..records::Call::default()
            },
        );
        return OpGuard {
            live: None,
            restore: may_allocate.then(|| set_current(node)),
            _not_send: PhantomData,
        };
    }
    let mut live = enter(
        tree::op_label(op, dtype),
        [1, bytes_read as u64, bytes_written as u64],
        weight,
    );
    live.array_elements = array_elements as u64;
    OpGuard {
        live: Some(live),
        restore: None,
        _not_send: PhantomData,
    }
}

impl OpGuard {
    fn idle() -> OpGuard {
        OpGuard {
            live: None,
            restore: None,
            _not_send: PhantomData,
        }
    }

    /// Whether this op should report the range of integer values it
    /// produces ([`record_values`](Self::record_values)): a session records
    /// with value ranges on.
    #[inline]
    pub fn wants_values(&self) -> bool {
        self.live.is_some() && VALUE_RANGES.load(Ordering::Relaxed)
    }

    /// Records that the op produced integer values in `lo..=hi`.
    pub fn record_values(&mut self, lo: i64, hi: i64) {
        if let Some(live) = &mut self.live {
            live.values = Some(match live.values {
                Some((a, b)) => (a.min(lo), b.max(hi)),
                None => (lo, hi),
            });
        }
    }
}

static VALUE_RANGES: AtomicBool = AtomicBool::new(false);

/// Whether ops report the ranges of integer values they produce (for the
/// dtype advice). The profiler sets this per session.
pub fn set_value_ranges(on: bool) {
    VALUE_RANGES.store(on, Ordering::Relaxed);
}

impl Drop for OpGuard {
    fn drop(&mut self) {
        if let Some(live) = &self.live {
            leave(live);
        }
        if let Some(prev) = self.restore {
            set_current(prev);
        }
    }
}

/// What happened to a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocKind {
    /// A new block.
    Alloc,
    /// A block given back.
    Free,
    /// A block grown from `old` bytes; `copied` bytes moved (0 if it grew in place).
    Grow { old: u64, copied: u64 },
}

/// Reports a buffer allocator event, charged to the current node.
#[inline]
pub fn alloc_event(kind: AllocKind, bytes: usize, _allocator: &'static str) {
    if !enabled() {
        return;
    }
    let bytes = bytes as u64;
    records::update(epoch(), current(), |s| match kind {
        AllocKind::Alloc => {
            s.allocations += 1;
            s.bytes_allocated += bytes;
        }
        AllocKind::Free => {
            s.frees += 1;
            s.bytes_freed += bytes;
        }
        AllocKind::Grow { old, copied } => {
            s.reallocations += 1;
            s.bytes_allocated += bytes.saturating_sub(old);
            s.bytes_copied += copied;
        }
    });
}

/// The current node, captured to carry into work on other threads (rayon
/// tasks, spawned threads), so that what they do lands under the scope that
/// handed it over.
///
/// ```
/// let ctx = ndprof::trace::Context::capture();
/// std::thread::scope(|s| {
///     s.spawn(|| ctx.run(|| { /* ops here count under the caller's scope */ }));
/// });
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Context(NodeId);

impl Context {
    /// The calling thread's current node.
    pub fn capture() -> Context {
        Context(current())
    }

    /// Runs `f` on this thread as if inside the captured node.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
        if !enabled() {
            return f();
        }
        let prev = set_current(self.0);
        struct Restore(NodeId);
        impl Drop for Restore {
            fn drop(&mut self) {
                set_current(self.0);
            }
        }
        let _restore = Restore(prev);
        f()
    }
}
