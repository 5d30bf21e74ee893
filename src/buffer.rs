//! [`Buffer`]: 64-byte-aligned memory tagged with its dtype and the allocator
//! it came from. The one place that turns raw bytes into typed slices.

use crate::alloc::{
    alloc_error, allocate_untraced, deallocate_untraced, BufferAllocator, BUFFER_ALIGN,
};
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use std::fmt;
use std::ptr::NonNull;
use std::sync::Arc;

#[repr(C, align(64))]
struct CacheLine([u8; BUFFER_ALIGN]);

/// Elements a first `push` reserves; later growth doubles the capacity.
pub const MIN_PUSH_CAPACITY: usize = 8;

/// Owned, aligned element storage. `len` elements are initialized; the block
/// holds `capacity`. Arrays share a buffer through `Arc` and copy it before
/// writing when it is shared (copy-on-write).
pub struct Buffer {
    ptr: NonNull<u8>,
    len: usize,
    capacity: usize,
    dtype: DType,
    alloc: Arc<dyn BufferAllocator>,
    /// The profiling session and call-tree node that allocated the block, if
    /// one was recording: the profiler charges the bytes to it while they live.
    owner: Option<(u64, crate::trace::NodeId)>,
}

// SAFETY: a Buffer owns its block exclusively (like a Vec); the elements are plain `Send + Sync`
// data, and shared access only reads.
unsafe impl Send for Buffer {}
// SAFETY: `&Buffer` only allows reads of initialized plain data.
unsafe impl Sync for Buffer {}

fn byte_size(dtype: DType, elements: usize) -> Result<usize> {
    elements
        .checked_mul(dtype.size())
        .filter(|&b| b <= isize::MAX as usize - BUFFER_ALIGN)
        .ok_or_else(|| {
            Error::new(
                crate::error::ErrorKind::AllocationFailed,
                format!("unable to allocate {elements} elements of {dtype}: the size overflows"),
            )
        })
}

impl Buffer {
    fn allocate(
        dtype: DType,
        capacity: usize,
        len: usize,
        zeroed: bool,
        alloc: Arc<dyn BufferAllocator>,
    ) -> Result<Buffer> {
        let bytes = byte_size(dtype, capacity)?;
        let (ptr, owner) = if bytes == 0 {
            (NonNull::<CacheLine>::dangling().cast(), None)
        } else {
            let ptr = allocate_untraced(&*alloc, bytes, zeroed)?;
            (ptr, crate::trace::buffer_allocated(bytes))
        };
        Ok(Buffer {
            ptr,
            len,
            capacity,
            dtype,
            alloc,
            owner,
        })
    }

    /// `len` zero elements (all-false for bool).
    ///
    /// # Errors
    /// [`AllocationFailed`](crate::error::ErrorKind::AllocationFailed) if the size overflows or
    /// the allocator refuses.
    pub fn zeroed(dtype: DType, len: usize, alloc: Arc<dyn BufferAllocator>) -> Result<Buffer> {
        Self::allocate(dtype, len, len, true, alloc)
    }

    /// `len` elements whose contents the caller must write before any read.
    /// Crate-internal: every op that makes one writes every element before the
    /// buffer becomes visible.
    pub(crate) fn for_overwrite(
        dtype: DType,
        len: usize,
        alloc: Arc<dyn BufferAllocator>,
    ) -> Result<Buffer> {
        Self::allocate(dtype, len, len, false, alloc)
    }

    /// An empty buffer with room for `capacity` elements.
    ///
    /// # Errors
    /// As [`zeroed`](Self::zeroed).
    pub fn with_capacity(
        dtype: DType,
        capacity: usize,
        alloc: Arc<dyn BufferAllocator>,
    ) -> Result<Buffer> {
        Self::allocate(dtype, capacity, 0, false, alloc)
    }

    /// A buffer holding a copy of `data`.
    ///
    /// # Errors
    /// As [`zeroed`](Self::zeroed).
    pub fn from_slice<T: Element>(data: &[T], alloc: Arc<dyn BufferAllocator>) -> Result<Buffer> {
        let mut buf = Self::for_overwrite(T::DTYPE, data.len(), alloc)?;
        buf.as_uninit_slice_mut::<T>()
            .iter_mut()
            .zip(data)
            .for_each(|(o, &v)| {
                o.write(v);
            });
        Ok(buf)
    }

    /// The element dtype.
    #[inline]
    pub fn dtype(&self) -> DType {
        self.dtype
    }
    /// Initialized elements.
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether no element is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Elements the block can hold.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
    /// The allocator the block came from.
    pub fn allocator(&self) -> &Arc<dyn BufferAllocator> {
        &self.alloc
    }
    /// The start of the block.
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    /// The bytes of element `i` (zero-extended, little-endian), or `None`
    /// past the initialized elements: one load of the dtype's width, with
    /// no dispatch on the element type.
    #[inline(always)]
    pub(crate) fn element_bits(&self, i: usize) -> Option<u64> {
        if i >= self.len {
            return None;
        }
        let p = self.ptr.as_ptr();
        // SAFETY: `i < len` initialized elements of `dtype.size()` bytes each lie in the block,
        // which is aligned to 64 >= the element's size.
        Some(unsafe {
            match self.dtype.size() {
                1 => u64::from(*p.add(i)),
                2 => u64::from(*p.cast::<u16>().add(i)),
                4 => u64::from(*p.cast::<u32>().add(i)),
                _ => *p.cast::<u64>().add(i),
            }
        })
    }

    fn check<T: Element>(&self) {
        assert_eq!(
            T::DTYPE,
            self.dtype,
            "ndprof internal error: typed access with the wrong dtype"
        );
    }

    /// The initialized elements as `T`.
    ///
    /// # Panics
    /// If `T` is not the buffer's dtype (callers check dtypes first and return errors).
    pub fn as_slice<T: Element>(&self) -> &[T] {
        self.check::<T>();
        // SAFETY: the block is aligned to 64 >= align_of::<T>(), holds `len` initialized
        // elements of T (dtype checked above), and lives as long as `self`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().cast::<T>(), self.len) }
    }

    /// The initialized elements as mutable `T`.
    ///
    /// # Panics
    /// As [`as_slice`](Self::as_slice).
    pub fn as_slice_mut<T: Element>(&mut self) -> &mut [T] {
        self.check::<T>();
        // SAFETY: as `as_slice`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr().cast::<T>(), self.len) }
    }

    /// The initialized elements as bytes (little-endian on the platforms ndprof supports).
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `len * size` initialized bytes of plain data (no padding in any Element type).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len * self.dtype.size()) }
    }

    /// The initialized elements as mutable bytes. Crate-internal: writers must
    /// leave valid values (0 or 1 in bool buffers).
    pub(crate) fn as_bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as `as_bytes`, exclusively borrowed.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len * self.dtype.size()) }
    }

    /// All `len` elements as possibly-uninitialized slots, for ops that fill a
    /// buffer made by [`for_overwrite`](Self::for_overwrite).
    pub(crate) fn as_uninit_slice_mut<T: Element>(&mut self) -> &mut [std::mem::MaybeUninit<T>] {
        self.check::<T>();
        // SAFETY: the block holds `len` slots of T, aligned, exclusively borrowed; MaybeUninit
        // makes no claim about their contents.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr().cast(), self.len) }
    }

    /// Makes room for `additional` more elements: to at least `len + additional`,
    /// and at least double the capacity (from [`MIN_PUSH_CAPACITY`]) so that
    /// repeated pushes cost amortized O(1). Counts one reallocation and the
    /// bytes copied in the allocator's statistics.
    ///
    /// # Errors
    /// [`AllocationFailed`](crate::error::ErrorKind::AllocationFailed); the buffer is unchanged.
    pub fn reserve(&mut self, additional: usize) -> Result<()> {
        let needed = self
            .len
            .checked_add(additional)
            .ok_or_else(|| alloc_error(usize::MAX, self.alloc.name()))?;
        if needed <= self.capacity {
            return Ok(());
        }
        let new_cap = needed
            .max(self.capacity.saturating_mul(2))
            .max(MIN_PUSH_CAPACITY);
        self.reserve_exact_to(new_cap)
    }

    /// Grows the capacity to exactly `new_cap` elements (if larger).
    ///
    /// # Errors
    /// As [`reserve`](Self::reserve).
    pub fn reserve_exact_to(&mut self, new_cap: usize) -> Result<()> {
        if new_cap <= self.capacity {
            return Ok(());
        }
        let new_bytes = byte_size(self.dtype, new_cap)?;
        let old_bytes = self.capacity * self.dtype.size();
        if old_bytes == 0 {
            // The first block: an allocation (with its ownership), not a growth.
            self.ptr = allocate_untraced(&*self.alloc, new_bytes, false)?;
            self.capacity = new_cap;
            self.owner = crate::trace::buffer_allocated(new_bytes);
            return Ok(());
        }
        // SAFETY: `ptr` came from `alloc` for `old_bytes`; `len * size <= old_bytes < new_bytes`.
        self.ptr = unsafe {
            self.alloc
                .grow(self.ptr, old_bytes, new_bytes, self.len * self.dtype.size())?
        };
        self.capacity = new_cap;
        if let Some(o) = self.owner {
            crate::trace::buffer_held(o, (new_bytes - old_bytes) as i64, 0);
        }
        Ok(())
    }

    /// Appends one element. The caller has reserved room.
    pub(crate) fn push_within_capacity<T: Element>(&mut self, value: T) {
        self.check::<T>();
        assert!(
            self.len < self.capacity,
            "ndprof internal error: push past capacity"
        );
        // SAFETY: `len < capacity`, so slot `len` lies inside the aligned block we own exclusively.
        unsafe { self.ptr.as_ptr().cast::<T>().add(self.len).write(value) };
        self.len += 1;
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        let bytes = self.capacity * self.dtype.size();
        if bytes > 0 {
            // SAFETY: the block came from `alloc` for exactly `bytes` bytes and is dropped once.
            unsafe { deallocate_untraced(&*self.alloc, self.ptr, bytes) };
            crate::trace::buffer_freed(self.owner, bytes);
        }
    }
}

impl fmt::Debug for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buffer")
            .field("dtype", &self.dtype)
            .field("len", &self.len)
            .field("capacity", &self.capacity)
            .field("allocator", &self.alloc.name())
            .finish()
    }
}
