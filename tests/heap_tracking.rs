//! `alloc::Tracking` as the global allocator: plain `Vec`, `String` and `Box`
//! allocations in user code are charged to the scope they happen in, frees on
//! other threads to the scope that allocated. Its own file: it installs a
//! global allocator (and starts sessions, under the test lock).

use ndprof::alloc::Tracking;
use ndprof::profiler::HeapSource;
use ndprof::{profile, Session};
use std::alloc::System;

#[global_allocator]
static ALLOC: Tracking<System> = Tracking::new(System);

#[test]
fn user_heap_allocations_are_attributed_to_scopes() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(0).heap(true).start().unwrap();
    let boxed = profile!("maker", { Box::new([7u8; 4096]) });
    profile!("build", {
        let mut v: Vec<u64> = Vec::new();
        for i in 0..1000 {
            v.push(i);
        }
        let s = format!("{} items", v.len());
        assert_eq!(s, "1000 items");
        // 8 MB live at once (black_box: unused memory may be elided).
        let big = std::hint::black_box(vec![1u64; 1_000_000]);
        assert_eq!(big.len(), 1_000_000);
    });
    // Freed on another thread: still charged to "maker".
    std::thread::spawn(move || drop(boxed)).join().unwrap();
    let p = session.finish().unwrap();
    assert_eq!(p.heap_source(), Some(HeapSource::Global));
    let maker = p.record(&["maker"]).unwrap();
    assert_eq!((maker.heap_allocations, maker.heap_bytes), (1, 4096));
    assert_eq!((maker.heap_frees, maker.heap_bytes_freed), (1, 4096));
    let build = p.record(&["build"]).unwrap();
    // Vec growth 4, 8, ..., 1024 elements of 8 bytes: at least 9 blocks, 8 KiB at the end.
    assert!(build.heap_allocations >= 9, "{build:?}");
    assert!(build.heap_bytes >= 8 * 1024, "{build:?}");
    assert_eq!(
        build.heap_frees, build.heap_allocations,
        "everything built was dropped"
    );
    let report = p.report();
    assert_eq!(report.heap.source, "global");
    // The peak is low by at most 64 KiB per allocating thread (batched counting).
    let bound = ndprof::trace::HEAP_FLUSH_BYTES as u64;
    assert!(
        report.heap.peak_bytes + bound >= 8_000_000,
        "{}",
        report.heap.peak_bytes
    );
    assert!(
        report.heap.peak_bytes <= 8_000_000 + 64 * 1024,
        "{}",
        report.heap.peak_bytes
    );
    assert!(report.heap.allocations >= 10);
}
