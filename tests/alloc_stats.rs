//! Allocator statistics are exact for known sequences. Each test makes its
//! own allocator instance, so tests running in parallel do not share counts.

use ndprof::alloc::{
    AllocStats, BufferAllocator, MimallocAllocator, PoolAllocator, SystemAllocator,
};
use ndprof::{Array, DType, ErrorKind};
use std::sync::Arc;

fn allocators() -> Vec<Arc<dyn BufferAllocator>> {
    vec![
        Arc::new(SystemAllocator::new()),
        Arc::new(MimallocAllocator::new()),
        Arc::new(PoolAllocator::new()),
    ]
}

#[test]
fn thousand_pushes_from_empty() {
    // Capacity 8, then doubling: 8 -> 16 -> ... -> 1024 is 1 allocation and 7
    // reallocations, copying the 8 + 16 + ... + 512 elements that were stored.
    let sys: Arc<dyn BufferAllocator> = Arc::new(SystemAllocator::new());
    let mut a = Array::with_capacity_in(DType::Float64, 0, sys.clone()).unwrap();
    assert_eq!(
        sys.stats(),
        AllocStats::default(),
        "an empty array allocates nothing"
    );
    for i in 0..1000 {
        a.push(i as f64).unwrap();
    }
    let s = sys.stats();
    assert_eq!(s.allocations, 1);
    assert_eq!(s.reallocations, 7);
    assert_eq!(s.bytes_copied, 1016 * 8);
    assert_eq!(s.bytes_allocated, 1024 * 8);
    assert_eq!(s.live_bytes, 1024 * 8);
    assert_eq!(s.peak_live_bytes, 1024 * 8);
    assert_eq!(a.capacity(), 1024);
    assert_eq!(a.to_vec::<f64>().unwrap()[999], 999.0);
    drop(a);
    let s = sys.stats();
    assert_eq!((s.frees, s.live_bytes), (1, 0));
}

#[test]
fn pool_grows_in_place_within_a_size_class() {
    // int32: 8 -> 16 elements = 32 -> 64 bytes stays in the 64-byte class: no copy.
    let pool: Arc<dyn BufferAllocator> = Arc::new(PoolAllocator::new());
    let mut a = Array::with_capacity_in(DType::Int32, 0, pool.clone()).unwrap();
    for i in 0..16 {
        a.push(i).unwrap();
    }
    let s = pool.stats();
    assert_eq!((s.allocations, s.reallocations, s.bytes_copied), (1, 1, 0));
    a.push(16).unwrap(); // 16 -> 32 elements = 128 bytes: a new class, 64 bytes copied
    let s = pool.stats();
    assert_eq!((s.reallocations, s.bytes_copied), (2, 64));
}

#[test]
fn append_in_a_loop_copies_everything_every_time() {
    let sys: Arc<dyn BufferAllocator> = Arc::new(SystemAllocator::new());
    let one = Array::from_slice_in(&[1], &[1.0f64], sys.clone()).unwrap();
    let mut a = Array::with_capacity_in(DType::Float64, 0, sys.clone()).unwrap();
    let before = sys.stats();
    let n = 100u64;
    for _ in 0..n {
        a = a.append(&one).unwrap();
    }
    let s = sys.stats().since(&before);
    assert_eq!(a.len(), 100);
    assert_eq!(s.allocations, n, "one new array per append");
    assert_eq!(s.bytes_allocated, 8 * n * (n + 1) / 2, "quadratic bytes");
    assert_eq!(s.reallocations, 0);
    assert_eq!(sys.stats().live_bytes, 8 * 100 + 8);
}

#[test]
fn reserve_then_push_never_reallocates() {
    for alloc in allocators() {
        let mut a = Array::with_capacity_in(DType::Int64, 0, alloc.clone()).unwrap();
        a.reserve(1000).unwrap();
        for i in 0..1000i64 {
            a.push(i).unwrap();
        }
        let s = alloc.stats();
        assert_eq!(
            (s.allocations, s.reallocations, s.bytes_copied),
            (1, 0, 0),
            "{}",
            alloc.name()
        );
    }
}

#[test]
fn pool_reuses_freed_buffers_and_counts_them() {
    let pool = Arc::new(PoolAllocator::new());
    let p: Arc<dyn BufferAllocator> = pool.clone();
    for _ in 0..10 {
        let a = Array::zeros_in(&[1_000_000], DType::Float64, p.clone()).unwrap();
        let b = a.add_scalar(1.0).unwrap();
        assert_eq!(
            b.allocator().name(),
            "pool",
            "results use the operand's allocator"
        );
    }
    let s = pool.stats();
    assert_eq!(s.allocations, 20);
    assert_eq!(s.frees, 20);
    assert_eq!(
        s.reused, 18,
        "after the first step both buffers come from the pool"
    );
    assert_eq!(s.live_bytes, 0);
    assert_eq!(s.peak_live_bytes, 16_000_000);
    assert!(s.retained_bytes >= 16_000_000);
    pool.trim();
    assert_eq!(pool.stats().retained_bytes, 0);
}

#[test]
fn pool_limit_sends_excess_back_to_the_system() {
    let pool = Arc::new(PoolAllocator::with_limit(0));
    let p: Arc<dyn BufferAllocator> = pool.clone();
    drop(Array::zeros_in(&[1000], DType::Float64, p.clone()).unwrap());
    drop(Array::zeros_in(&[1000], DType::Float64, p).unwrap());
    let s = pool.stats();
    assert_eq!((s.reused, s.retained_bytes), (0, 0));
}

#[test]
fn zeroed_memory_is_zero_even_when_reused() {
    for alloc in allocators() {
        let mut a = Array::full_in(&[5000], 7.5f64.into(), alloc.clone()).unwrap();
        a.set(&[0], 1.0).unwrap();
        drop(a);
        let z = Array::zeros_in(&[5000], DType::Float64, alloc.clone()).unwrap();
        assert!(
            z.to_vec::<f64>().unwrap().iter().all(|&v| v == 0.0),
            "{}",
            alloc.name()
        );
    }
}

#[test]
fn huge_requests_fail_with_an_error_not_an_abort() {
    for alloc in allocators() {
        let e = Array::zeros_in(&[1 << 37], DType::Float64, alloc.clone()).unwrap_err(); // 1 TiB
        assert_eq!(e.kind(), ErrorKind::AllocationFailed, "{}", alloc.name());
        assert!(e.to_string().contains("1.000 TiB"), "{e}");
        let e = Array::zeros_in(&[usize::MAX / 2, 4], DType::Float64, alloc.clone()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::AllocationFailed);
        assert_eq!(alloc.stats().live_bytes, 0);
    }
}

#[test]
fn copy_on_write_is_counted() {
    let sys: Arc<dyn BufferAllocator> = Arc::new(SystemAllocator::new());
    let a = Array::zeros_in(&[100], DType::Float64, sys.clone()).unwrap();
    let mut b = a.clone();
    assert_eq!(sys.stats().allocations, 1, "clone shares the buffer");
    b.set(&[0], 1.0).unwrap();
    assert_eq!(sys.stats().allocations, 2, "the first write copies");
    b.set(&[1], 1.0).unwrap();
    assert_eq!(sys.stats().allocations, 2, "later writes do not");
}
