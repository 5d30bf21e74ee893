//! sum and mean at 1e6 and 1e7 elements, f32 and f64.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ndprof::{Array, DType};
use std::hint::black_box;

mod common;

fn reduce(c: &mut Criterion) {
    let mut g = c.benchmark_group("reduce");
    for &n in &[1_000_000usize, 10_000_000] {
        for dt in [DType::Float32, DType::Float64] {
            let a = Array::random_uniform(&[n], 0.0, 1.0, 1, dt).unwrap();
            g.throughput(Throughput::Bytes((n * dt.size()) as u64));
            g.bench_function(BenchmarkId::new(format!("sum/{dt}"), n), |b| {
                b.iter(|| black_box(a.sum().unwrap()))
            });
            g.bench_function(BenchmarkId::new(format!("mean/{dt}"), n), |b| {
                b.iter(|| black_box(a.mean().unwrap()))
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = reduce
}
criterion_main!(benches);
