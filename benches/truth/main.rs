//! How true the profile is: what the profiler costs and how far the times
//! it reports are from the same work run without it. Run through
//! `benches/profiler_truth`; JSON to `$PROFILER_TRUTH_JSON` (default
//! `target/profiler_truth.json`). One invocation, interleaved, medians.
//!
//! `"default"` is the sampled mode (timer samples, no clock read per event);
//! `"instrumented"` reads the clock per event and subtracts its calibrated
//! cost. Overheads, scope and scalar costs are the default mode's.

mod per_element;

use ndprof::alloc::Tracking;
use ndprof::tour::{self, CaseRun, Profiling, Setup, Size};
use ndprof::{profile, Array, DType, Session};
use serde::Serialize;
use std::alloc::{GlobalAlloc, Layout};
use std::hint::black_box;
use std::time::Instant;

#[global_allocator]
static ALLOC: Tracking<mimalloc::MiMalloc> = Tracking::new(mimalloc::MiMalloc);

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Seconds of `f`.
fn secs(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// Median over `rounds` of profiled time (`level`) over no-session time,
/// minus one, in percent.
fn overhead_pct(size: Size, rounds: usize, level: Profiling) -> f64 {
    let (mut off, mut on) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        let run = |p: Profiling| secs(|| tour::run_workloads(size, p).unwrap_or(()));
        if r % 2 == 0 {
            off.push(run(Profiling::Off));
            on.push(run(level));
        } else {
            on.push(run(level));
            off.push(run(Profiling::Off));
        }
    }
    (median(on) / median(off) - 1.0) * 100.0
}

#[derive(Serialize)]
struct Variant {
    case: String,
    variant: String,
    mode: &'static str,
    reported_ms: f64,
    unprofiled_ms: f64,
    ratio: f64,
}

/// Rounds of the three modes (default, instrumented, no session) in
/// [`variants`]: each round runs every case once in each mode, in a
/// rotated order, so that drift in the machine's speed over the run falls
/// on every mode alike; two full rotations. With one (3 rounds), 0.1 ms
/// variants (`built-in mean`, `built-in dot`) read 0.9-1.27 from run to
/// run, where 2,000 runs of each side by side read 1.00-1.01.
const VARIANT_ROUNDS: usize = 6;

/// Every variant's time per run as its report shows it, against the same
/// work without a session. Default mode: the tour's own wall-clock median
/// around each run of the profiled session (what the report's tables show),
/// against the unprofiled median. Instrumented mode: the variant scope's
/// corrected total over its calls (the timed runs; the warm-up is not
/// recorded), a mean, against the unprofiled mean. Each figure is the
/// median over [`VARIANT_ROUNDS`] interleaved rounds; `ratio` is the
/// reported median over the unprofiled one.
fn variants(size: Size) -> Vec<Variant> {
    // The tour's own repeat policy (at least 5 runs and 200 ms per variant):
    // a mean over 5 runs of a 30 us variant is one interrupted run away from 1.5x.
    let cases = |profiling| -> ndprof::Result<Vec<CaseRun>> {
        tour::CASES
            .iter()
            .map(|(_, case)| case(Setup { size, profiling }))
            .collect()
    };
    let modes = [Profiling::Default, Profiling::Instrumented, Profiling::Off];
    // Per round, per (mode, case, variant): (reported ms, unprofiled ms).
    let mut rounds: Vec<Vec<Variant>> = Vec::new();
    for round in 0..VARIANT_ROUNDS {
        let mut runs: [Option<Vec<CaseRun>>; 3] = [None, None, None];
        for k in 0..modes.len() {
            let i = (k + round) % modes.len();
            let Ok(r) = cases(modes[i]) else {
                return Vec::new();
            };
            runs[i] = Some(r);
        }
        let [Some(sampled), Some(instrumented), Some(plain)] = runs else {
            return Vec::new();
        };
        rounds.push(one_round(&sampled, &instrumented, &plain));
    }
    let Some(first) = rounds.first() else {
        return Vec::new();
    };
    let pick = |v: &Variant, f: fn(&Variant) -> f64| -> f64 {
        let same = |w: &&Variant| (w.mode, &w.case, &w.variant) == (v.mode, &v.case, &v.variant);
        median(
            rounds
                .iter()
                .filter_map(|r| r.iter().find(same))
                .map(f)
                .collect(),
        )
    };
    first
        .iter()
        .map(|v| {
            let reported_ms = pick(v, |v| v.reported_ms);
            let unprofiled_ms = pick(v, |v| v.unprofiled_ms);
            Variant {
                case: v.case.clone(),
                variant: v.variant.clone(),
                mode: v.mode,
                reported_ms,
                unprofiled_ms,
                ratio: reported_ms / unprofiled_ms,
            }
        })
        .collect()
}

/// One round's variants: each profiled run's timings against the plain run's.
fn one_round(sampled: &[CaseRun], instrumented: &[CaseRun], plain: &[CaseRun]) -> Vec<Variant> {
    let mut out = Vec::new();
    for (mode, profiled) in [("default", sampled), ("instrumented", instrumented)] {
        for (p, u) in profiled.iter().zip(plain) {
            for t in &p.timings {
                let Some(base) = u
                    .timings
                    .iter()
                    .find(|x| x.profile == t.profile && x.path == t.path)
                else {
                    continue;
                };
                let reported_ms = if mode == "default" {
                    t.median() / 1e6
                } else {
                    let Some(r) = p
                        .profiles
                        .get(t.profile)
                        .and_then(|(_, pr)| pr.record(&t.path))
                    else {
                        continue;
                    };
                    r.total_ns / r.calls.max(1) as f64 / 1e6
                };
                // A record's total over its calls is a mean: set it against
                // the mean of the unprofiled runs, the median against the median.
                let unprofiled_ms = if mode == "default" {
                    base.median() / 1e6
                } else {
                    base.runs_ns.iter().sum::<f64>() / base.runs_ns.len().max(1) as f64 / 1e6
                };
                out.push(Variant {
                    case: case_name(p, t.profile),
                    variant: t.path.join(";"),
                    mode,
                    reported_ms,
                    unprofiled_ms,
                    ratio: reported_ms / unprofiled_ms,
                });
            }
        }
    }
    out
}

fn print_variants(variants: &[Variant]) {
    println!(
        "{:<22} {:<44} {:<13} {:>12} {:>12} {:>7}",
        "case", "variant", "mode", "reported ms", "unprof. ms", "ratio"
    );
    for v in variants {
        println!(
            "{:<22} {:<44} {:<13} {:>12.3} {:>12.3} {:>7.2}",
            v.case, v.variant, v.mode, v.reported_ms, v.unprofiled_ms, v.ratio
        );
    }
}

fn case_name(run: &CaseRun, profile: usize) -> String {
    match run.profiles.get(profile) {
        Some((sub, _)) if !sub.is_empty() => format!("{}/{sub}", run.case),
        _ => run.case.to_string(),
    }
}

/// Nanoseconds per iteration of `f` over `n` iterations, median of 5.
fn per_iter(n: u64, mut f: impl FnMut()) -> f64 {
    median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..n {
                    f();
                }
                t.elapsed().as_nanos() as f64 / n as f64
            })
            .collect(),
    )
}

fn scope_ns(on: bool) -> f64 {
    let session = on.then(|| Session::builder().start().ok()).flatten();
    let ns = per_iter(2_000_000, || {
        black_box(profile!("s", { black_box(1u64) }));
    });
    drop(session.map(Session::finish));
    ns
}

/// Extra nanoseconds of one scalar `get` inside a default-mode session:
/// the median over 9 rounds, each timing 400k `get`s with no session and
/// then in one, side by side (a single pass of each swung 0.03-1.3 ns).
fn scalar_op_ns() -> f64 {
    let a = Array::ones(&[1000], DType::Float64).unwrap_or_else(|_| std::process::exit(1));
    let mut i = 0usize;
    let mut get = || {
        i = (i + 1) % 1000;
        black_box(a.get(&[i]).ok());
    };
    let mut time = |n: u32| {
        let t = Instant::now();
        for _ in 0..n {
            get();
        }
        t.elapsed().as_nanos() as f64 / f64::from(n)
    };
    let extra = (0..9)
        .map(|_| {
            let off = time(400_000);
            let session = Session::builder().start().ok();
            let on = time(400_000);
            drop(session.map(Session::finish));
            on - off
        })
        .collect();
    median(extra)
}

/// Nanoseconds per small op (`add` of 16 float64) in a default-mode
/// session with call sites off and on, and without a session: a loop
/// body of `lines` ops on as many lines (1 or 4), median of interleaved rounds.
fn call_site_ns(lines: usize) -> (f64, f64, f64) {
    let a = Array::ones(&[16], DType::Float64).unwrap_or_else(|_| std::process::exit(1));
    let body = |a: &Array| {
        black_box(a.add(a).ok());
        if lines > 1 {
            black_box(a.add(a).ok());
            black_box(a.add(a).ok());
            black_box(a.add(a).ok());
        }
    };
    let per_op = |sites: Option<bool>| {
        let session = sites.and_then(|on| Session::builder().cpu_hz(0).call_sites(on).start().ok());
        let ns = per_iter(200_000, || body(&a)) / lines as f64;
        drop(session.map(Session::finish));
        ns
    };
    let (mut none, mut off, mut on) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..5 {
        none.push(per_op(None));
        off.push(per_op(Some(false)));
        on.push(per_op(Some(true)));
    }
    (median(none), median(off), median(on))
}

#[derive(Serialize)]
struct Share {
    workload: &'static str,
    expected: f64,
    got: f64,
}

fn spin(ms: f64) {
    let t = Instant::now();
    while t.elapsed().as_secs_f64() * 1e3 < ms {
        black_box(0u64);
    }
}

fn shares() -> Vec<Share> {
    let mut out = Vec::new();
    if let Ok(session) = Session::builder().start() {
        // 2.4 s: ~600 samples at 250 Hz, a share's sampling error ~1.8 points.
        for _ in 0..60 {
            profile!("three", { spin(30.0) });
            profile!("one", { spin(10.0) });
        }
        if let Ok(p) = session.finish() {
            let t = |n: &str| p.record(&[n]).map_or(0.0, |r| r.total_ns);
            out.push(Share {
                workload: "two scopes spinning 3:1",
                expected: 75.0,
                got: 100.0 * t("three") / (t("three") + t("one")),
            });
        }
    }
    // A per-element loop and its vectorized form: shares measured without a
    // session first, then as the profile reports them.
    let x = Array::ones(&[200_000], DType::Float64).unwrap_or_else(|_| std::process::exit(1));
    let looped = || {
        let mut y = Array::zeros(&[200_000], DType::Float64).ok();
        for i in 0..200_000 {
            if let (Ok(v), Some(y)) = (x.get(&[i]), y.as_mut()) {
                let _ = y.set(&[i], v * v);
            }
        }
    };
    let vector = || {
        black_box(x.square().ok());
    };
    // Enough work for ~250 samples at 250 Hz (1 s): the share's sampling
    // error is then ~3 points. Sized from the unprofiled times, so that a
    // faster runtime does not leave the share to a handful of samples.
    let one_loop = median((0..5).map(|_| secs(looped)).collect());
    let one_vec = median((0..25).map(|_| secs(vector)).collect());
    let reps = (1.0 / (one_loop + 5.0 * one_vec))
        .ceil()
        .clamp(1.0, 10_000.0) as usize;
    let base_loop = one_loop * reps as f64;
    let base_vec = one_vec * 5.0 * reps as f64;
    if let Ok(session) = Session::builder().start() {
        profile!("loop", {
            for _ in 0..reps {
                looped();
            }
        });
        profile!("vectorized", {
            for _ in 0..5 * reps {
                vector();
            }
        });
        if let Ok(p) = session.finish() {
            let t = |n: &str| p.record(&[n]).map_or(0.0, |r| r.total_ns);
            out.push(Share {
                workload: "per-element loop vs 5 vectorized squares",
                expected: 100.0 * base_loop / (base_loop + base_vec),
                got: 100.0 * t("loop") / (t("loop") + t("vectorized")),
            });
        }
    }
    out
}

/// Nanoseconds per 64-byte alloc+free pair, each called the same way (the
/// allocator's `GlobalAlloc` methods directly, side by side): mimalloc, the
/// global `Tracking<MiMalloc>` with no session, and in a heap session.
fn tracking_ns() -> (f64, f64, f64) {
    let layout = Layout::from_size_align(64, 8).unwrap_or_else(|_| std::process::exit(1));
    let mi = || {
        // SAFETY: a valid non-zero layout; the block is freed at once with it.
        unsafe {
            let p = mimalloc::MiMalloc.alloc(layout);
            mimalloc::MiMalloc.dealloc(black_box(p), layout);
        }
    };
    let tracked = || {
        // SAFETY: as above, through the global allocator.
        unsafe {
            let p = ALLOC.alloc(layout);
            ALLOC.dealloc(black_box(p), layout);
        }
    };
    let (mut m, mut idle, mut session) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..5 {
        m.push(per_iter(1_000_000, mi));
        idle.push(per_iter(1_000_000, tracked));
        let s = Session::builder().heap(true).start().ok();
        session.push(profile!("pairs", { per_iter(1_000_000, tracked) }));
        drop(s.map(Session::finish));
    }
    (median(idle), median(session), median(m))
}

/// Microseconds `start()` of a default session takes (sampler, native
/// stacks, heap on), median of 50; the first start of the process (which
/// installs the signal handler and finds the libraries not to unwind from)
/// happens before.
fn session_start_us() -> f64 {
    let builder = || Session::builder().heap(true);
    drop(builder().start().map(Session::finish));
    median(
        (0..50)
            .map(|_| {
                let t = Instant::now();
                let s = builder().start();
                let us = t.elapsed().as_secs_f64() * 1e6;
                drop(s.map(Session::finish));
                us
            })
            .collect(),
    )
}

#[derive(Serialize)]
struct Out {
    mode: &'static str,
    sample_hz: u32,
    overhead_pct_quick: f64,
    overhead_pct_full: f64,
    overhead_pct_quick_value_ranges: f64,
    variants: Vec<Variant>,
    scope_on_ns: f64,
    scope_off_ns: f64,
    scalar_op_ns: f64,
    shares: Vec<Share>,
    tracking_idle_ns: f64,
    tracking_session_ns: f64,
    mimalloc_ns: f64,
    session_start_us: f64,
}

fn main() {
    if std::env::args().any(|a| a == "--shares") {
        for s in shares() {
            println!(
                "share: {}: expected {:.1}%, got {:.1}%",
                s.workload, s.expected, s.got
            );
        }
        return;
    }
    if std::env::args().any(|a| a == "--tracking") {
        let (idle, session, mi) = tracking_ns();
        println!("64 B pair: mimalloc {mi:.2} ns, Tracking idle {idle:.2} ns, in a session {session:.2} ns");
        return;
    }
    if std::env::args().any(|a| a == "--variants") {
        print_variants(&variants(Size::Quick));
        return;
    }
    if std::env::args().any(|a| a == "--call-sites") {
        for lines in [1, 4] {
            let (none, off, on) = call_site_ns(lines);
            println!(
                "add of 16 float64, {lines} line(s): no session {none:.1} ns, call sites off {off:.1} ns, on {on:.1} ns"
            );
        }
        return;
    }
    if std::env::args().any(|a| a == "--per-element") {
        if let Err(e) = per_element::run() {
            eprintln!("per-element: {e}");
        }
        return;
    }
    if std::env::args().any(|a| a == "--breakdown") {
        breakdown();
        return;
    }
    let quick_only = std::env::args().any(|a| a == "--quick");
    eprintln!("profiler_truth: overhead over the quick tour's work ...");
    // "Everything on" as the issue lists it: scopes, ops, heap with
    // Tracking, samples with native stacks (a default session with the heap
    // report); value ranges, an opt-in extra pass, measured apart.
    let overhead_pct_quick = overhead_pct(Size::Quick, 7, Profiling::Default);
    let overhead_pct_quick_value_ranges = overhead_pct(Size::Quick, 7, Profiling::Full);
    let overhead_pct_full = if quick_only {
        f64::NAN
    } else {
        eprintln!("profiler_truth: overhead over the full tour's work ...");
        overhead_pct(Size::Full, 3, Profiling::Default)
    };
    eprintln!("profiler_truth: variants ...");
    let variants = variants(Size::Quick);
    let (tracking_idle_ns, tracking_session_ns, mimalloc_ns) = tracking_ns();
    let out = Out {
        mode: "default",
        sample_hz: ndprof::profiler::DEFAULT_HZ,
        overhead_pct_quick,
        overhead_pct_full,
        overhead_pct_quick_value_ranges,
        variants,
        scope_on_ns: scope_ns(true),
        scope_off_ns: scope_ns(false),
        scalar_op_ns: scalar_op_ns(),
        shares: shares(),
        tracking_idle_ns,
        tracking_session_ns,
        mimalloc_ns,
        session_start_us: session_start_us(),
    };
    println!(
        "overhead, quick tour's work: {:+.1}%",
        out.overhead_pct_quick
    );
    if quick_only {
        println!("overhead, full tour's work:  not measured (--quick; null in the JSON)");
    } else {
        println!(
            "overhead, full tour's work:  {:+.1}%",
            out.overhead_pct_full
        );
    }
    println!(
        "overhead, quick tour's work with value ranges too: {:+.1}%",
        out.overhead_pct_quick_value_ranges
    );
    print_variants(&out.variants);
    println!(
        "scope on {:.2} ns, off {:.2} ns; scalar get in a session +{:.2} ns",
        out.scope_on_ns, out.scope_off_ns, out.scalar_op_ns
    );
    for s in &out.shares {
        println!(
            "share: {}: expected {:.1}%, got {:.1}%",
            s.workload, s.expected, s.got
        );
    }
    println!(
        "64 B alloc+free: mimalloc {:.1} ns, Tracking idle {:.1} ns, in a heap session {:.1} ns",
        out.mimalloc_ns, out.tracking_idle_ns, out.tracking_session_ns
    );
    println!("session start: {:.1} us", out.session_start_us);
    let path = std::env::var("PROFILER_TRUTH_JSON")
        .unwrap_or_else(|_| "target/profiler_truth.json".to_string());
    match serde_json::to_string_pretty(&out) {
        Ok(json) => {
            if let Err(e) = std::fs::write(&path, json + "\n") {
                eprintln!("profiler_truth: writing {path}: {e}");
                std::process::exit(1);
            }
            println!("wrote {path}");
        }
        Err(e) => {
            eprintln!("profiler_truth: {e}");
            std::process::exit(1);
        }
    }
}

/// `--breakdown`: where the quick tour's overhead goes, per case and per
/// part (scopes and ops; plus heap; plus samples), medians of 9 rounds.
fn breakdown() {
    use ndprof::tour::Setup;
    let cases = tour::CASES;
    let levels = [
        ("ops only", Profiling::OpsOnly),
        ("default", Profiling::Default),
    ];
    let _ = tour::run_cases(Size::Quick, Profiling::Off); // warm
    let _fixed = tour::FixedRuns::set(tour::MIN_RUNS);
    for (name, case) in cases {
        let mut off = Vec::new();
        let mut on = vec![Vec::new(); levels.len()];
        for _ in 0..15 {
            let run = |p: Profiling| {
                secs(|| {
                    let _ = case(Setup {
                        size: Size::Quick,
                        profiling: p,
                    });
                })
            };
            off.push(run(Profiling::Off));
            for (i, (_, l)) in levels.iter().enumerate() {
                on[i].push(run(*l));
            }
        }
        let off = median(off);
        let parts: Vec<String> = levels
            .iter()
            .zip(on)
            .map(|((n, _), v)| format!("{n} {:+.1}%", (median(v) / off - 1.0) * 100.0))
            .collect();
        println!("{name:<12} off {:8.3} ms  {}", off * 1e3, parts.join("  "));
    }
}
