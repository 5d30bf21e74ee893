//! Instrumented mode's calibration: what one timed event costs, measured
//! when the session starts, so reports can subtract it (as cProfile's
//! calibration does). An event costs time in two places: inside its own
//! measured interval (`inner`: what an empty scope reports for itself) and
//! in its parent's (`outer`: what an empty scope adds to the enclosing
//! one). Scopes and ops share one cost; per-element ops (`get`, `set`,
//! `push`, mostly counted without clock reads when timed 1-in-N) have
//! their own.

use crate::trace::recording::{self, Options};
use crate::trace::{
    enter_scope, ns_per_tick, register_scope, scalar_op, LabelId, OpClass, ScalarOp, ScalarSite,
    Stamp,
};
use std::hint::black_box;
use std::time::Instant;

/// Per-event costs in nanoseconds (all 0: not calibrated, sampled mode).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EventCost {
    /// What one scope or op call adds to its own measured time.
    pub inner_ns: f64,
    /// What one scope or op call adds to its parent's measured time.
    pub outer_ns: f64,
    /// What one per-element op call adds to its own (scaled) measured time.
    pub scalar_inner_ns: f64,
    /// What one per-element op call adds to its parent's measured time.
    pub scalar_outer_ns: f64,
}

const SCOPE: &str = "ndprof-calibration";
static SITE: ScalarSite = ScalarSite {
    name: "ndprof-calibration-get",
    class: OpClass::ScalarRead,
    dtype: "none",
};
const CALLS: usize = 2000;
const ROUNDS: usize = 3;

/// Measures the costs on this thread (a throwaway recording; the caller
/// starts the real one after). The smallest of a few rounds: noise only
/// ever adds.
pub(crate) fn event_cost(scalar_time_every: u64) -> EventCost {
    let mut best: Option<EventCost> = None;
    for _ in 0..ROUNDS {
        let Some(c) = one_round(scalar_time_every) else {
            return EventCost::default();
        };
        best = Some(match best {
            None => c,
            Some(b) => EventCost {
                inner_ns: b.inner_ns.min(c.inner_ns),
                outer_ns: b.outer_ns.min(c.outer_ns),
                scalar_inner_ns: b.scalar_inner_ns.min(c.scalar_inner_ns),
                scalar_outer_ns: b.scalar_outer_ns.min(c.scalar_outer_ns),
            },
        });
    }
    best.unwrap_or_default()
}

fn one_round(scalar_time_every: u64) -> Option<EventCost> {
    let epoch = recording::start(Options {
        instrumented: true,
        sampler: None,
        scalar_time_every,
        value_ranges: false,
    })
    .ok()?;
    let label = register_scope(SCOPE);
    let a = Stamp::now();
    let t = Instant::now();
    for _ in 0..CALLS {
        empty_scope(label);
    }
    let scopes_ns = t.elapsed().as_nanos() as f64;
    let t = Instant::now();
    let calls = CALLS.max(64 * scalar_time_every as usize);
    for _ in 0..calls {
        drop(black_box(scalar_op(ScalarOp {
            site: &SITE,
            array_elements: 1,
            bytes_read: 8,
            bytes_written: 0,
            may_allocate: false,
            writes_integer: false,
        })));
    }
    let scalars_ns = t.elapsed().as_nanos() as f64;
    let b = Stamp::now();
    recording::stop();
    let d = recording::drain(epoch);
    let ns = ns_per_tick(a, b);
    let ticks_of = |name: &str| -> u64 {
        d.nodes
            .iter()
            .enumerate()
            .filter(|(_, (_, l))| d.labels.get(*l as usize).is_some_and(|l| l.name == name))
            .map(|(i, _)| d.metrics.get(i).map_or(0, |m| m.ticks))
            .sum()
    };
    let inner = ticks_of(SCOPE) as f64 * ns / CALLS as f64;
    let scalar_inner = ticks_of(SITE.name) as f64 * ns / calls as f64;
    Some(EventCost {
        inner_ns: inner,
        outer_ns: scopes_ns / CALLS as f64,
        scalar_inner_ns: scalar_inner,
        scalar_outer_ns: scalars_ns / calls as f64,
    })
}

#[inline(never)]
fn empty_scope(label: LabelId) {
    let _s = black_box(enter_scope(label));
}
