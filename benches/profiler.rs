//! What profiling costs: a `profile!` scope with and without a session, an
//! op's overhead at 1e3 and 1e5 elements with and without a session, and
//! `alloc::Tracking<MiMalloc>` per allocate/free pair against bare mimalloc
//! (one thread, and two threads allocating at once).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use mimalloc::MiMalloc;
use ndprof::alloc::Tracking;
use ndprof::{profile, Array, DType, Session};
use std::alloc::{GlobalAlloc, Layout};
use std::hint::black_box;
use std::time::{Duration, Instant};

mod common;

fn scopes(c: &mut Criterion) {
    let mut g = c.benchmark_group("profile_scope");
    g.bench_function("off", |b| b.iter(|| profile!("s", { black_box(1u64) })));
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(0).start().unwrap();
    g.bench_function("on", |b| b.iter(|| profile!("s", { black_box(1u64) })));
    drop(session.finish().unwrap());
    g.finish();
}

fn ops(c: &mut Criterion) {
    let mut g = c.benchmark_group("op_overhead_add_f64");
    for n in [1_000usize, 100_000] {
        let a = Array::ones(&[n], DType::Float64).unwrap();
        g.bench_function(BenchmarkId::new("off", n), |b| {
            b.iter(|| black_box(a.add(&a).unwrap()))
        });
        let _l = ndprof::testing::lock();
        let session = Session::builder().cpu_hz(0).start().unwrap();
        g.bench_function(BenchmarkId::new("on", n), |b| {
            b.iter(|| black_box(a.add(&a).unwrap()))
        });
        drop(session.finish().unwrap());
    }
    g.finish();
}

static TRACKING: Tracking<MiMalloc> = Tracking::new(MiMalloc);

fn pairs(alloc: &dyn GlobalAlloc, n: u64) {
    let layout = Layout::from_size_align(64, 8).unwrap();
    for _ in 0..n {
        // SAFETY: a non-zero layout; the block is freed with the same layout at once.
        unsafe {
            let p = alloc.alloc(layout);
            black_box(p);
            alloc.dealloc(p, layout);
        }
    }
}

fn two_threads(alloc: &'static (dyn GlobalAlloc + Sync), iters: u64) -> Duration {
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(move || pairs(alloc, iters));
        }
    });
    t.elapsed()
}

fn tracking(c: &mut Criterion) {
    let mut g = c.benchmark_group("alloc_free_pair_64B");
    g.bench_function("mimalloc", |b| {
        b.iter_custom(|n| {
            let t = Instant::now();
            pairs(&MiMalloc, n);
            t.elapsed()
        })
    });
    g.bench_function("tracking_idle", |b| {
        b.iter_custom(|n| {
            let t = Instant::now();
            pairs(&TRACKING, n);
            t.elapsed()
        })
    });
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(0).heap(true).start().unwrap();
    g.bench_function("tracking_session", |b| {
        b.iter_custom(|n| {
            let t = Instant::now();
            profile!("alloc", { pairs(&TRACKING, n) });
            t.elapsed()
        })
    });
    static MI: MiMalloc = MiMalloc;
    g.bench_function("mimalloc_2_threads", |b| {
        b.iter_custom(|n| two_threads(&MI, n))
    });
    g.bench_function("tracking_session_2_threads", |b| {
        b.iter_custom(|n| two_threads(&TRACKING, n))
    });
    drop(session.finish().unwrap());
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = scopes, ops, tracking
}
criterion_main!(benches);
