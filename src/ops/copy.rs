//! Contiguous copies (`copy`, `to_contiguous`).

use super::kernels::copy_into;
use crate::alloc::BufferAllocator;
use crate::array::Array;
use crate::dtype::with_dtype;
use crate::error::Result;
use crate::trace::{self, OpClass};
use std::sync::Arc;

impl Array {
    /// A C-contiguous copy in the array's own allocator.
    ///
    /// # Errors
    /// [`AllocationFailed`](crate::error::ErrorKind::AllocationFailed).
    #[track_caller]
    pub fn to_contiguous(&self) -> Result<Array> {
        self.to_contiguous_in(self.allocator())
    }

    /// A C-contiguous copy in `alloc`.
    ///
    /// # Errors
    /// [`AllocationFailed`](crate::error::ErrorKind::AllocationFailed).
    #[track_caller]
    pub fn to_contiguous_in(&self, alloc: Arc<dyn BufferAllocator>) -> Result<Array> {
        let _g = trace::op(
            "copy",
            OpClass::Copy,
            self.dtype().name(),
            self.len(),
            self.nbytes(),
            self.nbytes(),
        );
        let mut out = Array::for_overwrite(self.dtype(), &self.shape, alloc)?;
        with_dtype!(self.dtype(), T => copy_into::<T>(self, &mut out))?;
        Ok(out)
    }

    /// A deep copy (C order, same allocator); `clone` instead shares the buffer.
    ///
    /// # Errors
    /// [`AllocationFailed`](crate::error::ErrorKind::AllocationFailed).
    #[track_caller]
    pub fn copy(&self) -> Result<Array> {
        self.to_contiguous()
    }
}
