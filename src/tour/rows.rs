//! The summary's rows: each variant's median time and range from its
//! repeated runs, its allocations per run from the report, extrapolations
//! of variants run at reduced sizes, and speedups within each group.

use super::case::{CaseRun, Extrapolation};
use super::fit::Fit;
use super::repeat::{Timing, NOISY_SPREAD};
use crate::profiler::{Children, Record};
use crate::report::Report;
use serde::Serialize;

/// One line of the summary table.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The comparison the row belongs to.
    pub group: String,
    /// The variant's name.
    pub variant: String,
    /// Median wall time of the variant's timed runs (extrapolated to the
    /// full size where `fit` is set), measured around each run.
    pub time_ns: f64,
    /// The fastest run (extrapolated rows: the prediction scaled as the
    /// largest measured size's fastest run to its median).
    pub time_min_ns: f64,
    /// The slowest run, likewise.
    pub time_max_ns: f64,
    /// Timed runs (after one warm-up run).
    pub runs: usize,
    /// `(p90 - p10) / median` of the runs ([`Timing::spread`]).
    pub spread: f64,
    /// The spread exceeds [`NOISY_SPREAD`]: read the time with care.
    pub noisy: bool,
    /// The group's slowest median over this one's.
    pub speedup: f64,
    /// The speedup's range: slowest variant's fastest run over this one's
    /// slowest, and the slowest's slowest over this one's fastest.
    pub speedup_min: f64,
    /// See `speedup_min`.
    pub speedup_max: f64,
    /// Bytes allocated per run (buffers and, with `alloc::Tracking`, the rest of the heap).
    pub bytes: u64,
    /// Allocations made per run (buffers and heap).
    pub allocations: u64,
    /// Reallocations (growth) per run.
    pub reallocations: u64,
    /// The fitted law, when the row is extrapolated.
    pub fit: Option<String>,
}

pub(crate) fn time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else {
        format!("{:.3} ms", ns / 1e6)
    }
}

/// The reports of one case, by subdirectory.
pub(crate) struct Reports<'a> {
    pub(crate) run: &'a CaseRun,
    pub(crate) reports: Vec<(String, Report)>,
}

/// The record at `path` and every record below it.
fn subtree<'a>(report: &'a Report, path: &[String]) -> Vec<&'a Record> {
    let Some(root) = crate::profiler::find_path(&report.records, path) else {
        return Vec::new();
    };
    let children = Children::of(&report.records);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(i) = stack.pop() {
        out.push(&report.records[i]);
        stack.extend(&children.of[i]);
    }
    out
}

/// What a variant's row shows, before speedups.
#[derive(Clone, Copy, Debug, Default)]
struct Measured {
    median: f64,
    min: f64,
    max: f64,
    runs: usize,
    spread: f64,
    bytes: u64,
    allocations: u64,
    reallocations: u64,
}

/// The variant at `path`: its runs' wall times from `timing` (else the
/// report's time, as one run), and its allocations per run from the report
/// (the subtree's counts over the scope's calls: the timed runs; the
/// warm-up run is unrecorded).
fn measure(report: &Report, path: &[String], timing: Option<&Timing>) -> Measured {
    let inside = subtree(report, path);
    let calls = inside.first().map_or(1, |r| r.calls.max(1));
    let (mut bytes, mut allocs, mut reallocs) = (0u64, 0u64, 0u64);
    for r in &inside {
        bytes = bytes.saturating_add(r.all_bytes());
        allocs = allocs.saturating_add(r.allocations.saturating_add(r.heap_allocations));
        reallocs = reallocs.saturating_add(r.reallocations);
    }
    let (median, min, max, runs, spread) = match timing {
        Some(t) => (t.median(), t.min(), t.max(), t.runs_ns.len(), t.spread()),
        None => {
            let t = inside.first().map_or(0.0, |r| r.total_ns);
            (t, t, t, 1, 0.0)
        }
    };
    Measured {
        median,
        min,
        max,
        runs,
        spread,
        bytes: bytes / calls,
        allocations: allocs / calls,
        reallocations: reallocs / calls,
    }
}

fn timing_of<'a>(timings: &'a [Timing], profile: usize, path: &[String]) -> Option<&'a Timing> {
    timings
        .iter()
        .find(|t| t.profile == profile && t.path == path)
}

/// Fits the medians, bytes and allocations of an extrapolated variant's
/// reduced runs and predicts them at the full size.
fn extrapolate(
    report: &Report,
    timings: &[Timing],
    e: &Extrapolation,
) -> Option<(Measured, String)> {
    let mut pts = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    let mut largest = Measured::default();
    for (child, x) in &e.points {
        let mut path = e.path.clone();
        path.push(child.clone());
        let m = measure(report, &path, timing_of(timings, e.profile, &path));
        for (p, v) in pts.iter_mut().zip([
            m.median,
            m.bytes as f64,
            m.allocations as f64,
            m.reallocations as f64,
        ]) {
            p.push((*x, v));
        }
        largest = m;
    }
    let time = Fit::least_squares(&pts[0], e.exponents)?;
    let predict = |p: &[(f64, f64)], exps: &[f64]| {
        Fit::least_squares(p, exps).map_or(0.0, |f| f.predict(e.full))
    };
    // Counts grow at most linearly (one allocation per call); bytes as time.
    let linear: Vec<f64> = e.exponents.iter().copied().filter(|&x| x <= 1.0).collect();
    let median = time.predict(e.full);
    let scale = |v: f64| {
        if largest.median > 0.0 {
            median * v / largest.median
        } else {
            median
        }
    };
    let values = Measured {
        median,
        min: scale(largest.min),
        max: scale(largest.max),
        runs: largest.runs,
        spread: largest.spread,
        bytes: predict(&pts[1], e.exponents) as u64,
        allocations: predict(&pts[2], &linear).round() as u64,
        reallocations: predict(&pts[3], &linear).round() as u64,
    };
    let measured: Vec<String> = time
        .points
        .iter()
        .map(|(x, y)| format!("{}={x} {}", e.variable, self::time(*y)))
        .collect();
    let text = format!(
        "{}: median time = {} fitted to {}; at {} = {} -> {}",
        e.path.join(";"),
        time.formula(e.variable),
        measured.join(", "),
        e.variable,
        e.full,
        self::time(values.median)
    );
    Some((values, text))
}

pub(crate) fn rows(cases: &[Reports<'_>], fits: &mut Vec<String>) -> Vec<Row> {
    let mut out = Vec::new();
    for c in cases {
        let timings = &c.run.timings;
        for g in &c.run.groups {
            let mut group: Vec<Row> = Vec::new();
            for m in &g.members {
                let (p, path) = (&m.profile, &m.path);
                let Some((_, report)) = c.reports.get(*p) else {
                    continue;
                };
                let ext = c
                    .run
                    .extrapolations
                    .iter()
                    .find(|e| e.profile == *p && &e.path == path)
                    .and_then(|e| extrapolate(report, timings, e));
                let (v, fit) = match ext {
                    Some((v, text)) => {
                        fits.push(text.clone());
                        (v, Some(text))
                    }
                    None => (measure(report, path, timing_of(timings, *p, path)), None),
                };
                let spread = v.spread;
                group.push(Row {
                    group: g.title.clone(),
                    variant: m.name.clone(),
                    time_ns: v.median,
                    time_min_ns: v.min,
                    time_max_ns: v.max,
                    runs: v.runs,
                    spread,
                    noisy: spread > NOISY_SPREAD,
                    speedup: 1.0,
                    speedup_min: 1.0,
                    speedup_max: 1.0,
                    bytes: v.bytes,
                    allocations: v.allocations,
                    reallocations: v.reallocations,
                    fit,
                });
            }
            let slowest = group
                .iter()
                .max_by(|a, b| a.time_ns.total_cmp(&b.time_ns))
                .map(|r| (r.time_ns, r.time_min_ns, r.time_max_ns));
            if let Some((median, min, max)) = slowest {
                let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
                for r in &mut group {
                    r.speedup = ratio(median, r.time_ns);
                    r.speedup_min = ratio(min, r.time_max_ns);
                    r.speedup_max = ratio(max, r.time_min_ns);
                }
            }
            out.extend(group);
        }
    }
    out
}
