//! Elementwise operations: unary functions, binary arithmetic with NumPy
//! broadcasting and promotion, comparisons; fresh-result, `out=` and in-place
//! forms. Every op enters through [`Array::unary_into`]-style entry points
//! that time it through [`trace::op`].

use super::cast::{as_dtype, Casting};
use super::kernels::{map_binary, map_unary, update_binary, update_unary};
use super::observe::note_values;
use crate::array::{broadcast_shapes, Array};
use crate::dtype::{with_dtype, with_float_dtype, DType, Element, Float, Kind, Scalar};
use crate::error::{shape_str, Error, Result};
use crate::trace::{self, OpClass};

mod dispatch;
mod exact;
mod kinds;
mod named;

use dispatch::{binary_fn, compare_fn, float_unary, int_unary};
pub use kinds::{weak_scalar_dtype, BinaryOp, CompareOp, UnaryOp};

fn check_no_negative_exponent(exp: &Array) -> Result<()> {
    if exp.dtype().kind() != Kind::Signed {
        return Ok(());
    }
    let negative =
        with_dtype!(exp.dtype(), T => exp.nd_view::<T>().iter().any(|&v| v.to_i128() < 0));
    if negative {
        return Err(negative_power_error());
    }
    Ok(())
}

fn negative_power_error() -> Error {
    Error::invalid("Integers to negative integer powers are not allowed.")
}

/// Starts timing op `name` computing in `dt`: `n` results of `out_dt` from
/// `inputs` input elements. Created before the result is allocated, so the
/// allocation is charged to the op.
#[track_caller]
fn op_guard(
    name: &'static str,
    dt: DType,
    n: usize,
    inputs: usize,
    out_dt: DType,
) -> trace::OpGuard {
    trace::op(
        name,
        OpClass::Elementwise,
        dt.name(),
        n,
        inputs.saturating_mul(dt.size()),
        n.saturating_mul(out_dt.size()),
    )
}

/// NumPy's `same_kind` rule for storing an in-place result back.
fn check_same_kind(op: BinaryOp, result: DType, target: DType) -> Result<()> {
    if result.can_cast_same_kind(target) {
        return Ok(());
    }
    Err(Error::dtype(format!(
        "Cannot cast ufunc '{}' output from dtype('{result}') to dtype('{target}') with casting rule 'same_kind'",
        op.name()
    )))
}

fn check_out(out: &Array, dtype: DType, shape: &[usize], op: &str) -> Result<()> {
    if out.dtype() != dtype {
        return Err(Error::dtype(format!(
            "{op}: output array has dtype {}, but the result has dtype {dtype}",
            out.dtype()
        )));
    }
    if out.shape() != shape {
        return Err(Error::shape(format!(
            "{op}: output array has shape {}, but the result has shape {}",
            shape_str(out.shape()),
            shape_str(shape)
        )));
    }
    Ok(())
}

impl Array {
    fn unary_kernel(&self, op: UnaryOp, out: &mut Array) -> Result<()> {
        let dt = out.dtype();
        let src = as_dtype(self, dt)?;
        with_float_dtype!(dt, T => float_unary!(op, T, |f| map_unary(&src, out, f)),
            _ => with_dtype!(dt, T => int_unary!(op, T, |f| map_unary(&src, out, f))))
    }

    /// `op(self)` as a new array.
    ///
    /// # Errors
    /// [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) for `-` on bool; allocation failure.
    #[track_caller]
    pub fn unary(&self, op: UnaryOp) -> Result<Array> {
        let dt = op.result_dtype(self.dtype())?;
        let mut g = op_guard(op.name(), dt, self.len(), self.len(), dt);
        let mut out = Array::for_overwrite(dt, self.shape(), self.allocator())?;
        self.unary_kernel(op, &mut out)?;
        note_values(&mut g, &out);
        Ok(out)
    }

    /// `op(self)` written into `out`, which must have the result's shape and dtype.
    ///
    /// # Errors
    /// Shape or dtype mismatch with `out`.
    #[track_caller]
    pub fn unary_into(&self, op: UnaryOp, out: &mut Array) -> Result<()> {
        out.check_writable()?;
        let dt = op.result_dtype(self.dtype())?;
        check_out(out, dt, self.shape(), op.name())?;
        let mut g = op_guard(op.name(), dt, self.len(), self.len(), dt);
        self.unary_kernel(op, out)?;
        note_values(&mut g, out);
        Ok(())
    }

    /// `self = op(self)` in place.
    ///
    /// # Errors
    /// [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) when the result's dtype differs from the
    /// array's (e.g. `sqrt` of an integer array).
    #[track_caller]
    pub fn unary_inplace(&mut self, op: UnaryOp) -> Result<()> {
        self.check_writable()?;
        let dt = op.result_dtype(self.dtype())?;
        if dt != self.dtype() {
            return Err(Error::dtype(format!(
                "cannot compute {} in place: the result has dtype {dt}, the array {}",
                op.name(),
                self.dtype()
            )));
        }
        let mut g = op_guard(op.name(), dt, self.len(), self.len(), dt);
        with_float_dtype!(dt, T => float_unary!(op, T, |f| update_unary(self, f)),
            _ => with_dtype!(dt, T => int_unary!(op, T, |f| update_unary(self, f))))?;
        note_values(&mut g, self);
        Ok(())
    }

    fn binary_kernel(&self, op: BinaryOp, other: &Array, out: &mut Array) -> Result<()> {
        let dt = out.dtype();
        let a = as_dtype(self, dt)?;
        let b = as_dtype(other, dt)?;
        if op == BinaryOp::Pow && dt.is_integer() {
            check_no_negative_exponent(&b)?;
        }
        with_dtype!(dt, T => binary_fn!(op, T, |f| map_binary(&a, &b, out, f)))
    }

    fn binary_dtype(&self, op: BinaryOp, other: &Array) -> Result<DType> {
        op.compute_dtype(DType::promote(self.dtype(), other.dtype()))
    }

    /// `self op other` with NumPy broadcasting and promotion, as a new array.
    ///
    /// # Errors
    /// [`ShapeMismatch`](crate::error::ErrorKind::ShapeMismatch) if the shapes do not broadcast;
    /// [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) for bool subtraction;
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for negative integer powers.
    #[track_caller]
    pub fn binary(&self, op: BinaryOp, other: &Array) -> Result<Array> {
        let shape = broadcast_shapes(self.shape(), other.shape())?;
        let dt = self.binary_dtype(op, other)?;
        let mut g = op_guard(
            op.name(),
            dt,
            crate::array::checked_size(&shape)?,
            self.len().saturating_add(other.len()),
            dt,
        );
        let mut out = Array::for_overwrite(dt, &shape, self.allocator())?;
        self.binary_kernel(op, other, &mut out)?;
        note_values(&mut g, &out);
        Ok(out)
    }

    /// `self op other` written into `out` (NumPy's `out=`), which must have the
    /// broadcast shape and the result dtype. Reuses `out`'s memory.
    ///
    /// # Errors
    /// As [`binary`](Self::binary), and shape or dtype mismatch with `out`.
    #[track_caller]
    pub fn binary_into(&self, op: BinaryOp, other: &Array, out: &mut Array) -> Result<()> {
        out.check_writable()?;
        let shape = broadcast_shapes(self.shape(), other.shape())?;
        let dt = self.binary_dtype(op, other)?;
        check_out(out, dt, &shape, op.name())?;
        let mut g = op_guard(
            op.name(),
            dt,
            out.len(),
            self.len().saturating_add(other.len()),
            dt,
        );
        self.binary_kernel(op, other, out)?;
        note_values(&mut g, out);
        Ok(())
    }

    /// `self op= other` in place; `other` broadcasts to `self`'s shape. When the
    /// result dtype differs, NumPy's `same_kind` rule decides (an int32 array
    /// may take `+= int64`, an integer array may not take `+= float`).
    ///
    /// # Errors
    /// As [`binary`](Self::binary); [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) when the
    /// result cannot be stored back.
    #[track_caller]
    pub fn binary_inplace(&mut self, op: BinaryOp, other: &Array) -> Result<()> {
        self.check_writable()?;
        self.check_broadcast_into(other.shape())?;
        let dt = self.binary_dtype(op, other)?;
        if dt != self.dtype() {
            check_same_kind(op, dt, self.dtype())?;
            let result = self.binary(op, other)?;
            *self = result.astype(self.dtype(), Casting::Unsafe)?;
            return Ok(());
        }
        let b = as_dtype(other, dt)?;
        if op == BinaryOp::Pow && dt.is_integer() {
            check_no_negative_exponent(&b)?;
        }
        let mut g = trace::op(
            op.name(),
            OpClass::Elementwise,
            dt.name(),
            self.len(),
            self.nbytes().saturating_add(b.nbytes()),
            self.nbytes(),
        );
        with_dtype!(dt, T => binary_fn!(op, T, |f| update_binary::<T, T>(self, &b, f)))?;
        note_values(&mut g, self);
        Ok(())
    }

    fn scalar_dtype(&self, op: BinaryOp, s: Scalar) -> Result<DType> {
        if op == BinaryOp::Div && !self.dtype().is_float() && s.dtype().is_integer() {
            // True division of integers computes in float64, so an integer
            // out of the array's range is no error here (NumPy 2:
            // `int8_array / 300`, `uint8_array / -1`).
            return Ok(DType::Float64);
        }
        op.compute_dtype(weak_scalar_dtype(self.dtype(), s)?)
    }

    /// `self op s` (or `s op self` when `scalar_left`) into `out`, whose dtype
    /// is the computation's. The scalar is never materialized as an array.
    fn scalar_kernel(
        &self,
        op: BinaryOp,
        s: Scalar,
        scalar_left: bool,
        out: &mut Array,
    ) -> Result<()> {
        let dt = out.dtype();
        let a = as_dtype(self, dt)?;
        if op == BinaryOp::Pow && dt.is_integer() {
            if scalar_left {
                check_no_negative_exponent(&a)?;
            } else if s.to_f64() < 0.0 {
                return Err(negative_power_error());
            }
        }
        with_dtype!(dt, T => {
            let y = s.to::<T>();
            binary_fn!(op, T, |f| if scalar_left {
                map_unary(&a, out, move |x: T| f(y, x))
            } else {
                map_unary(&a, out, move |x: T| f(x, y))
            })
        })
    }

    /// `self op scalar`, with NumPy 2's rule for Python scalars: the array's
    /// dtype wins (an int32 array times 2 stays int32), except that a float
    /// scalar with an integer array gives float64.
    ///
    /// # Errors
    /// As [`binary`](Self::binary); [`CastOverflow`](crate::error::ErrorKind::CastOverflow) if an integer
    /// scalar does not fit the array's integer dtype.
    #[track_caller]
    pub fn binary_scalar(&self, op: BinaryOp, s: impl Into<Scalar>) -> Result<Array> {
        let s = s.into();
        let dt = self.scalar_dtype(op, s)?;
        let mut g = op_guard(op.name(), dt, self.len(), self.len(), dt);
        let mut out = Array::for_overwrite(dt, self.shape(), self.allocator())?;
        self.scalar_kernel(op, s, false, &mut out)?;
        note_values(&mut g, &out);
        Ok(out)
    }

    /// `op(self, s)` written into `out`, which must have the result's dtype
    /// and this array's shape (NumPy's `np.multiply(a, 2.0, out=c)`).
    ///
    /// # Errors
    /// As [`Array::binary_scalar`]; [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) or
    /// [`ShapeMismatch`](crate::error::ErrorKind::ShapeMismatch) for a wrong `out`.
    #[track_caller]
    pub fn binary_scalar_into(
        &self,
        op: BinaryOp,
        s: impl Into<Scalar>,
        out: &mut Array,
    ) -> Result<()> {
        let s = s.into();
        let dt = self.scalar_dtype(op, s)?;
        check_out(out, dt, self.shape(), op.name())?;
        let mut g = op_guard(op.name(), dt, self.len(), self.len(), dt);
        self.scalar_kernel(op, s, false, out)?;
        note_values(&mut g, out);
        Ok(())
    }

    /// `scalar op self` (for `2.0 - a`, `1 / a`), with the same dtype rule.
    ///
    /// # Errors
    /// As [`binary_scalar`](Self::binary_scalar).
    #[track_caller]
    pub fn scalar_binary(s: impl Into<Scalar>, op: BinaryOp, a: &Array) -> Result<Array> {
        let s = s.into();
        let dt = a.scalar_dtype(op, s)?;
        let mut g = op_guard(op.name(), dt, a.len(), a.len(), dt);
        let mut out = Array::for_overwrite(dt, a.shape(), a.allocator())?;
        a.scalar_kernel(op, s, true, &mut out)?;
        note_values(&mut g, &out);
        Ok(out)
    }

    /// `self op= scalar` in place.
    ///
    /// # Errors
    /// As [`binary_inplace`](Self::binary_inplace) and [`binary_scalar`](Self::binary_scalar).
    #[track_caller]
    pub fn binary_scalar_inplace(&mut self, op: BinaryOp, s: impl Into<Scalar>) -> Result<()> {
        self.check_writable()?;
        let s = s.into();
        let dt = self.scalar_dtype(op, s)?;
        if dt != self.dtype() {
            check_same_kind(op, dt, self.dtype())?;
            *self = self
                .binary_scalar(op, s)?
                .astype(self.dtype(), Casting::Unsafe)?;
            return Ok(());
        }
        if op == BinaryOp::Pow && dt.is_integer() && s.to_f64() < 0.0 {
            return Err(negative_power_error());
        }
        let mut g = op_guard(op.name(), dt, self.len(), self.len(), dt);
        with_dtype!(dt, T => {
            let y = s.to::<T>();
            binary_fn!(op, T, |f| update_unary(self, move |x: T| f(x, y)))
        })?;
        note_values(&mut g, self);
        Ok(())
    }

    fn compare_kernel(&self, op: CompareOp, other: &Array, out: &mut Array) -> Result<()> {
        let dt = DType::promote(self.dtype(), other.dtype());
        if exact::needed(self.dtype(), other.dtype(), dt) {
            return exact::compare_arrays(op, self, other, out);
        }
        let a = as_dtype(self, dt)?;
        let b = as_dtype(other, dt)?;
        with_dtype!(dt, T => compare_fn!(op, T, |f| map_binary(&a, &b, out, f)))
    }

    /// `self op other` elementwise as a bool array, with broadcasting.
    ///
    /// # Errors
    /// [`ShapeMismatch`](crate::error::ErrorKind::ShapeMismatch) if the shapes do not broadcast.
    #[track_caller]
    pub fn compare(&self, op: CompareOp, other: &Array) -> Result<Array> {
        let shape = broadcast_shapes(self.shape(), other.shape())?;
        let dt = DType::promote(self.dtype(), other.dtype());
        let _g = op_guard(
            op.name(),
            dt,
            crate::array::checked_size(&shape)?,
            self.len().saturating_add(other.len()),
            DType::Bool,
        );
        let mut out = Array::for_overwrite(DType::Bool, &shape, self.allocator())?;
        self.compare_kernel(op, other, &mut out)?;
        Ok(out)
    }

    /// `self op scalar` elementwise as a bool array.
    ///
    /// # Errors
    /// As [`compare`](Self::compare).
    #[track_caller]
    pub fn compare_scalar(&self, op: CompareOp, s: impl Into<Scalar>) -> Result<Array> {
        let s = s.into();
        let dt = match weak_scalar_dtype(self.dtype(), s) {
            Ok(d) => d,
            // An out-of-range integer still compares (NumPy 2 does the same).
            Err(_) => DType::promote(self.dtype(), s.dtype()),
        };
        let _g = op_guard(op.name(), dt, self.len(), self.len(), DType::Bool);
        let mut out = Array::for_overwrite(DType::Bool, self.shape(), self.allocator())?;
        if exact::needed(self.dtype(), s.dtype(), dt) {
            exact::compare_scalar(op, self, s, &mut out)?;
            return Ok(out);
        }
        let a = as_dtype(self, dt)?;
        with_dtype!(dt, T => {
            let y = s.to::<T>();
            compare_fn!(op, T, |f| map_unary(&a, &mut out, move |x: T| f(x, y)))
        })?;
        Ok(out)
    }
}
