//! A process-wide lock for tests that start sessions: `cargo test` runs a
//! file's tests on several threads of one process, and only one session may
//! run at a time.

use std::sync::{Mutex, MutexGuard};

static LOCK: Mutex<()> = Mutex::new(());

/// Holds the process-wide profiler test lock until dropped. A test that
/// panicked while holding it does not poison it for the others.
pub fn lock() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}
