//! How the profile's data model scales: 100,000 distinct scopes, a
//! 100,000-record report through every processing step, a nesting 10,000
//! deep, 3,000 short-lived threads, and a loop of sessions that each open
//! new scope names. Each case runs in its own child process so its peak
//! memory (VmHWM) is its own.
//!
//! `cargo bench --bench scale` prints a table and writes JSON to
//! `$SCALE_JSON` (default `target/scale.json`); `-- --case NAME` runs one.

use ndprof::report::compare::{differential_svg, Comparison};
use ndprof::report::export::{export, Format};
use ndprof::report::{advise, AdviceOptions, Metric, Report};
use ndprof::trace::enter_dynamic_scope;
use ndprof::{profile, Array, DType, Session};
use std::io::Write;
use std::time::Instant;

// As the ndprof binary: every heap allocation counted while a session runs.
#[global_allocator]
static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
    ndprof::alloc::Tracking::new(mimalloc::MiMalloc);

const CASES: [&str; 5] = ["scopes", "records", "depth", "threads", "sessions"];

/// (kB) a line of /proc/self/status.
fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// One timed step: name and seconds, printed as a JSON field.
struct Steps(Vec<(String, f64)>);

impl Steps {
    fn time<R>(&mut self, name: &str, f: impl FnOnce() -> R) -> R {
        let t = Instant::now();
        let r = f();
        self.0.push((name.to_string(), t.elapsed().as_secs_f64()));
        r
    }
    fn value(&mut self, name: &str, v: f64) {
        self.0.push((name.to_string(), v));
    }
}

fn sink() -> std::io::Sink {
    std::io::sink()
}

/// Every processing step the issue names, on one report.
fn process(steps: &mut Steps, report: &Report, prefix: &str) -> ndprof::Result<()> {
    let json = steps.time(&format!("{prefix}to_json_s"), || report.to_json())?;
    steps.value(&format!("{prefix}json_mb"), json.len() as f64 / 1e6);
    let back = steps.time(&format!("{prefix}from_json_s"), || Report::from_json(&json))?;
    steps.time(&format!("{prefix}advise_s"), || {
        advise(&back, &AdviceOptions::default())
    });
    steps.time(&format!("{prefix}table_s"), || back.table());
    steps.time(&format!("{prefix}compare_s"), || {
        Comparison::new(&back, &back).to_text()
    });
    steps.time(&format!("{prefix}compare_svg_s"), || {
        differential_svg(&back, &back, Metric::Time)
    })?;
    steps.time(&format!("{prefix}merge_s"), || {
        Report::merge(&[back.clone(), back.clone()])
    })?;
    for format in Format::ALL {
        let mut out = CountingSink(0);
        steps.time(&format!("{prefix}export_{}_s", format.name()), || {
            export(&back, format, Metric::Time, &mut out)
        })?;
        steps.value(
            &format!("{prefix}export_{}_mb", format.name()),
            out.0 as f64 / 1e6,
        );
    }
    Ok(())
}

/// Counts the bytes written to it.
struct CountingSink(u64);

impl Write for CountingSink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn scopes(steps: &mut Steps, n: usize) -> ndprof::Result<Report> {
    let names: Vec<String> = (0..n).map(|i| format!("scope-{i}")).collect();
    let x = Array::ones(&[4], DType::Float64)?;
    let session = Session::builder().cpu_hz(0).start()?;
    steps.time("enter_dynamic_scope_s", || -> ndprof::Result<()> {
        for name in &names {
            let _s = enter_dynamic_scope(name);
            let _ = x.get(&[0])?;
        }
        Ok(())
    })?;
    let profile = steps.time("finish_s", || session.finish())?;
    let report = steps.time("report_s", || profile.report());
    steps.value("records", report.records.len() as f64);
    steps.value("dropped_events", profile.dropped_events() as f64);
    Ok(report)
}

fn run_case(case: &str) -> ndprof::Result<Steps> {
    let mut steps = Steps(Vec::new());
    let rss0 = status_kb("VmRSS:");
    match case {
        "scopes" => {
            scopes(&mut steps, 100_000)?;
        }
        "records" => {
            let report = scopes(&mut steps, 50_000)?;
            // 100,000 records: 50,000 scopes each holding one op.
            process(&mut steps, &report, "")?;
            // Kept for timing the command line on it (`ndprof report`, ...).
            let keep = std::env::var("SCALE_REPORT")
                .unwrap_or_else(|_| "target/scale-100k.json".to_string());
            ndprof::report::write_text(std::path::Path::new(&keep), &report.to_json()?)?;
        }
        "depth" => {
            let depth = 10_000;
            let x = Array::ones(&[1], DType::Float64)?;
            let session = Session::builder().cpu_hz(0).heap(true).start()?;
            let mut guards = Vec::with_capacity(depth);
            for _ in 0..depth {
                guards.push(enter_dynamic_scope("level"));
                let _ = x.get(&[0])?;
            }
            while guards.pop().is_some() {}
            let profile = steps.time("finish_s", || session.finish())?;
            let report = steps.time("report_s", || profile.report());
            steps.value("records", report.records.len() as f64);
            let mut out = CountingSink(0);
            steps.time("report_json_s", || {
                export(&report, Format::Json, Metric::Time, &mut out)
            })?;
            steps.value("report_json_mb", out.0 as f64 / 1e6);
            steps.value("through_json_peak_mb", status_kb("VmHWM:") as f64 / 1e3);
            process(&mut steps, &report, "then_")?;
        }
        "threads" => {
            let session = Session::builder().cpu_hz(0).start()?;
            let before = status_kb("VmRSS:");
            steps.time("threads_s", || {
                for _ in 0..3000 {
                    std::thread::spawn(|| {
                        profile!("worker", {
                            let _ = Array::zeros(&[8], DType::Float64);
                        });
                    })
                    .join()
                    .ok();
                }
            });
            steps.value(
                "rss_growth_mb",
                (status_kb("VmRSS:") as f64 - before as f64) / 1e3,
            );
            let (tables, free) = ndprof::trace::thread_tables();
            steps.value("thread_tables", tables as f64);
            steps.value("thread_tables_free", free as f64);
            let p = session.finish()?;
            steps.value(
                "worker_calls",
                p.record(&["worker"]).map_or(0, |r| r.calls) as f64,
            );
        }
        "sessions" => {
            let mut recorded = 0usize;
            steps.time("sessions_s", || -> ndprof::Result<()> {
                for s in 0..40 {
                    let session = Session::builder().cpu_hz(0).start()?;
                    for i in 0..1000 {
                        let _g = enter_dynamic_scope(&format!("s{s}-{i}"));
                    }
                    recorded += session.finish()?.records().len();
                }
                Ok(())
            })?;
            steps.value("records_of_40000", recorded as f64);
        }
        other => {
            return Err(ndprof::Error::new(
                ndprof::ErrorKind::InvalidArgument,
                format!("unknown case {other}"),
            ));
        }
    }
    let _ = sink();
    steps.value("rss_mb", status_kb("VmRSS:") as f64 / 1e3);
    steps.value("rss_start_mb", rss0 as f64 / 1e3);
    steps.value("peak_rss_mb", status_kb("VmHWM:") as f64 / 1e3);
    Ok(steps)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        let case = args.get(i + 1).map_or("", String::as_str);
        match run_case(case) {
            Ok(steps) => {
                let fields: Vec<String> = steps
                    .0
                    .iter()
                    .map(|(k, v)| format!("\"{k}\": {v}"))
                    .collect();
                println!("{{{}}}", fields.join(", "));
            }
            Err(e) => {
                eprintln!("scale: {case}: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("scale: cannot find own executable");
        std::process::exit(1);
    };
    let mut all = Vec::new();
    for case in CASES {
        let out = std::process::Command::new(&exe)
            .args(["--case", case])
            .output();
        let line = match out {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
            Ok(o) => {
                eprintln!(
                    "scale: {case} failed: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                std::process::exit(1);
            }
            Err(e) => {
                eprintln!("scale: {case}: {e}");
                std::process::exit(1);
            }
        };
        println!("{case:>9}: {line}");
        all.push(format!("\"{case}\": {line}"));
    }
    let json = format!("{{{}}}\n", all.join(",\n"));
    let path = std::env::var("SCALE_JSON").unwrap_or_else(|_| "target/scale.json".to_string());
    if let Err(e) = std::fs::write(&path, json) {
        eprintln!("scale: writing {path}: {e}");
        std::process::exit(1);
    }
    println!("wrote {path}");
}
