//! Running the cases and writing what the tour produces.

use super::case::{CaseRun, Profiling, Setup, Size};
use super::charts;
use super::repeat::NOISY_SPREAD;
use super::rows::{rows, time, Reports, Row};
use super::{builtins, dtypes, preallocate, simulation, vectorize};
use crate::alloc::human_bytes;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::report::compare::{differential_svg, Comparison};
use crate::report::html::Page;
use crate::report::{svg, write_text, Advice, Metric, Repeat};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Where and how big.
#[derive(Clone, Debug)]
pub struct TourConfig {
    /// Full or quick sizes.
    pub size: Size,
    /// The output directory (`profiles` by default in the CLI).
    pub out: PathBuf,
}

/// What the tour measured and wrote.
#[derive(Clone, Debug, Serialize)]
pub struct TourResult {
    /// `full` or `quick`.
    pub size: String,
    /// One row per variant, grouped.
    pub rows: Vec<Row>,
    /// How each extrapolated variant was fitted.
    pub fits: Vec<String>,
    /// Notes on how to read the numbers.
    pub notes: Vec<String>,
    /// Every case's advice; paths start with the case (and dtype run).
    pub advice: Vec<Advice>,
    /// Every file written, relative to the output directory.
    pub files: Vec<String>,
}

impl TourResult {
    /// The summary table, the fits, the notes and the advice, as text.
    pub fn summary_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<26} {:<34} {:>12} {:>21} {:>5} {:>9} {:>14} {:>12} {:>8} {:>8}",
            "case",
            "variant",
            "median",
            "min-max",
            "runs",
            "speedup",
            "speedup range",
            "bytes/run",
            "allocs",
            "reallocs"
        );
        let mut last = "";
        for r in &self.rows {
            if r.group != last && !last.is_empty() {
                out.push('\n');
            }
            last = &r.group;
            let mark = match (r.fit.is_some(), r.noisy) {
                (true, true) => "*!",
                (true, false) => "*",
                (false, true) => "!",
                (false, false) => "",
            };
            let _ = writeln!(
                out,
                "{:<26} {:<34} {:>12} {:>21} {:>5} {:>8.1}x {:>14} {:>12} {:>8} {:>8}",
                r.group,
                r.variant,
                format!("{}{mark}", time(r.time_ns)),
                format!("{}-{}", time(r.time_min_ns), time(r.time_max_ns)),
                r.runs,
                r.speedup,
                format!("{:.1}-{:.1}x", r.speedup_min, r.speedup_max),
                human_bytes(r.bytes),
                r.allocations,
                r.reallocations
            );
        }
        let _ = writeln!(
            out,
            "\nmedian of each variant's timed runs after a warm-up run, min-max of the runs; \
             ! marks runs spread over {:.0}% of the median (p10 to p90)",
            NOISY_SPREAD * 100.0
        );
        if !self.fits.is_empty() {
            let _ = writeln!(out, "\n* extrapolated from reduced sizes:");
            for f in &self.fits {
                let _ = writeln!(out, "  {f}");
            }
        }
        let _ = writeln!(out);
        for n in &self.notes {
            let _ = writeln!(out, "{n}");
        }
        let _ = writeln!(out);
        for a in &self.advice {
            let _ = writeln!(out, "{a}");
        }
        out
    }
}

/// A tour case: runs its variants under a setup.
pub type CaseFn = fn(Setup) -> Result<CaseRun>;

/// The cases in tour order, by id.
pub const CASES: [(&str, CaseFn); 5] = [
    ("vectorize", vectorize::run),
    ("builtins", builtins::run),
    ("preallocate", preallocate::run),
    ("dtypes", dtypes::run),
    ("simulation", |s| simulation::run(s, DType::Float64)),
];

/// The case ids, in tour order.
pub const CASE_NAMES: [&str; 5] = [
    "vectorize",
    "builtins",
    "preallocate",
    "dtypes",
    "simulation",
];

/// Runs every case and writes the outputs into `cfg.out`, calling
/// `progress(step, total, what)` before each step.
///
/// # Errors
/// Runtime errors of a case; [`Session`](crate::error::ErrorKind::Session) if a
/// session is already running; [`Io`](crate::error::ErrorKind::Io) naming the path
/// that could not be written.
pub fn run(cfg: &TourConfig, progress: &mut dyn FnMut(usize, usize, &str)) -> Result<TourResult> {
    run_selected(cfg, &CASE_NAMES, progress)
}

/// Runs the cases named in `names` (ids of [`CASE_NAMES`], in tour order)
/// and writes their outputs, as [`run`]; the combined flamegraphs and heap
/// comparisons are written when their cases ran.
///
/// # Errors
/// As [`run`]; [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for an unknown name.
pub fn run_selected(
    cfg: &TourConfig,
    names: &[&str],
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<TourResult> {
    run_chosen(cfg, names, Layout::CaseFolders, progress)
}

/// Runs the one case `name` and writes its outputs straight into `cfg.out`
/// (its report, graphs, `summary.txt`, `tour.json` and an `index.html` about
/// that case alone; a case with several runs, `dtypes`, gets a folder per
/// run): what the single-case examples write into `profiles/<case>/`,
/// leaving the whole tour's files alone.
///
/// # Errors
/// As [`run_selected`].
pub fn run_case(
    cfg: &TourConfig,
    name: &str,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<TourResult> {
    run_chosen(cfg, &[name], Layout::Flat, progress)
}

/// Where each case's outputs go under the output directory.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `<out>/<case>/` (and `<out>/<case>/<run>/`): the tour.
    CaseFolders,
    /// `<out>/` (and `<out>/<run>/`): one case alone.
    Flat,
}

fn run_chosen(
    cfg: &TourConfig,
    names: &[&str],
    layout: Layout,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<TourResult> {
    if let Some(bad) = names.iter().find(|n| !CASE_NAMES.contains(n)) {
        return Err(Error::invalid(format!(
            "unknown tour case '{bad}' (expected one of {})",
            CASE_NAMES.join(", ")
        )));
    }
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::io(&cfg.out, e))?;
    let chosen: Vec<_> = CASES.iter().filter(|(n, _)| names.contains(n)).collect();
    let total = chosen.len() + 1;
    let mut runs = Vec::new();
    for (i, (name, case)) in chosen.iter().enumerate() {
        progress(i, total, name);
        runs.push(case(Setup {
            size: cfg.size,
            profiling: Profiling::Full,
        })?);
    }
    progress(chosen.len(), total, "writing outputs");
    let result = write(cfg, &runs, layout)?;
    progress(total, total, "done");
    Ok(result)
}

/// Runs every case's work at `size` under `profiling` and writes nothing:
/// [`Profiling::Full`] against [`Profiling::Off`] measures what the profiler
/// costs (scopes, op records, heap tracking, value ranges, the 250 Hz
/// sampler with native stacks), the levels between say which part costs what. Every variant
/// runs a fixed number of times ([`MIN_RUNS`](super::MIN_RUNS) after its
/// warm-up), so each level does the same work.
///
/// # Errors
/// As [`run`].
pub fn run_workloads(size: Size, profiling: Profiling) -> Result<()> {
    run_cases(size, profiling).map(|_| ())
}

/// Runs every case at `size` under `profiling`, each variant a fixed number
/// of times as [`run_workloads`] does, and returns what they recorded (no
/// profiles under [`Profiling::Off`]; the variants' timings always).
///
/// # Errors
/// As [`run`].
pub fn run_cases(size: Size, profiling: Profiling) -> Result<Vec<CaseRun>> {
    let _fixed = super::repeat::FixedRuns::set(super::repeat::MIN_RUNS);
    CASES
        .iter()
        .map(|(_, case)| case(Setup { size, profiling }))
        .collect()
}

/// Advice of every report, with the case (and dtype run) in front of the path.
fn all_advice(cases: &[Reports<'_>]) -> Vec<Advice> {
    let mut out = Vec::new();
    for c in cases {
        for (sub, report) in &c.reports {
            let prefix = run_name(c.run.case, sub);
            for a in report.advice.iter().filter(|a| !smaller_rerun(c.run, a)) {
                let mut a = a.clone();
                a.path.insert(0, prefix.clone());
                out.push(a);
            }
        }
    }
    out
}

/// Whether `a` is about a reduced-size run of an extrapolated variant other
/// than the largest (the same advice would repeat once per size).
fn smaller_rerun(run: &CaseRun, a: &Advice) -> bool {
    run.extrapolations.iter().any(|e| {
        let largest = e.points.last().map(|p| p.0.as_str());
        a.path.len() > e.path.len()
            && a.path.starts_with(&e.path)
            && Some(a.path[e.path.len()].as_str()) != largest
            && e.points.iter().any(|p| p.0 == a.path[e.path.len()])
    })
}

/// A profile's name in advice paths and headings: `case` or `case/dtype`.
fn run_name(case: &str, sub: &str) -> String {
    if sub.is_empty() {
        case.to_string()
    } else {
        format!("{case}/{sub}")
    }
}

fn case_dir(out: &Path, case: &str, sub: &str, layout: Layout) -> PathBuf {
    let base = match layout {
        Layout::CaseFolders => out.join(case),
        Layout::Flat => out.to_path_buf(),
    };
    if sub.is_empty() {
        base
    } else {
        base.join(sub)
    }
}

/// Folded lines of several reports, each prefixed by its case name.
fn combined_folded(cases: &[Reports<'_>], names: &[&str], metric: Metric) -> String {
    let mut out = String::new();
    for c in cases.iter().filter(|c| names.contains(&c.run.case)) {
        for (_, r) in &c.reports {
            for line in r.folded(metric).lines() {
                let _ = writeln!(out, "{};{line}", c.run.case);
            }
        }
    }
    out
}

fn write(cfg: &TourConfig, runs: &[CaseRun], layout: Layout) -> Result<TourResult> {
    let out = &cfg.out;
    let mut files = Vec::new();
    let mut cases = Vec::new();
    for run in runs {
        let mut reports = Vec::new();
        for (k, (sub, profile)) in run.profiles.iter().enumerate() {
            let dir = case_dir(out, run.case, sub, layout);
            let mut report = profile.report_with_advice();
            report.repeats = run
                .timings
                .iter()
                .filter(|t| t.profile == k)
                .map(|t| Repeat {
                    path: t.path.clone(),
                    runs: t.runs_ns.len(),
                    median_ns: t.median(),
                    min_ns: t.min(),
                    max_ns: t.max(),
                    spread: t.spread(),
                    noisy: t.spread() > NOISY_SPREAD,
                })
                .collect();
            profile.write_all_with(&report, &dir)?;
            files.push(dir.strip_prefix(out).unwrap_or(&dir).display().to_string() + "/");
            reports.push((sub.clone(), report));
        }
        cases.push(Reports { run, reports });
    }
    let mut put = |name: &str, text: &str| -> Result<()> {
        write_text(&out.join(name), text)?;
        files.push(name.to_string());
        Ok(())
    };

    // Heap reports per dtype and their comparisons (before: the wider dtype).
    let mut comparisons = Vec::new();
    if let Some(d) = cases.iter().find(|c| c.run.case == "dtypes") {
        for (sub, report) in &d.reports {
            put(&format!("heap-{sub}.json"), &report.to_json()?)?;
        }
        for (wide, narrow) in [("int64", "int32"), ("float64", "float32")] {
            let find = |n: &str| d.reports.iter().find(|(s, _)| s == n).map(|(_, r)| r);
            if let (Some(a), Some(b)) = (find(wide), find(narrow)) {
                let stem = format!("heap-{wide}-vs-{narrow}");
                let text = Comparison::new(a, b).to_text();
                put(&format!("{stem}.txt"), &text)?;
                let diff = differential_svg(a, b, Metric::Bytes)?;
                put(&format!("{stem}.svg"), &diff)?;
                comparisons.push((stem, text, diff));
            }
        }
    }

    // Combined flamegraphs, for the cases that ran.
    let ran = |names: &[&str]| cases.iter().any(|c| names.contains(&c.run.case));
    let mut combined: Vec<(&str, String)> = Vec::new();
    if ran(&["vectorize", "builtins"]) {
        combined.push((
            "loop-vs-vectorized.svg",
            svg::flamegraph(
                &combined_folded(&cases, &["vectorize", "builtins"], Metric::Time),
                "loop vs vectorized: wall time of every variant (vectorize, builtins)",
                "ns",
            )?,
        ));
    }
    if ran(&["preallocate"]) {
        for (name, metric, title) in [
            (
                "prealloc-vs-append.svg",
                Metric::Time,
                "preallocate vs append: wall time",
            ),
            (
                "prealloc-vs-append-bytes.svg",
                Metric::Bytes,
                "preallocate vs append: bytes allocated",
            ),
        ] {
            let folded = combined_folded(&cases, &["preallocate"], metric);
            combined.push((name, svg::flamegraph(&folded, title, metric.unit())?));
        }
    }
    for (name, svg) in &combined {
        put(name, svg)?;
    }

    let mut fits = Vec::new();
    let rows = rows(&cases, &mut fits);
    let mut result = TourResult {
        size: cfg.size.name().to_string(),
        rows,
        fits,
        notes: runs.iter().flat_map(|r| r.notes.iter().cloned()).collect(),
        advice: all_advice(&cases),
        files: Vec::new(),
    };
    let summary = result.summary_text();
    put("summary.txt", &summary)?;
    files.push("tour.json".into());
    files.push("index.html".into());
    result.files = files;
    let json = serde_json::to_string_pretty(&result)
        .map_err(|e| Error::format(format!("writing tour.json: {e}")))?;
    write_text(&out.join("tour.json"), &json)?;

    let html = index_html(cfg, layout, &cases, &result, &combined, &comparisons)?;
    write_text(&out.join("index.html"), &html)?;
    Ok(result)
}

fn index_html(
    cfg: &TourConfig,
    layout: Layout,
    cases: &[Reports<'_>],
    result: &TourResult,
    combined: &[(&str, String)],
    comparisons: &[(String, String, String)],
) -> Result<String> {
    let names: Vec<&str> = cases.iter().map(|c| c.run.case).collect();
    let title = if names.len() == CASES.len() {
        format!("ndprof tour ({})", cfg.size.name())
    } else {
        format!("ndprof tour: {} ({})", names.join(", "), cfg.size.name())
    };
    let mut page = Page::new(&title);
    page.heading("Charts");
    let mut groups: Vec<&str> = Vec::new();
    for r in &result.rows {
        if !groups.contains(&r.group.as_str()) {
            groups.push(&r.group);
        }
    }
    let peaks: Vec<(String, u64)> = cases
        .iter()
        .filter(|c| c.run.case == "dtypes")
        .flat_map(|c| {
            c.reports
                .iter()
                .map(|(sub, r)| (sub.clone(), r.heap.peak_bytes))
        })
        .collect();
    for g in &groups {
        let rows: Vec<&Row> = result.rows.iter().filter(|r| r.group == *g).collect();
        page.figure(&format!("{g}: time"), &charts::time_bars(g, &rows));
        if g.starts_with("dtypes") {
            page.figure(
                &format!("{g}: time and memory by dtype"),
                &charts::dtype_bars(g, &rows, &peaks),
            );
        }
    }
    if !result.advice.is_empty() {
        page.heading("Advice");
        page.advice_cards(&result.advice);
    }
    let runs: Vec<(String, &crate::report::Report)> = cases
        .iter()
        .flat_map(|c| {
            c.reports
                .iter()
                .map(|(sub, r)| (run_name(c.run.case, sub), r))
        })
        .collect();
    let hot = crate::report::lines::hot_lines_across(&runs, crate::report::lines::HOT_LINES);
    if !hot.is_empty() {
        page.heading("Hottest source lines");
        page.paragraph(
            "Array ops by the line of code that called them, over every profiled run: self \
             time (sampled, with one standard deviation), exact calls and bytes allocated. \
             Per-element get/set/push are counted under their scope, not by line.",
        );
        page.text(hot.trim_end());
    }
    page.heading("Summary");
    page.paragraph(
        "Median wall time of each variant over its timed runs (after a warm-up run), timed \
         around each run, with the runs' min-max (! marks runs whose p10 to p90 spread over 25% of the median), speedup over the \
         slowest variant of its group with its range, bytes allocated, allocations and \
         reallocations per run. Rows marked * are extrapolated from reduced sizes with the fit \
         shown.",
    );
    // The table; the advice is in the cards above.
    let summary_text = result.summary_text();
    let table: String = summary_text
        .lines()
        .filter(|l| !l.starts_with("advice["))
        .fold(String::new(), |mut acc, l| {
            acc.push_str(l);
            acc.push('\n');
            acc
        });
    page.text(table.trim_end());
    if !combined.is_empty() {
        page.heading("Loop vs vectorized, preallocate vs append");
    }
    for (name, svg) in combined {
        page.svg(name, svg);
    }
    if !comparisons.is_empty() {
        page.heading("Heap by dtype");
    }
    if let Some(d) = cases.iter().find(|c| c.run.case == "dtypes") {
        for pair in [["int32", "int64"], ["float32", "float64"]] {
            let runs: Vec<(&str, &crate::report::Report)> = d
                .reports
                .iter()
                .filter(|(sub, _)| pair.contains(&sub.as_str()))
                .map(|(sub, r)| (sub.as_str(), r))
                .collect();
            let title = format!("heap over time: {} vs {}", pair[0], pair[1]);
            let chart = charts::heap_overlay(&title, &runs);
            if !chart.is_empty() {
                page.figure(&title, &chart);
            }
        }
    }
    for (stem, text, diff) in comparisons {
        page.subheading(stem);
        page.text(text);
        page.svg(&format!("{stem}.svg"), diff);
    }
    for c in cases {
        for (sub, report) in &c.reports {
            let title = run_name(c.run.case, sub);
            page.heading(&format!("Case {title}"));
            let hot = crate::report::lines::hot_lines_text(report, crate::report::lines::HOT_LINES);
            page.text(&format!("{}\n{hot}\n{}", report.table(), report.summary()));
            // The graphs `write_all` has just written, not rendered a second time.
            let dir = case_dir(&cfg.out, c.run.case, sub, layout);
            for (file, what) in [
                ("time.svg", "time"),
                ("heap.svg", "bytes"),
                ("allocs.svg", "allocs"),
                ("cpu.svg", "native CPU samples"),
                ("heap-timeline.svg", "live heap bytes over time"),
            ] {
                let path = dir.join(file);
                match std::fs::read_to_string(&path) {
                    Ok(svg) => page.svg(&format!("{title}: {what}"), &svg),
                    // Without CPU sampling there is no cpu.svg.
                    Err(e) if file == "cpu.svg" && e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::io(&path, e)),
                }
            }
        }
    }
    Ok(page.finish())
}
