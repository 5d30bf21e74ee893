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
    enter_scope, ns_per_tick, register_scope, scalar, OpClass, ScalarOp, ScalarSite, SiteTable,
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
static SITE: SiteTable = SiteTable::uniform(
    4,
    ScalarSite {
        name: "ndprof-calibration-get",
        class: OpClass::ScalarRead,
        dtype: "none",
    },
);
const CALLS: usize = 2000;
/// Steps of [`work`] a calibration scope wraps (~25 ns: scopes wrap ops).
const SCOPE_WORK: usize = 8;
/// Steps of [`work`] a calibration `get` wraps: per-element ops sit in
/// tight loops, where little other work hides their cost.
const SCALAR_WORK: usize = 2;
const ROUNDS: usize = 5;

/// One round's measurements, in nanoseconds per call.
#[derive(Clone, Copy)]
struct Round {
    /// The work alone.
    bare: f64,
    /// The lighter work per-element ops wrap, alone.
    bare_light: f64,
    /// The work inside a scope.
    scopes: f64,
    /// The work inside a per-element op.
    scalars: f64,
    /// What each scope recorded for itself.
    scope_measured: f64,
    /// What each per-element op recorded for itself.
    scalar_measured: f64,
}

/// Measures the costs on this thread (a throwaway recording; the caller
/// starts the real one after). Each quantity is the smallest of a few
/// rounds (noise only ever adds to a time), and the costs are differences
/// of those minima: the minimum of differences would let a round whose
/// bare loop was interrupted report a cost near zero.
pub(crate) fn event_cost(scalar_time_every: u64) -> EventCost {
    let mut best: Option<Round> = None;
    for _ in 0..ROUNDS {
        let Some(r) = one_round(scalar_time_every) else {
            return EventCost::default();
        };
        best = Some(match best {
            None => r,
            Some(b) => Round {
                bare: b.bare.min(r.bare),
                bare_light: b.bare_light.min(r.bare_light),
                scopes: b.scopes.min(r.scopes),
                scalars: b.scalars.min(r.scalars),
                scope_measured: b.scope_measured.min(r.scope_measured),
                scalar_measured: b.scalar_measured.min(r.scalar_measured),
            },
        });
    }
    let Some(b) = best else {
        return EventCost::default();
    };
    EventCost {
        inner_ns: (b.scope_measured - b.bare).max(0.0),
        outer_ns: (b.scopes - b.bare).max(0.0),
        scalar_inner_ns: (b.scalar_measured - b.bare_light).max(0.0),
        scalar_outer_ns: (b.scalars - b.bare_light).max(0.0),
    }
}

/// A few nanoseconds of dependent arithmetic: the calibration loops wrap
/// events around real work, so that the cost measured is what events add
/// to work (out-of-order execution hides part of it), not their cost alone.
#[inline(never)]
fn work<const STEPS: usize>(x: u64) -> u64 {
    let mut v = black_box(x);
    for _ in 0..STEPS {
        v = v
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
    }
    v
}

fn one_round(scalar_time_every: u64) -> Option<Round> {
    let epoch = recording::start(Options {
        instrumented: true,
        sampler: None,
        scalar_time_every,
        value_ranges: false,
        call_sites: true,
    })
    .ok()?;
    let label = register_scope(SCOPE);
    let calls = CALLS.max(64 * scalar_time_every as usize);
    let a = Stamp::now();
    let t = Instant::now();
    let mut acc = 0u64;
    for i in 0..CALLS {
        acc = acc.wrapping_add(work::<SCOPE_WORK>(i as u64));
    }
    let bare_ns = t.elapsed().as_nanos() as f64 / CALLS as f64;
    let t = Instant::now();
    for i in 0..calls {
        acc = acc.wrapping_add(work::<SCALAR_WORK>(i as u64));
    }
    let bare_light_ns = t.elapsed().as_nanos() as f64 / calls as f64;
    let t = Instant::now();
    for i in 0..CALLS {
        let _s = enter_scope(label);
        acc = acc.wrapping_add(work::<SCOPE_WORK>(i as u64));
    }
    let scopes_ns = t.elapsed().as_nanos() as f64 / CALLS as f64;
    let t = Instant::now();
    for i in 0..calls {
        // The path `get` takes.
        let op = || ScalarOp::read_one(&SITE, 4);
        acc = acc.wrapping_add(scalar(
            op,
            #[inline(always)]
            |_| work::<SCALAR_WORK>(i as u64),
        ));
    }
    let scalars_ns = t.elapsed().as_nanos() as f64 / calls as f64;
    black_box(acc);
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
    Some(Round {
        bare: bare_ns,
        bare_light: bare_light_ns,
        scopes: scopes_ns,
        scalars: scalars_ns,
        scope_measured: ticks_of(SCOPE) as f64 * ns / CALLS as f64,
        scalar_measured: ticks_of(SITE.sites[0].name) as f64 * ns / calls as f64,
    })
}
