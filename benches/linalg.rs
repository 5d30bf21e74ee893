//! dot 1000x500 @ 500x1000, f32 and f64 (1 GFLOP per call).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ndprof::{Array, DType};
use std::hint::black_box;

mod common;

fn dot(c: &mut Criterion) {
    let mut g = c.benchmark_group("dot_1000x500x1000");
    let flops = 2 * 1000 * 500 * 1000u64;
    g.throughput(Throughput::Elements(flops)); // "elements" = floating-point operations
    for dt in [DType::Float32, DType::Float64] {
        let a = Array::random_uniform(&[1000, 500], -1.0, 1.0, 1, dt).unwrap();
        let b = Array::random_uniform(&[500, 1000], -1.0, 1.0, 2, dt).unwrap();
        g.bench_function(BenchmarkId::from_parameter(dt), |bch| {
            bch.iter(|| black_box(a.dot(&b).unwrap()))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = dot
}
criterion_main!(benches);
