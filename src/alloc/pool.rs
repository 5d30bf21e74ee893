//! [`PoolAllocator`]: reuses freed blocks by size class.

use super::allocator::BufferAllocator;
use super::os::{sys_alloc, sys_free};
use super::stats::Counters;
use std::collections::BTreeMap;
use std::ptr::NonNull;
use std::sync::Mutex;

/// Keeps freed blocks in per-size-class free lists and hands them out again.
///
/// A request is rounded up to its size class: powers of two up to 1 MiB, then
/// steps of an eighth of the next power of two (under 25% waste). Fresh
/// blocks come from the system (`mmap` with huge-page advice for large ones);
/// a reused block is already page-faulted, which is what makes a loop's large
/// temporaries cheap after the first step. Growth within a block's size class
/// happens in place without copying.
///
/// Freed blocks are kept up to a byte limit (default 4 GiB); beyond it they go
/// back to the system. [`trim`](Self::trim) releases everything kept.
///
/// ```
/// # fn main() -> ndprof::Result<()> {
/// use ndprof::alloc::{BufferAllocator, PoolAllocator};
/// let pool = PoolAllocator::new();
/// let p = pool.allocate(10_000, false)?;
/// // SAFETY: `p` came from `pool` with this size.
/// unsafe { pool.deallocate(p, 10_000) };
/// let q = pool.allocate(9_000, false)?; // same class: reused
/// assert_eq!(p, q);
/// assert_eq!(pool.stats().reused, 1);
/// # unsafe { pool.deallocate(q, 9_000) };
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct PoolAllocator {
    counters: Counters,
    free: Mutex<FreeLists>,
    max_retained: u64,
}

#[derive(Debug, Default)]
struct FreeLists {
    by_class: BTreeMap<usize, Vec<BlockPtr>>,
    retained: u64,
}

/// A pointer to a free block, owned by the free list.
#[derive(Debug)]
struct BlockPtr(NonNull<u8>);

// SAFETY: a free block is plain memory owned by the pool; no thread holds a reference to it,
// so moving the pointer between threads is sound.
unsafe impl Send for BlockPtr {}

/// The capacity of the size class that serves `bytes`.
pub(crate) fn size_class(bytes: usize) -> usize {
    const SMALLEST: usize = 64;
    const POW2_UP_TO: usize = 1 << 20;
    if bytes <= SMALLEST {
        return SMALLEST;
    }
    let p = bytes.checked_next_power_of_two().unwrap_or(bytes);
    if p <= POW2_UP_TO {
        return p;
    }
    let step = p / 8;
    bytes.div_ceil(step).saturating_mul(step)
}

impl Default for PoolAllocator {
    fn default() -> Self {
        Self::new()
    }
}

impl PoolAllocator {
    /// A pool that keeps up to 4 GiB of freed blocks.
    pub fn new() -> Self {
        Self::with_limit(4 << 30)
    }

    /// A pool that keeps up to `max_retained_bytes` of freed blocks.
    pub fn with_limit(max_retained_bytes: u64) -> Self {
        PoolAllocator {
            counters: Counters::new(),
            free: Mutex::new(FreeLists::default()),
            max_retained: max_retained_bytes,
        }
    }

    /// Gives every kept block back to the system.
    pub fn trim(&self) {
        let mut lists = self.free.lock().unwrap_or_else(|e| e.into_inner());
        for (class, blocks) in std::mem::take(&mut lists.by_class) {
            for block in blocks {
                // SAFETY: every kept block came from `sys_alloc(class)` and is owned by the list.
                unsafe { sys_free(block.0, class) };
            }
        }
        lists.retained = 0;
        self.counters.set_retained(0);
    }
}

impl Drop for PoolAllocator {
    fn drop(&mut self) {
        self.trim();
    }
}

impl BufferAllocator for PoolAllocator {
    fn name(&self) -> &'static str {
        "pool"
    }

    fn counters(&self) -> &Counters {
        &self.counters
    }

    fn raw_allocate(&self, bytes: usize, zeroed: bool) -> Option<NonNull<u8>> {
        let class = size_class(bytes);
        let reused = {
            let mut lists = self.free.lock().unwrap_or_else(|e| e.into_inner());
            let block = lists.by_class.get_mut(&class).and_then(Vec::pop);
            if block.is_some() {
                lists.retained -= class as u64;
                self.counters.set_retained(lists.retained);
            }
            block
        };
        match reused {
            Some(block) => {
                self.counters.on_reuse();
                if zeroed {
                    // SAFETY: the block holds `class >= bytes` writable bytes and is ours alone.
                    unsafe { std::ptr::write_bytes(block.0.as_ptr(), 0, bytes) };
                }
                Some(block.0)
            }
            None => sys_alloc(class, zeroed),
        }
    }

    unsafe fn raw_deallocate(&self, ptr: NonNull<u8>, bytes: usize) {
        let class = size_class(bytes);
        let mut lists = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if lists.retained + class as u64 <= self.max_retained {
            lists.by_class.entry(class).or_default().push(BlockPtr(ptr));
            lists.retained += class as u64;
            self.counters.set_retained(lists.retained);
        } else {
            drop(lists);
            // SAFETY: the block came from `sys_alloc(class)` (caller's contract).
            unsafe { sys_free(ptr, class) };
        }
    }

    unsafe fn raw_grow(
        &self,
        ptr: NonNull<u8>,
        old_bytes: usize,
        new_bytes: usize,
        used_bytes: usize,
    ) -> Option<(NonNull<u8>, usize)> {
        if size_class(new_bytes) == size_class(old_bytes) {
            return Some((ptr, 0));
        }
        let new = self.raw_allocate(new_bytes, false)?;
        // SAFETY: both blocks hold at least `used_bytes` and are distinct; the old one is ours.
        unsafe {
            std::ptr::copy_nonoverlapping(ptr.as_ptr(), new.as_ptr(), used_bytes);
            self.raw_deallocate(ptr, old_bytes);
        }
        Some((new, used_bytes))
    }
}

#[cfg(test)]
mod tests {
    use crate::alloc::pool::size_class;

    #[test]
    fn size_classes() {
        assert_eq!(size_class(1), 64);
        assert_eq!(size_class(65), 128);
        assert_eq!(size_class(1 << 20), 1 << 20);
        assert_eq!(size_class((1 << 20) + 1), (1 << 21) / 8 * 5);
        assert_eq!(
            size_class(80_000_000),
            80_000_000usize.div_ceil(1 << 24) * (1 << 24)
        );
        for b in [100usize, 5000, 1 << 20] {
            let c = size_class(b);
            assert!(c >= b && c < 2 * b, "{b} -> {c}");
        }
        for b in [(1usize << 20) + 1, 3 << 20, 80_000_000, 1 << 33] {
            let c = size_class(b);
            assert!(c >= b && c - b < b / 4, "{b} -> {c}");
        }
    }
}
