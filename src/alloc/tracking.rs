//! [`Tracking`]: a global-allocator wrapper that charges every heap
//! allocation of the program to the `profile!` scope (or op) it happens in.

use crate::trace::heap;
use std::alloc::{GlobalAlloc, Layout};

/// Bytes before each block that record who allocated it.
const HEADER: usize = 16;
const MAGIC: u32 = 0x6e64_7066; // "ndpf"

/// Wraps a global allocator (`System`, `mimalloc::MiMalloc`, `dhat::Alloc`)
/// to attribute every heap allocation of the program, plain `Vec` growth in
/// user code included, to the current scope path while a session records.
///
/// ```
/// #[global_allocator]
/// static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
///     ndprof::alloc::Tracking::new(mimalloc::MiMalloc);
///
/// fn main() {
///     let v: Vec<u64> = (0..1000).collect(); // counted while a session records
///     assert_eq!(v.len(), 1000);
/// }
/// ```
///
/// How it counts, and the bounds:
/// - Each block carries a 16-byte header (more for over-aligned layouts)
///   holding the session and node that allocated it, so a free on any
///   thread is charged to the scope that allocated the block.
/// - Counts and bytes per scope are exact: each thread adds to its own
///   per-node table (a lock only its own thread takes, except once when the
///   session finishes).
/// - Live bytes reach the shared peak counter in steps of 64 KiB per thread
///   (`trace::HEAP_FLUSH_BYTES`), so the reported peak is low by at most
///   64 KiB per allocating thread, and two threads allocating do not fight
///   over one cache line on every call.
/// - `realloc` counts as a free of the old size and an allocation of the
///   new one (as dhat counts blocks and bytes).
/// - Allocations made by the counting itself are not counted.
/// - ndprof's array buffers come from their own allocators, not the global
///   one; the profiler counts them separately and reports both.
#[derive(Debug, Default)]
pub struct Tracking<A> {
    inner: A,
}

impl<A> Tracking<A> {
    /// Wraps `inner`.
    pub const fn new(inner: A) -> Self {
        Tracking { inner }
    }
}

#[inline(always)]
fn pad(align: usize) -> usize {
    align.max(HEADER)
}

#[inline(always)]
fn outer(layout: Layout) -> Option<Layout> {
    let size = layout.size().checked_add(pad(layout.align()))?;
    Layout::from_size_align(size, layout.align()).ok()
}

/// # Safety
/// `user` points `pad >= 16` bytes into a live block we allocated.
#[inline(always)]
unsafe fn write_header(user: *mut u8, owner: (u64, u32)) {
    // SAFETY: the 16 bytes before `user` lie inside the block's padding; unaligned writes
    // need no alignment.
    unsafe {
        let h = user.sub(HEADER);
        (h as *mut u64).write_unaligned(owner.0);
        (h.add(8) as *mut u32).write_unaligned(owner.1);
        (h.add(12) as *mut u32).write_unaligned(MAGIC);
    }
}

/// # Safety
/// As `write_header`, for a block whose header was written.
#[inline(always)]
unsafe fn read_header(user: *mut u8) -> (u64, u32) {
    // SAFETY: as `write_header`.
    unsafe {
        let h = user.sub(HEADER);
        if (h.add(12) as *const u32).read_unaligned() != MAGIC {
            return (0, 0);
        }
        (
            (h as *const u64).read_unaligned(),
            (h.add(8) as *const u32).read_unaligned(),
        )
    }
}

impl<A: GlobalAlloc> Tracking<A> {
    #[inline(always)]
    unsafe fn alloc_with(&self, layout: Layout, zeroed: bool) -> *mut u8 {
        heap::mark_installed();
        let Some(full) = outer(layout) else {
            return std::ptr::null_mut();
        };
        if !crate::trace::enabled() {
            // No session: just carry an empty header.
            // SAFETY: `full` is non-zero-sized; the user part starts `pad` bytes in.
            return unsafe {
                let base = if zeroed {
                    self.inner.alloc_zeroed(full)
                } else {
                    self.inner.alloc(full)
                };
                if base.is_null() {
                    return base;
                }
                let user = base.add(pad(layout.align()));
                write_header(user, (0, 0));
                user
            };
        }
        let outermost = heap::enter();
        // SAFETY: `full` is non-zero-sized (it includes the header).
        let base = unsafe {
            if zeroed {
                self.inner.alloc_zeroed(full)
            } else {
                self.inner.alloc(full)
            }
        };
        let owner = if outermost && !base.is_null() {
            heap::count_alloc(layout.size())
        } else {
            (0, 0)
        };
        heap::leave(outermost);
        if base.is_null() {
            return base;
        }
        // SAFETY: `base` has `pad` bytes before the user part; `pad` keeps `layout.align()`.
        unsafe {
            let user = base.add(pad(layout.align()));
            write_header(user, owner);
            user
        }
    }
}

// SAFETY: every block handed out is `pad` bytes into a block of the inner allocator with the
// caller's alignment; dealloc and realloc recompute the same `pad` and outer layout from the
// caller's layout, as GlobalAlloc requires the same layout back.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Tracking<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.alloc_with(layout, false) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.alloc_with(layout, true) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let p = pad(layout.align());
        // SAFETY: `ptr` came from `alloc_with` with this layout, so the header and `p`
        // bytes before it belong to the block; `outer` succeeded when it was allocated.
        unsafe {
            if !crate::trace::enabled() {
                if let Some(full) = outer(layout) {
                    self.inner.dealloc(ptr.sub(p), full);
                }
                return;
            }
            let outermost = heap::enter();
            if outermost {
                heap::count_free(read_header(ptr), layout.size());
            }
            if let Some(full) = outer(layout) {
                self.inner.dealloc(ptr.sub(p), full);
            }
            heap::leave(outermost);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = pad(layout.align());
        let (Some(full), Some(new_full)) = (outer(layout), new_size.checked_add(p)) else {
            return std::ptr::null_mut();
        };
        // SAFETY: as `dealloc`; the inner realloc keeps the header bytes at the front of the
        // block, and on failure leaves the old block (and its header) untouched.
        unsafe {
            let owner = read_header(ptr);
            let outermost = heap::enter();
            let base = self.inner.realloc(ptr.sub(p), full, new_full);
            let new_owner = if outermost && !base.is_null() {
                heap::count_free(owner, layout.size());
                heap::count_alloc(new_size)
            } else {
                (0, 0)
            };
            heap::leave(outermost);
            if base.is_null() {
                return base;
            }
            let user = base.add(p);
            write_header(user, new_owner);
            user
        }
    }
}
