//! Macros that bind the per-element closure of an op for one Rust type, so
//! each (op, dtype) pair compiles to its own tight loop.

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
            BinaryOp::Rem => {
                let $f = |a: $T, b: $T| Element::rem(a, b);
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

pub(crate) use {binary_fn, compare_fn, float_unary, int_unary};
