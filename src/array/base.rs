//! The [`Array`] struct, its constructors from buffers and its accessors.

use crate::alloc::{default_allocator, BufferAllocator};
use crate::buffer::Buffer;
use crate::dtype::{with_dtype, DType, Element};
use crate::error::{shape_str, Error, Result};
use smallvec::SmallVec;
use std::fmt;
use std::sync::Arc;

/// An n-dimensional array of any [`DType`].
///
/// ```
/// # fn main() -> ndprof::Result<()> {
/// use ndprof::{Array, DType};
/// let a = Array::arange(0.0, 6.0, 1.0, DType::Float64)?.reshape(&[2, 3])?;
/// let b = a.square()?;
/// assert_eq!(b.to_vec::<f64>()?, vec![0.0, 1.0, 4.0, 9.0, 16.0, 25.0]);
/// assert_eq!(a.sum()?.item()?.to::<f64>(), 15.0);
/// assert_eq!(a.t().shape(), &[3, 2]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Array {
    pub(crate) buf: Arc<Buffer>,
    pub(crate) shape: Dims,
    /// Strides in elements; may be negative after a reversing slice.
    pub(crate) strides: Strides,
    /// Element index of the logical first element inside the buffer.
    pub(crate) offset: usize,
    /// A broadcast view ([`Array::broadcast_to`]): several indices may
    /// name one element, so writes are refused.
    pub(crate) read_only: bool,
}

/// An array's shape: inline up to [`INLINE_AXES`] axes (no heap block).
pub(crate) type Dims = SmallVec<[usize; INLINE_AXES]>;
/// An array's strides, in elements: inline like [`Dims`].
pub(crate) type Strides = SmallVec<[isize; INLINE_AXES]>;
/// Axes kept inside the array itself; more take a heap block each for the
/// shape and the strides.
pub(crate) const INLINE_AXES: usize = 4;

/// C-order (row-major) strides in elements for `shape`.
pub(crate) fn c_strides(shape: &[usize]) -> Strides {
    let mut strides: Strides = smallvec::smallvec![0isize; shape.len()];
    let mut acc = 1isize;
    for (s, &d) in strides.iter_mut().zip(shape).rev() {
        *s = acc;
        acc = acc.saturating_mul(d.max(1) as isize);
    }
    strides
}

pub(crate) fn checked_size(shape: &[usize]) -> Result<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| {
            Error::new(
                crate::error::ErrorKind::AllocationFailed,
                format!("array of shape {} is too large", shape_str(shape)),
            )
        })
}

impl Array {
    /// Wraps a whole buffer as a C-order array of `shape`.
    pub(crate) fn from_buffer(buf: Buffer, shape: impl Into<Dims>) -> Array {
        let shape: Dims = shape.into();
        debug_assert_eq!(buf.len(), shape.iter().product::<usize>());
        Array {
            strides: c_strides(&shape),
            buf: Arc::new(buf),
            shape,
            offset: 0,
            read_only: false,
        }
    }

    /// A C-order array whose elements the caller writes before it is seen.
    pub(crate) fn for_overwrite(
        dtype: DType,
        shape: &[usize],
        alloc: Arc<dyn BufferAllocator>,
    ) -> Result<Array> {
        let n = checked_size(shape)?;
        Ok(Self::from_buffer(
            Buffer::for_overwrite(dtype, n, alloc)?,
            shape,
        ))
    }

    /// The element dtype.
    #[inline]
    pub fn dtype(&self) -> DType {
        self.buf.dtype()
    }
    /// The length of each axis.
    #[inline]
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    /// The strides of each axis, in elements (negative after a reversing slice).
    #[inline]
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }
    /// The number of axes (0 for a 0-d array).
    #[inline]
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }
    /// The number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }
    /// Whether the array has no elements.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Bytes of the elements (`len * itemsize`), as NumPy's `nbytes`.
    pub fn nbytes(&self) -> usize {
        self.len().saturating_mul(self.dtype().size())
    }
    /// The allocator that owns this array's buffer.
    pub fn allocator(&self) -> Arc<dyn BufferAllocator> {
        self.buf.allocator().clone()
    }
    /// The buffer's capacity in elements (more than `len` after `push` or `reserve`).
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }
    /// Whether the array can be written in place (not a broadcast view).
    pub fn is_writable(&self) -> bool {
        !self.read_only
    }

    /// An error for a write into a read-only broadcast view.
    pub(crate) fn check_writable(&self) -> Result<()> {
        if self.read_only {
            return Err(Error::invalid(format!(
                "assignment destination is read-only: a broadcast view of shape {} (copy it with to_contiguous to write)",
                shape_str(&self.shape)
            )));
        }
        Ok(())
    }

    /// Whether another array shares this one's buffer.
    pub fn shares_buffer(&self) -> bool {
        Arc::strong_count(&self.buf) > 1
    }

    /// This array's buffer to write, if no other array shares it: what
    /// `Arc::get_mut` answers, from two plain loads instead of its atomic
    /// compare-exchange (a locked instruction per scalar `set` or `push`,
    /// which also waits for every store before it to reach the cache).
    #[inline]
    pub(crate) fn unique_buffer(&mut self) -> Option<&mut Buffer> {
        if Arc::strong_count(&self.buf) != 1 || Arc::weak_count(&self.buf) != 0 {
            return None;
        }
        // Order this write after the reads of any array that shared the
        // buffer and has since dropped it (their release decrement).
        std::sync::atomic::fence(std::sync::atomic::Ordering::Acquire);
        // SAFETY: this `Arc` is the only one (strong count 1), and no `Weak`
        // exists that another thread could upgrade (weak count 0; ndprof never
        // makes one, and the field is crate-private); `&mut self` keeps this
        // `Arc` from being cloned while the borrow lives. So no other
        // reference to the buffer exists, as `Arc::get_mut` would find.
        // `Arc::as_ptr` points at the allocation with its full provenance.
        Some(unsafe { &mut *Arc::as_ptr(&self.buf).cast_mut() })
    }
    /// Whether the elements lie in C order with no gaps.
    pub fn is_c_contiguous(&self) -> bool {
        let mut expect = 1isize;
        for (&d, &s) in self.shape.iter().zip(&self.strides).rev() {
            if d != 1 && s != expect {
                return false;
            }
            expect *= d as isize;
        }
        true
    }

    /// The contiguous elements, if the array is C-contiguous.
    pub(crate) fn contiguous_slice<T: Element>(&self) -> Option<&[T]> {
        if !self.is_c_contiguous() {
            return None;
        }
        let all = self.buf.as_slice::<T>();
        all.get(self.offset..self.offset + self.len())
    }

    /// Ensures this array is the only owner of its buffer, copying (in C
    /// order, with the same allocator) if it is shared.
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for a
    /// read-only broadcast view; allocation failure of the copy.
    pub(crate) fn make_unique(&mut self) -> Result<()> {
        self.check_writable()?;
        if Arc::get_mut(&mut self.buf).is_none() {
            *self = self.to_contiguous_in(self.allocator())?;
        }
        Ok(())
    }
}

/// The allocator for a new array: `alloc` or the default.
pub(crate) fn pick(alloc: Option<Arc<dyn BufferAllocator>>) -> Arc<dyn BufferAllocator> {
    alloc.unwrap_or_else(default_allocator)
}

impl fmt::Debug for Array {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Array(shape={}, dtype={}, allocator={})",
            shape_str(&self.shape),
            self.dtype(),
            self.buf.allocator().name()
        )
    }
}

impl fmt::Display for Array {
    /// Prints like NumPy's `repr` for small arrays: nested brackets, then the dtype.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        with_dtype!(self.dtype(), T => {
            let v = self.nd_view::<T>();
            if self.len() > 1000 {
                write!(f, "array(shape={}, dtype={})", shape_str(&self.shape), self.dtype())
            } else {
                write!(f, "array({v}, dtype={})", self.dtype())
            }
        })
    }
}

impl PartialEq for Array {
    /// Same shape, same dtype, equal elements (NaN != NaN, as in NumPy).
    fn eq(&self, other: &Array) -> bool {
        self.shape == other.shape
            && self.dtype() == other.dtype()
            && with_dtype!(self.dtype(), T => self.nd_view::<T>() == other.nd_view::<T>())
    }
}
