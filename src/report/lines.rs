//! The hottest source lines: each op by the line of your code that called
//! it (`Record::lines`), hottest first, as `go tool pprof -lines` would
//! list them; shown in `ops.txt` and the HTML.

use super::columns::{aligned, display_path};
use super::model::Report;
use crate::alloc::human_bytes;
use crate::profiler::SourceLine;

/// How many lines `ops.txt` and the HTML list.
pub const HOT_LINES: usize = 15;

/// The `n` located lines with the most self time (then the most bytes
/// allocated), with the index of the op record each belongs to.
pub fn hottest(report: &Report, n: usize) -> Vec<(usize, &SourceLine)> {
    let mut all: Vec<(usize, &SourceLine)> = report
        .records
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.lines.iter().map(move |l| (i, l)))
        .collect();
    all.sort_by(|a, b| {
        b.1.self_ns
            .total_cmp(&a.1.self_ns)
            .then(b.1.bytes_allocated.cmp(&a.1.bytes_allocated))
    });
    all.truncate(n);
    all
}

fn ms(ns: f64) -> String {
    format!("{:.3}", ns / 1e6)
}

/// One standard deviation in ms, or `-` for an exact time.
fn err_ms(ns: f64) -> String {
    if ns > 0.0 {
        ms(ns)
    } else {
        "-".to_string()
    }
}

/// The hottest lines as an aligned table with a heading line, or an empty
/// string when no op was located.
pub fn hot_lines_text(report: &Report, n: usize) -> String {
    let hot = hottest(report, n);
    if hot.is_empty() {
        return String::new();
    }
    let sampled = report.meta.timing.mode != "instrumented";
    let mut rows = vec![vec![
        "self ms".to_string(),
        "+- ms".to_string(),
        "calls".to_string(),
        "allocated".to_string(),
        "held at peak".to_string(),
        "line: op (path)".to_string(),
    ]];
    for (i, l) in hot {
        rows.push(vec![
            ms(l.self_ns),
            err_ms(l.self_err_ns),
            l.calls.to_string(),
            human_bytes(l.bytes_allocated),
            human_bytes(l.peak_bytes),
            format!(
                "{}: {} ({})",
                l.location(),
                report.records[i].frame(),
                display_path(&report.records, i)
            ),
        ]);
    }
    format!(
        "hottest source lines (ops by the line that called them; time {}, counts exact, \
         held at peak estimated)\n{}",
        if sampled {
            "sampled, +- one s.d."
        } else {
            "measured less the calibrated profiler cost"
        },
        aligned(&rows)
    )
}

/// The hottest lines over several runs (`(run name, report)`), as a table
/// with the run named in each row; empty when no op was located.
pub fn hot_lines_across(runs: &[(String, &Report)], n: usize) -> String {
    let mut all: Vec<(&str, &Report, usize, &SourceLine)> = runs
        .iter()
        .flat_map(|(name, r)| {
            hottest(r, n)
                .into_iter()
                .map(move |(i, l)| (name.as_str(), *r, i, l))
        })
        .collect();
    if all.is_empty() {
        return String::new();
    }
    all.sort_by(|a, b| b.3.self_ns.total_cmp(&a.3.self_ns));
    all.truncate(n);
    let mut rows = vec![vec![
        "self ms".to_string(),
        "+- ms".to_string(),
        "calls".to_string(),
        "allocated".to_string(),
        "run".to_string(),
        "line: op (path)".to_string(),
    ]];
    for (name, r, i, l) in all {
        rows.push(vec![
            ms(l.self_ns),
            err_ms(l.self_err_ns),
            l.calls.to_string(),
            human_bytes(l.bytes_allocated),
            name.to_string(),
            format!(
                "{}: {} ({})",
                l.location(),
                r.records[i].frame(),
                display_path(&r.records, i)
            ),
        ]);
    }
    aligned(&rows)
}
