//! The profiler's own allocations are not charged to the user's scopes: a
//! scope whose buffers raise the session's peak of live buffer bytes (the
//! profiler takes who holds them at each new peak) counts the same heap
//! blocks as the same work run again below that peak. Its own file: it
//! installs `alloc::Tracking` as the global allocator.

use ndprof::alloc::Tracking;
use ndprof::{profile, Array, DType, Session};
use std::alloc::System;

#[global_allocator]
static ALLOC: Tracking<System> = Tracking::new(System);

/// 200 arrays of growing size, all live at the end: live buffer bytes pass
/// a new peak at every one while the peak is being raised.
fn grow() -> usize {
    let arrays: Vec<Array> = (1..=200)
        .map(|i| Array::zeros(&[i * 8], DType::Float64).unwrap())
        .collect();
    arrays.iter().map(Array::len).sum()
}

#[test]
fn new_peaks_of_buffer_bytes_cost_the_scope_no_heap_blocks() {
    let _l = ndprof::testing::lock();
    // Warm the buffer pool (its own bookkeeping allocates on first use).
    grow();
    let session = Session::builder().cpu_hz(0).heap(true).start().unwrap();
    // Warm the profiler's tables (nodes, records) under other scopes.
    profile!("warm", {
        for _ in 0..2 {
            profile!("first", { grow() });
            profile!("again", { grow() });
        }
    });
    let p = session.finish().unwrap();
    let first = p.record(&["warm", "first"]).unwrap();
    let again = p.record(&["warm", "again"]).unwrap();
    assert_eq!(first.calls, 2);
    assert_eq!(
        (first.heap_allocations, first.heap_bytes),
        (again.heap_allocations, again.heap_bytes),
        "the scope that raised the peak paid for the profiler's snapshots"
    );
    assert_eq!(first.heap_frees, first.heap_allocations);
}
