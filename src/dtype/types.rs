//! [`DType`], its kinds, NumPy's promotion rules, and the `with_dtype!`
//! dispatch macros.

use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

/// The element type of an array, named as NumPy names it.
///
/// ```
/// # fn main() -> ndprof::Result<()> {
/// use ndprof::DType;
/// assert_eq!(DType::Int32.to_string(), "int32");
/// assert_eq!(DType::promote(DType::Int32, DType::Float32), DType::Float64);
/// assert_eq!("uint8".parse::<DType>()?, DType::UInt8);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    /// NumPy `bool` (1 byte).
    Bool,
    /// NumPy `int8`.
    Int8,
    /// NumPy `int16`.
    Int16,
    /// NumPy `int32`.
    Int32,
    /// NumPy `int64`.
    Int64,
    /// NumPy `uint8`.
    UInt8,
    /// NumPy `uint16`.
    UInt16,
    /// NumPy `uint32`.
    UInt32,
    /// NumPy `uint64`.
    UInt64,
    /// NumPy `float32`.
    Float32,
    /// NumPy `float64`.
    Float64,
}

/// The family a dtype belongs to, ordered as NumPy's casting ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `bool`.
    Bool,
    /// Unsigned integers.
    Unsigned,
    /// Signed integers.
    Signed,
    /// Floating point.
    Float,
}

impl DType {
    /// Every dtype, in declaration order.
    pub const ALL: [DType; 11] = [
        DType::Bool,
        DType::Int8,
        DType::Int16,
        DType::Int32,
        DType::Int64,
        DType::UInt8,
        DType::UInt16,
        DType::UInt32,
        DType::UInt64,
        DType::Float32,
        DType::Float64,
    ];

    /// NumPy's name: `bool`, `int8` ... `uint64`, `float32`, `float64`.
    pub const fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::Int8 => "int8",
            DType::Int16 => "int16",
            DType::Int32 => "int32",
            DType::Int64 => "int64",
            DType::UInt8 => "uint8",
            DType::UInt16 => "uint16",
            DType::UInt32 => "uint32",
            DType::UInt64 => "uint64",
            DType::Float32 => "float32",
            DType::Float64 => "float64",
        }
    }

    /// Bytes per element.
    #[inline]
    pub const fn size(self) -> usize {
        match self {
            DType::Bool | DType::Int8 | DType::UInt8 => 1,
            DType::Int16 | DType::UInt16 => 2,
            DType::Int32 | DType::UInt32 | DType::Float32 => 4,
            DType::Int64 | DType::UInt64 | DType::Float64 => 8,
        }
    }

    /// The dtype's family.
    pub const fn kind(self) -> Kind {
        match self {
            DType::Bool => Kind::Bool,
            DType::Int8 | DType::Int16 | DType::Int32 | DType::Int64 => Kind::Signed,
            DType::UInt8 | DType::UInt16 | DType::UInt32 | DType::UInt64 => Kind::Unsigned,
            DType::Float32 | DType::Float64 => Kind::Float,
        }
    }

    /// True for float32 and float64.
    pub const fn is_float(self) -> bool {
        matches!(self.kind(), Kind::Float)
    }

    /// True for the signed and unsigned integer dtypes (not bool).
    pub const fn is_integer(self) -> bool {
        matches!(self.kind(), Kind::Signed | Kind::Unsigned)
    }

    fn signed_of_size(size: usize) -> Option<DType> {
        match size {
            1 => Some(DType::Int8),
            2 => Some(DType::Int16),
            4 => Some(DType::Int32),
            8 => Some(DType::Int64),
            _ => None,
        }
    }

    /// The dtype of `a op b` for two arrays, by NumPy's array-array rules:
    /// int32+int64 -> int64, int32+float32 -> float64, uint8+int8 -> int16,
    /// uint64+int64 -> float64.
    pub fn promote(a: DType, b: DType) -> DType {
        use Kind::*;
        if a == b {
            return a;
        }
        let (lo, hi) = if a.kind() <= b.kind() { (a, b) } else { (b, a) };
        match (lo.kind(), hi.kind()) {
            (Bool, _) => hi,
            (Unsigned, Unsigned) | (Signed, Signed) | (Float, Float) => {
                if a.size() >= b.size() {
                    a
                } else {
                    b
                }
            }
            (Unsigned, Signed) => {
                if hi.size() > lo.size() {
                    hi
                } else {
                    DType::signed_of_size(lo.size() * 2).unwrap_or(DType::Float64)
                }
            }
            (Unsigned | Signed, Float) => {
                if hi == DType::Float32 && lo.size() <= 2 {
                    DType::Float32
                } else {
                    DType::Float64
                }
            }
            _ => DType::Float64,
        }
    }

    /// The float dtype that float-valued functions (sqrt, exp, true division
    /// of one operand) produce for this dtype: floats keep theirs; bool and
    /// 8/16-bit integers give float32 (NumPy gives float16 for the 8-bit ones,
    /// which ndprof does not have); wider integers give float64.
    pub fn float_result(self) -> DType {
        match self {
            DType::Float32 => DType::Float32,
            DType::Float64 => DType::Float64,
            DType::Bool | DType::Int8 | DType::UInt8 | DType::Int16 | DType::UInt16 => {
                DType::Float32
            }
            _ => DType::Float64,
        }
    }

    /// Whether NumPy's `same_kind` rule lets a value of `self` be stored in
    /// `to` (used by in-place and `out=` operations): any cast up the ladder
    /// bool < unsigned < signed < float, and any cast within one family.
    pub fn can_cast_same_kind(self, to: DType) -> bool {
        self.kind() <= to.kind()
    }

    /// The `.npy` descriptor (`<f8`, `|b1`, ...), little-endian.
    pub(crate) const fn npy_descr(self) -> &'static str {
        match self {
            DType::Bool => "|b1",
            DType::Int8 => "|i1",
            DType::Int16 => "<i2",
            DType::Int32 => "<i4",
            DType::Int64 => "<i8",
            DType::UInt8 => "|u1",
            DType::UInt16 => "<u2",
            DType::UInt32 => "<u4",
            DType::UInt64 => "<u8",
            DType::Float32 => "<f4",
            DType::Float64 => "<f8",
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        DType::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown dtype '{s}' (expected one of bool, int8, int16, int32, int64, \
                     uint8, uint16, uint32, uint64, float32, float64)"
                ))
            })
    }
}

/// Runs `$body` with `$T` bound to the Rust type of the runtime dtype `$dt`.
macro_rules! with_dtype {
    ($dt:expr, $T:ident => $body:expr) => {
        match $dt {
            $crate::dtype::types::DType::Bool => {
                type $T = bool;
                $body
            }
            $crate::dtype::types::DType::Int8 => {
                type $T = i8;
                $body
            }
            $crate::dtype::types::DType::Int16 => {
                type $T = i16;
                $body
            }
            $crate::dtype::types::DType::Int32 => {
                type $T = i32;
                $body
            }
            $crate::dtype::types::DType::Int64 => {
                type $T = i64;
                $body
            }
            $crate::dtype::types::DType::UInt8 => {
                type $T = u8;
                $body
            }
            $crate::dtype::types::DType::UInt16 => {
                type $T = u16;
                $body
            }
            $crate::dtype::types::DType::UInt32 => {
                type $T = u32;
                $body
            }
            $crate::dtype::types::DType::UInt64 => {
                type $T = u64;
                $body
            }
            $crate::dtype::types::DType::Float32 => {
                type $T = f32;
                $body
            }
            $crate::dtype::types::DType::Float64 => {
                type $T = f64;
                $body
            }
        }
    };
}

/// Like [`with_dtype!`] for the two float dtypes; other dtypes run `$other`.
macro_rules! with_float_dtype {
    ($dt:expr, $T:ident => $body:expr, _ => $other:expr) => {
        match $dt {
            $crate::dtype::types::DType::Float32 => {
                type $T = f32;
                $body
            }
            $crate::dtype::types::DType::Float64 => {
                type $T = f64;
                $body
            }
            _ => $other,
        }
    };
}

pub(crate) use with_dtype;
pub(crate) use with_float_dtype;

#[cfg(test)]
mod tests {
    use crate::dtype::types::DType::*;
    use crate::dtype::types::*;

    #[test]
    fn promotion_matches_numpy_table() {
        let cases = [
            (Int32, Int64, Int64),
            (Int32, Float32, Float64),
            (UInt8, Int8, Int16),
            (UInt64, Int64, Float64),
            (UInt16, Int16, Int32),
            (UInt32, Int8, Int64),
            (UInt8, Int16, Int16),
            (Int16, Float32, Float32),
            (UInt8, Float32, Float32),
            (Int64, Float32, Float64),
            (Float32, Float64, Float64),
            (Bool, Int8, Int8),
            (Bool, Float32, Float32),
            (UInt8, UInt32, UInt32),
        ];
        for (a, b, want) in cases {
            assert_eq!(DType::promote(a, b), want, "{a}+{b}");
            assert_eq!(DType::promote(b, a), want, "{b}+{a}");
        }
    }

    #[test]
    fn names_round_trip() {
        for d in DType::ALL {
            assert_eq!(d.name().parse::<DType>().unwrap(), d); // ok: unit test
        }
        assert!("float16".parse::<DType>().is_err());
    }
}
