//! Per-element ops (`get`, `set`, `push`): the per-element loop's path,
//! kept as cheap as the mode allows (see [`scalar`]).

use super::events::{enter, Guard, OpGuard, VALUE_RANGES};
use super::sites::{count_scalar, ScalarOp};
use super::state::{
    clear_scalar_site, epoch_of, mode, mode_of, set_current, state_word, with_scalar, SAMPLED_BITS,
};
use super::tree;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::sync::atomic::Ordering;

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
/// Instrumented mode: timed 1-in-N (`scalar_time_every`, one countdown per
/// op and dtype) with the time scaled up; every call counted exactly, those
/// not timed through the thread's batch (`pending`: a few loads and
/// stores, against ~5 ns more for an update of the op's record).
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
        let exact = may_allocate || writes_integer && value_ranges();
        let sampled = mode_of(word) == SAMPLED_BITS;
        if sampled && !exact {
            let weight = with_scalar(|sc| {
                sc.set_site(mark);
                super::countdown::tick(sc, word)
            });
            if let Some(weight) = weight {
                count_scalar_cold(&op, weight);
            }
        } else {
            // Instrumented: a call not timed joins the thread's batch.
            let weight = if sampled {
                0
            } else {
                super::pending::step(&op(), epoch_of(word), !exact)
            };
            if weight > 0 || exact {
                // The guard is made out of line.
                let mut g = scalar_guard(op(), weight);
                return body(&mut g);
            }
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

/// [`scalar`]'s guard outside the sampled fast path and instrumented
/// mode's batch, out of line: sampled mode's exact count (an op that may
/// allocate or reports value ranges), instrumented mode's timed call
/// (`weight` > 0: standing for that many) or exact count.
#[inline(never)]
fn scalar_guard(s: ScalarOp, weight: u64) -> OpGuard {
    match mode() {
        None => OpGuard::idle(),
        Some(false) => scalar_exact(&s),
        Some(true) => scalar_instrumented(&s, weight),
    }
}

fn value_ranges() -> bool {
    VALUE_RANGES.load(Ordering::Relaxed)
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

/// An instrumented per-element call: timed when `weight` > 0 (after the
/// thread's batch is written), else counted exactly (an op that may
/// allocate, or reports value ranges, when not timed).
fn scalar_instrumented(s: &ScalarOp, weight: u64) -> OpGuard {
    let value_ranges = s.writes_integer && value_ranges();
    if weight == 0 && !value_ranges {
        return scalar_exact(s);
    }
    if weight > 0 {
        super::pending::flush();
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
    use crate::trace::scalar::scalar;
    use crate::trace::sites::{ScalarOp, ScalarSite, SiteTable};
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
