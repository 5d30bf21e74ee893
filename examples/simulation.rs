//! A realistic simulation under the profiler: 2-D heat diffusion written
//! naively (per-element get/set loops), NumPy style with temporaries, with
//! preallocated outputs, and as a typed kernel. Each variant runs in its own
//! `profile!` scope, and inside it the phases (`init`, `stencil`,
//! `diagnostics`) have theirs (see `src/tour/simulation.rs`).
//!
//! ```text
//! cargo run --release --example simulation -- --dtype float32
//! cargo run --release --example simulation -- --variant preallocated --grid 1024 --steps 200
//! ```
//!
//! Flags: `--dtype float32|float64` (default float64), `--variant
//! naive|vectorized|preallocated|typed|all` (default all), `--grid N`
//! (default 384), `--steps N` (default 60), `--out DIR` (default
//! `profiles/simulation/<dtype>`, beside the tour's files for the case).

use ndprof::tour::simulation::{Heat, Variant};
use ndprof::{profile, DType, Session};
use std::process::ExitCode;

// Count every heap allocation, not only array buffers.
#[global_allocator]
static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
    ndprof::alloc::Tracking::new(mimalloc::MiMalloc);

struct Args {
    dtype: DType,
    variants: Vec<Variant>,
    grid: usize,
    steps: usize,
    out: Option<String>,
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        dtype: DType::Float64,
        variants: Variant::ALL.to_vec(),
        grid: 384,
        steps: 60,
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--dtype" => a.dtype = value()?.parse().map_err(|e| format!("--dtype: {e}"))?,
            "--variant" => {
                a.variants = match value()?.as_str() {
                    "naive" => vec![Variant::Naive],
                    "vectorized" => vec![Variant::Vectorized],
                    "preallocated" => vec![Variant::Preallocated],
                    "typed" => vec![Variant::TypedKernel],
                    "all" => Variant::ALL.to_vec(),
                    v => return Err(format!("unknown --variant {v}")),
                }
            }
            "--grid" => a.grid = value()?.parse().map_err(|e| format!("--grid: {e}"))?,
            "--steps" => a.steps = value()?.parse().map_err(|e| format!("--steps: {e}"))?,
            "--out" => a.out = Some(value()?),
            f => return Err(format!("unknown flag {f}")),
        }
    }
    if a.grid < 3 {
        return Err("--grid must be at least 3".into());
    }
    Ok(a)
}

fn run(a: &Args) -> ndprof::Result<()> {
    let heat = Heat {
        grid: a.grid,
        steps: a.steps,
        dtype: a.dtype,
    };
    let session = Session::builder()
        .heap(true)
        .value_ranges(true)
        .scalar_time_every(16)
        .label("case", "simulation")
        .label("dtype", a.dtype.name())
        .start()?;
    for v in &a.variants {
        let total = match v {
            Variant::Naive => profile!("naive", { heat.run(*v)? }),
            Variant::Vectorized => profile!("vectorized", { heat.run(*v)? }),
            Variant::Preallocated => profile!("preallocated", { heat.run(*v)? }),
            Variant::TypedKernel => profile!("typed kernel", { heat.run(*v)? }),
        };
        println!("{:<36} total heat {total:.6}", v.name());
    }
    let profile = session.finish()?;
    let out = a
        .out
        .clone()
        .unwrap_or(format!("profiles/simulation/{}", a.dtype));
    profile.write_all(&out)?;
    let report = profile.report();
    print!("\n{}\n{}", report.table(), report.summary());
    println!("\nwrote {out}/ (time.svg, heap.svg, report.json, ...)");
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("simulation: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("simulation: {e}");
            ExitCode::FAILURE
        }
    }
}
