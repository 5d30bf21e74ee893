//! Typed access: checked ndarray views and slices for compiled kernels, and
//! conversion to and from ndarray arrays and `Vec`s.

use super::base::{checked_size, pick, Array};
use crate::alloc::BufferAllocator;
use crate::buffer::Buffer;
use crate::dtype::{Element, Scalar};
use crate::error::{shape_str, Error, Result};
use ndarray::{
    ArrayBase, ArrayD, ArrayViewD, ArrayViewMutD, Axis, Data, Dimension, IxDyn, ShapeBuilder,
};
use std::mem::MaybeUninit;
use std::sync::Arc;

fn dtype_error<T: Element>(have: crate::dtype::DType) -> Error {
    Error::dtype(format!(
        "array has dtype {have}, but a view of {} was requested",
        T::DTYPE
    ))
}

impl Array {
    /// Element offset of the lowest-addressed element, and the absolute strides.
    fn low_offset_and_abs_strides(&self) -> (usize, Vec<usize>) {
        let mut low = self.offset as isize;
        if !self.is_empty() {
            for (&d, &s) in self.shape.iter().zip(&self.strides) {
                if s < 0 {
                    low += s * (d as isize - 1);
                }
            }
        }
        let abs = self.strides.iter().map(|s| s.unsigned_abs()).collect();
        (low.max(0) as usize, abs)
    }

    /// The elements as an ndarray view, without a dtype check (crate-internal:
    /// callers dispatch on the dtype first).
    pub(crate) fn nd_view<T: Element>(&self) -> ArrayViewD<'_, T> {
        let base = self.buf.as_slice::<T>().as_ptr();
        let (low, abs) = self.low_offset_and_abs_strides();
        // SAFETY: the shape, strides and offset were built by this module's constructors and
        // view operations, which keep every reachable element inside the buffer's `len`
        // initialized elements; the buffer is borrowed for the view's lifetime.
        let mut v = unsafe {
            ArrayViewD::from_shape_ptr(IxDyn(&self.shape).strides(IxDyn(&abs)), base.add(low))
        };
        for (axis, &s) in self.strides.iter().enumerate() {
            if s < 0 {
                v.invert_axis(Axis(axis));
            }
        }
        v
    }

    /// Mutable ndarray view without a dtype check; makes the buffer unique first.
    pub(crate) fn nd_view_mut<T: Element>(&mut self) -> Result<ArrayViewMutD<'_, T>> {
        self.make_unique()?;
        let (low, abs) = self.low_offset_and_abs_strides();
        let Some(buf) = Arc::get_mut(&mut self.buf) else {
            return Err(Error::invalid("ndprof internal error: buffer still shared"));
        };
        let base = buf.as_slice_mut::<T>().as_mut_ptr();
        // SAFETY: as `nd_view`; the buffer is uniquely owned (checked above) and mutably
        // borrowed for the view's lifetime, and views never alias two indices to one element
        // (broadcast views are read-only).
        let mut v = unsafe {
            ArrayViewMutD::from_shape_ptr(IxDyn(&self.shape).strides(IxDyn(&abs)), base.add(low))
        };
        for (axis, &s) in self.strides.iter().enumerate() {
            if s < 0 {
                v.invert_axis(Axis(axis));
            }
        }
        Ok(v)
    }

    /// The array's elements as write-only slots, for ops that overwrite every
    /// element (fresh results or `out=` arrays): a slice when C-contiguous.
    /// Makes the buffer unique first.
    pub(crate) fn out_slice<T: Element>(&mut self) -> Result<Option<&mut [MaybeUninit<T>]>> {
        if !self.is_c_contiguous() {
            return Ok(None);
        }
        self.make_unique()?;
        let (start, n) = (self.offset, self.len());
        Ok(
            Arc::get_mut(&mut self.buf)
                .map(|b| &mut b.as_uninit_slice_mut::<T>()[start..start + n]),
        )
    }

    /// The slots of a fresh C-order array from [`Array::for_overwrite`].
    pub(crate) fn uninit_slice<T: Element>(&mut self) -> &mut [MaybeUninit<T>] {
        match Arc::get_mut(&mut self.buf) {
            Some(buf) => buf.as_uninit_slice_mut::<T>(),
            None => &mut [],
        }
    }

    fn check_dtype<T: Element>(&self) -> Result<()> {
        if T::DTYPE == self.dtype() {
            Ok(())
        } else {
            Err(dtype_error::<T>(self.dtype()))
        }
    }

    /// A typed read-only ndarray view.
    ///
    /// # Errors
    /// [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) if `T` is not the array's dtype.
    ///
    /// ```
    /// # fn main() -> ndprof::Result<()> {
    /// use ndprof::Array;
    /// let a = Array::from_vec(vec![1.0f64, 2.0, 3.0])?;
    /// let v = a.view::<f64>()?;
    /// assert_eq!(v.sum(), 6.0);
    /// assert!(a.view::<f32>().is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn view<T: Element>(&self) -> Result<ArrayViewD<'_, T>> {
        self.check_dtype::<T>()?;
        Ok(self.nd_view())
    }

    /// A typed mutable ndarray view (copies the buffer first if it is shared).
    ///
    /// # Errors
    /// As [`view`](Self::view), or allocation failure of the copy.
    pub fn view_mut<T: Element>(&mut self) -> Result<ArrayViewMutD<'_, T>> {
        self.check_dtype::<T>()?;
        self.nd_view_mut()
    }

    /// The elements as a slice, for kernels that want one.
    ///
    /// # Errors
    /// Wrong dtype, or [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) if the array
    /// is not C-contiguous (call [`to_contiguous`](Self::to_contiguous) first).
    pub fn as_slice<T: Element>(&self) -> Result<&[T]> {
        self.check_dtype::<T>()?;
        self.contiguous_slice().ok_or_else(|| {
            Error::invalid(format!(
                "array of shape {} with strides {:?} is not C-contiguous",
                shape_str(&self.shape),
                self.strides
            ))
        })
    }

    /// The elements as a mutable slice (copies the buffer first if it is shared).
    ///
    /// # Errors
    /// As [`as_slice`](Self::as_slice).
    pub fn as_slice_mut<T: Element>(&mut self) -> Result<&mut [T]> {
        self.check_dtype::<T>()?;
        if !self.is_c_contiguous() {
            return Err(Error::invalid(format!(
                "array of shape {} with strides {:?} is not C-contiguous",
                shape_str(&self.shape),
                self.strides
            )));
        }
        self.make_unique()?;
        let (start, n) = (self.offset, self.len());
        match Arc::get_mut(&mut self.buf) {
            Some(buf) => Ok(&mut buf.as_slice_mut::<T>()[start..start + n]),
            None => Err(Error::invalid("ndprof internal error: buffer still shared")),
        }
    }

    /// The elements in C order as a `Vec`.
    ///
    /// # Errors
    /// Wrong dtype.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        Ok(self.view::<T>()?.iter().copied().collect())
    }

    /// A C-order ndarray copy.
    ///
    /// # Errors
    /// Wrong dtype.
    pub fn to_ndarray<T: Element>(&self) -> Result<ArrayD<T>> {
        Ok(self.view::<T>()?.to_owned())
    }

    /// A 1-D array holding `data`, in the default allocator.
    ///
    /// # Errors
    /// [`AllocationFailed`](crate::error::ErrorKind::AllocationFailed).
    pub fn from_vec<T: Element>(data: Vec<T>) -> Result<Array> {
        let n = data.len();
        Self::from_shape_vec(&[n], data)
    }

    /// An array of `shape` holding `data` in C order, in the default allocator.
    ///
    /// # Errors
    /// [`ShapeMismatch`](crate::error::ErrorKind::ShapeMismatch) if the lengths differ.
    pub fn from_shape_vec<T: Element>(shape: &[usize], data: Vec<T>) -> Result<Array> {
        Self::from_slice_in(shape, &data, pick(None))
    }

    /// An array of `shape` holding a copy of `data` (C order) in `alloc`.
    ///
    /// # Errors
    /// [`ShapeMismatch`](crate::error::ErrorKind::ShapeMismatch) if the lengths differ.
    pub fn from_slice_in<T: Element>(
        shape: &[usize],
        data: &[T],
        alloc: Arc<dyn BufferAllocator>,
    ) -> Result<Array> {
        if checked_size(shape)? != data.len() {
            return Err(Error::shape(format!(
                "cannot reshape array of size {} into shape {}",
                data.len(),
                shape_str(shape)
            )));
        }
        Ok(Array::from_buffer(Buffer::from_slice(data, alloc)?, shape))
    }

    /// A copy of an ndarray array (any layout), in the default allocator.
    ///
    /// # Errors
    /// [`AllocationFailed`](crate::error::ErrorKind::AllocationFailed).
    pub fn from_ndarray<T: Element, S: Data<Elem = T>, D: Dimension>(
        a: &ArrayBase<S, D>,
    ) -> Result<Array> {
        let shape = a.shape().to_vec();
        let mut out = Array::for_overwrite(T::DTYPE, &shape, pick(None))?;
        for (o, &v) in out.uninit_slice::<T>().iter_mut().zip(a.iter()) {
            o.write(v);
        }
        Ok(out)
    }

    /// A 0-d array holding `value`, in the default allocator.
    ///
    /// # Errors
    /// [`AllocationFailed`](crate::error::ErrorKind::AllocationFailed).
    pub fn scalar(value: impl Into<Scalar>) -> Result<Array> {
        Array::full(&[], value.into())
    }

    /// The single element of a 0-d or one-element array.
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) if the array has another size.
    pub fn item(&self) -> Result<Scalar> {
        if self.len() != 1 {
            return Err(Error::invalid(format!(
                "can only convert an array of size 1 to a scalar, not shape {}",
                shape_str(&self.shape)
            )));
        }
        let idx = vec![0; self.ndim()];
        self.get(&idx)
    }
}
