//! Elementwise ops at 1e6 (cache) and 1e7 (memory) elements, f32 and f64:
//! allocating results (as NumPy's `a + b`) and `out=` results; the allocating
//! add once per allocator, to show what reused (pooled) buffers save.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ndprof::{alloc, Array, BinaryOp, DType, UnaryOp};
use std::hint::black_box;

mod common;

fn elementwise(c: &mut Criterion) {
    let mut g = c.benchmark_group("elementwise");
    for &n in &[1_000_000usize, 10_000_000] {
        for dt in [DType::Float32, DType::Float64] {
            let a = Array::random_uniform(&[n], 0.0, 1.0, 1, dt).unwrap();
            let b = Array::random_uniform(&[n], 0.0, 1.0, 2, dt).unwrap();
            let mut out = Array::zeros(&[n], dt).unwrap();
            let id = |op: &str| BenchmarkId::new(format!("{op}/{dt}"), n);
            g.throughput(Throughput::Bytes((3 * n * dt.size()) as u64));
            g.bench_function(id("add"), |bch| bch.iter(|| black_box(a.add(&b).unwrap())));
            g.bench_function(id("mul"), |bch| bch.iter(|| black_box(a.mul(&b).unwrap())));
            g.bench_function(id("add_out"), |bch| {
                bch.iter(|| a.binary_into(BinaryOp::Add, &b, &mut out).unwrap())
            });
            g.throughput(Throughput::Bytes((2 * n * dt.size()) as u64));
            g.bench_function(id("square"), |bch| {
                bch.iter(|| black_box(a.square().unwrap()))
            });
            g.bench_function(id("sqrt"), |bch| bch.iter(|| black_box(a.sqrt().unwrap())));
            g.bench_function(id("sqrt_out"), |bch| {
                bch.iter(|| a.unary_into(UnaryOp::Sqrt, &mut out).unwrap())
            });
        }
    }
    g.finish();
}

fn allocators(c: &mut Criterion) {
    let mut g = c.benchmark_group("add_1e7_f64_by_allocator");
    let n = 10_000_000;
    g.throughput(Throughput::Bytes((3 * n * 8) as u64));
    for name in ["system", "mimalloc", "pool"] {
        let al = alloc::by_name(name).unwrap();
        let a = Array::random_uniform(&[n], 0.0, 1.0, 1, DType::Float64)
            .unwrap()
            .to_contiguous_in(al.clone())
            .unwrap();
        let b = a.square().unwrap();
        g.bench_function(name, |bch| bch.iter(|| black_box(a.add(&b).unwrap())));
    }
    g.finish();
}

fn threshold(c: &mut Criterion) {
    // Around PAR_THRESHOLD: where splitting across the pool starts to pay.
    let mut g = c.benchmark_group("square_f64_threshold");
    for &n in &[8_192usize, 32_768, 65_536, 262_144] {
        let a = Array::random_uniform(&[n], 0.0, 1.0, 1, DType::Float64).unwrap();
        let mut out = Array::zeros(&[n], DType::Float64).unwrap();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |bch| {
            bch.iter(|| a.unary_into(UnaryOp::Square, &mut out).unwrap())
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = elementwise, allocators, threshold
}
criterion_main!(benches);
