//! The events the runtime reports: scopes ([`enter_scope`]), array
//! operations ([`op`], [`scalar_op`]) and buffer allocator events
//! ([`alloc_event`]), and [`Context`] to carry a scope into other threads.

use super::class::OpClass;
use super::clock::now_ticks;
use super::records;
use super::state::{current, enabled, epoch, set_current};
use super::tree::{self, LabelId, NodeId, ROOT};
use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Registers a scope name (once per call site; see `profile!`).
#[doc(hidden)]
pub fn register_scope(name: &'static str) -> LabelId {
    tree::intern_static_scope(name)
}

/// Enters a scope whose name is computed at run time (`rows=4`, a file
/// name): one hash lookup of the name per call, so prefer `profile!` with a
/// literal in hot loops. A no-op guard when no session records.
///
/// ```
/// # let _lock = ndprof::testing::lock();
/// let session = ndprof::Session::builder().cpu_hz(0).start()?;
/// for rows in [4, 8] {
///     let _scope = ndprof::trace::enter_dynamic_scope(&format!("rows={rows}"));
/// }
/// let profile = session.finish()?;
/// assert!(profile.record(&["rows=8"]).is_some());
/// # Ok::<(), ndprof::Error>(())
/// ```
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
static VALUE_RANGES: AtomicBool = AtomicBool::new(false);

/// Per-element call counters, one per op label (modulo the table size), so
/// that ops called in turn (`get`, `set`, `get`, ...) are each timed 1-in-N
/// rather than one of them always and the other never.
const COUNTERS: usize = 64;

thread_local! {
    static SCALAR_CALLS: [Cell<u64>; COUNTERS] = const { [const { Cell::new(0) }; COUNTERS] };
}

/// Times per-element ops (`get`, `set`, `push`) 1-in-`n` per thread,
/// scaling the measured time by `n`; every call is still counted.
pub(crate) fn set_scalar_time_every(n: u64) {
    SCALAR_TIME_EVERY.store(n.max(1), Ordering::Relaxed);
}

/// Whether ops report the ranges of integer values they produce.
pub(crate) fn set_value_ranges(on: bool) {
    VALUE_RANGES.store(on, Ordering::Relaxed);
}

/// Enters `label` under the current node. Nothing is written to the records
/// until `leave`, which does it in one update.
#[inline]
fn enter(label: LabelId, sizes: [u64; 3], weight: u64) -> Live {
    let epoch = epoch();
    let node = tree::child(epoch, current(), label);
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
        now_ticks()
            .wrapping_sub(live.start)
            .saturating_mul(live.weight)
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
    // A guard that outlived its session must not leave this thread inside
    // a node of the old tree.
    set_current(if live.epoch == epoch() {
        live.prev
    } else {
        ROOT
    });
}

/// Times one scope until dropped; see `profile!`.
#[must_use = "the scope lasts until the guard drops"]
pub struct ScopeGuard {
    live: Option<Live>,
    /// Scopes stay on the thread that opened them.
    _not_send: PhantomData<*const ()>,
}

/// Enters scope `label` under the current node (a no-op guard when no session records).
#[doc(hidden)]
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

/// Records one array operation under the current node: a call, its class,
/// its sizes, and (when the guard drops) its time. Allocations made while
/// the guard is alive are charged to it. Kernels of your own can report
/// through it too:
///
/// ```
/// use ndprof::trace::{op, OpClass};
/// let xs = vec![1.0f64; 1000];
/// let _g = op("my_norm", OpClass::Reduction, "float64", xs.len(), 8 * xs.len(), 0);
/// let norm = xs.iter().map(|x| x * x).sum::<f64>().sqrt();
/// # assert_eq!(norm.round(), 32.0);
/// ```
#[inline]
pub fn op(
    name: &'static str,
    class: OpClass,
    dtype: &'static str,
    elements: usize,
    bytes_read: usize,
    bytes_written: usize,
) -> OpGuard {
    OpGuard {
        live: enabled().then(|| {
            enter(
                tree::op_label(name, class, dtype),
                [elements as u64, bytes_read as u64, bytes_written as u64],
                1,
            )
        }),
        restore: None,
        _not_send: PhantomData,
    }
}

/// What a per-element op (`get`, `set`, `push`) reports.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScalarOp {
    pub name: &'static str,
    pub class: OpClass,
    pub dtype: &'static str,
    /// The array indexed (or grown to), in elements.
    pub array_elements: usize,
    pub bytes_read: usize,
    pub bytes_written: usize,
    /// The op may allocate (a `set` that copies a shared buffer, a `push`).
    pub may_allocate: bool,
    /// The op writes an integer (reported in value ranges).
    pub writes_integer: bool,
}

/// Like [`op`] for one-element access: counted on every call, timed
/// 1-in-N calls with the time scaled up. Untimed calls take a short path
/// that bumps the counts only; with `may_allocate` the op is also made the
/// current node until the guard drops, so an allocation inside is charged
/// to it. A `writes_integer` op takes the full path while value ranges are
/// recorded.
#[inline]
pub(crate) fn scalar_op(s: ScalarOp) -> OpGuard {
    if !enabled() {
        return OpGuard::idle();
    }
    let every = SCALAR_TIME_EVERY.load(Ordering::Relaxed);
    let label = tree::op_label(s.name, s.class, s.dtype);
    let weight = if every <= 1 {
        1
    } else {
        let k = SCALAR_CALLS
            .try_with(|c| {
                let c = &c[label as usize % COUNTERS];
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
    if weight == 0 && !(s.writes_integer && VALUE_RANGES.load(Ordering::Relaxed)) {
        // Counted, not timed: no clock reads and no record merge on drop.
        let epoch = epoch();
        let node = tree::child(epoch, current(), label);
        records::bump_call(
            epoch,
            node,
            &records::Call {
                elements: 1,
                bytes_read: s.bytes_read as u64,
                bytes_written: s.bytes_written as u64,
                max_elements: s.array_elements as u64,
                ..records::Call::default()
            },
        );
        return OpGuard {
            live: None,
            restore: s.may_allocate.then(|| set_current(node)),
            _not_send: PhantomData,
        };
    }
    let mut live = enter(
        label,
        [1, s.bytes_read as u64, s.bytes_written as u64],
        weight,
    );
    live.array_elements = s.array_elements as u64;
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
pub(crate) enum AllocKind {
    /// A new block.
    Alloc,
    /// A block given back.
    Free,
    /// A block grown from `old` bytes; `copied` bytes moved (0 if it grew in place).
    Grow {
        /// The block's size before.
        old: u64,
        /// Bytes moved to the new block.
        copied: u64,
    },
}

/// Reports a buffer allocator event, charged to the current node.
#[inline]
pub(crate) fn alloc_event(kind: AllocKind, bytes: usize) {
    if !enabled() {
        return;
    }
    let bytes = bytes as u64;
    records::update(epoch(), current(), |s| match kind {
        AllocKind::Alloc => {
            s.allocations = 1;
            s.bytes_allocated = bytes;
        }
        AllocKind::Free => {
            s.frees = 1;
            s.bytes_freed = bytes;
        }
        AllocKind::Grow { old, copied } => {
            s.reallocations = 1;
            s.bytes_allocated = bytes.saturating_sub(old);
            s.bytes_copied = copied;
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
pub struct Context {
    epoch: u64,
    node: NodeId,
}

impl Context {
    /// The calling thread's current node.
    pub fn capture() -> Context {
        Context {
            epoch: epoch(),
            node: current(),
        }
    }

    /// Runs `f` on this thread as if inside the captured node.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
        if !enabled() || self.epoch != epoch() {
            return f();
        }
        let prev = set_current(self.node);
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
