//! Named shortcuts (`a.add(&b)`, `a.sqrt()`, `a.lt(&b)`) for the generic
//! `unary` / `binary` / `compare` entry points.

use super::{BinaryOp, CompareOp, UnaryOp};
use crate::array::Array;
use crate::dtype::Scalar;
use crate::error::Result;

macro_rules! named_unary {
    ($($name:ident => $op:ident, $doc:literal;)*) => {
        impl Array {$(
            #[doc = $doc]
            ///
            /// # Errors
            /// See [`Array::unary`].
            #[track_caller]
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
            #[track_caller]
            pub fn $name(&self, other: &Array) -> Result<Array> {
                self.binary(BinaryOp::$op, other)
            }
            #[doc = $doc]
            /// with a scalar operand (see [`Array::binary_scalar`] for the dtype rule).
            ///
            /// # Errors
            /// See [`Array::binary_scalar`].
            #[track_caller]
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
    remainder, remainder_scalar => Rem, "Elementwise remainder `a % b` (NumPy's `remainder`: the sign of `b`)";
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
            #[track_caller]
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
