//! Sampled mode's count of scalar ops: a per-thread countdown, so that the
//! per-element loop pays a decrement per call instead of a call-tree lookup.
//! Each thread counts its first [`EXACT_SCALAR_CALLS`] scalar calls of a
//! session one by one; after that it counts one call in
//! [`SCALAR_SAMPLE_EVERY`] on average, picked at random (gaps uniform in
//! `1..=511`, so ops called in turn such as `get`/`set` are each picked
//! fairly), each picked call standing for [`SCALAR_SAMPLE_EVERY`] calls: an
//! unbiased estimate, relative standard error about `sqrt(1024 / (3 calls))`
//! (1.8% at a million calls; the gaps' variance is a third of a geometric
//! gap's), marked in `Metrics::estimated_calls`. Why 1024: a counted call
//! costs ~40 ns (the branch mispredicts, the op's entry is looked up), so at
//! 1-in-256 the counting alone added ~0.16 ns to a ~2.3 ns `get` (7% of the
//! tour's `mean` loop); at 1-in-1024, 0.04 ns.

use super::state::{epoch_of, Scalar};
use std::cell::Cell;

/// Scalar calls each thread counts exactly at the start of a session.
pub const EXACT_SCALAR_CALLS: u32 = 4096;
/// After those, one call in this many (on average) is counted, for this many.
pub const SCALAR_SAMPLE_EVERY: u32 = 1024;

thread_local! {
    static RNG: Cell<u64> = const { Cell::new(0) };
}

/// One scalar call in sampled mode, `word` being the state word
/// ([`state_word`]) the call read: a decrement and a compare; `Some(weight)`
/// for a call to count, for `weight` calls (0: this one alone, exactly).
///
/// The countdown is kept as a deadline, the state word when it was set plus
/// the calls left, so that one compare against the word the call already
/// holds catches both its last call and a new session (a new epoch raises
/// the word by `2^32`, past any deadline of an earlier one). A thread's
/// first call (deadline 1) takes the slow path too.
///
/// [`state_word`]: super::state::state_word
#[inline(always)]
pub(crate) fn tick(sc: &Scalar, word: u64) -> Option<u64> {
    let deadline = sc.deadline.get().wrapping_sub(1);
    if deadline > word {
        sc.deadline.set(deadline);
        None
    } else {
        Some(counted(sc, word))
    }
}

#[cold]
#[inline(never)]
fn counted(sc: &Scalar, word: u64) -> u64 {
    let epoch = epoch_of(word);
    if sc.epoch.get() != epoch {
        sc.epoch.set(epoch);
        sc.exact.set(EXACT_SCALAR_CALLS);
    }
    let exact = sc.exact.get();
    let (weight, next) = if exact > 0 {
        sc.exact.set(exact - 1);
        (0, 1) // exact: this call, and the next one comes here too
    } else {
        (u64::from(SCALAR_SAMPLE_EVERY), random_gap())
    };
    sc.deadline.set(word + u64::from(next));
    weight
}

/// A gap of `k` calls, uniform in `1..=2*SCALAR_SAMPLE_EVERY-1` (mean
/// [`SCALAR_SAMPLE_EVERY`]): random, so that ops called in a cycle (`get`,
/// `set`, ...) are each picked at their share of the calls (the gaps'
/// phase in any cycle is uniform), and free of a logarithm.
fn random_gap() -> u32 {
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
    let r = x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32;
    let span = 2 * u64::from(SCALAR_SAMPLE_EVERY) - 1;
    1 + ((r * span) >> 32) as u32
}

#[cfg(test)]
mod tests {
    use crate::trace::countdown::*;

    #[test]
    fn gaps_average_the_sampling_interval_and_stay_in_range() {
        let n = 200_000;
        let gaps: Vec<u32> = (0..n).map(|_| random_gap()).collect();
        assert!(gaps
            .iter()
            .all(|&g| (1..2 * SCALAR_SAMPLE_EVERY).contains(&g)));
        assert!(gaps.contains(&1) && gaps.contains(&(2 * SCALAR_SAMPLE_EVERY - 1)));
        let sum: u64 = gaps.iter().map(|&g| u64::from(g)).sum();
        let mean = sum as f64 / n as f64;
        let want = f64::from(SCALAR_SAMPLE_EVERY);
        // The mean of 200k uniform gaps: standard error ~1.3 at 1024.
        assert!((mean - want).abs() < 8.0, "mean gap {mean}, want {want}");
    }
}
