//! Value ranges for the `dtype-downsize` advice: with
//! `SessionBuilder::value_ranges` on, ops that produce integers report the
//! smallest and largest value they wrote.

use crate::array::Array;
use crate::dtype::{DType, Element};
use crate::trace::OpGuard;

/// Reports the range of `produced`'s values to `guard`, if the session asks
/// for value ranges and the array holds integers.
pub(crate) fn note_values(guard: &mut OpGuard, produced: &Array) {
    if !guard.wants_values() || !produced.dtype().is_integer() || produced.is_empty() {
        return;
    }
    let range = match produced.dtype() {
        DType::Int8 => range_of::<i8>(produced),
        DType::Int16 => range_of::<i16>(produced),
        DType::Int32 => range_of::<i32>(produced),
        DType::Int64 => range_of::<i64>(produced),
        DType::UInt8 => range_of::<u8>(produced),
        DType::UInt16 => range_of::<u16>(produced),
        DType::UInt32 => range_of::<u32>(produced),
        DType::UInt64 => range_of::<u64>(produced),
        _ => None,
    };
    if let Some((lo, hi)) = range {
        guard.record_values(clamp(lo), clamp(hi));
    }
}

/// Smallest and largest element, compared in `T` (a loop the compiler
/// vectorizes); strided arrays go through a contiguous copy's worth of
/// iteration.
fn range_of<T>(a: &Array) -> Option<(i128, i128)>
where
    T: Element + Ord + Into<i128>,
{
    let first = *a.nd_view::<T>().iter().next()?;
    let (lo, hi) = match a.contiguous_slice::<T>() {
        Some(s) => s
            .iter()
            .fold((first, first), |(lo, hi), &v| (lo.min(v), hi.max(v))),
        None => a
            .nd_view::<T>()
            .iter()
            .fold((first, first), |(lo, hi), &v| (lo.min(v), hi.max(v))),
    };
    Some((lo.into(), hi.into()))
}

/// Reports one written scalar (`set`, `push`).
pub(crate) fn note_value<T: Element>(guard: &mut OpGuard, v: T) {
    if guard.wants_values() && T::DTYPE.is_integer() {
        let v = clamp(v.to_i128());
        guard.record_values(v, v);
    }
}

fn clamp(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}
