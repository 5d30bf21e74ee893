//! Fresh memory from the operating system: the C allocator for small blocks,
//! `mmap` for large ones on Linux (page-aligned, lazily zeroed, advised for
//! transparent huge pages).

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::NonNull;

/// Every buffer is aligned to this many bytes (a cache line, an AVX-512 vector).
pub const BUFFER_ALIGN: usize = 64;

/// Blocks of at least this many bytes come from `mmap` on Linux.
pub const LARGE_BLOCK: usize = 1 << 20;

const HUGE_PAGE: usize = 2 << 20;

pub(crate) fn layout(bytes: usize) -> Option<Layout> {
    Layout::from_size_align(bytes, BUFFER_ALIGN).ok()
}

/// Allocates `bytes` (> 0) aligned to [`BUFFER_ALIGN`]; `None` if the system refuses.
pub(crate) fn sys_alloc(bytes: usize, zeroed: bool) -> Option<NonNull<u8>> {
    #[cfg(target_os = "linux")]
    if bytes >= LARGE_BLOCK {
        return mmap_alloc(bytes);
    }
    let layout = layout(bytes)?;
    // SAFETY: `bytes > 0` (callers never ask for zero bytes), so the layout is non-zero-sized.
    let ptr = unsafe {
        if zeroed {
            System.alloc_zeroed(layout)
        } else {
            System.alloc(layout)
        }
    };
    NonNull::new(ptr)
}

/// Frees a block from [`sys_alloc`].
///
/// # Safety
/// `ptr` came from `sys_alloc(bytes, _)` with the same `bytes` and is not used afterwards.
pub(crate) unsafe fn sys_free(ptr: NonNull<u8>, bytes: usize) {
    #[cfg(target_os = "linux")]
    if bytes >= LARGE_BLOCK {
        let base = (ptr.as_ptr() as usize) & !(PAGE - 1);
        // SAFETY: the block was mapped by `mmap_alloc` as `bytes + PAGE` bytes starting at the
        // page below `ptr` (its color offset is less than a page) (caller's contract).
        unsafe { libc::munmap(base as *mut libc::c_void, bytes + PAGE) };
        return;
    }
    if let Some(layout) = layout(bytes) {
        // SAFETY: the block came from `System` with this layout (caller's contract).
        unsafe { System.dealloc(ptr.as_ptr(), layout) };
    }
}

const PAGE: usize = 4096;

/// Large blocks start at a rotating multiple of 64 bytes past their page
/// ("cache coloring"): otherwise every large array starts 2 MiB-aligned, and
/// `out[i] = f(a[i], b[i])` streams hit the same cache sets, which measured
/// 3.8x slower on 2 threads at 262,144 float64 elements on this machine.
#[cfg(target_os = "linux")]
fn next_color() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    (NEXT.fetch_add(1, Ordering::Relaxed) * 21 % (PAGE / BUFFER_ALIGN)) * BUFFER_ALIGN
}

#[cfg(target_os = "linux")]
fn mmap_alloc(bytes: usize) -> Option<NonNull<u8>> {
    let len = bytes.checked_add(PAGE)?;
    // SAFETY: an anonymous private mapping touches no existing memory; failure is checked.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        return None;
    }
    if bytes >= HUGE_PAGE {
        // SAFETY: the range lies inside the mapping just created; the advice is only a hint
        // and its failure (THP disabled) is harmless.
        unsafe { libc::madvise(ptr, len, libc::MADV_HUGEPAGE) };
    }
    // SAFETY: the color is less than a page, so the block stays inside the `bytes + PAGE` mapping.
    NonNull::new(unsafe { ptr.cast::<u8>().add(next_color()) })
}

/// Bytes of RAM plus swap on this machine: no single buffer larger than this
/// can ever be backed, so allocators refuse it up front (some, like mimalloc,
/// would otherwise reserve it lazily and fail later on first touch).
pub fn machine_memory() -> usize {
    static LIMIT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: `sysinfo` only writes into the zeroed struct we pass.
            let mut info: libc::sysinfo = unsafe { std::mem::zeroed() };
            // SAFETY: `info` is a valid, writable sysinfo struct.
            if unsafe { libc::sysinfo(&mut info) } == 0 {
                let unit = info.mem_unit.max(1) as u128;
                let total = (info.totalram as u128 + info.totalswap as u128) * unit;
                return total.min(usize::MAX as u128) as usize;
            }
        }
        usize::MAX
    })
}
