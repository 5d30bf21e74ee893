//! Elementwise operations: unary functions, binary arithmetic with NumPy
//! broadcasting and promotion, comparisons; fresh-result, `out=` and in-place
//! forms. Every op enters through [`Array::unary_into`]-style entry points
//! that time it through [`trace::op`](crate::trace::op).

use super::cast::{as_dtype, Casting};
use super::kernels::{map_binary, map_unary, update_binary, update_unary};
use crate::array::{broadcast_shapes, Array};
use crate::dtype::{with_dtype, with_float_dtype, DType, Element, Float, Kind, Scalar};
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::trace;

/// A one-operand elementwise function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Abs,
    Square,
    Sqrt,
    Exp,
    Log,
    Sin,
    Cos,
}

/// A two-operand elementwise function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    /// True division: integer operands give float64.
    Div,
    /// Floor division (`//`); integer division by zero gives 0, as NumPy.
    FloorDiv,
    /// Power; integer bases with negative integer exponents are an error.
    Pow,
    /// The larger value, NaN if either is NaN.
    Maximum,
    /// The smaller value, NaN if either is NaN.
    Minimum,
}

/// An elementwise comparison; the result is a bool array.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl UnaryOp {
    /// NumPy's ufunc name.
    pub fn name(self) -> &'static str {
        match self {
            UnaryOp::Neg => "negative",
            UnaryOp::Abs => "absolute",
            UnaryOp::Square => "square",
            UnaryOp::Sqrt => "sqrt",
            UnaryOp::Exp => "exp",
            UnaryOp::Log => "log",
            UnaryOp::Sin => "sin",
            UnaryOp::Cos => "cos",
        }
    }

    /// The dtype the op computes in (and returns) for an input dtype.
    ///
    /// # Errors
    /// [`DTypeMismatch`](ErrorKind::DTypeMismatch) for `-` on bool, as NumPy.
    pub fn result_dtype(self, input: DType) -> Result<DType> {
        match self {
            UnaryOp::Neg if input == DType::Bool => Err(Error::dtype(
                "the numpy boolean negative, the `-` operator, is not supported, use logical not",
            )),
            UnaryOp::Neg | UnaryOp::Abs => Ok(input),
            UnaryOp::Square if input == DType::Bool => Ok(DType::Int8),
            UnaryOp::Square => Ok(input),
            _ => Ok(input.float_result()),
        }
    }
}

impl BinaryOp {
    /// NumPy's ufunc name.
    pub fn name(self) -> &'static str {
        match self {
            BinaryOp::Add => "add",
            BinaryOp::Sub => "subtract",
            BinaryOp::Mul => "multiply",
            BinaryOp::Div => "true_divide",
            BinaryOp::FloorDiv => "floor_divide",
            BinaryOp::Pow => "power",
            BinaryOp::Maximum => "maximum",
            BinaryOp::Minimum => "minimum",
        }
    }

    /// The dtype the op computes in, given the promoted operand dtype.
    ///
    /// # Errors
    /// [`DTypeMismatch`](ErrorKind::DTypeMismatch) for `-` on bools, as NumPy.
    pub fn compute_dtype(self, promoted: DType) -> Result<DType> {
        match (self, promoted) {
            (BinaryOp::Sub, DType::Bool) => Err(Error::dtype(
                "numpy boolean subtract, the `-` operator, is not supported, use logical xor",
            )),
            (BinaryOp::Div, d) if !d.is_float() => Ok(DType::Float64),
            (BinaryOp::FloorDiv | BinaryOp::Pow, DType::Bool) => Ok(DType::Int8),
            (_, d) => Ok(d),
        }
    }
}

impl CompareOp {
    /// NumPy's ufunc name.
    pub fn name(self) -> &'static str {
        match self {
            CompareOp::Eq => "equal",
            CompareOp::Ne => "not_equal",
            CompareOp::Lt => "less",
            CompareOp::Le => "less_equal",
            CompareOp::Gt => "greater",
            CompareOp::Ge => "greater_equal",
        }
    }
}

/// The dtype NumPy 2 (NEP 50) gives `array op python_scalar`: the scalar is
/// "weak" and the array's dtype wins, except that a float scalar with an
/// integer or bool array gives float64 and an integer scalar with a bool
/// array gives int64.
///
/// # Errors
/// [`CastOverflow`](ErrorKind::CastOverflow) when an integer scalar does not fit the
/// array's integer dtype ("Python integer 300 out of bounds for int8").
pub fn weak_scalar_dtype(array: DType, s: Scalar) -> Result<DType> {
    let sk = s.dtype().kind();
    let dt = match (array.kind(), sk) {
        (Kind::Float, _) | (_, Kind::Bool) => array,
        (_, Kind::Float) => DType::Float64,
        (Kind::Bool, _) => DType::Int64,
        _ => array,
    };
    if dt.is_integer() && s.dtype().is_integer() && s.cast_checked(dt).is_none() {
        return Err(Error::new(
            ErrorKind::CastOverflow,
            format!("Python integer {s} out of bounds for {dt}"),
        ));
    }
    Ok(dt)
}

/// Runs `$body` with `$f` bound to the closure of a float unary op.
macro_rules! float_unary {
    ($op:expr, $T:ty, |$x:ident| $apply:expr) => {
        match $op {
            UnaryOp::Sqrt => {
                let $x = |v: $T| Float::sqrt(v);
                $apply
            }
            UnaryOp::Exp => {
                let $x = |v: $T| Float::exp(v);
                $apply
            }
            UnaryOp::Log => {
                let $x = |v: $T| Float::ln(v);
                $apply
            }
            UnaryOp::Sin => {
                let $x = |v: $T| Float::sin(v);
                $apply
            }
            UnaryOp::Cos => {
                let $x = |v: $T| Float::cos(v);
                $apply
            }
            UnaryOp::Neg => {
                let $x = |v: $T| Element::neg(v);
                $apply
            }
            UnaryOp::Abs => {
                let $x = |v: $T| Element::abs(v);
                $apply
            }
            UnaryOp::Square => {
                let $x = |v: $T| v * v;
                $apply
            }
        }
    };
}

macro_rules! int_unary {
    ($op:expr, $T:ty, |$x:ident| $apply:expr) => {
        match $op {
            UnaryOp::Neg => {
                let $x = |v: $T| Element::neg(v);
                $apply
            }
            UnaryOp::Abs => {
                let $x = |v: $T| Element::abs(v);
                $apply
            }
            UnaryOp::Square => {
                let $x = |v: $T| Element::mul(v, v);
                $apply
            }
            other => Err(Error::dtype(format!(
                "ndprof internal error: {} computed in {}",
                other.name(),
                <$T as Element>::DTYPE
            ))),
        }
    };
}

macro_rules! binary_fn {
    ($op:expr, $T:ty, |$f:ident| $apply:expr) => {
        match $op {
            BinaryOp::Add => {
                let $f = |a: $T, b: $T| Element::add(a, b);
                $apply
            }
            BinaryOp::Sub => {
                let $f = |a: $T, b: $T| Element::sub(a, b);
                $apply
            }
            BinaryOp::Mul => {
                let $f = |a: $T, b: $T| Element::mul(a, b);
                $apply
            }
            // Integers never get here: `compute_dtype` sends them to float64.
            BinaryOp::Div => {
                let $f = |a: $T, b: $T| Element::true_div(a, b);
                $apply
            }
            BinaryOp::FloorDiv => {
                let $f = |a: $T, b: $T| Element::floor_div(a, b);
                $apply
            }
            BinaryOp::Pow => {
                let $f = |a: $T, b: $T| Element::pow(a, b);
                $apply
            }
            BinaryOp::Maximum => {
                let $f = |a: $T, b: $T| Element::max_nan(a, b);
                $apply
            }
            BinaryOp::Minimum => {
                let $f = |a: $T, b: $T| Element::min_nan(a, b);
                $apply
            }
        }
    };
}

macro_rules! compare_fn {
    ($op:expr, $T:ty, |$f:ident| $apply:expr) => {
        match $op {
            CompareOp::Eq => {
                let $f = |a: $T, b: $T| a == b;
                $apply
            }
            CompareOp::Ne => {
                let $f = |a: $T, b: $T| a != b;
                $apply
            }
            CompareOp::Lt => {
                let $f = |a: $T, b: $T| a < b;
                $apply
            }
            CompareOp::Le => {
                let $f = |a: $T, b: $T| a <= b;
                $apply
            }
            CompareOp::Gt => {
                let $f = |a: $T, b: $T| a > b;
                $apply
            }
            CompareOp::Ge => {
                let $f = |a: $T, b: $T| a >= b;
                $apply
            }
        }
    };
}

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
        let _g = trace::op(op.name(), dt.name(), self.len(), src.nbytes(), out.nbytes());
        with_float_dtype!(dt, T => float_unary!(op, T, |f| map_unary(&src, out, f)),
            _ => with_dtype!(dt, T => int_unary!(op, T, |f| map_unary(&src, out, f))))
    }

    /// `op(self)` as a new array.
    ///
    /// # Errors
    /// [`DTypeMismatch`](ErrorKind::DTypeMismatch) for `-` on bool; allocation failure.
    pub fn unary(&self, op: UnaryOp) -> Result<Array> {
        let dt = op.result_dtype(self.dtype())?;
        let mut out = Array::for_overwrite(dt, self.shape(), self.allocator())?;
        self.unary_kernel(op, &mut out)?;
        Ok(out)
    }

    /// `op(self)` written into `out`, which must have the result's shape and dtype.
    ///
    /// # Errors
    /// Shape or dtype mismatch with `out`.
    pub fn unary_into(&self, op: UnaryOp, out: &mut Array) -> Result<()> {
        let dt = op.result_dtype(self.dtype())?;
        check_out(out, dt, self.shape(), op.name())?;
        self.unary_kernel(op, out)
    }

    /// `self = op(self)` in place.
    ///
    /// # Errors
    /// [`DTypeMismatch`](ErrorKind::DTypeMismatch) when the result's dtype differs from the
    /// array's (e.g. `sqrt` of an integer array).
    pub fn unary_inplace(&mut self, op: UnaryOp) -> Result<()> {
        let dt = op.result_dtype(self.dtype())?;
        if dt != self.dtype() {
            return Err(Error::dtype(format!(
                "cannot compute {} in place: the result has dtype {dt}, the array {}",
                op.name(),
                self.dtype()
            )));
        }
        let _g = trace::op(
            op.name(),
            dt.name(),
            self.len(),
            self.nbytes(),
            self.nbytes(),
        );
        with_float_dtype!(dt, T => float_unary!(op, T, |f| update_unary(self, f)),
            _ => with_dtype!(dt, T => int_unary!(op, T, |f| update_unary(self, f))))
    }

    fn binary_kernel(&self, op: BinaryOp, other: &Array, out: &mut Array) -> Result<()> {
        let dt = out.dtype();
        let a = as_dtype(self, dt)?;
        let b = as_dtype(other, dt)?;
        if op == BinaryOp::Pow && dt.is_integer() {
            check_no_negative_exponent(&b)?;
        }
        let _g = trace::op(
            op.name(),
            dt.name(),
            out.len(),
            a.nbytes() + b.nbytes(),
            out.nbytes(),
        );
        with_dtype!(dt, T => binary_fn!(op, T, |f| map_binary(&a, &b, out, f)))
    }

    fn binary_dtype(&self, op: BinaryOp, other: &Array) -> Result<DType> {
        op.compute_dtype(DType::promote(self.dtype(), other.dtype()))
    }

    /// `self op other` with NumPy broadcasting and promotion, as a new array.
    ///
    /// # Errors
    /// [`ShapeMismatch`](ErrorKind::ShapeMismatch) if the shapes do not broadcast;
    /// [`DTypeMismatch`](ErrorKind::DTypeMismatch) for bool subtraction;
    /// [`InvalidArgument`](ErrorKind::InvalidArgument) for negative integer powers.
    pub fn binary(&self, op: BinaryOp, other: &Array) -> Result<Array> {
        let shape = broadcast_shapes(self.shape(), other.shape())?;
        let dt = self.binary_dtype(op, other)?;
        let mut out = Array::for_overwrite(dt, &shape, self.allocator())?;
        self.binary_kernel(op, other, &mut out)?;
        Ok(out)
    }

    /// `self op other` written into `out` (NumPy's `out=`), which must have the
    /// broadcast shape and the result dtype. Reuses `out`'s memory.
    ///
    /// # Errors
    /// As [`binary`](Self::binary), and shape or dtype mismatch with `out`.
    pub fn binary_into(&self, op: BinaryOp, other: &Array, out: &mut Array) -> Result<()> {
        let shape = broadcast_shapes(self.shape(), other.shape())?;
        let dt = self.binary_dtype(op, other)?;
        check_out(out, dt, &shape, op.name())?;
        self.binary_kernel(op, other, out)
    }

    /// `self op= other` in place; `other` broadcasts to `self`'s shape. When the
    /// result dtype differs, NumPy's `same_kind` rule decides (an int32 array
    /// may take `+= int64`, an integer array may not take `+= float`).
    ///
    /// # Errors
    /// As [`binary`](Self::binary); [`DTypeMismatch`](ErrorKind::DTypeMismatch) when the
    /// result cannot be stored back.
    pub fn binary_inplace(&mut self, op: BinaryOp, other: &Array) -> Result<()> {
        self.check_broadcast_into(other.shape())?;
        let dt = self.binary_dtype(op, other)?;
        if dt != self.dtype() {
            if !dt.can_cast_same_kind(self.dtype()) {
                return Err(Error::dtype(format!(
                    "Cannot cast ufunc '{}' output from dtype('{dt}') to dtype('{}') with casting rule 'same_kind'",
                    op.name(),
                    self.dtype()
                )));
            }
            let result = self.binary(op, other)?;
            *self = result.astype(self.dtype(), Casting::Unsafe)?;
            return Ok(());
        }
        let b = as_dtype(other, dt)?;
        if op == BinaryOp::Pow && dt.is_integer() {
            check_no_negative_exponent(&b)?;
        }
        let _g = trace::op(
            op.name(),
            dt.name(),
            self.len(),
            self.nbytes() + b.nbytes(),
            self.nbytes(),
        );
        with_dtype!(dt, T => binary_fn!(op, T, |f| update_binary::<T, T>(self, &b, f)))
    }

    fn scalar_dtype(&self, op: BinaryOp, s: Scalar) -> Result<DType> {
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
        let _g = trace::op(op.name(), dt.name(), out.len(), a.nbytes(), out.nbytes());
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
    /// As [`binary`](Self::binary); [`CastOverflow`](ErrorKind::CastOverflow) if an integer
    /// scalar does not fit the array's integer dtype.
    pub fn binary_scalar(&self, op: BinaryOp, s: impl Into<Scalar>) -> Result<Array> {
        let s = s.into();
        let dt = self.scalar_dtype(op, s)?;
        let mut out = Array::for_overwrite(dt, self.shape(), self.allocator())?;
        self.scalar_kernel(op, s, false, &mut out)?;
        Ok(out)
    }

    /// `scalar op self` (for `2.0 - a`, `1 / a`), with the same dtype rule.
    ///
    /// # Errors
    /// As [`binary_scalar`](Self::binary_scalar).
    pub fn scalar_binary(s: impl Into<Scalar>, op: BinaryOp, a: &Array) -> Result<Array> {
        let s = s.into();
        let dt = a.scalar_dtype(op, s)?;
        let mut out = Array::for_overwrite(dt, a.shape(), a.allocator())?;
        a.scalar_kernel(op, s, true, &mut out)?;
        Ok(out)
    }

    /// `self op= scalar` in place.
    ///
    /// # Errors
    /// As [`binary_inplace`](Self::binary_inplace) and [`binary_scalar`](Self::binary_scalar).
    pub fn binary_scalar_inplace(&mut self, op: BinaryOp, s: impl Into<Scalar>) -> Result<()> {
        let s = s.into();
        let dt = self.scalar_dtype(op, s)?;
        if dt != self.dtype() {
            if !dt.can_cast_same_kind(self.dtype()) {
                return Err(Error::dtype(format!(
                    "Cannot cast ufunc '{}' output from dtype('{dt}') to dtype('{}') with casting rule 'same_kind'",
                    op.name(),
                    self.dtype()
                )));
            }
            *self = self
                .binary_scalar(op, s)?
                .astype(self.dtype(), Casting::Unsafe)?;
            return Ok(());
        }
        if op == BinaryOp::Pow && dt.is_integer() && s.to_f64() < 0.0 {
            return Err(negative_power_error());
        }
        let _g = trace::op(
            op.name(),
            dt.name(),
            self.len(),
            self.nbytes(),
            self.nbytes(),
        );
        with_dtype!(dt, T => {
            let y = s.to::<T>();
            binary_fn!(op, T, |f| update_unary(self, move |x: T| f(x, y)))
        })
    }

    fn compare_kernel(&self, op: CompareOp, other: &Array, out: &mut Array) -> Result<()> {
        let dt = DType::promote(self.dtype(), other.dtype());
        let a = as_dtype(self, dt)?;
        let b = as_dtype(other, dt)?;
        let _g = trace::op(
            op.name(),
            dt.name(),
            out.len(),
            a.nbytes() + b.nbytes(),
            out.nbytes(),
        );
        with_dtype!(dt, T => compare_fn!(op, T, |f| map_binary(&a, &b, out, f)))
    }

    /// `self op other` elementwise as a bool array, with broadcasting.
    ///
    /// # Errors
    /// [`ShapeMismatch`](ErrorKind::ShapeMismatch) if the shapes do not broadcast.
    pub fn compare(&self, op: CompareOp, other: &Array) -> Result<Array> {
        let shape = broadcast_shapes(self.shape(), other.shape())?;
        let mut out = Array::for_overwrite(DType::Bool, &shape, self.allocator())?;
        self.compare_kernel(op, other, &mut out)?;
        Ok(out)
    }

    /// `self op scalar` elementwise as a bool array.
    ///
    /// # Errors
    /// As [`compare`](Self::compare).
    pub fn compare_scalar(&self, op: CompareOp, s: impl Into<Scalar>) -> Result<Array> {
        let s = s.into();
        let dt = match weak_scalar_dtype(self.dtype(), s) {
            Ok(d) => d,
            // An out-of-range integer still compares (NumPy 2 does the same).
            Err(_) => DType::promote(self.dtype(), s.dtype()),
        };
        let a = as_dtype(self, dt)?;
        let mut out = Array::for_overwrite(DType::Bool, self.shape(), self.allocator())?;
        let _g = trace::op(op.name(), dt.name(), out.len(), a.nbytes(), out.nbytes());
        with_dtype!(dt, T => {
            let y = s.to::<T>();
            compare_fn!(op, T, |f| map_unary(&a, &mut out, move |x: T| f(x, y)))
        })?;
        Ok(out)
    }
}

macro_rules! named_unary {
    ($($name:ident => $op:ident, $doc:literal;)*) => {
        impl Array {$(
            #[doc = $doc]
            ///
            /// # Errors
            /// See [`Array::unary`].
            pub fn $name(&self) -> Result<Array> {
                self.unary(UnaryOp::$op)
            }
        )*}
    };
}

named_unary! {
    neg => Neg, "Elementwise `-x` (wrapping for integers; an error for bool).";
    abs => Abs, "Elementwise `|x|`.";
    square => Square, "Elementwise `x * x` in the array's dtype.";
    sqrt => Sqrt, "Elementwise square root (integers give floats).";
    exp => Exp, "Elementwise `e^x`.";
    log => Log, "Elementwise natural logarithm.";
    sin => Sin, "Elementwise sine.";
    cos => Cos, "Elementwise cosine.";
}

macro_rules! named_binary {
    ($($name:ident, $scalar:ident => $op:ident, $doc:literal;)*) => {
        impl Array {$(
            #[doc = $doc]
            ///
            /// # Errors
            /// See [`Array::binary`].
            pub fn $name(&self, other: &Array) -> Result<Array> {
                self.binary(BinaryOp::$op, other)
            }
            #[doc = $doc]
            /// with a scalar operand (see [`Array::binary_scalar`] for the dtype rule).
            ///
            /// # Errors
            /// See [`Array::binary_scalar`].
            pub fn $scalar(&self, s: impl Into<Scalar>) -> Result<Array> {
                self.binary_scalar(BinaryOp::$op, s)
            }
        )*}
    };
}

named_binary! {
    add, add_scalar => Add, "Elementwise `a + b`";
    sub, sub_scalar => Sub, "Elementwise `a - b`";
    mul, mul_scalar => Mul, "Elementwise `a * b`";
    div, div_scalar => Div, "Elementwise true division `a / b` (integers give float64)";
    floor_div, floor_div_scalar => FloorDiv, "Elementwise floor division `a // b`";
    pow, pow_scalar => Pow, "Elementwise power `a ** b`";
    maximum, maximum_scalar => Maximum, "Elementwise maximum, propagating NaN";
    minimum, minimum_scalar => Minimum, "Elementwise minimum, propagating NaN";
}

macro_rules! named_compare {
    ($($name:ident => $op:ident;)*) => {
        impl Array {$(
            #[doc = concat!("Elementwise comparison (`", stringify!($name), "`) as a bool array.")]
            ///
            /// # Errors
            /// See [`Array::compare`].
            pub fn $name(&self, other: &Array) -> Result<Array> {
                self.compare(CompareOp::$op, other)
            }
        )*}
    };
}

named_compare! {
    eq_elem => Eq;
    ne_elem => Ne;
    lt => Lt;
    le => Le;
    gt => Gt;
    ge => Ge;
}
