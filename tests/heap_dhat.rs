//! `Tracking<dhat::Alloc>` as the global allocator: for a fixed workload the
//! profiler's heap counts equal what dhat's testing mode counts. Its own file:
//! one global allocator and one dhat profiler per process.

use ndprof::alloc::Tracking;
use ndprof::{profile, Session};

#[global_allocator]
static ALLOC: Tracking<dhat::Alloc> = Tracking::new(dhat::Alloc);

fn workload() {
    profile!("work", {
        let mut v: Vec<u64> = Vec::new();
        for i in 0..1000 {
            v.push(i);
        }
        let s: String = (0..300)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let b = Box::new([1u32; 64]);
        let nested: Vec<Vec<u8>> = (0..10).map(|i| vec![0u8; i * 10 + 1]).collect();
        std::hint::black_box((&v, &s, &b, &nested));
    });
}

#[test]
fn heap_counts_match_dhat() {
    let _l = ndprof::testing::lock();
    let _dhat = dhat::Profiler::builder().testing().build();
    let session = Session::builder().cpu_hz(0).heap(true).start().unwrap();
    workload(); // warms the profiler's own tables, which dhat would also see
    let before = dhat::HeapStats::get();
    workload();
    let after = dhat::HeapStats::get();
    let p = session.finish().unwrap();

    let blocks = after.total_blocks - before.total_blocks;
    let dhat_bytes = after.total_bytes - before.total_bytes;
    let work = p.record(&["work"]).unwrap();
    // Two identical runs were counted; dhat measured the second. dhat sees our
    // 16-byte header on every block.
    assert_eq!(work.heap_allocations, 2 * blocks, "blocks");
    assert_eq!(
        work.heap_bytes + 16 * work.heap_allocations,
        2 * dhat_bytes,
        "bytes"
    );
    assert_eq!(work.heap_frees, work.heap_allocations);
    // Vec growth (9 blocks), the String, the Box, the outer Vec and its 10 inner ones.
    assert!(
        blocks >= 9 + 1 + 1 + 1 + 10,
        "the workload allocates: {blocks}"
    );
}
