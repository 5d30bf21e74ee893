//! Comparisons of integers whose common dtype is a float (uint64 with a
//! signed type, or an integer array with an integer scalar outside its
//! dtype): compared exactly as integers, as NumPy 2 does, not through
//! float64 (where `2**53 + 1 == 2**53`).

use super::dispatch::compare_fn;
use super::CompareOp;
use crate::array::Array;
use crate::dtype::{DType, Kind, Scalar};
use crate::error::Result;
use crate::ops::cast::as_dtype;
use crate::ops::kernels::{map_binary, map_unary};

/// The 64-bit dtype of `a`'s signedness: every integer value of `a` fits it.
fn wide(a: &Array) -> DType {
    if a.dtype().kind() == Kind::Unsigned {
        DType::UInt64
    } else {
        DType::Int64
    }
}

/// Whether `a op b` needs the exact path: two integer dtypes whose common
/// dtype is not an integer.
pub(super) fn needed(a: DType, b: DType, common: DType) -> bool {
    a.is_integer() && b.is_integer() && !common.is_integer()
}

/// `a op b` for integer arrays, exactly, into the bool array `out`.
pub(super) fn compare_arrays(op: CompareOp, a: &Array, b: &Array, out: &mut Array) -> Result<()> {
    let (a, b) = (as_dtype(a, wide(a))?, as_dtype(b, wide(b))?);
    match (a.dtype(), b.dtype()) {
        (DType::UInt64, DType::Int64) => compare_fn!(op, i128, |f| map_binary(
            &a,
            &b,
            out,
            move |x: u64, y: i64| f(i128::from(x), i128::from(y))
        )),
        (DType::Int64, DType::UInt64) => compare_fn!(op, i128, |f| map_binary(
            &a,
            &b,
            out,
            move |x: i64, y: u64| f(i128::from(x), i128::from(y))
        )),
        (DType::UInt64, _) => compare_fn!(op, i128, |f| map_binary(
            &a,
            &b,
            out,
            move |x: u64, y: u64| f(i128::from(x), i128::from(y))
        )),
        _ => compare_fn!(op, i128, |f| map_binary(
            &a,
            &b,
            out,
            move |x: i64, y: i64| f(i128::from(x), i128::from(y))
        )),
    }
}

/// `a op s` for an integer array and an integer scalar, exactly.
pub(super) fn compare_scalar(op: CompareOp, a: &Array, s: Scalar, out: &mut Array) -> Result<()> {
    let y = s.to_i128();
    let a = as_dtype(a, wide(a))?;
    if a.dtype() == DType::UInt64 {
        compare_fn!(op, i128, |f| map_unary(&a, out, move |x: u64| f(
            i128::from(x),
            y
        )))
    } else {
        compare_fn!(op, i128, |f| map_unary(&a, out, move |x: i64| f(
            i128::from(x),
            y
        )))
    }
}
