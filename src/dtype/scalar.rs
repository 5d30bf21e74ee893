//! [`Scalar`]: one value of any dtype.

/// One value of any dtype: what scalar `get` returns and `set`/`full` take.
///
/// Arithmetic between scalars promotes like arrays do (`Scalar::I32(2) *
/// Scalar::F64(1.5)` is a float64 `3.0`); `/` is true division.
///
/// ```
/// use ndprof::Scalar;
/// let v = Scalar::from(3i32) * Scalar::from(2i32);
/// assert_eq!(v, Scalar::I32(6));
/// assert_eq!(v.to::<f64>(), 6.0);
/// assert_eq!((Scalar::from(1i64) / Scalar::from(4i64)), Scalar::F64(0.25));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub enum Scalar {
    /// A `bool`.
    Bool(bool),
    /// An `i8`.
    I8(i8),
    /// An `i16`.
    I16(i16),
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// A `u8`.
    U8(u8),
    /// A `u16`.
    U16(u16),
    /// A `u32`.
    U32(u32),
    /// A `u64`.
    U64(u64),
    /// An `f32`.
    F32(f32),
    /// An `f64`.
    F64(f64),
}
