//! Per-element ops (`get`, `set`, `push`): the per-element loop's path,
//! kept as cheap as the mode allows (see [`scalar_op`]).

use super::class::OpClass;
use super::events::{enter, Guard, OpGuard, VALUE_RANGES};
use super::records;
use super::state::{current, epoch, mode, set_current, set_scalar_site};
use super::tree::{self, NodeId};
use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

static SCALAR_TIME_EVERY: AtomicU64 = AtomicU64::new(1);

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

/// A per-element op's call site: its name, class and dtype, in a static
/// (one per op and dtype), so that the hot path and the sampler's signal
/// handler refer to it by address.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScalarSite {
    pub name: &'static str,
    pub class: OpClass,
    pub dtype: &'static str,
}

/// What a per-element op (`get`, `set`, `push`) reports.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScalarOp {
    pub site: &'static ScalarSite,
    /// The array indexed (or grown to), in elements.
    pub array_elements: usize,
    pub bytes_read: usize,
    pub bytes_written: usize,
    /// The op may allocate (a `set` that copies a shared buffer, a `push`).
    pub may_allocate: bool,
    /// The op writes an integer (reported in value ranges).
    pub writes_integer: bool,
}

/// Like [`op`] for one-element access, the per-element loop's path.
///
/// Sampled mode: the op marks itself as this thread's scalar site (the
/// sampler charges CPU samples to it) and counts calls through a countdown:
/// each thread's first [`EXACT_SCALAR_CALLS`] calls of a session exactly,
/// then 1-in-[`SCALAR_SAMPLE_EVERY`] calls at random (geometric gaps), each
/// standing for that many, marked as estimated. An op that may allocate
/// (or reports value ranges) is counted exactly and made the current node.
///
/// Instrumented mode: counted on every call, timed 1-in-N (`scalar_time_every`,
/// one counter per op) with the time scaled up.
#[inline]
pub(crate) fn scalar_op(s: ScalarOp) -> OpGuard {
    match mode() {
        None => OpGuard::idle(),
        Some(false) if !(s.may_allocate || s.writes_integer && value_ranges()) => {
            set_scalar_site(s.site as *const ScalarSite as usize);
            if let Some(weight) = super::countdown::tick() {
                count_scalar(&s, weight);
            }
            OpGuard {
                guard: Guard::Idle,
                restore: None,
                clear_site: true,
                _not_send: PhantomData,
            }
        }
        Some(false) => scalar_exact(&s),
        Some(true) => scalar_instrumented(&s),
    }
}

fn value_ranges() -> bool {
    VALUE_RANGES.load(Ordering::Relaxed)
}

/// Counts `weight` calls of `s` (0: one, not estimated) under the current
/// node; returns that node.
pub(crate) fn count_scalar(s: &ScalarOp, weight: u64) -> (u64, NodeId) {
    let epoch = epoch();
    let label = tree::op_label(s.site.name, s.site.class, s.site.dtype);
    let node = tree::child(epoch, current(), label);
    let w = weight.max(1);
    if weight == 0 {
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
    } else {
        records::update(epoch, node, |m| {
            m.calls = w;
            m.estimated_calls = w;
            m.elements = w;
            m.bytes_read = w.saturating_mul(s.bytes_read as u64);
            m.bytes_written = w.saturating_mul(s.bytes_written as u64);
            m.max_elements = s.array_elements as u64;
        });
    }
    (epoch, node)
}

/// A scalar op counted exactly and not timed; made the current node while
/// it may allocate, so that its allocations are charged to it.
fn scalar_exact(s: &ScalarOp) -> OpGuard {
    if s.writes_integer && value_ranges() {
        let mut live = enter(
            tree::op_label(s.site.name, s.site.class, s.site.dtype),
            [1, s.bytes_read as u64, s.bytes_written as u64],
            0,
        );
        live.array_elements = s.array_elements as u64;
        return OpGuard {
            guard: Guard::Timed(live),
            restore: None,
            clear_site: false,
            _not_send: PhantomData,
        };
    }
    let (_, node) = count_scalar(s, 0);
    OpGuard {
        guard: Guard::Idle,
        restore: s.may_allocate.then(|| set_current(node)),
        clear_site: false,
        _not_send: PhantomData,
    }
}

fn scalar_instrumented(s: &ScalarOp) -> OpGuard {
    let every = SCALAR_TIME_EVERY.load(Ordering::Relaxed);
    let label = tree::op_label(s.site.name, s.site.class, s.site.dtype);
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
    if weight == 0 && !(s.writes_integer && value_ranges()) {
        // Counted, not timed: no clock reads and no record merge on drop.
        return scalar_exact(s);
    }
    let mut live = enter(
        label,
        [1, s.bytes_read as u64, s.bytes_written as u64],
        weight,
    );
    live.array_elements = s.array_elements as u64;
    OpGuard {
        guard: Guard::Timed(live),
        restore: None,
        clear_site: false,
        _not_send: PhantomData,
    }
}
