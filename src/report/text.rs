//! A cProfile-style table: one row per scope and op path, sorted by self time.

use crate::alloc::human_bytes;
use crate::profiler::Profile;
use std::fmt::Write as _;

/// The table as text. Columns: calls, total and self time (ms), time per
/// call (us), elements, throughput (GB/s of bytes read + written over total
/// time, ops only), bytes allocated, allocations, and the path.
pub fn table(profile: &Profile) -> String {
    let mut rows: Vec<_> = profile.records().iter().collect();
    rows.sort_by(|a, b| b.self_ns.total_cmp(&a.self_ns));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "wall {:.3} ms; {} scope/op paths; sorted by self time",
        profile.wall_ns() / 1e6,
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
