//! This machine's limits, measured in Rust: memory bandwidth (copy, triad,
//! read-sum; 1 and 2 threads, on arrays far larger than the last-level
//! cache) and FMA peak (independent fused multiply-add chains per core).

use std::time::Instant;

/// Elements per bandwidth array for the out-of-cache figures: 256 MiB of f64.
pub const DRAM_N: usize = 32 << 20;

/// A bandwidth kernel over (destination, source, source) shares.
type Kernel = dyn Fn(&mut [f64], &[f64], &[f64]) -> f64 + Sync;

/// Median-of-`reps` GB/s (as the cases are medians) of `kernel` over `threads` threads, each working on
/// its own contiguous share; `bytes_per_elem` counts reads plus writes.
fn bandwidth(n: usize, threads: usize, reps: usize, bytes_per_elem: f64, kernel: &Kernel) -> f64 {
    // ndprof buffers: huge-page backed, as the arrays the cases measure.
    let buf = |v: f64| ndprof::Array::full(&[n], v);
    let (Ok(mut a_arr), Ok(b_arr), Ok(c_arr)) = (buf(1.0), buf(2.0), buf(0.5)) else {
        return 0.0;
    };
    let (Ok(a), Ok(b), Ok(c)) = (
        a_arr.as_slice_mut::<f64>(),
        b_arr.as_slice::<f64>(),
        c_arr.as_slice::<f64>(),
    ) else {
        return 0.0;
    };
    let chunk = n.div_ceil(threads);
    let mut rates = Vec::new();
    let mut sink = 0.0;
    for rep in 0..=reps {
        let t = Instant::now();
        sink += std::thread::scope(|s| {
            let handles: Vec<_> = a
                .chunks_mut(chunk)
                .zip(b.chunks(chunk))
                .zip(c.chunks(chunk))
                .map(|((a, b), c)| s.spawn(move || kernel(a, b, c)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(0.0))
                .sum::<f64>()
        });
        let dt = t.elapsed().as_secs_f64();
        if rep > 0 {
            // Rep 0 warms caches, pages and the clock.
            rates.push(n as f64 * bytes_per_elem / dt / 1e9);
        }
    }
    std::hint::black_box(sink);
    median(rates)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn copy(a: &mut [f64], b: &[f64], _: &[f64]) -> f64 {
    a.copy_from_slice(b);
    a[0]
}

fn triad(a: &mut [f64], b: &[f64], c: &[f64]) -> f64 {
    for ((a, b), c) in a.iter_mut().zip(b).zip(c) {
        *a = b + 3.0 * c;
    }
    a[0]
}

fn read_sum(_: &mut [f64], b: &[f64], _: &[f64]) -> f64 {
    let mut acc = [0.0f64; 64];
    let mut chunks = b.chunks_exact(64);
    for ch in &mut chunks {
        for (s, v) in acc.iter_mut().zip(ch) {
            *s += v;
        }
    }
    acc.iter().sum::<f64>() + chunks.remainder().iter().sum::<f64>()
}

/// FMA GFLOP/s (f64) of one thread: 12 independent chains of 8-lane FMAs.
#[cfg(target_arch = "x86_64")]
fn fma_thread(iters: usize) -> f64 {
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F (checked just above).
        return unsafe { fma_avx512(iters) };
    }
    if std::arch::is_x86_feature_detected!("fma") && std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports FMA and AVX (checked just above).
        return unsafe { fma_avx2(iters) };
    }
    0.0
}

#[cfg(not(target_arch = "x86_64"))]
fn fma_thread(_iters: usize) -> f64 {
    0.0
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn fma_avx512(iters: usize) -> f64 {
    use std::arch::x86_64::*;
    let x = _mm512_set1_pd(0.999_999);
    let y = _mm512_set1_pd(1e-9);
    let mut acc = [_mm512_set1_pd(1.0); 12];
    let t = Instant::now();
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = _mm512_fmadd_pd(*a, x, y);
        }
    }
    let dt = t.elapsed().as_secs_f64();
    let mut lanes = [0.0f64; 8];
    let total = acc
        .iter()
        .fold(_mm512_setzero_pd(), |s, a| _mm512_add_pd(s, *a));
    // SAFETY: `lanes` holds 8 f64, the width of a __m512d; storeu needs no alignment.
    unsafe { _mm512_storeu_pd(lanes.as_mut_ptr(), total) };
    std::hint::black_box(lanes);
    (iters * 12 * 8 * 2) as f64 / dt / 1e9
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,fma")]
unsafe fn fma_avx2(iters: usize) -> f64 {
    use std::arch::x86_64::*;
    let x = _mm256_set1_pd(0.999_999);
    let y = _mm256_set1_pd(1e-9);
    let mut acc = [_mm256_set1_pd(1.0); 12];
    let t = Instant::now();
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = _mm256_fmadd_pd(*a, x, y);
        }
    }
    let dt = t.elapsed().as_secs_f64();
    let mut lanes = [0.0f64; 4];
    let total = acc
        .iter()
        .fold(_mm256_setzero_pd(), |s, a| _mm256_add_pd(s, *a));
    // SAFETY: `lanes` holds 4 f64, the width of a __m256d; storeu needs no alignment.
    unsafe { _mm256_storeu_pd(lanes.as_mut_ptr(), total) };
    std::hint::black_box(lanes);
    (iters * 12 * 4 * 2) as f64 / dt / 1e9
}

/// FMA peak over `threads` threads, best of `reps`.
fn fma_peak(threads: usize, reps: usize) -> f64 {
    let iters = 20_000_000;
    (0..reps)
        .map(|_| {
            std::thread::scope(|s| {
                let hs: Vec<_> = (0..threads)
                    .map(|_| s.spawn(|| fma_thread(iters)))
                    .collect();
                hs.into_iter().map(|h| h.join().unwrap_or(0.0)).sum::<f64>()
            })
        })
        .fold(0.0, f64::max)
}

/// The measured limits: bandwidths for arrays of `elements` f64 each.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Limits {
    pub elements: usize,
    pub copy_gbs: [f64; 2],
    pub triad_gbs: [f64; 2],
    pub read_gbs: [f64; 2],
    pub fma_f64_gflops: [f64; 2],
}

impl Limits {
    /// Measures everything on arrays of `n` f64 (a few seconds).
    pub fn measure(n: usize, reps: usize) -> Limits {
        let per = |kernel: &Kernel, bytes| {
            [
                bandwidth(n, 1, reps, bytes, kernel),
                bandwidth(n, 2, reps, bytes, kernel),
            ]
        };
        Limits {
            elements: n,
            copy_gbs: per(&copy, 16.0),
            triad_gbs: per(&triad, 24.0),
            read_gbs: per(&read_sum, 8.0),
            fma_f64_gflops: [fma_peak(1, reps), fma_peak(2, reps)],
        }
    }
}
