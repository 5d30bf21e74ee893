//! The events the runtime reports: scopes ([`enter_scope`]), array
//! operations ([`op`], `scalar`) and buffer allocator events
//! ([`alloc_event`]), and [`Context`] to carry a scope into other threads.

use super::class::OpClass;
use super::clock::now_ticks;
use super::metrics::Field;
use super::records;
use super::sampler::SampleClock;
use super::state::{current, enabled, epoch, mode, set_current};
use super::tree::{self, LabelId, NodeId, ROOT};
use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};

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
            guard: Guard::Idle,
            _not_send: PhantomData,
        };
    }
    enter_scope(tree::intern_scope_name(name))
}

pub(super) struct Live {
    epoch: u64,
    node: NodeId,
    prev: NodeId,
    start: u64,
    sizes: [u64; 3],
    /// The largest array the op worked on, in elements.
    pub(super) array_elements: u64,
    /// The range of integer values the op produced, if it reported one.
    values: Option<(i64, i64)>,
    /// Scale of the measured time: 1 when every call is timed, N when this
    /// call stands for N (1-in-N timing), 0 when this call is not timed
    /// (sampled mode, where time comes from the sampler).
    weight: u64,
}

pub(super) static VALUE_RANGES: AtomicBool = AtomicBool::new(false);

/// Whether ops report the ranges of integer values they produce.
pub(crate) fn set_value_ranges(on: bool) {
    VALUE_RANGES.store(on, Ordering::Relaxed);
}

static CALL_SITES: AtomicBool = AtomicBool::new(true);

/// Whether ops are recorded per call site (the file:line that called them).
pub(crate) fn set_call_sites(on: bool) {
    CALL_SITES.store(on, Ordering::Relaxed);
}

/// Enters `label` under the current node. Nothing is written to the records
/// until `leave`, which does it in one update.
#[inline]
pub(super) fn enter(label: LabelId, sizes: [u64; 3], weight: u64) -> Live {
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
            calls: 1,
            ticks,
            elements: live.sizes[0],
            bytes_read: live.sizes[1],
            bytes_written: live.sizes[2],
            max_elements: live.array_elements,
            values: live.values,
        },
    );
    // Per-element calls counted in this node go in as it ends (after its
    // clock read: the parent pays, as for the calls themselves).
    super::pending::flush();
    // A guard that outlived its session must not leave this thread inside
    // a node of the old tree.
    set_current(if live.epoch == epoch() {
        live.prev
    } else {
        ROOT
    });
}

/// A scope or op in sampled mode: counted when entered, no clock read;
/// leaving only restores the thread's node.
#[derive(Clone, Copy)]
pub(super) struct Counted {
    epoch: u64,
    prev: NodeId,
}

/// A node and this thread's table entry for it.
#[derive(Clone, Copy)]
struct Cached {
    node: NodeId,
    entry: Option<&'static records::Entry>,
}

/// (epoch, parent, label): epoch 0 is never a session's.
type EntryKey = (u64, NodeId, LabelId);

const NO_CACHE: (EntryKey, Cached) = (
    (0, 0, 0),
    Cached {
        node: 0,
        entry: None,
    },
);

thread_local! {
    /// The last (epoch, parent, label) -> (node, entry) lookups of this
    /// thread: loops enter the same few scopes and ops again and again.
    static ENTRIES: Cell<[(EntryKey, Cached); 8]> = const { Cell::new([NO_CACHE; 8]) };
}

/// Enters `label` in sampled mode: one call and `sizes` added to this
/// thread's entry for the node, which becomes the current one.
#[inline]
fn enter_counted(label: LabelId, sizes: [u64; 3], array_elements: u64) -> Counted {
    let epoch = epoch();
    let parent = current();
    let key = (epoch, parent, label);
    let c = match ENTRIES.try_with(|c| super::recent::find(c, key)) {
        Ok(Some(c)) => c,
        _ => lookup_entry(key),
    };
    if let Some(e) = c.entry {
        records::add_call(
            e,
            &records::Call {
                elements: sizes[0],
                bytes_read: sizes[1],
                bytes_written: sizes[2],
                max_elements: array_elements,
                ..records::Call::default()
            },
        );
    }
    Counted {
        epoch,
        prev: set_current(c.node),
    }
}

#[cold]
#[inline(never)]
fn lookup_entry(key: EntryKey) -> Cached {
    let (epoch, parent, label) = key;
    super::sampler::arm_this_thread(epoch, SampleClock::for_this_thread);
    let node = tree::child(epoch, parent, label);
    let c = Cached {
        node,
        entry: records::entry_of(epoch, node),
    };
    let _ = ENTRIES.try_with(|e| super::recent::insert(e, key, c));
    c
}

impl Counted {
    #[inline]
    fn leave(self) {
        // A scalar op's body that unwound left its site set (`scalar`).
        super::state::clear_scalar_site();
        set_current(if self.epoch == epoch() {
            self.prev
        } else {
            ROOT
        });
    }
}

pub(super) enum Guard {
    Idle,
    Counted(Counted),
    Timed(Live),
}

impl Guard {
    #[inline]
    fn enter(label: impl FnOnce() -> LabelId, sizes: [u64; 3]) -> Guard {
        match mode() {
            None => Guard::Idle,
            Some(false) => Guard::Counted(enter_counted(label(), sizes, sizes[0])),
            Some(true) => Guard::Timed(enter(label(), sizes, 1)),
        }
    }

    #[inline]
    fn leave(&self) {
        match self {
            Guard::Idle => {}
            Guard::Counted(c) => c.leave(),
            Guard::Timed(live) => leave(live),
        }
    }
}

/// Times one scope until dropped; see `profile!`.
#[must_use = "the scope lasts until the guard drops"]
pub struct ScopeGuard {
    guard: Guard,
    /// Scopes stay on the thread that opened them.
    _not_send: PhantomData<*const ()>,
}

/// Enters scope `label` under the current node (a no-op guard when no session records).
#[doc(hidden)]
#[inline]
pub fn enter_scope(label: LabelId) -> ScopeGuard {
    ScopeGuard {
        guard: Guard::enter(|| label, [0; 3]),
        _not_send: PhantomData,
    }
}

impl Drop for ScopeGuard {
    #[inline]
    fn drop(&mut self) {
        self.guard.leave();
    }
}

/// Times one operation until dropped; see [`op`].
#[must_use = "the operation is timed until the guard drops"]
pub struct OpGuard {
    pub(super) guard: Guard,
    /// The node to return to, for counted-only scalar ops that may allocate.
    pub(super) restore: Option<NodeId>,
    pub(super) _not_send: PhantomData<*const ()>,
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
///
/// The op is recorded at the line that called `op` (see
/// `SessionBuilder::call_sites`); a function of yours that reports through
/// `op` and is marked `#[track_caller]` passes its own caller's line on.
#[inline]
#[track_caller]
pub fn op(
    name: &'static str,
    class: OpClass,
    dtype: &'static str,
    elements: usize,
    bytes_read: usize,
    bytes_written: usize,
) -> OpGuard {
    // With no session an op costs this check (~1.5 ns, against ~4 ns when
    // the idle guard came out of `Guard::enter`). Recording ops stay inlined
    // as they are: moving them out of line, or finding their node through a
    // cache keyed by call site, cost a copying `append` 7-28 ns more in a
    // session, though a bare loop of ops ran up to 2 ns faster each.
    if !enabled() {
        return OpGuard::idle();
    }
    // Read here: a closure does not see `#[track_caller]`'s location.
    let caller = std::panic::Location::caller();
    OpGuard {
        guard: Guard::enter(
            || {
                let site = CALL_SITES.load(Ordering::Relaxed).then_some(caller);
                tree::op_label(name, class, dtype, site)
            },
            [elements as u64, bytes_read as u64, bytes_written as u64],
        ),
        restore: None,
        _not_send: PhantomData,
    }
}

impl OpGuard {
    #[inline]
    pub(super) fn idle() -> OpGuard {
        OpGuard {
            guard: Guard::Idle,
            restore: None,
            _not_send: PhantomData,
        }
    }

    /// Whether this op should report the range of integer values it
    /// produces ([`record_values`](Self::record_values)): a session records
    /// with value ranges on.
    #[inline]
    pub fn wants_values(&self) -> bool {
        !matches!(self.guard, Guard::Idle) && VALUE_RANGES.load(Ordering::Relaxed)
    }

    /// Records that the op produced integer values in `lo..=hi`.
    pub fn record_values(&mut self, lo: i64, hi: i64) {
        match &mut self.guard {
            Guard::Timed(live) => {
                live.values = Some(match live.values {
                    Some((a, b)) => (a.min(lo), b.max(hi)),
                    None => (lo, hi),
                });
            }
            Guard::Counted(c) => {
                // Counted when entered (the op is the current node until
                // the guard drops); the range goes in as its own update.
                records::update(c.epoch, current(), |m| {
                    m.value_min = lo;
                    m.value_max = hi;
                });
            }
            Guard::Idle => {}
        }
    }
}

impl Drop for OpGuard {
    #[inline]
    fn drop(&mut self) {
        if matches!(self.guard, Guard::Idle) && self.restore.is_none() {
            return;
        }
        self.leave();
    }
}

impl OpGuard {
    #[inline(never)]
    fn leave(&mut self) {
        self.guard.leave();
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
    let (e, node) = (epoch(), current());
    match kind {
        AllocKind::Alloc => records::add(
            e,
            node,
            [(Field::allocations, 1), (Field::bytes_allocated, bytes)],
        ),
        AllocKind::Free => records::add(e, node, [(Field::frees, 1), (Field::bytes_freed, bytes)]),
        AllocKind::Grow { old, copied } => records::add(
            e,
            node,
            [
                (Field::reallocations, 1),
                (Field::bytes_allocated, bytes.saturating_sub(old)),
                (Field::bytes_copied, copied),
            ],
        ),
    }
}

/// Runs `f` unrecorded: its scopes, ops, allocations and samples count
/// nowhere (the tour's warm-up runs). Work on other threads that `f` hands a
/// [`Context`] to is unrecorded too.
pub(crate) fn unrecorded<R>(f: impl FnOnce() -> R) -> R {
    if !enabled() {
        return f();
    }
    struct Restore(NodeId);
    impl Drop for Restore {
        fn drop(&mut self) {
            set_current(self.0);
        }
    }
    let _restore = Restore(set_current(tree::IGNORED));
    f()
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

    /// Runs `f` on this thread as if inside the captured node: its counts
    /// and allocations land there, and in sampled mode its samples show in
    /// the native stacks under that node; the node's time stays the wall
    /// time of the thread that opened it (as in instrumented mode).
    pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
        if !enabled() || self.epoch != epoch() {
            return f();
        }
        super::sampler::arm_this_thread(self.epoch, || SampleClock::Cpu);
        let prev = set_current(self.node);
        let was_borrowed = super::state::set_borrowed(true);
        struct Restore(NodeId, bool);
        impl Drop for Restore {
            fn drop(&mut self) {
                super::pending::flush();
                set_current(self.0);
                super::state::set_borrowed(self.1);
            }
        }
        let _restore = Restore(prev, was_borrowed);
        f()
    }
}
