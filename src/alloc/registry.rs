//! The process-wide allocators and the default one.

use super::allocator::BufferAllocator;
use super::mi::MimallocAllocator;
use super::pool::PoolAllocator;
use super::system::SystemAllocator;
use crate::error::{Error, Result};
use std::sync::{Arc, OnceLock, RwLock};

static SYSTEM: OnceLock<Arc<SystemAllocator>> = OnceLock::new();
static MIMALLOC: OnceLock<Arc<MimallocAllocator>> = OnceLock::new();
static POOL: OnceLock<Arc<PoolAllocator>> = OnceLock::new();
static DEFAULT: RwLock<Option<Arc<dyn BufferAllocator>>> = RwLock::new(None);

/// The process-wide [`SystemAllocator`].
pub fn system() -> Arc<dyn BufferAllocator> {
    SYSTEM
        .get_or_init(|| Arc::new(SystemAllocator::new()))
        .clone()
}

/// The process-wide [`MimallocAllocator`].
pub fn mimalloc() -> Arc<dyn BufferAllocator> {
    MIMALLOC
        .get_or_init(|| Arc::new(MimallocAllocator::new()))
        .clone()
}

/// The process-wide [`PoolAllocator`] (the default allocator unless changed).
pub fn pool() -> Arc<dyn BufferAllocator> {
    shared_pool().clone()
}

/// The process-wide pool as its concrete type, for [`PoolAllocator::trim`].
pub fn shared_pool() -> &'static Arc<PoolAllocator> {
    POOL.get_or_init(|| Arc::new(PoolAllocator::new()))
}

/// The allocator new arrays use when none is named: the process-wide pool
/// unless [`set_default_allocator`] chose another.
pub fn default_allocator() -> Arc<dyn BufferAllocator> {
    let slot = DEFAULT.read().unwrap_or_else(|e| e.into_inner());
    match slot.as_ref() {
        Some(a) => a.clone(),
        None => pool(),
    }
}

/// Makes `alloc` the allocator of arrays created without an explicit one.
/// Arrays that exist keep theirs; results of operations use their first
/// operand's allocator.
pub fn set_default_allocator(alloc: Arc<dyn BufferAllocator>) {
    let mut slot = DEFAULT.write().unwrap_or_else(|e| e.into_inner());
    *slot = Some(alloc);
}

/// Parses an allocator name (`system`, `mimalloc`, `pool`) into the shared instance.
///
/// # Errors
/// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for any other name.
pub fn by_name(name: &str) -> Result<Arc<dyn BufferAllocator>> {
    match name {
        "system" => Ok(system()),
        "mimalloc" => Ok(mimalloc()),
        "pool" => Ok(pool()),
        other => Err(Error::invalid(format!(
            "unknown allocator '{other}' (expected system, mimalloc or pool)"
        ))),
    }
}
