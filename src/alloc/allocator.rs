//! [`BufferAllocator`]: where buffer memory comes from, with the accounting
//! every implementation shares.

use super::os;
use super::stats::{AllocStats, Counters};
use crate::error::{Error, ErrorKind, Result};
use crate::trace::{self, AllocKind};
use std::fmt;
use std::ptr::NonNull;

/// A source of 64-byte-aligned buffer memory with exact statistics.
///
/// Implementors provide the `raw_*` methods; callers use the provided
/// [`allocate`](Self::allocate), [`deallocate`](Self::deallocate) and
/// [`grow`](Self::grow), which count every event in [`Counters`] and report it
/// to the [`trace`] layer, so accounting lives in one place. (ndprof's own
/// buffers count through the same code and report an allocation and a free
/// to the trace layer together with who owns the buffer.)
pub trait BufferAllocator: Send + Sync + fmt::Debug {
    /// A short name for reports: `system`, `mimalloc`, `pool`.
    fn name(&self) -> &'static str;

    /// The allocator's counters.
    fn counters(&self) -> &Counters;

    /// A block of at least `bytes` bytes (`bytes > 0`), aligned to
    /// [`BUFFER_ALIGN`](super::os::BUFFER_ALIGN), zero-filled if `zeroed`; `None` if memory is exhausted.
    fn raw_allocate(&self, bytes: usize, zeroed: bool) -> Option<NonNull<u8>>;

    /// Gives back a block.
    ///
    /// # Safety
    /// `ptr` came from this allocator's `raw_allocate` or `raw_grow` for exactly
    /// `bytes` bytes and is not used afterwards.
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, bytes: usize);

    /// Grows a block to `new_bytes`, keeping its first `used_bytes`. Returns the
    /// block and how many bytes were copied. The default allocates, copies the
    /// used bytes and frees the old block.
    ///
    /// # Safety
    /// As [`raw_deallocate`](Self::raw_deallocate) for `ptr` and `old_bytes`;
    /// `used_bytes <= old_bytes < new_bytes`. On `None` the old block stays valid.
    unsafe fn raw_grow(
        &self,
        ptr: NonNull<u8>,
        old_bytes: usize,
        new_bytes: usize,
        used_bytes: usize,
    ) -> Option<(NonNull<u8>, usize)> {
        let new = self.raw_allocate(new_bytes, false)?;
        // SAFETY: both blocks are valid for `used_bytes` (<= either size) and distinct.
        unsafe {
            std::ptr::copy_nonoverlapping(ptr.as_ptr(), new.as_ptr(), used_bytes);
            self.raw_deallocate(ptr, old_bytes);
        }
        Some((new, used_bytes))
    }

    /// Allocates `bytes > 0` bytes, counting it.
    ///
    /// # Errors
    /// [`ErrorKind::AllocationFailed`] naming the size if memory is exhausted.
    fn allocate(&self, bytes: usize, zeroed: bool) -> Result<NonNull<u8>> {
        let ptr = allocate_untraced(self, bytes, zeroed)?;
        trace::alloc_event(AllocKind::Alloc, bytes);
        Ok(ptr)
    }

    /// Frees a block, counting it.
    ///
    /// # Safety
    /// As [`raw_deallocate`](Self::raw_deallocate).
    unsafe fn deallocate(&self, ptr: NonNull<u8>, bytes: usize) {
        // SAFETY: forwarded caller contract.
        unsafe { deallocate_untraced(self, ptr, bytes) };
        trace::alloc_event(AllocKind::Free, bytes);
    }

    /// Grows a block, counting the reallocation and the bytes copied.
    ///
    /// # Errors
    /// [`ErrorKind::AllocationFailed`]; the old block then stays valid.
    ///
    /// # Safety
    /// As [`raw_grow`](Self::raw_grow).
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old_bytes: usize,
        new_bytes: usize,
        used_bytes: usize,
    ) -> Result<NonNull<u8>> {
        if new_bytes > os::machine_memory() {
            return Err(alloc_error(new_bytes, self.name()));
        }
        // SAFETY: forwarded caller contract.
        let (new, copied) = unsafe { self.raw_grow(ptr, old_bytes, new_bytes, used_bytes) }
            .ok_or_else(|| alloc_error(new_bytes, self.name()))?;
        self.counters().on_grow(old_bytes, new_bytes, copied);
        trace::alloc_event(
            AllocKind::Grow {
                old: old_bytes as u64,
                copied: copied as u64,
            },
            new_bytes,
        );
        Ok(new)
    }

    /// A snapshot of the statistics.
    fn stats(&self) -> AllocStats {
        self.counters().snapshot()
    }
}

/// [`BufferAllocator::allocate`] without the trace event: for `Buffer`,
/// which reports the allocation together with its ownership
/// (`trace::buffer_allocated`).
pub(crate) fn allocate_untraced<A: BufferAllocator + ?Sized>(
    a: &A,
    bytes: usize,
    zeroed: bool,
) -> Result<NonNull<u8>> {
    if bytes > os::machine_memory() {
        return Err(alloc_error(bytes, a.name()));
    }
    let ptr = a
        .raw_allocate(bytes, zeroed)
        .ok_or_else(|| alloc_error(bytes, a.name()))?;
    a.counters().on_alloc(bytes);
    Ok(ptr)
}

/// [`BufferAllocator::deallocate`] without the trace event (see
/// [`allocate_untraced`]).
///
/// # Safety
/// As [`BufferAllocator::raw_deallocate`].
pub(crate) unsafe fn deallocate_untraced<A: BufferAllocator + ?Sized>(
    a: &A,
    ptr: NonNull<u8>,
    bytes: usize,
) {
    // SAFETY: forwarded caller contract.
    unsafe { a.raw_deallocate(ptr, bytes) };
    a.counters().on_free(bytes);
}

pub(crate) fn alloc_error(bytes: usize, name: &str) -> Error {
    Error::new(
        ErrorKind::AllocationFailed,
        format!(
            "unable to allocate {} ({bytes} bytes) from the {name} allocator",
            human_bytes(bytes as u64)
        ),
    )
}

/// Formats a byte count as NumPy's messages do: `931 GiB`, `7.63 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{v:.3} {}", UNITS[unit])
    }
}
