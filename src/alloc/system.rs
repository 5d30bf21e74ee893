//! [`SystemAllocator`]: the C allocator, and `mmap` for large blocks.

use super::allocator::BufferAllocator;
use super::os::{sys_alloc, sys_free};
use super::stats::Counters;
use std::ptr::NonNull;

/// Blocks from the C allocator (`malloc`), or straight from `mmap` for blocks
/// of [`LARGE_BLOCK`](super::os::LARGE_BLOCK) bytes and more on Linux, advised for
/// transparent huge pages. Every allocation of a large block is fresh memory
/// that page-faults on first touch, as NumPy's do.
#[derive(Debug, Default)]
pub struct SystemAllocator {
    counters: Counters,
}

impl SystemAllocator {
    /// A system allocator with its own statistics.
    pub const fn new() -> Self {
        SystemAllocator {
            counters: Counters::new(),
        }
    }
}

impl BufferAllocator for SystemAllocator {
    fn name(&self) -> &'static str {
        "system"
    }
    fn counters(&self) -> &Counters {
        &self.counters
    }
    fn raw_allocate(&self, bytes: usize, zeroed: bool) -> Option<NonNull<u8>> {
        sys_alloc(bytes, zeroed)
    }
    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, bytes: usize) {
        // SAFETY: forwarded contract: the block came from `sys_alloc(bytes)`.
        unsafe { sys_free(ptr, bytes) }
    }
}
