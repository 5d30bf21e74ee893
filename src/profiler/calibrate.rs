//! Instrumented mode's calibration: what one timed event costs, measured
//! when the session starts, so reports can subtract it (as cProfile's
//! calibration does). An event costs time in two places: inside its own
//! measured interval (`inner`: what an empty scope reports for itself) and
//! in its parent's (`outer`: what an empty scope adds to the enclosing
//! one). Scopes and ops share one cost; per-element ops (`get`, `set`,
//! `push`, mostly counted without clock reads when timed 1-in-N) have
//! their own, measured on real `get` and `set` loops over a float64 array: a
//! synthetic op (a constant site, no array) missed what a real call adds on
//! the timed path (the array's size and dtype read to describe the op),
//! and a `mean` loop's corrected time read 1.4-1.8x its unprofiled time.

use crate::array::Array;
use crate::dtype::DType;
use crate::trace::recording::{self, Options};
use crate::trace::{enter_scope, ns_per_tick, register_scope, Stamp};
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
    /// As `scalar_inner_ns`, for per-element writes (`set`, `push`): a
    /// write that may allocate becomes the current node while it runs.
    #[serde(default)]
    pub scalar_write_inner_ns: f64,
    /// As `scalar_outer_ns`, for per-element writes.
    #[serde(default)]
    pub scalar_write_outer_ns: f64,
}

const SCOPE: &str = "ndprof-calibration";
const CALLS: usize = 2000;
/// Steps of [`work`] a calibration scope wraps (~25 ns: scopes wrap ops).
const SCOPE_WORK: usize = 8;
/// Elements of the array the calibration's `get` loop reads (a power of
/// two: the loop's index is masked, not divided).
const GET_ELEMENTS: usize = 1024;
const ROUNDS: usize = 5;

/// One round's measurements, in nanoseconds per call.
#[derive(Clone, Copy)]
struct Round {
    /// The work alone.
    bare: f64,
    /// A `get` loop with no recording.
    bare_gets: f64,
    /// The work inside a scope.
    scopes: f64,
    /// The `get` loop, recorded.
    gets: f64,
    /// A `set` loop with no recording.
    bare_sets: f64,
    /// The `set` loop, recorded.
    sets: f64,
    /// What each scope recorded for itself.
    scope_measured: f64,
    /// What each `get` recorded for itself.
    scalar_measured: f64,
    /// What each `set` recorded for itself.
    write_measured: f64,
}

/// Measures the costs on this thread (a throwaway recording; the caller
/// starts the real one after). Each quantity is the median of a few
/// rounds, and the costs are differences of those medians (the median of
/// differences would let a round whose bare loop was interrupted weigh in
/// with a cost near zero). Not minima: a recorded loop's fastest round sat
/// further below its usual time than the bare loop's did, and the cost
/// came out ~2 ns a `get` low.
pub(crate) fn event_cost(scalar_time_every: u64) -> EventCost {
    let Ok(mut array) = Array::ones(&[GET_ELEMENTS], DType::Float64) else {
        return EventCost::default();
    };
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let Some(r) = one_round(scalar_time_every, &mut array) else {
            return EventCost::default();
        };
        rounds.push(r);
    }
    let median = |f: fn(&Round) -> f64| {
        let mut v: Vec<f64> = rounds.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let b = Round {
        bare: median(|r| r.bare),
        bare_gets: median(|r| r.bare_gets),
        scopes: median(|r| r.scopes),
        gets: median(|r| r.gets),
        bare_sets: median(|r| r.bare_sets),
        sets: median(|r| r.sets),
        scope_measured: median(|r| r.scope_measured),
        scalar_measured: median(|r| r.scalar_measured),
        write_measured: median(|r| r.write_measured),
    };
    EventCost {
        inner_ns: (b.scope_measured - b.bare).max(0.0),
        outer_ns: (b.scopes - b.bare).max(0.0),
        scalar_inner_ns: (b.scalar_measured - b.bare_gets).max(0.0),
        scalar_outer_ns: (b.gets - b.bare_gets).max(0.0),
        scalar_write_inner_ns: (b.write_measured - b.bare_sets).max(0.0),
        scalar_write_outer_ns: (b.sets - b.bare_sets).max(0.0),
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

/// Nanoseconds per call of a loop of `calls` `get`s of `array` (of
/// [`GET_ELEMENTS`] float64), summing what they read: a user's
/// per-element loop.
fn get_loop(array: &Array, calls: usize) -> f64 {
    let t = Instant::now();
    let mut acc = 0.0;
    for i in 0..calls {
        if let Ok(v) = array.get(&[i & (GET_ELEMENTS - 1)]) {
            acc += v.to_f64();
        }
    }
    black_box(acc);
    t.elapsed().as_nanos() as f64 / calls as f64
}

/// Nanoseconds per call of a loop of `calls` `set`s into `array`.
fn set_loop(array: &mut Array, calls: usize) -> f64 {
    let t = Instant::now();
    for i in 0..calls {
        let _ = array.set(&[i & (GET_ELEMENTS - 1)], i as f64);
    }
    black_box(&array);
    t.elapsed().as_nanos() as f64 / calls as f64
}

fn one_round(scalar_time_every: u64, array: &mut Array) -> Option<Round> {
    let calls = CALLS.max(64 * scalar_time_every as usize);
    // Before the recording starts: `get` and `set` take their no-session path.
    let bare_gets_ns = get_loop(array, calls);
    let bare_sets_ns = set_loop(array, calls);
    let epoch = recording::start(Options {
        instrumented: true,
        sampler: None,
        scalar_time_every,
        value_ranges: false,
        call_sites: true,
    })
    .ok()?;
    let label = register_scope(SCOPE);
    let a = Stamp::now();
    let t = Instant::now();
    let mut acc = 0u64;
    for i in 0..CALLS {
        acc = acc.wrapping_add(work::<SCOPE_WORK>(i as u64));
    }
    let bare_ns = t.elapsed().as_nanos() as f64 / CALLS as f64;
    let t = Instant::now();
    for i in 0..CALLS {
        let _s = enter_scope(label);
        acc = acc.wrapping_add(work::<SCOPE_WORK>(i as u64));
    }
    let scopes_ns = t.elapsed().as_nanos() as f64 / CALLS as f64;
    black_box(acc);
    let gets_ns = get_loop(array, calls);
    let sets_ns = set_loop(array, calls);
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
        bare_gets: bare_gets_ns,
        scopes: scopes_ns,
        gets: gets_ns,
        bare_sets: bare_sets_ns,
        sets: sets_ns,
        scope_measured: ticks_of(SCOPE) as f64 * ns / CALLS as f64,
        scalar_measured: ticks_of("get") as f64 * ns / calls as f64,
        write_measured: ticks_of("set") as f64 * ns / calls as f64,
    })
}
