//! Scalar access: `get` and `set` of one element through the runtime dtype.
//!
//! Each call checks the index and dispatches on the dtype: this is the
//! per-element "Python loop" path that the profiler exposes next to the
//! vectorized ops.

use crate::array::{Array, Slice};
use crate::dtype::{with_dtype, Element, Scalar};
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::trace::{self, OpClass};

/// Checks that `value` can be stored into an array of `dtype`, as NumPy's
/// `a[i] = value` does: an integer must fit; a float going into an integer
/// array must be a number, finite, and in range once truncated (NumPy
/// raises for NaN and infinity; ndprof also for a float out of range, where
/// NumPy's cast is platform-defined).
///
/// # Errors
/// [`CastOverflow`](ErrorKind::CastOverflow) naming the value and dtype.
pub(crate) fn check_storable(value: Scalar, dtype: crate::dtype::DType) -> Result<()> {
    if !dtype.is_integer() {
        return Ok(());
    }
    let vd = value.dtype();
    if vd.is_integer() {
        if value.cast_checked(dtype).is_none() {
            return Err(Error::new(
                ErrorKind::CastOverflow,
                format!("Python integer {value} out of bounds for {dtype}"),
            ));
        }
    } else if vd.is_float() {
        let v = value.to_f64();
        let (lo, hi) = with_dtype!(dtype, T => T::int_range());
        let why = if v.is_nan() {
            Some("cannot convert float NaN to integer".to_string())
        } else if v.is_infinite() {
            Some(format!("cannot convert float {v} to integer ({dtype})"))
        } else {
            // Bounds are powers of two, exact in f64.
            let t = v.trunc();
            (t < lo as f64 || t >= (hi + 1) as f64)
                .then(|| format!("float {v:e} out of bounds for {dtype}"))
        };
        if let Some(why) = why {
            return Err(Error::new(ErrorKind::CastOverflow, why));
        }
    }
    Ok(())
}

impl Array {
    /// The buffer position of the element at `index`. The errors are built
    /// out of line, so that the per-element loop's path stays small.
    #[inline]
    fn element_offset(&self, index: &[usize]) -> Result<usize> {
        if index.len() != self.ndim() {
            return Err(self.wrong_index_rank(index));
        }
        let mut pos = self.offset as isize;
        for (axis, ((&i, &d), &s)) in index.iter().zip(&self.shape).zip(&self.strides).enumerate() {
            if i >= d {
                return Err(self.index_out_of_bounds(axis, i));
            }
            pos += i as isize * s;
        }
        Ok(pos as usize)
    }

    #[cold]
    #[inline(never)]
    fn wrong_index_rank(&self, index: &[usize]) -> Error {
        Error::new(
            ErrorKind::IndexOutOfBounds,
            format!(
                "index {index:?} has {} entries, but the array of shape {} has {} axes",
                index.len(),
                shape_str(self.shape()),
                self.ndim()
            ),
        )
    }

    #[cold]
    #[inline(never)]
    fn index_out_of_bounds(&self, axis: usize, i: usize) -> Error {
        Error::new(
            ErrorKind::IndexOutOfBounds,
            format!(
                "index {i} is out of bounds for axis {axis} with size {} (array shape {})",
                self.shape[axis],
                shape_str(self.shape())
            ),
        )
    }

    /// The element at `index` (one entry per axis; `&[]` for a 0-d array).
    ///
    /// ```
    /// # fn main() -> ndprof::Result<()> {
    /// use ndprof::{Array, Scalar};
    /// let a = Array::from_shape_vec(&[2, 2], vec![1i32, 2, 3, 4])?;
    /// assert_eq!(a.get(&[1, 0])?, Scalar::I32(3));
    /// assert!(a.get(&[2, 0]).is_err());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`IndexOutOfBounds`](ErrorKind::IndexOutOfBounds) naming the index and shape.
    #[inline(always)]
    pub fn get(&self, index: &[usize]) -> Result<Scalar> {
        let op = || trace::ScalarOp {
            table: &super::sites::GET,
            mark: super::sites::GET_MARK,
            slot: self.dtype() as usize,
            array_elements: self.len(),
            bytes_read: self.dtype().size(),
            bytes_written: 0,
            may_allocate: false,
            writes_integer: false,
        };
        trace::scalar(
            op,
            #[inline(always)]
            |_| self.read_element(index),
        )
    }

    /// `get`'s body, inlined into each of `trace::scalar`'s paths: an
    /// out-of-line body handed its result back through memory, and copying
    /// it out stalled the per-element loop (~5 ns a call).
    /// The element is read as raw bits and made a [`Scalar`] in registers
    /// (no dispatch on the dtype here).
    #[inline(always)]
    fn read_element(&self, index: &[usize]) -> Result<Scalar> {
        let pos = self.element_offset(index)?;
        match self.buf.element_bits(pos) {
            // SAFETY: the bits of an initialized element of this array's dtype.
            Some(bits) => Ok(unsafe { Scalar::from_bits(self.dtype(), bits) }),
            None => Err(Error::invalid(
                "ndprof internal error: an element offset past the buffer",
            )),
        }
    }

    /// Stores `value` at `index`, converted to the array's dtype: floats
    /// truncate into integer arrays, as NumPy; an integer that does not fit an
    /// integer dtype is an error, as NumPy 2, and so is a NaN, an infinity or
    /// a float out of the integer dtype's range. Copies the buffer first if it
    /// is shared with another array.
    ///
    /// ```
    /// use ndprof::{Array, DType, ErrorKind};
    /// let mut a = Array::zeros(&[2], DType::Int8)?;
    /// a.set(&[0], 7.9)?;
    /// assert_eq!(a.to_vec::<i8>()?, vec![7, 0]);
    /// for bad in [f64::NAN, f64::INFINITY, 1e20] {
    ///     assert_eq!(a.set(&[1], bad).unwrap_err().kind(), ErrorKind::CastOverflow);
    /// }
    /// # Ok::<(), ndprof::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`IndexOutOfBounds`](ErrorKind::IndexOutOfBounds);
    /// [`CastOverflow`](ErrorKind::CastOverflow) for a value that does not fit.
    pub fn set(&mut self, index: &[usize], value: impl Into<Scalar>) -> Result<()> {
        let value = value.into();
        let dtype = self.dtype();
        let (len, shared) = (self.len(), self.shares_buffer());
        let op = move || trace::ScalarOp {
            table: &super::sites::SET,
            mark: super::sites::SET_MARK,
            slot: dtype as usize,
            array_elements: len,
            bytes_read: 0,
            bytes_written: dtype.size(),
            may_allocate: shared,
            writes_integer: dtype.is_integer(),
        };
        trace::scalar(op, |g| {
            check_storable(value, dtype)?;
            self.check_writable()?;
            if self.shares_buffer() {
                self.element_offset(index)?; // report a bad index before copying
                self.make_unique()?;
            }
            let pos = self.element_offset(index)?;
            let Some(buf) = self.unique_buffer() else {
                return Err(Error::invalid("ndprof internal error: buffer still shared"));
            };
            with_dtype!(dtype, T => {
                let v = value.to::<T>();
                buf.as_slice_mut::<T>()[pos] = v;
                super::observe::note_value(g, v);
            });
            Ok(())
        })
    }
}

impl Array {
    /// Writes `value` into the region `slices` selects, broadcasting it, as
    /// NumPy's `a[1:-1, 1:-1] = value`. The value is converted to this
    /// array's dtype under `same_kind` rules; it may be a view of this array
    /// (it is read as it was before the write).
    ///
    /// ```
    /// use ndprof::{Array, DType, Slice};
    /// # fn main() -> ndprof::Result<()> {
    /// let mut u = Array::zeros(&[3, 4], DType::Float64)?;
    /// let inner = Array::ones(&[1, 2], DType::Float64)?;
    /// u.set_slice(&[Slice::from(1..2usize), Slice::from(1..3usize)], &inner)?;
    /// assert_eq!(u.sum()?.item()?.to_f64(), 2.0);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`ShapeMismatch`](ErrorKind::ShapeMismatch) when `value` does not broadcast to the
    /// region; [`DTypeMismatch`](ErrorKind::DTypeMismatch) for a value that does not
    /// cast `same_kind` (float into int); bad slices as [`Array::slice`].
    #[track_caller]
    pub fn set_slice(&mut self, slices: &[Slice], value: &Array) -> Result<()> {
        self.check_writable()?;
        let dtype = self.dtype();
        let region = self.slice(slices)?.shape().to_vec();
        let fits =
            crate::array::broadcast_shapes(value.shape(), &region).is_ok_and(|s| s == region);
        if !fits {
            return Err(Error::shape(format!(
                "could not broadcast input array from shape {} into shape {}",
                shape_str(value.shape()),
                shape_str(&region)
            )));
        }
        if !value.dtype().can_cast_same_kind(dtype) {
            return Err(Error::dtype(format!(
                "cannot assign {} values into a {dtype} array under 'same_kind' casting",
                value.dtype()
            )));
        }
        let n: usize = region.iter().product();
        let mut g = trace::op(
            "setitem",
            OpClass::Copy,
            dtype.name(),
            n,
            value.nbytes(),
            n.saturating_mul(dtype.size()),
        );
        let value = super::cast::as_dtype(value, dtype)?;
        self.make_unique()?;
        let target = self.slice(slices)?;
        let (shape, strides, offset) =
            (target.shape.clone(), target.strides.clone(), target.offset);
        drop(target);
        let whole = (
            std::mem::replace(&mut self.shape, shape),
            std::mem::replace(&mut self.strides, strides),
            std::mem::replace(&mut self.offset, offset),
        );
        let written = with_dtype!(dtype, T => self
            .nd_view_mut::<T>()
            .map(|mut dst| dst.assign(&value.nd_view::<T>())));
        super::observe::note_values(&mut g, &value);
        (self.shape, self.strides, self.offset) = whole;
        written
    }
}
