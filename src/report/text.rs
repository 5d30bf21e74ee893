//! Text: a cProfile-style table (one row per scope and op path, sorted by
//! self time) and the heap summary with the advice.

pub use super::columns::{display_path, display_path_with};
use super::model::Report;
use crate::alloc::human_bytes;
use crate::error::{Error, Result};
use std::fmt::Write as _;
use std::io::Write;

fn io(e: std::io::Error) -> Error {
    Error::new(
        crate::error::ErrorKind::Io,
        format!("writing text report: {e}"),
    )
}

/// Writes the table. Columns: calls, total and self time (ms), time per
/// call (us), elements, throughput (GB/s of bytes read + written over total
/// time, ops only), bytes allocated, allocations, and the path.
///
/// # Errors
/// [`Io`](crate::error::ErrorKind::Io) from `w`.
pub fn write_table(report: &Report, w: &mut dyn Write) -> Result<()> {
    let mut rows: Vec<usize> = (0..report.records.len()).collect();
    rows.sort_by(|&a, &b| {
        report.records[b]
            .self_ns
            .total_cmp(&report.records[a].self_ns)
    });
    writeln!(
        w,
        "wall {:.3} ms; {} scope/op paths; sorted by self time",
        report.meta.wall_ns / 1e6,
        rows.len()
    )
    .map_err(io)?;
    writeln!(w, "{}", report.meta.timing.describe()).map_err(io)?;
    if report.meta.dropped_events > 0 {
        writeln!(w, "{}", dropped_warning(report.meta.dropped_events)).map_err(io)?;
    }
    writeln!(
        w,
        "{:>14} {:>11} {:>9} {:>11} {:>12} {:>12} {:>8} {:>12} {:>8}  path",
        "calls",
        "total ms",
        "+- ms",
        "self ms",
        "per call us",
        "elements",
        "GB/s",
        "allocated",
        "allocs"
    )
    .map_err(io)?;
    for i in rows {
        let r = &report.records[i];
        let moved = r.bytes_read.saturating_add(r.bytes_written) as f64;
        let gbps = if moved > 0.0 && r.total_ns > 0.0 {
            format!("{:.2}", moved / r.total_ns)
        } else {
            "-".to_string()
        };
        let mark = if r.time_sampled && r.time_err_ns == 0.0 {
            " (time sampled)"
        } else {
            ""
        };
        let calls = if r.estimated_calls > 0 {
            format!("{} est.", r.calls)
        } else {
            r.calls.to_string()
        };
        let err = if r.time_err_ns > 0.0 {
            format!("{:.3}", r.time_err_ns / 1e6)
        } else {
            "-".to_string()
        };
        writeln!(
            w,
            "{:>14} {:>11.3} {:>9} {:>11.3} {:>12.3} {:>12} {:>8} {:>12} {:>8}  {}{mark}",
            calls,
            r.total_ns / 1e6,
            err,
            r.self_ns / 1e6,
            r.total_ns / 1e3 / r.calls.max(1) as f64,
            r.elements,
            gbps,
            human_bytes(r.all_bytes()),
            r.all_allocations(),
            display_path(&report.records, i)
        )
        .map_err(io)?;
    }
    Ok(())
}

/// The warning a profile with dropped events carries.
pub fn dropped_warning(n: u64) -> String {
    format!(
        "warning: {n} events were dropped: the call tree reached its limit of {} distinct \
         paths; totals are low",
        crate::trace::MAX_NODES
    )
}

/// Writes the heap summary and every piece of advice, one `advice[RULE]: ` line each.
///
/// # Errors
/// [`Io`](crate::error::ErrorKind::Io) from `w`.
pub fn write_summary(report: &Report, w: &mut dyn Write) -> Result<()> {
    let h = &report.heap;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "heap ({}): peak {}, allocated {} in {} allocations, {} frees, {} reallocations, {} copied by growth",
        h.source,
        human_bytes(h.peak_bytes),
        human_bytes(h.total_bytes),
        h.allocations,
        h.frees,
        h.reallocations,
        human_bytes(h.copied_bytes)
    );
    if !h.peak_contributors.is_empty() {
        let held: u64 = h.peak_contributors.iter().map(|c| c.bytes).sum();
        let _ = writeln!(
            out,
            "  who held the peak (estimated: owners taken when {} were live):",
            human_bytes(held)
        );
    }
    for c in h.peak_contributors.iter().take(5) {
        let path = match c.record {
            None => "(top level)".to_string(),
            Some(i) => display_path(&report.records, i),
        };
        let _ = writeln!(out, "  at peak: {:>12}  {path}", human_bytes(c.bytes));
    }
    if report.meta.dropped_events > 0 {
        let _ = writeln!(out, "{}", dropped_warning(report.meta.dropped_events));
    }
    if report.advice.is_empty() {
        let _ = writeln!(out, "no advice: none of the rules fired");
    }
    for a in &report.advice {
        let _ = writeln!(out, "{a}");
    }
    w.write_all(out.as_bytes()).map_err(io)
}

/// Writes the table, a blank line, the hottest source lines (if ops were
/// located) and the summary (`ops.txt`).
///
/// # Errors
/// [`Io`](crate::error::ErrorKind::Io) from `w`.
pub fn write_text(report: &Report, w: &mut dyn Write) -> Result<()> {
    write_table(report, w)?;
    writeln!(w).map_err(io)?;
    let hot = super::lines::hot_lines_text(report, super::lines::HOT_LINES);
    if !hot.is_empty() {
        writeln!(w, "{hot}").map_err(io)?;
    }
    let ranks = super::ranks::imbalance_text(report, 20);
    if !ranks.is_empty() {
        writeln!(w, "{ranks}").map_err(io)?;
    }
    write_summary(report, w)
}

fn to_string(f: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = f(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The table as a string.
pub fn table(report: &Report) -> String {
    to_string(|w| write_table(report, w))
}

/// The summary as a string.
pub fn summary(report: &Report) -> String {
    to_string(|w| write_summary(report, w))
}
