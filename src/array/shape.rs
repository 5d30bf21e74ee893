//! Shape manipulation: slicing, transposing, reshaping, broadcasting.

use super::base::{c_strides, checked_size, Array, Dims, Strides};
use crate::error::{shape_str, Error, Result};
use std::ops::{Range, RangeFrom, RangeFull, RangeTo};

/// One axis of a slice, with Python's semantics: `start:stop:step`, negative
/// positions count from the end, a negative step walks backwards.
///
/// ```
/// # fn main() -> ndprof::Result<()> {
/// use ndprof::{Array, Slice};
/// let a = Array::from_vec((0..10i64).collect())?;
/// let b = a.slice(&[Slice::new(Some(1), Some(8), 3)])?;
/// assert_eq!(b.to_vec::<i64>()?, vec![1, 4, 7]);
/// let r = a.slice(&[Slice::new(None, None, -1)])?;
/// assert_eq!(r.to_vec::<i64>()?[0], 9);
/// let t = a.slice(&[(-3..).into()])?;
/// assert_eq!(t.to_vec::<i64>()?, vec![7, 8, 9]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    /// First index (negative counts from the end; `None`: the start).
    pub start: Option<isize>,
    /// End, exclusive (negative counts from the end; `None`: the end).
    pub stop: Option<isize>,
    /// Step (negative walks backwards; never 0).
    pub step: isize,
}

impl Slice {
    /// The whole axis (`:`).
    pub const ALL: Slice = Slice {
        start: None,
        stop: None,
        step: 1,
    };

    /// `start:stop:step`.
    pub fn new(start: Option<isize>, stop: Option<isize>, step: isize) -> Slice {
        Slice { start, stop, step }
    }

    /// (first index, length) on an axis of length `n`, as Python's
    /// `slice.indices`, in i128 so that no step (`isize::MIN` included) and
    /// no axis length overflows. The step must be nonzero.
    fn resolve(self, n: usize) -> (i128, usize) {
        let n = n as i128;
        let step = self.step as i128;
        let norm = |v: isize, lo: i128, hi: i128| {
            let v = v as i128;
            let v = if v < 0 { v + n } else { v };
            v.clamp(lo, hi)
        };
        let (start, stop) = if step > 0 {
            (
                self.start.map_or(0, |s| norm(s, 0, n)),
                self.stop.map_or(n, |s| norm(s, 0, n)),
            )
        } else {
            (
                self.start.map_or(n - 1, |s| norm(s, -1, n - 1)),
                self.stop.map_or(-1, |s| norm(s, -1, n - 1)),
            )
        };
        let (span, by) = if step > 0 {
            (stop - start, step)
        } else {
            (start - stop, -step)
        };
        let len = if span <= 0 { 0 } else { (span + by - 1) / by };
        // len <= n <= usize::MAX.
        (start, usize::try_from(len).unwrap_or(usize::MAX))
    }
}

impl From<Range<isize>> for Slice {
    fn from(r: Range<isize>) -> Slice {
        Slice::new(Some(r.start), Some(r.end), 1)
    }
}
impl From<Range<usize>> for Slice {
    fn from(r: Range<usize>) -> Slice {
        Slice::new(Some(r.start as isize), Some(r.end as isize), 1)
    }
}
impl From<RangeFrom<isize>> for Slice {
    fn from(r: RangeFrom<isize>) -> Slice {
        Slice::new(Some(r.start), None, 1)
    }
}
impl From<RangeTo<isize>> for Slice {
    fn from(r: RangeTo<isize>) -> Slice {
        Slice::new(None, Some(r.end), 1)
    }
}
impl From<RangeFull> for Slice {
    fn from(_: RangeFull) -> Slice {
        Slice::ALL
    }
}

/// The shape two operands broadcast to, by NumPy's rules.
///
/// # Errors
/// [`ShapeMismatch`](crate::error::ErrorKind::ShapeMismatch):
/// "operands could not be broadcast together with shapes (3,) (4,)".
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i < n - a.len() {
            1
        } else {
            a[i - (n - a.len())]
        };
        let db = if i < n - b.len() {
            1
        } else {
            b[i - (n - b.len())]
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(Error::shape(format!(
                    "operands could not be broadcast together with shapes {} {}",
                    shape_str(a),
                    shape_str(b)
                )))
            }
        };
    }
    Ok(out)
}

impl Array {
    fn check_axis(&self, axis: usize) -> Result<()> {
        if axis < self.ndim() {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "axis {axis} is out of bounds for array of dimension {}",
                self.ndim()
            )))
        }
    }

    pub(crate) fn axis_checked(&self, axis: usize) -> Result<usize> {
        self.check_axis(axis).map(|_| axis)
    }

    /// A view of part of the array: one [`Slice`] per leading axis (missing
    /// axes are taken whole). Shares the buffer.
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for more slices than axes or
    /// a zero step.
    pub fn slice(&self, slices: &[Slice]) -> Result<Array> {
        if slices.len() > self.ndim() {
            return Err(Error::invalid(format!(
                "too many indices for array: array is {}-dimensional, but {} were indexed",
                self.ndim(),
                slices.len()
            )));
        }
        let mut out = self.clone();
        // In i128: a start near usize::MAX on an axis of an empty array
        // times a stride stays exact (and is never used).
        let mut offset = self.offset as i128;
        for (axis, s) in slices.iter().enumerate() {
            if s.step == 0 {
                return Err(Error::invalid("slice step cannot be zero"));
            }
            let (start, len) = s.resolve(self.shape[axis]);
            if len > 0 {
                offset = offset.saturating_add(start.saturating_mul(self.strides[axis] as i128));
            }
            out.shape[axis] = len;
            // With fewer than two elements the stride is never followed.
            out.strides[axis] = if len < 2 {
                self.strides[axis]
            } else {
                self.strides[axis].checked_mul(s.step).ok_or_else(|| {
                    Error::invalid(format!(
                        "slice step {} of axis {axis} reaches past the addressable range",
                        s.step
                    ))
                })?
            };
        }
        out.offset = if out.is_empty() {
            self.offset
        } else {
            // A nonempty view starts inside the buffer.
            usize::try_from(offset).map_err(|_| Error::invalid("slice starts outside the array"))?
        };
        Ok(out)
    }

    /// The transpose (axes reversed), as a view.
    pub fn t(&self) -> Array {
        let mut out = self.clone();
        out.shape.reverse();
        out.strides.reverse();
        out
    }

    /// The axes reordered as `axes` (a permutation of `0..ndim`), as a view.
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) if `axes` is not a permutation.
    pub fn permute(&self, axes: &[usize]) -> Result<Array> {
        let mut seen = vec![false; self.ndim()];
        if axes.len() != self.ndim()
            || axes
                .iter()
                .any(|&a| a >= self.ndim() || std::mem::replace(&mut seen[a], true))
        {
            return Err(Error::invalid(format!(
                "axes {axes:?} are not a permutation of the {} axes",
                self.ndim()
            )));
        }
        let mut out = self.clone();
        out.shape = axes.iter().map(|&a| self.shape[a]).collect();
        out.strides = axes.iter().map(|&a| self.strides[a]).collect();
        Ok(out)
    }

    /// The same elements in C order with a new shape: a view when the array is
    /// C-contiguous, otherwise a copy.
    ///
    /// # Errors
    /// [`ShapeMismatch`](crate::error::ErrorKind::ShapeMismatch) if the sizes differ.
    #[track_caller]
    pub fn reshape(&self, shape: &[usize]) -> Result<Array> {
        if checked_size(shape)? != self.len() {
            return Err(Error::shape(format!(
                "cannot reshape array of size {} into shape {}",
                self.len(),
                shape_str(shape)
            )));
        }
        let mut out = if self.is_c_contiguous() {
            self.clone()
        } else {
            self.to_contiguous()?
        };
        out.shape = Dims::from_slice(shape);
        out.strides = c_strides(shape);
        Ok(out)
    }

    /// The elements as a 1-D array (a view when C-contiguous).
    ///
    /// # Errors
    /// Allocation failure of the copy.
    #[track_caller]
    pub fn ravel(&self) -> Result<Array> {
        self.reshape(&[self.len()])
    }

    /// A read-only view of this array broadcast to `shape`, sharing its
    /// buffer (no copy), as NumPy's `broadcast_to`: axes of length 1 and new
    /// leading axes repeat with stride 0. Writes to it (`set`, in-place ops,
    /// `out=`) are errors, as NumPy's; copy it with
    /// [`to_contiguous`](Array::to_contiguous) to write.
    ///
    /// ```
    /// use ndprof::{Array, ErrorKind};
    /// let row = Array::from_vec(vec![1.0, 2.0, 3.0])?;
    /// let mut grid = row.broadcast_to(&[2, 3])?;
    /// assert_eq!(grid.to_vec::<f64>()?, vec![1.0, 2.0, 3.0, 1.0, 2.0, 3.0]);
    /// assert!(grid.shares_buffer());
    /// assert_eq!(grid.set(&[0, 0], 9.0).unwrap_err().kind(), ErrorKind::InvalidArgument);
    /// assert_eq!(row.broadcast_to(&[2, 4]).unwrap_err().kind(), ErrorKind::ShapeMismatch);
    /// # Ok::<(), ndprof::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`ShapeMismatch`](crate::error::ErrorKind::ShapeMismatch) when the array
    /// does not broadcast to `shape`; [`AllocationFailed`](crate::error::ErrorKind::AllocationFailed)
    /// for a shape whose size overflows.
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Array> {
        let mismatch = || {
            Error::shape(format!(
                "cannot broadcast array of shape {} to shape {}",
                shape_str(&self.shape),
                shape_str(shape)
            ))
        };
        if shape.len() < self.ndim() {
            return Err(mismatch());
        }
        checked_size(shape)?;
        let lead = shape.len() - self.ndim();
        let mut strides: Strides = smallvec::smallvec![0isize; shape.len()];
        for (axis, (&d, &s)) in self.shape.iter().zip(&self.strides).enumerate() {
            let want = shape[lead + axis];
            strides[lead + axis] = if d == want {
                s
            } else if d == 1 {
                0
            } else {
                return Err(mismatch());
            };
        }
        let mut out = self.clone();
        out.shape = Dims::from_slice(shape);
        out.strides = strides;
        out.read_only = true;
        Ok(out)
    }

    /// Checks that this array can hold the broadcast of an operand of `shape`.
    pub(crate) fn check_broadcast_into(&self, other: &[usize]) -> Result<()> {
        let b = broadcast_shapes(&self.shape, other)?;
        if b[..] != self.shape[..] {
            return Err(Error::shape(format!(
                "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
                shape_str(&self.shape),
                shape_str(&b)
            )));
        }
        Ok(())
    }
}
