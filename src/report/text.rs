//! A cProfile-style table: one row per scope and op path, sorted by self time.

use super::json::Report;
use crate::alloc::human_bytes;
use std::fmt::Write as _;

/// The table as text. Columns: calls, total and self time (ms), time per
/// call (us), elements, throughput (GB/s of bytes read + written over total
/// time, ops only), bytes allocated, allocations, and the path.
pub fn table(report: &Report) -> String {
    let mut rows: Vec<_> = report.records.iter().collect();
    rows.sort_by(|a, b| b.self_ns.total_cmp(&a.self_ns));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "wall {:.3} ms; {} scope/op paths; sorted by self time",
        report.meta.wall_ns / 1e6,
        rows.len()
    );
    let _ = writeln!(
        out,
        "{:>10} {:>11} {:>11} {:>12} {:>12} {:>8} {:>12} {:>8}  path",
        "calls", "total ms", "self ms", "per call us", "elements", "GB/s", "allocated", "allocs"
    );
    for r in rows {
        let moved = (r.bytes_read + r.bytes_written) as f64;
        let gbps = if moved > 0.0 && r.total_ns > 0.0 {
            format!("{:.2}", moved / r.total_ns)
        } else {
            "-".to_string()
        };
        let mark = if r.time_sampled {
            " (time sampled)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{:>10} {:>11.3} {:>11.3} {:>12.3} {:>12} {:>8} {:>12} {:>8}  {}{mark}",
            r.calls,
            r.total_ns / 1e6,
            r.self_ns / 1e6,
            r.total_ns / 1e3 / r.calls.max(1) as f64,
            r.elements,
            gbps,
            human_bytes(r.bytes_allocated + r.heap_bytes),
            r.allocations + r.reallocations + r.heap_allocations,
            r.path.join(";")
        );
    }
    out
}

/// The heap summary and every piece of advice, one `advice[RULE]: ` line each.
pub fn summary(report: &Report) -> String {
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
    for c in h.peak_contributors.iter().take(5) {
        let path = if c.path.is_empty() {
            "(top level)".to_string()
        } else {
            c.path.join(";")
        };
        let _ = writeln!(out, "  at peak: {:>12}  {path}", human_bytes(c.bytes));
    }
    if report.advice.is_empty() {
        let _ = writeln!(out, "no advice: none of the rules fired");
    }
    for a in &report.advice {
        let _ = writeln!(out, "{a}");
    }
    out
}
