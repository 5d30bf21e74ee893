//! Quickstart: profile a per-element loop against the vectorized op and
//! write every output into `profiles/quickstart/`.
//!
//! ```sh
//! cargo run --release --example quickstart
//! ```
//!
//! Then open `profiles/quickstart/time.svg` (where the time went, by scope
//! and op), `heap.svg` and `allocs.svg` (who allocated), `cpu.svg` (native
//! stacks), read `ops.txt` (the cProfile-style table), or load `ops.pb` /
//! `cpu.pb` in `go tool pprof -top`.

use ndprof::{profile, Array, DType, Session};

// Counts every heap allocation of the program (not only array buffers)
// against the scope it happens in.
#[global_allocator]
static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
    ndprof::alloc::Tracking::new(mimalloc::MiMalloc);

fn main() -> ndprof::Result<()> {
    let n = 1_000_000;
    // Sampled mode (the default): exact counts, times from a 250 Hz timer.
    let session = Session::builder()
        .heap(true)
        .label("example", "quickstart")
        .start()?;

    let x = profile!("setup", {
        Array::random_uniform(&[n], 0.0, 1.0, 42, DType::Float64)?
    });
    let mut out = Array::zeros(&[n], DType::Float64)?;

    // The "Python loop": one dynamic get and set per element. Repeated so the
    // sampler sees enough of it (~250 samples a second).
    for _ in 0..10 {
        profile!("loop", {
            for i in 0..n {
                let v = x.get(&[i])?;
                out.set(&[i], v * v)?;
            }
        });
    }
    // The vectorized call, the same number of times.
    let mut y = None;
    for _ in 0..10 {
        y = Some(profile!("vectorized", { x.square()? }));
    }
    let y = y.expect("ran at least once");
    assert_eq!(y, out, "the loop and the vectorized op agree");
    profile!("reduce", {
        let _ = y.sum()?;
    });

    // Plain Rust allocations are attributed too.
    let labels: Vec<String> = profile!("labels", {
        (0..1000).map(|i| format!("cell {i}")).collect()
    });
    assert_eq!(labels.len(), 1000);

    let profile = session.finish()?;
    profile.write_all("profiles/quickstart")?;
    let ms = |path: &[&str]| profile.record(path).map_or(0.0, |r| r.total_ns / 1e6);
    let (looped, vectorized) = (ms(&["loop"]), ms(&["vectorized"]));
    println!("{}", profile.table());
    println!(
        "loop {looped:.1} ms vs vectorized {vectorized:.1} ms: {:.0}x",
        looped / vectorized.max(1e-9)
    );
    let heap = profile.report().heap;
    println!(
        "heap ({}): peak {} bytes, {} allocations",
        heap.source, heap.peak_bytes, heap.allocations
    );
    println!("wrote profiles/quickstart/: time.svg heap.svg allocs.svg cpu.svg cpu.pb ops.pb report.json ops.txt trace.json heap-timeline.svg dhat-heap.json");
    Ok(())
}
