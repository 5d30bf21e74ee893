//! The `ndprof` command. At this stage it runs a short demo of the runtime;
//! the profiling tour replaces it later.

use ndprof::{alloc, Array, DType};
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("ndprof: {e}");
        std::process::exit(1);
    }
}

fn time<T>(label: &str, f: impl FnOnce() -> ndprof::Result<T>) -> ndprof::Result<T> {
    let t = Instant::now();
    let v = f()?;
    println!("{label:<44} {:>10.3} ms", t.elapsed().as_secs_f64() * 1e3);
    Ok(v)
}

fn run() -> ndprof::Result<()> {
    let n = 1_000_000;
    println!(
        "ndprof {} — array runtime demo (n = {n})\n",
        env!("CARGO_PKG_VERSION")
    );
    let x = Array::random_uniform(&[n], 0.0, 1.0, 42, DType::Float64)?;

    let mut out = Array::zeros(&[n], DType::Float64)?;
    time("square, per-element get/set loop", || {
        for i in 0..n {
            let v = x.get(&[i])?;
            out.set(&[i], v * v)?;
        }
        Ok(())
    })?;
    let y = time("square, vectorized", || x.square())?;
    assert_eq!(y, out);

    let s = time("sum", || x.sum())?;
    println!("  sum = {}", s.item()?);

    let a = Array::random_normal(&[500, 400], 0.0, 1.0, 1, DType::Float64)?;
    let b = Array::random_normal(&[400, 300], 0.0, 1.0, 2, DType::Float64)?;
    let c = time("dot 500x400 @ 400x300", || a.dot(&b))?;
    println!("  shape {:?}", c.shape());

    let sys: std::sync::Arc<dyn alloc::BufferAllocator> =
        std::sync::Arc::new(alloc::SystemAllocator::new());
    let m = 100_000;
    time("push 1e5 elements", || {
        let mut v = Array::with_capacity_in(DType::Float64, 0, sys.clone())?;
        for i in 0..m {
            v.push(i as f64)?;
        }
        Ok(v)
    })?;
    let st = sys.stats();
    println!(
        "  allocations {}, reallocations {}, bytes copied {}",
        st.allocations, st.reallocations, st.bytes_copied
    );
    let app: std::sync::Arc<dyn alloc::BufferAllocator> =
        std::sync::Arc::new(alloc::SystemAllocator::new());
    time("append 2e4 elements one at a time", || {
        let mut v = Array::with_capacity_in(DType::Float64, 0, app.clone())?;
        let one = Array::from_slice_in(&[1], &[1.0f64], app.clone())?;
        for _ in 0..20_000 {
            v = v.append(&one)?;
        }
        Ok(v)
    })?;
    let st = app.stats();
    println!(
        "  allocations {}, bytes allocated {}",
        st.allocations,
        alloc::human_bytes(st.bytes_allocated)
    );
    Ok(())
}
