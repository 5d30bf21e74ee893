//! The profiler's own allocations (tree nodes, labels, record tables, the
//! snapshots of who holds memory at a peak): made with this thread's
//! allocator flag set, so that `alloc::Tracking` passes them through
//! uncounted and a user's scope never pays for the profiler's bookkeeping.
//! The same flag marks a thread inside the global allocator (see `heap`),
//! whose own nested allocations pass uncounted the same way. A leaf module:
//! the tree and the tables below `heap` use it without importing it.

use std::cell::Cell;

thread_local! {
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// Marks this thread as allocating for the profiler (or inside the
/// allocator): `true` if it was not already, the outermost mark. Pair with
/// [`leave`].
#[inline]
pub(crate) fn enter() -> bool {
    BUSY.try_with(|b| !b.replace(true)).unwrap_or(false)
}

/// Ends the mark `enter` made, if it was the outermost.
#[inline]
pub(crate) fn leave(outermost: bool) {
    if outermost {
        let _ = BUSY.try_with(|b| b.set(false));
    }
}

/// Runs `f` with its allocations (and their frees) left uncounted: for the
/// profiler's cold paths, never for the user's work. The mark is removed
/// even if `f` unwinds.
pub(crate) fn uncounted<R>(f: impl FnOnce() -> R) -> R {
    struct Mark(bool);
    impl Drop for Mark {
        fn drop(&mut self) {
            leave(self.0);
        }
    }
    let _mark = Mark(enter());
    f()
}
