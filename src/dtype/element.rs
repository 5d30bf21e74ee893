//! The sealed [`Element`] trait: the Rust types an array can hold, with the
//! per-element arithmetic and casts that the kernels are generic over.

use super::scalar::Scalar;
use super::types::DType;
use std::fmt::Debug;

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that an array can hold: `bool`, `i8..i64`, `u8..u64`, `f32`, `f64`.
///
/// Sealed: every implementor is plain old data (any bit pattern written by
/// ndprof is valid for it, it has no padding and no drop), which is what lets
/// the buffer layer hand out typed views of raw bytes.
///
/// Arithmetic follows NumPy: integers wrap, floats follow IEEE 754, `bool`
/// adds as logical or and multiplies as logical and.
pub trait Element:
    sealed::Sealed
    + Copy
    + Send
    + Sync
    + Default
    + PartialEq
    + PartialOrd
    + Debug
    + std::fmt::Display
    + 'static
{
    /// The dtype this type maps to.
    const DTYPE: DType;
    /// Zero (or `false`).
    const ZERO: Self;
    /// One (or `true`).
    const ONE: Self;

    /// The value as i128: floats truncate toward zero (saturating, NaN -> 0).
    fn to_i128(self) -> i128;
    /// The value as f64 (may round for 64-bit integers).
    fn to_f64(self) -> f64;
    /// An integer value under NumPy's unsafe casting: integers wrap.
    fn from_i128_wrapping(v: i128) -> Self;
    /// A float value under NumPy's unsafe casting: integers truncate toward
    /// zero and then wrap like integers (`300.7 -> 44` as int8, as NumPy on
    /// x86); +-inf give the type's MIN/MAX and NaN gives 0 (NumPy's result
    /// there is platform-defined).
    fn from_f64_unchecked(v: f64) -> Self;
    /// Whether the value is nonzero (NaN counts as nonzero, as in NumPy).
    fn is_nonzero(self) -> bool;
    /// Whether the value is NaN (always false for integers and bool).
    fn is_nan(self) -> bool;
    /// The inclusive integer range of the type, for checked casts.
    fn int_range() -> (i128, i128);

    /// `self + o` (wrapping; logical or for bool).
    fn add(self, o: Self) -> Self;
    /// `self - o` (wrapping; xor for bool, which the ops reject beforehand).
    fn sub(self, o: Self) -> Self;
    /// `self * o` (wrapping; logical and for bool).
    fn mul(self, o: Self) -> Self;
    /// `-self` (wrapping).
    fn neg(self) -> Self;
    /// `|self|` (wrapping: `abs(i8::MIN) == i8::MIN`, as NumPy).
    fn abs(self) -> Self;
    /// Floor division as NumPy's `//`: integer division by zero gives 0.
    fn floor_div(self, o: Self) -> Self;
    /// The remainder with the sign of the divisor, as NumPy's `%`
    /// (`remainder`): `self - floor_div(self, o) * o`; integer `x % 0` is 0,
    /// float `x % 0.0` is NaN, as NumPy.
    fn rem(self, o: Self) -> Self;
    /// True division `self / o` for floats; the ops compute integer division in
    /// float64, so for integers this is floor division.
    fn true_div(self, o: Self) -> Self;
    /// `self ** o` (wrapping for integers; the op rejects negative integer exponents).
    fn pow(self, o: Self) -> Self;
    /// The larger value, NaN if either is NaN; `o` when they compare equal
    /// (NumPy's `maximum(0.0, -0.0)` is `-0.0`).
    fn max_nan(self, o: Self) -> Self;
    /// The smaller value, NaN if either is NaN; `o` when they compare equal.
    fn min_nan(self, o: Self) -> Self;

    /// This value as a [`Scalar`].
    fn to_scalar(self) -> Scalar;

    /// Converts under NumPy's unsafe casting (wrap, truncate).
    #[inline(always)]
    fn cast<U: Element>(self) -> U {
        if U::DTYPE == DType::Bool {
            U::from_i128_wrapping(self.is_nonzero() as i128)
        } else if U::DTYPE.is_float() {
            if Self::DTYPE.is_float() {
                U::from_f64_unchecked(self.to_f64())
            } else {
                U::from_i128_wrapping(self.to_i128())
            }
        } else if Self::DTYPE.is_float() {
            U::from_f64_unchecked(self.to_f64())
        } else {
            U::from_i128_wrapping(self.to_i128())
        }
    }

    /// Converts if the value survives: integers must be in range, floats going
    /// to integers must be finite and integral, finite floats must stay finite,
    /// values going to bool must be 0 or 1. Integer to float may round.
    #[inline]
    fn cast_checked<U: Element>(self) -> Option<U> {
        let out: U = self.cast();
        let ok = if U::DTYPE.is_float() {
            !Self::DTYPE.is_float() || !self.to_f64().is_finite() || out.to_f64().is_finite()
        } else {
            let (lo, hi) = if U::DTYPE == DType::Bool {
                (0, 1)
            } else {
                U::int_range()
            };
            if Self::DTYPE.is_float() {
                let v = self.to_f64();
                v.is_finite() && v.trunc() == v && v >= lo as f64 && v <= hi as f64
            } else {
                let v = self.to_i128();
                v >= lo && v <= hi
            }
        };
        ok.then_some(out)
    }
}

/// The float element types, with the transcendental functions.
pub trait Float: Element + std::ops::Div<Output = Self> {
    /// Square root.
    fn sqrt(self) -> Self;
    /// e raised to the value.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// Sine (radians).
    fn sin(self) -> Self;
    /// Cosine (radians).
    fn cos(self) -> Self;
    /// Converts from f64 (rounding).
    fn from_f64(v: f64) -> Self;
}

macro_rules! int_element {
    ($t:ty, $dt:ident, $variant:ident, signed = $signed:expr) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$dt;
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline(always)]
            fn to_i128(self) -> i128 {
                self as i128
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_i128_wrapping(v: i128) -> Self {
                v as $t
            }
            #[inline(always)]
            fn from_f64_unchecked(v: f64) -> Self {
                if v.is_infinite() {
                    return if v > 0.0 { <$t>::MAX } else { <$t>::MIN };
                }
                // Truncate toward zero, then wrap like an integer (as NumPy
                // on x86 for finite values); NaN -> 0.
                (v as i128) as $t
            }
            #[inline(always)]
            fn is_nonzero(self) -> bool {
                self != 0
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                false
            }
            fn int_range() -> (i128, i128) {
                (<$t>::MIN as i128, <$t>::MAX as i128)
            }
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            #[inline(always)]
            fn neg(self) -> Self {
                self.wrapping_neg()
            }
            #[inline(always)]
            fn abs(self) -> Self {
                if $signed && self.to_i128() < 0 {
                    self.wrapping_neg()
                } else {
                    self
                }
            }
            #[inline(always)]
            fn floor_div(self, o: Self) -> Self {
                if o == 0 {
                    return 0;
                }
                let q = self.wrapping_div(o);
                // Round toward negative infinity when the signs differ.
                if $signed
                    && (self.wrapping_rem(o) != 0)
                    && ((self.to_i128() < 0) != (o.to_i128() < 0))
                {
                    q.wrapping_sub(1)
                } else {
                    q
                }
            }
            #[inline(always)]
            fn rem(self, o: Self) -> Self {
                if o == 0 {
                    return 0;
                }
                let r = self.wrapping_rem(o);
                // Take the divisor's sign when the signs differ.
                if $signed && r != 0 && ((r.to_i128() < 0) != (o.to_i128() < 0)) {
                    r.wrapping_add(o)
                } else {
                    r
                }
            }
            #[inline(always)]
            fn true_div(self, o: Self) -> Self {
                self.floor_div(o)
            }
            #[inline]
            fn pow(self, o: Self) -> Self {
                let mut exp = o.to_i128().max(0) as u128;
                let mut base = self;
                let mut acc: $t = 1;
                while exp > 0 {
                    if exp & 1 == 1 {
                        acc = acc.wrapping_mul(base);
                    }
                    base = base.wrapping_mul(base);
                    exp >>= 1;
                }
                acc
            }
            #[inline(always)]
            fn max_nan(self, o: Self) -> Self {
                if o > self {
                    o
                } else {
                    self
                }
            }
            #[inline(always)]
            fn min_nan(self, o: Self) -> Self {
                if o < self {
                    o
                } else {
                    self
                }
            }
            fn to_scalar(self) -> Scalar {
                Scalar::$variant(self)
            }
        }
    };
}

int_element!(i8, Int8, I8, signed = true);
int_element!(i16, Int16, I16, signed = true);
int_element!(i32, Int32, I32, signed = true);
int_element!(i64, Int64, I64, signed = true);
int_element!(u8, UInt8, U8, signed = false);
int_element!(u16, UInt16, U16, signed = false);
int_element!(u32, UInt32, U32, signed = false);
int_element!(u64, UInt64, U64, signed = false);

macro_rules! float_element {
    ($t:ty, $dt:ident, $variant:ident) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$dt;
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            #[inline(always)]
            fn to_i128(self) -> i128 {
                self as i128
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_i128_wrapping(v: i128) -> Self {
                v as $t
            }
            #[inline(always)]
            fn from_f64_unchecked(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn is_nonzero(self) -> bool {
                self != 0.0
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                self.is_nan()
            }
            fn int_range() -> (i128, i128) {
                (i128::MIN, i128::MAX)
            }
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self + o
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                self - o
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self * o
            }
            #[inline(always)]
            fn neg(self) -> Self {
                -self
            }
            #[inline(always)]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline]
            fn floor_div(self, o: Self) -> Self {
                // NumPy's npy_divmod: floor of the exact quotient.
                if o == 0.0 {
                    return self / o;
                }
                let m = self % o;
                let mut div = (self - m) / o;
                if m != 0.0 && ((o < 0.0) != (m < 0.0)) {
                    div -= 1.0;
                }
                if div != 0.0 {
                    let f = div.floor();
                    if div - f > 0.5 {
                        f + 1.0
                    } else {
                        f
                    }
                } else {
                    (0.0 as $t).copysign(self / o)
                }
            }
            #[inline]
            fn rem(self, o: Self) -> Self {
                // NumPy's npy_divmod: fmod, moved to the divisor's sign.
                let m = self % o;
                if m != 0.0 {
                    if (o < 0.0) != (m < 0.0) {
                        m + o
                    } else {
                        m
                    }
                } else {
                    (0.0 as $t).copysign(o)
                }
            }
            #[inline(always)]
            fn true_div(self, o: Self) -> Self {
                self / o
            }
            #[inline(always)]
            fn pow(self, o: Self) -> Self {
                self.powf(o)
            }
            #[inline(always)]
            fn max_nan(self, o: Self) -> Self {
                // As NumPy: of two equal values (0.0 and -0.0), the second.
                if self.is_nan() || o.is_nan() {
                    <$t>::NAN
                } else if self > o {
                    self
                } else {
                    o
                }
            }
            #[inline(always)]
            fn min_nan(self, o: Self) -> Self {
                if self.is_nan() || o.is_nan() {
                    <$t>::NAN
                } else if self < o {
                    self
                } else {
                    o
                }
            }
            fn to_scalar(self) -> Scalar {
                Scalar::$variant(self)
            }
        }
        impl Float for $t {
            #[inline(always)]
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
            #[inline(always)]
            fn exp(self) -> Self {
                <$t>::exp(self)
            }
            #[inline(always)]
            fn ln(self) -> Self {
                <$t>::ln(self)
            }
            #[inline(always)]
            fn sin(self) -> Self {
                <$t>::sin(self)
            }
            #[inline(always)]
            fn cos(self) -> Self {
                <$t>::cos(self)
            }
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
        }
    };
}

float_element!(f32, Float32, F32);
float_element!(f64, Float64, F64);

impl sealed::Sealed for bool {}
impl Element for bool {
    const DTYPE: DType = DType::Bool;
    const ZERO: Self = false;
    const ONE: Self = true;
    #[inline(always)]
    fn to_i128(self) -> i128 {
        self as i128
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as u8 as f64
    }
    #[inline(always)]
    fn from_i128_wrapping(v: i128) -> Self {
        v != 0
    }
    #[inline(always)]
    fn from_f64_unchecked(v: f64) -> Self {
        v != 0.0
    }
    #[inline(always)]
    fn is_nonzero(self) -> bool {
        self
    }
    #[inline(always)]
    fn is_nan(self) -> bool {
        false
    }
    fn int_range() -> (i128, i128) {
        (0, 1)
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        self | o
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        self ^ o
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        self & o
    }
    #[inline(always)]
    fn neg(self) -> Self {
        self
    }
    #[inline(always)]
    fn abs(self) -> Self {
        self
    }
    #[inline(always)]
    fn floor_div(self, o: Self) -> Self {
        self & o
    }
    #[inline(always)]
    fn rem(self, _o: Self) -> Self {
        // Never computed in bool: bool operands compute in int8.
        false
    }
    #[inline(always)]
    fn true_div(self, o: Self) -> Self {
        self & o
    }
    #[inline(always)]
    fn pow(self, o: Self) -> Self {
        self | !o
    }
    #[inline(always)]
    fn max_nan(self, o: Self) -> Self {
        self | o
    }
    #[inline(always)]
    fn min_nan(self, o: Self) -> Self {
        self & o
    }
    fn to_scalar(self) -> Scalar {
        Scalar::Bool(self)
    }
}

#[cfg(test)]
mod tests {
    use crate::dtype::element::*;

    #[test]
    fn unsafe_casts_wrap_and_truncate() {
        assert_eq!(300i64.cast::<i8>(), 44);
        assert_eq!((-1i32).cast::<u8>(), 255);
        assert_eq!(3.9f64.cast::<i32>(), 3);
        assert_eq!((-3.9f64).cast::<i32>(), -3);
        assert_eq!(300.7f64.cast::<i8>(), 44);
        assert!(2.0f64.cast::<bool>());
        assert!(f64::NAN.cast::<bool>());
        assert_eq!(true.cast::<f32>(), 1.0);
        assert_eq!(u64::MAX.cast::<f64>(), 18446744073709551615.0);
    }

    #[test]
    fn checked_casts_reject_what_changes() {
        assert_eq!(127i64.cast_checked::<i8>(), Some(127));
        assert_eq!(128i64.cast_checked::<i8>(), None);
        assert_eq!((-1i64).cast_checked::<u32>(), None);
        assert_eq!(3.5f64.cast_checked::<i32>(), None);
        assert_eq!(f64::NAN.cast_checked::<i64>(), None);
        assert_eq!(1e300f64.cast_checked::<f32>(), None);
        assert!(f64::INFINITY.cast_checked::<f32>().is_some());
        assert_eq!(2u8.cast_checked::<bool>(), None);
        assert_eq!(1u8.cast_checked::<bool>(), Some(true));
    }

    #[test]
    fn floor_div_and_pow_follow_numpy() {
        assert_eq!((-7i32).floor_div(2), -4);
        assert_eq!(7i32.floor_div(-2), -4);
        assert_eq!(7i32.floor_div(0), 0);
        assert_eq!(i8::MIN.floor_div(-1), i8::MIN);
        assert_eq!((-7.0f64).floor_div(2.0), -4.0);
        assert_eq!(7.5f64.floor_div(2.0), 3.0);
        // `Element::` by name: the inherent `i8::pow`/`abs` panic on overflow.
        assert_eq!(Element::pow(3i8, 5), (243u8) as i8);
        assert_eq!(Element::pow(2u64, 10), 1024);
        assert_eq!(Element::abs(i8::MIN), i8::MIN);
        assert_eq!(Element::rem(-7i32, 3), 2);
        assert_eq!(Element::rem(7i32, -3), -2);
        assert_eq!(Element::rem(i8::MIN, -1), 0);
        assert_eq!(Element::rem(5u8, 0), 0);
        assert!(f64::NAN.max_nan(1.0).is_nan());
        assert!(1.0f64.min_nan(f64::NAN).is_nan());
    }
}
