//! The elementwise operation kinds and NumPy's dtype rules for them.

use crate::dtype::{DType, Kind, Scalar};
use crate::error::{Error, ErrorKind, Result};

/// A one-operand elementwise function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x` (NumPy `negative`).
    Neg,
    /// `|x|` (NumPy `absolute`).
    Abs,
    /// `x * x`.
    Square,
    /// Square root.
    Sqrt,
    /// `e^x`.
    Exp,
    /// Natural logarithm.
    Log,
    /// Sine.
    Sin,
    /// Cosine.
    Cos,
}

/// A two-operand elementwise function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `a * b`.
    Mul,
    /// True division: integer operands give float64.
    Div,
    /// Floor division (`//`); integer division by zero gives 0, as NumPy.
    FloorDiv,
    /// Remainder (`%`, NumPy's `remainder`): the sign of the divisor;
    /// integer `x % 0` gives 0 and float `x % 0` NaN, as NumPy.
    Rem,
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
    /// `a == b`.
    Eq,
    /// `a != b`.
    Ne,
    /// `a < b`.
    Lt,
    /// `a <= b`.
    Le,
    /// `a > b`.
    Gt,
    /// `a >= b`.
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
            BinaryOp::Rem => "remainder",
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
            (BinaryOp::FloorDiv | BinaryOp::Rem | BinaryOp::Pow, DType::Bool) => Ok(DType::Int8),
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
