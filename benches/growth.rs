//! Building a 1e5-element float64 array: NumPy-style `append` in a loop
//! (quadratic copying), amortized `push`, `zeros` + fill, `with_capacity` +
//! push; each with every allocator.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ndprof::{alloc, Array, DType};
use std::hint::black_box;

mod common;

const N: usize = 100_000;

fn growth(c: &mut Criterion) {
    let mut g = c.benchmark_group("build_1e5_f64");
    for name in ["system", "mimalloc", "pool"] {
        let al = alloc::by_name(name).unwrap();
        g.bench_function(BenchmarkId::new("push", name), |b| {
            b.iter(|| {
                let mut a = Array::with_capacity_in(DType::Float64, 0, al.clone()).unwrap();
                for i in 0..N {
                    a.push(i as f64).unwrap();
                }
                black_box(a)
            })
        });
        g.bench_function(BenchmarkId::new("preallocate_push", name), |b| {
            b.iter(|| {
                let mut a = Array::with_capacity_in(DType::Float64, N, al.clone()).unwrap();
                for i in 0..N {
                    a.push(i as f64).unwrap();
                }
                black_box(a)
            })
        });
        g.bench_function(BenchmarkId::new("zeros_fill", name), |b| {
            b.iter(|| {
                let mut a = Array::zeros_in(&[N], DType::Float64, al.clone()).unwrap();
                for (i, v) in a.as_slice_mut::<f64>().unwrap().iter_mut().enumerate() {
                    *v = i as f64;
                }
                black_box(a)
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("append_loop_f64");
    g.sample_size(10);
    let one = Array::from_vec(vec![1.0f64]).unwrap();
    for &n in &[10_000usize, N] {
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                let mut a = Array::with_capacity(DType::Float64, 0).unwrap();
                for _ in 0..n {
                    a = a.append(&one).unwrap();
                }
                black_box(a)
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = growth
}
criterion_main!(benches);
