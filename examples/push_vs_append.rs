//! Preallocate vs append, measured: build a 20,000-element float64 array by
//! NumPy-style `append` (a new array each step), by amortized `push`, and by
//! `zeros` + fill, each with its own allocator so the counts are separate.
//!
//! ```sh
//! cargo run --release --example push_vs_append
//! ```

use ndprof::alloc::{human_bytes, BufferAllocator, SystemAllocator};
use ndprof::{Array, DType};
use std::sync::Arc;
use std::time::Instant;

const N: usize = 20_000;

fn report(label: &str, alloc: &Arc<dyn BufferAllocator>, start: Instant) {
    let s = alloc.stats();
    println!(
        "{label:<18} {:>9.3} ms  allocations {:>6}  reallocations {:>3}  allocated {:>11}  copied by growth {:>11}",
        start.elapsed().as_secs_f64() * 1e3,
        s.allocations,
        s.reallocations,
        human_bytes(s.bytes_allocated),
        human_bytes(s.bytes_copied),
    );
}

fn main() -> ndprof::Result<()> {
    let one = Array::from_vec(vec![1.0f64])?;

    let alloc: Arc<dyn BufferAllocator> = Arc::new(SystemAllocator::new());
    let t = Instant::now();
    let mut a = Array::with_capacity_in(DType::Float64, 0, alloc.clone())?;
    for _ in 0..N {
        a = a.append(&one)?;
    }
    report("append (copying)", &alloc, t);

    let alloc: Arc<dyn BufferAllocator> = Arc::new(SystemAllocator::new());
    let t = Instant::now();
    let mut p = Array::with_capacity_in(DType::Float64, 0, alloc.clone())?;
    for _ in 0..N {
        p.push(1.0)?;
    }
    report("push (amortized)", &alloc, t);

    let alloc: Arc<dyn BufferAllocator> = Arc::new(SystemAllocator::new());
    let t = Instant::now();
    let mut z = Array::zeros_in(&[N], DType::Float64, alloc.clone())?;
    z.as_slice_mut::<f64>()?.fill(1.0);
    report("zeros + fill", &alloc, t);

    assert_eq!(a, p);
    assert_eq!(p, z);
    Ok(())
}
