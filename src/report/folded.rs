//! Folded stacks (`scope;scope;op[dtype] count`), the input of flamegraph
//! tools (inferno, `flamegraph.pl`, speedscope).

use super::json::{JsonRecord, Report};

/// What a folded line's count measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Self wall time in nanoseconds.
    Time,
    /// Bytes allocated: buffer allocations and growth, plus other heap
    /// allocations when `alloc::Tracking` is the global allocator.
    Bytes,
    /// Allocations and reallocations, counted the same way.
    Allocations,
}

impl Metric {
    /// The unit name flamegraphs show.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::Time => "ns",
            Metric::Bytes => "bytes",
            Metric::Allocations => "allocations",
        }
    }

    /// The name the CLI takes (`time`, `bytes`, `allocs`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Time => "time",
            Metric::Bytes => "bytes",
            Metric::Allocations => "allocs",
        }
    }

    /// A record's own count of this metric.
    pub fn count(self, r: &JsonRecord) -> u64 {
        match self {
            Metric::Time => r.self_ns.round() as u64,
            Metric::Bytes => r.bytes_allocated + r.heap_bytes,
            Metric::Allocations => r.allocations + r.reallocations + r.heap_allocations,
        }
    }
}

impl std::str::FromStr for Metric {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Metric> {
        match s {
            "time" => Ok(Metric::Time),
            "bytes" | "heap" => Ok(Metric::Bytes),
            "allocs" | "allocations" => Ok(Metric::Allocations),
            _ => Err(crate::Error::invalid(format!(
                "unknown metric '{s}' (expected time, bytes or allocs)"
            ))),
        }
    }
}

/// One line per call path with a nonzero count, in record order. Each
/// node's own share is counted (self time, allocations made directly in
/// it), so a flamegraph's widths add up to the totals.
pub fn folded(report: &Report, metric: Metric) -> String {
    let mut out = String::new();
    for r in &report.records {
        let count = metric.count(r);
        if count > 0 {
            out.push_str(&r.path.join(";"));
            out.push(' ');
            out.push_str(&count.to_string());
            out.push('\n');
        }
    }
    out
}
