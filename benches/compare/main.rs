//! ndprof against NumPy, side by side in one invocation: each case runs in
//! NumPy (a Python child, `benches/numpy_cases.py`) and in ndprof
//! alternately, medians over repeats; this machine's limits (bandwidth, FMA
//! peak) measured here give each case's fraction of its limit; the quick
//! tour with and without the profiler gives `profiler_overhead_pct`.
//!
//! Run through `benches/numpy_compare` (it makes the NumPy environment), or
//! `cargo bench --bench compare -- --python PATH [--repeats N] [--only ID,..]`.
//! Writes JSON to `$NUMPY_COMPARE_JSON` (default `target/numpy_compare.json`).

mod limits;

use limits::Limits;
use ndprof::ops::{BinaryOp, UnaryOp};
use ndprof::tour::{self, Profiling, Size};
use ndprof::{Array, DType};
use serde::Serialize;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

// As the ndprof binary: every heap allocation counted while a session runs.
#[global_allocator]
static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
    ndprof::alloc::Tracking::new(mimalloc::MiMalloc);

type Run = Box<dyn FnMut() -> ndprof::Result<()>>;

/// Which measured limit a case is held against.
#[derive(Clone, Copy)]
enum Limit {
    Triad,
    Copy,
    Read,
    FmaF64,
    FmaF32,
    None,
}

struct Case {
    id: &'static str,
    /// Bytes read + written per run (memory cases) or flops (dot).
    work: f64,
    unit: &'static str,
    limit: Limit,
    repeats_cap: usize,
    make: fn() -> ndprof::Result<Run>,
}

const N6: usize = 1_000_000;
const N7: usize = 10_000_000;

fn f64s(n: usize, seed: u64) -> ndprof::Result<Array> {
    Array::random_uniform(&[n], 0.0, 1.0, seed, DType::Float64)
}

fn cases() -> Vec<Case> {
    let mem = |id, work, limit, make| Case {
        id,
        work,
        unit: "GB/s",
        limit,
        repeats_cap: usize::MAX,
        make,
    };
    let gemm_flops = 2.0 * 1000.0 * 500.0 * 1000.0;
    vec![
        mem("square_1e6", 16.0 * N6 as f64, Limit::Triad, || {
            let a = f64s(N6, 1)?;
            Ok(Box::new(move || a.square().map(drop)))
        }),
        mem("add_1e7", 24.0 * N7 as f64, Limit::Triad, || {
            let (a, b) = (f64s(N7, 1)?, f64s(N7, 2)?);
            Ok(Box::new(move || a.add(&b).map(drop)))
        }),
        mem("mul_1e7", 24.0 * N7 as f64, Limit::Triad, || {
            let (a, b) = (f64s(N7, 1)?, f64s(N7, 2)?);
            Ok(Box::new(move || a.mul(&b).map(drop)))
        }),
        mem("sqrt_1e7", 16.0 * N7 as f64, Limit::Triad, || {
            let a = f64s(N7, 1)?;
            Ok(Box::new(move || a.sqrt().map(drop)))
        }),
        mem("add_out_1e7", 24.0 * N7 as f64, Limit::Triad, || {
            let (a, b) = (f64s(N7, 1)?, f64s(N7, 2)?);
            let mut out = Array::zeros(&[N7], DType::Float64)?;
            Ok(Box::new(move || a.binary_into(BinaryOp::Add, &b, &mut out)))
        }),
        mem("sqrt_out_1e7", 16.0 * N7 as f64, Limit::Triad, || {
            let a = f64s(N7, 1)?;
            let mut out = Array::zeros(&[N7], DType::Float64)?;
            Ok(Box::new(move || a.unary_into(UnaryOp::Sqrt, &mut out)))
        }),
        mem("sum_1e6", 8.0 * N6 as f64, Limit::Read, || {
            let a = f64s(N6, 1)?;
            Ok(Box::new(move || a.sum().map(drop)))
        }),
        mem("sum_1e7", 8.0 * N7 as f64, Limit::Read, || {
            let a = f64s(N7, 1)?;
            Ok(Box::new(move || a.sum().map(drop)))
        }),
        mem("mean_1e7", 8.0 * N7 as f64, Limit::Read, || {
            let a = f64s(N7, 1)?;
            Ok(Box::new(move || a.mean().map(drop)))
        }),
        Case {
            id: "dot_f64",
            work: gemm_flops,
            unit: "GFLOP/s",
            limit: Limit::FmaF64,
            repeats_cap: usize::MAX,
            make: || {
                let a = Array::random_uniform(&[1000, 500], 0.0, 1.0, 1, DType::Float64)?;
                let b = Array::random_uniform(&[500, 1000], 0.0, 1.0, 2, DType::Float64)?;
                Ok(Box::new(move || a.dot(&b).map(drop)))
            },
        },
        Case {
            id: "dot_f32",
            work: gemm_flops,
            unit: "GFLOP/s",
            limit: Limit::FmaF32,
            repeats_cap: usize::MAX,
            make: || {
                let a = Array::random_uniform(&[1000, 500], 0.0, 1.0, 1, DType::Float32)?;
                let b = Array::random_uniform(&[500, 1000], 0.0, 1.0, 2, DType::Float32)?;
                Ok(Box::new(move || a.dot(&b).map(drop)))
            },
        },
        Case {
            id: "append_1e5",
            work: 8.0 * 1e5,
            unit: "GB/s",
            limit: Limit::None,
            repeats_cap: 3,
            make: || {
                Ok(Box::new(|| {
                    let mut a = Array::with_capacity(DType::Float64, 0)?;
                    for i in 0..100_000 {
                        a.push(i as f64)?;
                    }
                    Ok(())
                }))
            },
        },
        mem("zeros_fill_1e6", 8.0 * N6 as f64, Limit::Copy, || {
            Ok(Box::new(|| {
                let mut a = Array::zeros(&[N6], DType::Float64)?;
                a.as_slice_mut::<f64>()?.fill(1.0);
                Ok(())
            }))
        }),
        mem("arange_i32_1e6", 4.0 * N6 as f64, Limit::Copy, || {
            Ok(Box::new(|| {
                Array::arange(0.0, N6 as f64, 1.0, DType::Int32).map(drop)
            }))
        }),
        mem("arange_i64_1e6", 8.0 * N6 as f64, Limit::Copy, || {
            Ok(Box::new(|| {
                Array::arange(0.0, N6 as f64, 1.0, DType::Int64).map(drop)
            }))
        }),
        mem("affine_i32_1e7", 16.0 * N7 as f64, Limit::Triad, || {
            let a = Array::arange(0.0, N7 as f64, 1.0, DType::Int32)?;
            Ok(Box::new(move || a.mul_scalar(2)?.add_scalar(1).map(drop)))
        }),
        mem("affine_i64_1e7", 32.0 * N7 as f64, Limit::Triad, || {
            let a = Array::arange(0.0, N7 as f64, 1.0, DType::Int64)?;
            Ok(Box::new(move || a.mul_scalar(2)?.add_scalar(1).map(drop)))
        }),
    ]
}

/// The NumPy child process.
struct Numpy {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Numpy {
    fn start(python: &str) -> Result<Numpy, String> {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/numpy_cases.py");
        let mut child = Command::new(python)
            .arg(script)
            .env_remove("OPENBLAS_CORETYPE")
            .env_remove("OPENBLAS_L2_SIZE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {python}: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(Numpy {
            child,
            stdin,
            stdout,
        })
    }

    fn ask(&mut self, line: &str) -> Result<String, String> {
        writeln!(self.stdin, "{line}").map_err(|e| format!("numpy child: {e}"))?;
        self.stdin
            .flush()
            .map_err(|e| format!("numpy child: {e}"))?;
        let mut reply = String::new();
        self.stdout
            .read_line(&mut reply)
            .map_err(|e| format!("numpy child: {e}"))?;
        let reply = reply.trim().to_string();
        if reply.is_empty() || reply.starts_with("error") {
            return Err(format!("numpy child: '{line}' -> {reply:?}"));
        }
        Ok(reply)
    }

    fn run(&mut self, case: &str, k: usize) -> Result<f64, String> {
        let r = self.ask(&format!("run {case} {k} {k}"))?;
        r.parse::<f64>()
            .map(|t| t / k as f64)
            .map_err(|e| format!("numpy child: bad time {r}: {e}"))
    }
}

impl Drop for Numpy {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "quit");
        let _ = self.child.wait();
    }
}

/// One sample, as the NumPy side takes it: `k` untimed calls (caches,
/// pages, threads and the clock frequency warm up), then `k` timed ones.
fn ndprof_run(run: &mut Run, k: usize) -> Result<f64, String> {
    for _ in 0..k {
        run().map_err(|e| e.to_string())?;
    }
    let t = Instant::now();
    for _ in 0..k {
        run().map_err(|e| e.to_string())?;
    }
    Ok(t.elapsed().as_secs_f64() / k as f64)
}

/// OpenBLAS's threads spin for a while after a call and would steal the
/// cores from whatever runs next; before each sample of a case whose NumPy
/// side uses them, both sides wait for them to sleep (and then warm up).
fn pause_for_blas(case: &Case) {
    if case.id.starts_with("dot") {
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Calls per sample so that a sample lasts about 20 ms.
fn calls_for(one: f64) -> usize {
    ((0.02 / one.max(1e-9)).ceil() as usize).clamp(1, 10_000)
}

#[derive(Serialize)]
struct CaseResult {
    case: String,
    numpy_s: f64,
    ndprof_s: f64,
    ratio: f64,
    rate: f64,
    rate_unit: String,
    limit_fraction: Option<f64>,
    limit: String,
}

#[derive(Serialize)]
struct Output {
    numpy: String,
    machine: String,
    /// Bandwidth at the cases' working set (1e7 f64 per array) and FMA peak.
    limits: Limits,
    /// The same on 256 MiB arrays (out of cache).
    limits_dram: Limits,
    cases: Vec<CaseResult>,
    profiler_overhead_pct: f64,
    profiler_value_ranges_pct: f64,
    profiler_on_s: f64,
    profiler_off_s: f64,
    /// Overhead over no session with only scopes and op records on, and
    /// with everything but CPU sampling, in percent.
    profiler_ops_only_pct: f64,
    profiler_no_cpu_pct: f64,
}

struct Args {
    python: String,
    repeats: usize,
    only: Option<Vec<String>>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        python: "target/numpy-venv/bin/python".into(),
        repeats: 9,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--python" => a.python = it.next().ok_or("--python needs a path")?,
            "--repeats" => {
                a.repeats = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--repeats needs a number")?
            }
            "--only" => {
                a.only = Some(
                    it.next()
                        .ok_or("--only needs case ids")?
                        .split(',')
                        .map(str::to_string)
                        .collect(),
                )
            }
            "--bench" => {}
            f => return Err(format!("unknown flag {f}")),
        }
    }
    Ok(a)
}

fn limit_of(l: Limit, lim: &Limits) -> (Option<f64>, &'static str) {
    match l {
        Limit::Triad => (Some(lim.triad_gbs[1]), "triad, 2 threads"),
        Limit::Copy => (Some(lim.copy_gbs[1]), "copy, 2 threads"),
        Limit::Read => (Some(lim.read_gbs[1]), "read-sum, 2 threads"),
        Limit::FmaF64 => (Some(lim.fma_f64_gflops[1]), "FMA f64 peak, 2 threads"),
        Limit::FmaF32 => (Some(2.0 * lim.fma_f64_gflops[1]), "FMA f32 peak, 2 threads"),
        Limit::None => (None, "-"),
    }
}

/// Median seconds of the quick tour's work under each profiling level, the
/// levels interleaved round by round.
fn profiler_overhead(repeats: usize) -> Result<Vec<(Profiling, f64)>, String> {
    let levels = [
        Profiling::Off,
        Profiling::OpsOnly,
        Profiling::NoCpu,
        Profiling::Default,
        Profiling::Full,
    ];
    let time = |p: Profiling| -> Result<f64, String> {
        let t = Instant::now();
        tour::run_workloads(Size::Quick, p).map_err(|e| e.to_string())?;
        Ok(t.elapsed().as_secs_f64())
    };
    time(Profiling::Full)?; // warm up
    let mut samples = vec![Vec::new(); levels.len()];
    for r in 0..repeats {
        for i in 0..levels.len() {
            // Rotate the order each round so no level always runs first.
            let j = (i + r) % levels.len();
            samples[j].push(time(levels[j])?);
        }
    }
    Ok(levels
        .into_iter()
        .zip(samples.into_iter().map(median))
        .collect())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("numpy_compare: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let mut numpy = Numpy::start(&args.python)?;
    let numpy_version = numpy.ask("version")?;
    eprintln!("measuring this machine's limits ...");
    // Fractions are taken against bandwidth at the cases' own working set
    // (1e7 f64 per array: in or out of the last-level cache as the cases
    // are); the out-of-cache figures are reported beside them.
    let limits = Limits::measure(N7, 5);
    let dram = Limits::measure(limits::DRAM_N, 3);
    eprintln!("{limits:?}\n{dram:?}");
    let mut results = Vec::new();
    for case in cases() {
        if args
            .only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|x| x == case.id))
        {
            continue;
        }
        numpy.ask(&format!("setup {}", case.id))?;
        let mut run = (case.make)().map_err(|e| format!("{}: {e}", case.id))?;
        // Warm up both, then size the samples.
        let k_nd = calls_for(ndprof_run(&mut run, 1)?);
        let k_np = calls_for(numpy.run(case.id, 1)?);
        let repeats = args.repeats.min(case.repeats_cap).max(1);
        let (mut np, mut nd) = (Vec::new(), Vec::new());
        for r in 0..repeats {
            if r % 2 == 0 {
                pause_for_blas(&case);
                np.push(numpy.run(case.id, k_np)?);
                pause_for_blas(&case);
                nd.push(ndprof_run(&mut run, k_nd)?);
            } else {
                pause_for_blas(&case);
                nd.push(ndprof_run(&mut run, k_nd)?);
                pause_for_blas(&case);
                np.push(numpy.run(case.id, k_np)?);
            }
        }
        drop(run);
        let (numpy_s, ndprof_s) = (median(np), median(nd));
        let rate = case.work / ndprof_s / 1e9;
        let (limit, limit_name) = limit_of(case.limit, &limits);
        let r = CaseResult {
            case: case.id.to_string(),
            numpy_s,
            ndprof_s,
            ratio: numpy_s / ndprof_s,
            rate,
            rate_unit: case.unit.to_string(),
            limit_fraction: limit.map(|l| rate / l),
            limit: limit_name.to_string(),
        };
        eprintln!(
            "{:<16} numpy {:>10.3} ms  ndprof {:>10.3} ms  {:>7.2}x",
            r.case,
            numpy_s * 1e3,
            ndprof_s * 1e3,
            r.ratio
        );
        results.push(r);
    }
    drop(numpy);
    eprintln!("profiler overhead (quick tour workloads, on vs off) ...");
    let levels = profiler_overhead(args.repeats.clamp(3, 9))?;
    let at = |p: Profiling| levels.iter().find(|l| l.0 == p).map_or(f64::NAN, |l| l.1);
    // As profiler_truth measures it: a default session with the heap report
    // (value ranges, opt-in, in profiler_value_ranges_pct).
    let (on, off) = (at(Profiling::Default), at(Profiling::Off));
    let out = Output {
        numpy: numpy_version,
        machine: format!(
            "{} CPUs, {}",
            std::thread::available_parallelism().map_or(1, |n| n.get()),
            std::env::consts::ARCH
        ),
        limits,
        limits_dram: dram,
        cases: results,
        profiler_overhead_pct: (on / off - 1.0) * 100.0,
        profiler_on_s: on,
        profiler_off_s: off,
        profiler_ops_only_pct: (at(Profiling::OpsOnly) / off - 1.0) * 100.0,
        profiler_no_cpu_pct: (at(Profiling::NoCpu) / off - 1.0) * 100.0,
        profiler_value_ranges_pct: (at(Profiling::Full) / off - 1.0) * 100.0,
    };
    print_table(&out);
    let path = std::env::var("NUMPY_COMPARE_JSON").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/target/numpy_compare.json").to_string()
    });
    let json = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
    ndprof::report::write_text(std::path::Path::new(&path), &json).map_err(|e| e.to_string())?;
    println!("wrote {path}");
    Ok(())
}

fn print_table(o: &Output) {
    let l = &o.limits;
    println!("{}; {}", o.numpy, o.machine);
    for (l, what) in [
        (l, "1e7-element arrays"),
        (&o.limits_dram, "256 MiB arrays"),
    ] {
        println!(
            "limits, {what}: copy {:.1}/{:.1} GB/s, triad {:.1}/{:.1} GB/s, read {:.1}/{:.1} GB/s (1/2 threads); FMA f64 {:.0}/{:.0} GFLOP/s",
            l.copy_gbs[0], l.copy_gbs[1], l.triad_gbs[0], l.triad_gbs[1], l.read_gbs[0], l.read_gbs[1],
            l.fma_f64_gflops[0], l.fma_f64_gflops[1]
        );
    }
    println!(
        "{:<16} {:>11} {:>11} {:>8} {:>10} {:>8}  limit",
        "case", "numpy ms", "ndprof ms", "ratio", "rate", "of limit"
    );
    for c in &o.cases {
        println!(
            "{:<16} {:>11.3} {:>11.3} {:>7.2}x {:>6.1} {:<7} {:>6}  {}",
            c.case,
            c.numpy_s * 1e3,
            c.ndprof_s * 1e3,
            c.ratio,
            c.rate,
            c.rate_unit,
            c.limit_fraction
                .map_or("-".to_string(), |f| format!("{:.0}%", f * 100.0)),
            c.limit
        );
    }
    println!(
        "profiler overhead: {:.1}% (quick tour work: {:.3} s profiled vs {:.3} s without a session); \
         scopes and ops only {:.1}%, all but CPU sampling {:.1}%",
        o.profiler_overhead_pct,
        o.profiler_on_s,
        o.profiler_off_s,
        o.profiler_ops_only_pct,
        o.profiler_no_cpu_pct
    );
}
