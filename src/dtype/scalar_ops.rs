//! What a [`Scalar`] does: its dtype, conversions, display and arithmetic
//! that promotes like arrays do.

use super::element::Element;
use super::scalar::Scalar;
use super::types::{with_dtype, DType};
use std::fmt;

macro_rules! scalar_dispatch {
    ($s:expr, $v:ident => $body:expr) => {
        match $s {
            Scalar::Bool($v) => $body,
            Scalar::I8($v) => $body,
            Scalar::I16($v) => $body,
            Scalar::I32($v) => $body,
            Scalar::I64($v) => $body,
            Scalar::U8($v) => $body,
            Scalar::U16($v) => $body,
            Scalar::U32($v) => $body,
            Scalar::U64($v) => $body,
            Scalar::F32($v) => $body,
            Scalar::F64($v) => $body,
        }
    };
}

impl Scalar {
    /// The value's dtype.
    pub fn dtype(self) -> DType {
        scalar_dispatch!(self, v => element_dtype(v))
    }

    /// The value converted to `T` under unsafe casting (wrap, truncate).
    /// Inlined: per-element loops call it on every `get` and `set`, and an
    /// out-of-line call read the value back from memory just stored.
    #[inline]
    pub fn to<T: Element>(self) -> T {
        scalar_dispatch!(self, v => v.cast::<T>())
    }

    /// The value converted to `T` if it fits (see [`Element::cast_checked`]).
    pub fn to_checked<T: Element>(self) -> Option<T> {
        scalar_dispatch!(self, v => v.cast_checked::<T>())
    }

    /// The value as i128: exact for integers; floats truncate toward zero
    /// (saturating, NaN -> 0).
    pub fn to_i128(self) -> i128 {
        scalar_dispatch!(self, v => v.to_i128())
    }

    /// The value as f64.
    #[inline]
    pub fn to_f64(self) -> f64 {
        self.to::<f64>()
    }

    /// The value converted to `dtype` under unsafe casting.
    pub fn cast(self, dtype: DType) -> Scalar {
        with_dtype!(dtype, T => self.to::<T>().to_scalar())
    }

    /// The value converted to `dtype` if it fits.
    pub fn cast_checked(self, dtype: DType) -> Option<Scalar> {
        with_dtype!(dtype, T => self.to_checked::<T>().map(Element::to_scalar))
    }

    fn binary(self, rhs: Scalar, f: fn(Scalar, Scalar, DType) -> Scalar) -> Scalar {
        let dt = DType::promote(self.dtype(), rhs.dtype());
        f(self.cast(dt), rhs.cast(dt), dt)
    }
}

fn element_dtype<T: Element>(_: T) -> DType {
    T::DTYPE
}

macro_rules! scalar_from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Scalar {
            fn from(v: $t) -> Self {
                Scalar::$v(v)
            }
        }
    )*};
}
scalar_from!(bool => Bool, i8 => I8, i16 => I16, i32 => I32, i64 => I64, u8 => U8,
             u16 => U16, u32 => U32, u64 => U64, f32 => F32, f64 => F64);

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(true) => f.write_str("True"),
            Scalar::Bool(false) => f.write_str("False"),
            other => scalar_dispatch!(*other, v => write!(f, "{v:?}")),
        }
    }
}

macro_rules! scalar_op {
    ($trait:ident, $method:ident, $elem:ident) => {
        impl std::ops::$trait for Scalar {
            type Output = Scalar;
            fn $method(self, rhs: Scalar) -> Scalar {
                self.binary(rhs, |a, b, dt| {
                    with_dtype!(dt, T => Element::$elem(a.to::<T>(), b.to::<T>()).to_scalar())
                })
            }
        }
    };
}
scalar_op!(Add, add, add);
scalar_op!(Sub, sub, sub);
scalar_op!(Mul, mul, mul);

impl std::ops::Div for Scalar {
    type Output = Scalar;
    /// True division: integers give float64, as NumPy's `/`.
    fn div(self, rhs: Scalar) -> Scalar {
        let dt = DType::promote(self.dtype(), rhs.dtype());
        if dt == DType::Float32 {
            Scalar::F32(self.to::<f32>() / rhs.to::<f32>())
        } else {
            Scalar::F64(self.to_f64() / rhs.to_f64())
        }
    }
}
