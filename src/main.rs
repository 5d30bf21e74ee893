//! The `ndprof` command. At this stage it runs a short demo of the runtime
//! and writes its results into `profiles/demo/`; the profiling tour replaces
//! it later.

use ndprof::alloc::{self, BufferAllocator, SystemAllocator};
use ndprof::{Array, DType, Error};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("ndprof: {e}");
        std::process::exit(1);
    }
}

/// Collects the demo's lines, printing each as it comes.
#[derive(Default)]
struct Log(String);

impl Log {
    fn line(&mut self, s: impl AsRef<str>) {
        println!("{}", s.as_ref());
        let _ = writeln!(self.0, "{}", s.as_ref());
    }

    fn time<T>(&mut self, label: &str, f: impl FnOnce() -> ndprof::Result<T>) -> ndprof::Result<T> {
        let t = Instant::now();
        let v = f()?;
        self.line(format!(
            "{label:<44} {:>10.3} ms",
            t.elapsed().as_secs_f64() * 1e3
        ));
        Ok(v)
    }

    fn stats(&mut self, alloc: &Arc<dyn BufferAllocator>) {
        let s = alloc.stats();
        self.line(format!(
            "  allocations {}, reallocations {}, allocated {}, copied by growth {}",
            s.allocations,
            s.reallocations,
            alloc::human_bytes(s.bytes_allocated),
            alloc::human_bytes(s.bytes_copied)
        ));
    }
}

fn run() -> ndprof::Result<()> {
    let n = 1_000_000;
    let out_dir = Path::new("profiles/demo");
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let mut log = Log::default();
    log.line(format!(
        "ndprof {} — array runtime demo (n = {n})\n",
        env!("CARGO_PKG_VERSION")
    ));
    let x = Array::random_uniform(&[n], 0.0, 1.0, 42, DType::Float64)?;

    let mut looped = Array::zeros(&[n], DType::Float64)?;
    log.time("square, per-element get/set loop", || {
        for i in 0..n {
            let v = x.get(&[i])?;
            looped.set(&[i], v * v)?;
        }
        Ok(())
    })?;
    let y = log.time("square, vectorized", || x.square())?;
    assert_eq!(y, looped, "the loop and the vectorized op agree");

    let s = log.time("sum", || x.sum())?;
    log.line(format!("  sum = {}", s.item()?));

    let a = Array::random_normal(&[500, 400], 0.0, 1.0, 1, DType::Float64)?;
    let b = Array::random_normal(&[400, 300], 0.0, 1.0, 2, DType::Float64)?;
    let c = log.time("dot 500x400 @ 400x300", || a.dot(&b))?;
    log.line(format!("  shape {:?}", c.shape()));

    let m = 100_000;
    let sys: Arc<dyn BufferAllocator> = Arc::new(SystemAllocator::new());
    log.time("push 1e5 elements", || {
        let mut v = Array::with_capacity_in(DType::Float64, 0, sys.clone())?;
        for i in 0..m {
            v.push(i as f64)?;
        }
        Ok(v)
    })?;
    log.stats(&sys);

    let app: Arc<dyn BufferAllocator> = Arc::new(SystemAllocator::new());
    log.time("append 2e4 elements one at a time", || {
        let mut v = Array::with_capacity_in(DType::Float64, 0, app.clone())?;
        let one = Array::from_slice_in(&[1], &[1.0f64], app.clone())?;
        for _ in 0..20_000 {
            v = v.append(&one)?;
        }
        Ok(v)
    })?;
    log.stats(&app);

    x.save_npy(out_dir.join("x.npy"))?;
    y.save_npy(out_dir.join("x_squared.npy"))?;
    let summary = out_dir.join("summary.txt");
    ndprof::io::atomic_write(&summary, |w| {
        w.write_all(log.0.as_bytes())
            .map_err(|e| Error::io(&summary, e))
    })?;
    println!("\nwrote {}, x.npy and x_squared.npy", summary.display());
    Ok(())
}
