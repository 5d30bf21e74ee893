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
///
/// Laid out as a tag byte and every value at one offset (`repr(C, u8)`), so
/// that a value whose dtype is known only at run time (a `get` through the
/// dtype dispatch) stays in two registers instead of being assembled in
/// memory piece by piece and read back whole (a store-forwarding stall of
/// ~5 ns per element in a per-element loop).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
#[repr(C, u8)]
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

impl Scalar {
    /// The value of `dtype` whose bytes, zero-extended and little-endian,
    /// are `bits`: built as two words (tag, value), so that it stays in
    /// registers whatever `dtype` is.
    ///
    /// # Safety
    /// `bits` holds a valid value of `dtype`'s element type in its low
    /// `dtype.size()` bytes (a `bool` is 0 or 1), as read from an array of
    /// that dtype.
    #[inline(always)]
    pub(crate) unsafe fn from_bits(dtype: super::types::DType, bits: u64) -> Scalar {
        // SAFETY: `Scalar` is `repr(C, u8)`: a tag byte whose values follow
        // `DType`'s order (`tag_order_matches_dtypes` checks it), then every
        // variant's value at offset 8, in its low bytes on a little-endian
        // target (asserted below); the caller vouches for the value bytes.
        unsafe { std::mem::transmute::<[u64; 2], Scalar>([dtype as u64, bits]) }
    }
}

// `Scalar::from_bits` relies on the value's low bytes coming first.
const _: () = assert!(cfg!(target_endian = "little"));

#[cfg(test)]
mod tests {
    use crate::dtype::scalar::Scalar;
    use crate::dtype::types::{with_dtype, DType};

    #[test]
    fn tag_order_matches_dtypes() -> crate::Result<()> {
        for dtype in DType::ALL {
            let a = crate::Array::ones(&[2], dtype)?;
            let one = with_dtype!(dtype, T => Scalar::from(a.to_vec::<T>()?[0]));
            let bits = a.buf.element_bits(1).unwrap_or(u64::MAX);
            // SAFETY: the bits of an element of an array of `dtype`.
            let from_bits = unsafe { Scalar::from_bits(dtype, bits) };
            assert_eq!(from_bits, one, "{dtype}");
            assert_eq!(from_bits.dtype(), dtype);
            assert_eq!(a.buf.element_bits(2), None);
        }
        Ok(())
    }
}
