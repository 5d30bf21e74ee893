//! Sampled mode's count of scalar ops: a per-thread countdown, so that the
//! per-element loop pays a decrement per call instead of a call-tree lookup.
//! Each thread counts its first [`EXACT_SCALAR_CALLS`] scalar calls of a
//! session one by one; after that it counts one call in
//! [`SCALAR_SAMPLE_EVERY`] on average, picked at random (geometric gaps, so
//! alternating ops such as `get`/`set` are each picked fairly), each picked
//! call standing for [`SCALAR_SAMPLE_EVERY`] calls: an unbiased estimate,
//! relative error about `1/sqrt(calls/256)` (1.6% at a million calls),
//! marked in `Metrics::estimated_calls`.

use super::state::epoch;
use std::cell::Cell;

/// Scalar calls each thread counts exactly at the start of a session.
pub const EXACT_SCALAR_CALLS: u32 = 4096;
/// After those, one call in this many (on average) is counted, for this many.
pub const SCALAR_SAMPLE_EVERY: u32 = 256;

thread_local! {
    /// High 32 bits: the session epoch (low bits) the countdown belongs to;
    /// low 32: calls left before the next counted one.
    static LEFT: Cell<u64> = const { Cell::new(0) };
    /// Exact calls left in this session; random state after them.
    static EXACT: Cell<(u64, u32)> = const { Cell::new((0, 0)) };
    static RNG: Cell<u64> = const { Cell::new(0) };
}

/// One scalar call: a decrement; `Some(weight)` for a call to count, for
/// `weight` calls (0: this one alone, exactly).
#[inline(always)]
pub(crate) fn tick() -> Option<u64> {
    let tag = epoch() << 32;
    let v = LEFT.try_with(Cell::get).unwrap_or(0);
    if v & !0xffff_ffff == tag && (v as u32) > 1 {
        let _ = LEFT.try_with(|c| c.set(v - 1));
        None
    } else {
        Some(counted(tag))
    }
}

#[cold]
#[inline(never)]
fn counted(tag: u64) -> u64 {
    let e = epoch();
    let (ee, mut exact) = EXACT.try_with(Cell::get).unwrap_or((e, 0));
    if ee != e {
        exact = EXACT_SCALAR_CALLS;
    }
    let (weight, next) = if exact > 0 {
        exact -= 1;
        (0, 1) // exact: this call, and the next one comes here too
    } else {
        (u64::from(SCALAR_SAMPLE_EVERY), geometric_gap())
    };
    let _ = EXACT.try_with(|c| c.set((e, exact)));
    let _ = LEFT.try_with(|c| c.set(tag | u64::from(next)));
    weight
}

/// A gap of `k >= 1` calls with `P(k) = p (1-p)^(k-1)`, `p = 1/SCALAR_SAMPLE_EVERY`.
fn geometric_gap() -> u32 {
    let mut x = RNG.try_with(Cell::get).unwrap_or(0);
    if x == 0 {
        // Seed from this thread's stack address and the clock.
        let local = 0u8;
        x = (&local as *const u8 as u64) ^ super::clock::now_ticks() | 1;
    }
    // xorshift64*
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    let _ = RNG.try_with(|c| c.set(x));
    let r = x.wrapping_mul(0x2545_f491_4f6c_dd1d);
    let u = ((r >> 11) as f64 + 0.5) / (1u64 << 53) as f64; // (0, 1)
    let p = 1.0 / f64::from(SCALAR_SAMPLE_EVERY);
    let k = (u.ln() / (1.0 - p).ln()).floor() + 1.0;
    k.clamp(1.0, f64::from(u32::MAX - 1)) as u32
}

#[cfg(test)]
mod tests {
    use crate::trace::countdown::*;

    #[test]
    fn gaps_average_the_sampling_interval() {
        let n = 200_000;
        let sum: u64 = (0..n).map(|_| u64::from(geometric_gap())).sum();
        let mean = sum as f64 / n as f64;
        let want = f64::from(SCALAR_SAMPLE_EVERY);
        // The mean of 200k geometric gaps: standard error ~0.6 at 256.
        assert!((mean - want).abs() < 5.0, "mean gap {mean}, want {want}");
    }
}
