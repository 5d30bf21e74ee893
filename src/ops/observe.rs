//! Value ranges for the `dtype-downsize` advice: with
//! `SessionBuilder::value_ranges` on, ops that produce integers report the
//! smallest and largest value they wrote.

use crate::array::Array;
use crate::dtype::{with_dtype, Element};
use crate::trace::OpGuard;

/// Reports the range of `produced`'s values to `guard`, if the session asks
/// for value ranges and the array holds integers.
pub(crate) fn note_values(guard: &mut OpGuard, produced: &Array) {
    if !guard.wants_values() || !produced.dtype().is_integer() || produced.is_empty() {
        return;
    }
    let (lo, hi) = with_dtype!(produced.dtype(), T => match produced.contiguous_slice::<T>() {
        Some(s) => range(s.iter().copied()),
        None => range(produced.nd_view::<T>().iter().copied()),
    });
    guard.record_values(clamp(lo), clamp(hi));
}

/// Reports one written scalar (`set`, `push`).
pub(crate) fn note_value<T: Element>(guard: &mut OpGuard, v: T) {
    if guard.wants_values() && T::DTYPE.is_integer() {
        let v = clamp(v.to_i128());
        guard.record_values(v, v);
    }
}

fn range<T: Element>(values: impl Iterator<Item = T>) -> (i128, i128) {
    values.fold((i128::MAX, i128::MIN), |(lo, hi), v| {
        let v = v.to_i128();
        (lo.min(v), hi.max(v))
    })
}

fn clamp(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}
