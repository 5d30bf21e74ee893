//! Growth, both kinds the classic advice contrasts: amortized `push` into
//! spare capacity, and NumPy-style `append`/`concatenate` that build a new
//! array and copy everything (quadratic when called in a loop).

use super::cast::as_dtype;
use crate::alloc::BufferAllocator;
use crate::array::{pick, Array};
use crate::buffer::Buffer;
use crate::dtype::{with_dtype, DType, Scalar};
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::trace::{self, OpClass};
use std::sync::Arc;

impl Array {
    /// An empty 1-D array with room for `capacity` elements, in the default allocator.
    ///
    /// # Errors
    /// Allocation failure.
    #[track_caller]
    pub fn with_capacity(dtype: DType, capacity: usize) -> Result<Array> {
        Self::with_capacity_in(dtype, capacity, pick(None))
    }

    /// An empty 1-D array with room for `capacity` elements, in `alloc`.
    ///
    /// # Errors
    /// Allocation failure.
    #[track_caller]
    pub fn with_capacity_in(
        dtype: DType,
        capacity: usize,
        alloc: Arc<dyn BufferAllocator>,
    ) -> Result<Array> {
        Ok(Array::from_buffer(
            Buffer::with_capacity(dtype, capacity, alloc)?,
            &[0][..],
        ))
    }

    fn check_1d(&self, op: &str) -> Result<()> {
        if self.ndim() == 1 {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "{op} needs a 1-D array, not shape {}",
                shape_str(self.shape())
            )))
        }
    }

    /// Whether one more `push` fits the buffer as it is (no copy, no growth).
    fn grows_in_place_by_one(&self) -> bool {
        !self.shares_buffer()
            && self.offset == 0
            && self.buf.len() == self.len()
            && self.len() < self.capacity()
            && self.is_c_contiguous()
    }

    /// Makes the array own a buffer that it fills from the start, so that it
    /// can grow in place (copies a view or a shared buffer once).
    #[track_caller]
    fn make_growable(&mut self) -> Result<()> {
        let owns_all = !self.shares_buffer()
            && self.offset == 0
            && self.is_c_contiguous()
            && self.buf.len() == self.len();
        if !owns_all {
            *self = self.to_contiguous()?;
        }
        Ok(())
    }

    /// Makes room for `additional` more pushes without reallocating (1-D only).
    ///
    /// # Errors
    /// [`InvalidArgument`](ErrorKind::InvalidArgument) for arrays that are not 1-D;
    /// allocation failure.
    #[track_caller]
    pub fn reserve(&mut self, additional: usize) -> Result<()> {
        self.check_1d("reserve")?;
        self.make_growable()?;
        let needed = self.len().saturating_add(additional);
        match Arc::get_mut(&mut self.buf) {
            Some(buf) => buf.reserve_exact_to(needed),
            None => Err(Error::invalid("ndprof internal error: buffer still shared")),
        }
    }

    /// Appends one element to a 1-D array in place. Capacity doubles when full
    /// (from 8 elements), so `n` pushes from empty cost about `log2(n / 8)`
    /// reallocations and copy fewer than `n` elements in all.
    ///
    /// ```
    /// # fn main() -> ndprof::Result<()> {
    /// use ndprof::{alloc::{BufferAllocator, SystemAllocator}, Array, DType};
    /// use std::sync::Arc;
    /// let sys = Arc::new(SystemAllocator::new());
    /// let mut a = Array::with_capacity_in(DType::Float64, 0, sys.clone())?;
    /// for i in 0..1000 {
    ///     a.push(i as f64)?;
    /// }
    /// assert_eq!(a.len(), 1000);
    /// let s = sys.stats();
    /// assert_eq!((s.allocations, s.reallocations), (1, 7)); // 8 -> 16 -> ... -> 1024
    /// assert_eq!(s.bytes_copied, (8 + 16 + 32 + 64 + 128 + 256 + 512) * 8);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`InvalidArgument`](ErrorKind::InvalidArgument) for arrays that are not 1-D;
    /// [`CastOverflow`](ErrorKind::CastOverflow) for an integer that does not fit;
    /// allocation failure.
    pub fn push(&mut self, value: impl Into<Scalar>) -> Result<()> {
        let value = value.into();
        let dtype = self.dtype();
        // Counted like get/set (pushes come in loops); exactly when it allocates.
        let (len, grows) = (self.len(), !self.grows_in_place_by_one());
        let op = move || trace::ScalarOp {
            table: &super::sites::PUSH,
            mark: super::sites::PUSH_MARK,
            slot: dtype as usize,
            array_elements: len.saturating_add(1),
            bytes_read: 0,
            bytes_written: dtype.size(),
            // Only a push that grows (or first copies a view) allocates.
            may_allocate: grows,
            writes_integer: dtype.is_integer(),
        };
        trace::scalar(op, |g| {
            self.check_1d("push")?;
            super::index::check_storable(value, dtype)?;
            self.make_growable()?;
            let Some(buf) = self.unique_buffer() else {
                return Err(Error::invalid("ndprof internal error: buffer still shared"));
            };
            buf.reserve(1)?;
            with_dtype!(dtype, T => {
                let v = value.to::<T>();
                buf.push_within_capacity::<T>(v);
                super::observe::note_value(g, v);
            });
            self.shape[0] += 1;
            Ok(())
        })
    }

    /// A new 1-D array holding this array's elements followed by `values`'
    /// (both flattened in C order), as NumPy's `append` without an axis. Copies
    /// everything into an exactly-sized buffer: in a loop this is quadratic.
    ///
    /// # Errors
    /// Allocation failure.
    #[track_caller]
    pub fn append(&self, values: &Array) -> Result<Array> {
        if self.is_c_contiguous() && values.is_c_contiguous() {
            // C-order elements are already in ravel order: copy them back to
            // back, with no flattened temporaries (an append loop's cost is
            // its copies, not the bookkeeping around them).
            return append_contiguous(self, values);
        }
        let a = self.ravel()?;
        let b = values.ravel()?;
        concatenate_in(&[&a, &b], 0, self.allocator(), "append")
    }

    /// Joins arrays along an existing `axis`; all other axes must match.
    /// The result's dtype is the promotion of all inputs.
    ///
    /// # Errors
    /// [`ShapeMismatch`](ErrorKind::ShapeMismatch) naming the mismatching shapes;
    /// [`InvalidArgument`](ErrorKind::InvalidArgument) for no arrays or a bad axis.
    #[track_caller]
    pub fn concatenate(arrays: &[&Array], axis: usize) -> Result<Array> {
        let first = arrays
            .first()
            .ok_or_else(|| Error::invalid("need at least one array to concatenate"))?;
        concatenate_in(arrays, axis, first.allocator(), "concatenate")
    }
}

/// [`Array::append`] of two C-contiguous arrays: one 1-D result, each
/// input converted to the promoted dtype (borrowed when it has it already).
#[track_caller]
fn append_contiguous(a: &Array, b: &Array) -> Result<Array> {
    let dtype = DType::promote(a.dtype(), b.dtype());
    let too_large = || {
        Error::new(
            ErrorKind::AllocationFailed,
            format!(
                "appending {} elements to {} gives an array too large for {dtype}",
                b.len(),
                a.len()
            ),
        )
    };
    let total = a.len().checked_add(b.len()).ok_or_else(too_large)?;
    let bytes = total.checked_mul(dtype.size()).ok_or_else(too_large)?;
    let _g = trace::op(
        "append",
        OpClass::CopyingGrowth,
        dtype.name(),
        total,
        bytes,
        bytes,
    );
    let (a, b) = (as_dtype(a, dtype)?, as_dtype(b, dtype)?);
    let mut out = Array::for_overwrite(dtype, &[total], a.allocator())?;
    with_dtype!(dtype, T => write_back_to_back::<T>(&mut out, &[&a, &b]))?;
    Ok(out)
}

/// Fills `out` (fresh, of `T`) with the elements of C-contiguous `sources`,
/// one after another; an error, before anything is written, if one is not
/// contiguous or they do not fill it exactly.
fn write_back_to_back<T: crate::dtype::Element>(out: &mut Array, sources: &[&Array]) -> Result<()> {
    let slots = out.uninit_slice::<T>();
    let lens: Option<usize> = sources
        .iter()
        .map(|a| a.contiguous_slice::<T>().map(<[T]>::len))
        .sum();
    if lens != Some(slots.len()) {
        return Err(Error::invalid(
            "ndprof internal error: joining arrays that are not contiguous",
        ));
    }
    let mut at = 0;
    for src in sources.iter().filter_map(|a| a.contiguous_slice::<T>()) {
        for (o, &v) in slots[at..at + src.len()].iter_mut().zip(src) {
            o.write(v);
        }
        at += src.len();
    }
    Ok(())
}

#[track_caller]
fn concatenate_in(
    arrays: &[&Array],
    axis: usize,
    alloc: Arc<dyn BufferAllocator>,
    op: &'static str,
) -> Result<Array> {
    let first = arrays
        .first()
        .ok_or_else(|| Error::invalid("need at least one array to concatenate"))?;
    first.axis_checked(axis)?;
    let mut shape = first.shape().to_vec();
    shape[axis] = 0;
    let mut dtype = first.dtype();
    for a in arrays {
        let same_rank = a.ndim() == first.ndim();
        let others_match = same_rank
            && a.shape()
                .iter()
                .zip(first.shape())
                .enumerate()
                .all(|(i, (x, y))| i == axis || x == y);
        if !others_match {
            return Err(Error::shape(format!(
                "all the input array dimensions except for the concatenation axis must match exactly, \
                 but shapes {} and {} differ",
                shape_str(first.shape()),
                shape_str(a.shape())
            )));
        }
        shape[axis] = shape[axis].checked_add(a.shape()[axis]).ok_or_else(|| {
            Error::new(
                ErrorKind::AllocationFailed,
                format!(
                    "concatenating along axis {axis} gives more than {} elements",
                    usize::MAX
                ),
            )
        })?;
        dtype = DType::promote(dtype, a.dtype());
    }
    // The result's size, and its bytes, must fit too (`checked_size` names
    // the shape; the element count of an empty array with a huge axis is 0).
    let total = crate::array::checked_size(&shape)?;
    total.checked_mul(dtype.size()).ok_or_else(|| {
        Error::new(
            crate::error::ErrorKind::AllocationFailed,
            format!("array of shape {} is too large", shape_str(&shape)),
        )
    })?;
    let _g = trace::op(
        op,
        OpClass::CopyingGrowth,
        dtype.name(),
        total,
        total.saturating_mul(dtype.size()),
        total.saturating_mul(dtype.size()),
    );
    let converted: Vec<std::borrow::Cow<'_, Array>> = arrays
        .iter()
        .map(|a| as_dtype(a, dtype))
        .collect::<Result<_>>()?;
    if axis == 0 && converted.iter().all(|a| a.is_c_contiguous()) {
        // Along the first axis of C-order inputs the result is their elements back to back.
        let mut out = Array::for_overwrite(dtype, &shape, alloc)?;
        let sources: Vec<&Array> = converted.iter().map(|a| a.as_ref()).collect();
        with_dtype!(dtype, T => write_back_to_back::<T>(&mut out, &sources))?;
        return Ok(out);
    }
    let mut out = Array::zeros_in(&shape, dtype, alloc)?;
    let mut start = 0usize;
    for a in &converted {
        let len = a.shape()[axis];
        with_dtype!(dtype, T => {
            let mut dst = out.nd_view_mut::<T>()?;
            dst.slice_axis_mut(ndarray::Axis(axis), ndarray::Slice::from(start..start + len))
                .assign(&a.nd_view::<T>());
        });
        start += len;
    }
    Ok(out)
}
