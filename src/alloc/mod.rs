//! Where buffer memory comes from.
//!
//! A [`BufferAllocator`] hands out 64-byte-aligned blocks and keeps exact
//! statistics ([`AllocStats`]). Three implementations:
//!
//! - [`SystemAllocator`], the C allocator for small blocks, `mmap` for blocks of
//!   1 MiB and more (advised for transparent huge pages on Linux);
//! - [`MimallocAllocator`], mimalloc;
//! - [`PoolAllocator`], which keeps freed blocks by size class and hands them out
//!   again, so a loop that makes a large temporary each step pays the page
//!   faults once, not every step. The default.
//!
//! Choose per array with the `*_in` constructors, or for the process with
//! [`set_default_allocator`]:
//!
//! ```
//! # fn main() -> ndprof::Result<()> {
//! use ndprof::{alloc, Array, DType};
//! use std::sync::Arc;
//! let sys: Arc<dyn alloc::BufferAllocator> = Arc::new(alloc::SystemAllocator::new());
//! let a = Array::zeros_in(&[1000], DType::Float64, sys.clone())?;
//! assert_eq!(sys.stats().allocations, 1);
//! assert_eq!(sys.stats().live_bytes, 8000);
//! drop(a);
//! assert_eq!(sys.stats().live_bytes, 0);
//! # Ok(())
//! # }
//! ```

mod allocator;
mod mi;
mod os;
mod pool;
mod registry;
mod stats;
mod system;
mod tracking;

pub(crate) use allocator::{alloc_error, allocate_untraced, deallocate_untraced};
pub use allocator::{human_bytes, BufferAllocator};
pub use mi::MimallocAllocator;
pub use os::{machine_memory, BUFFER_ALIGN, LARGE_BLOCK};
pub use pool::PoolAllocator;
pub use registry::{
    by_name, default_allocator, mimalloc, pool, set_default_allocator, shared_pool, system,
};
pub use stats::{AllocStats, Counters};
pub use system::SystemAllocator;
pub use tracking::Tracking;
