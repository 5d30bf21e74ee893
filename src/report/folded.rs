//! Folded stacks (`scope;scope;op[dtype] count`), the input of flamegraph
//! tools (inferno, `flamegraph.pl`, speedscope).

use super::model::Report;
use crate::error::{Error, Result};
use crate::profiler::{depth_first, Children, Record, Visit};
use std::io::Write;

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
    /// Every metric.
    pub const ALL: [Metric; 3] = [Metric::Time, Metric::Bytes, Metric::Allocations];

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

    /// The stem of the files `write_all` names after it (`time`, `heap`, `allocs`).
    pub fn file_stem(self) -> &'static str {
        match self {
            Metric::Time => "time",
            Metric::Bytes => "heap",
            Metric::Allocations => "allocs",
        }
    }

    /// A record's own count of this metric.
    pub fn count(self, r: &Record) -> u64 {
        match self {
            Metric::Time => {
                if r.self_ns.is_finite() && r.self_ns > 0.0 {
                    r.self_ns.round().min(u64::MAX as f64) as u64
                } else {
                    0
                }
            }
            Metric::Bytes => r.all_bytes(),
            Metric::Allocations => r.all_allocations(),
        }
    }
}

impl std::str::FromStr for Metric {
    type Err = Error;
    fn from_str(s: &str) -> Result<Metric> {
        match s {
            "time" => Ok(Metric::Time),
            "bytes" | "heap" => Ok(Metric::Bytes),
            "allocs" | "allocations" => Ok(Metric::Allocations),
            _ => Err(Error::invalid(format!(
                "unknown metric '{s}' (expected time, bytes or allocs)"
            ))),
        }
    }
}

/// Calls `line(path, count)` for every record with a nonzero count, depth
/// first; `path` is the `;`-joined frames. Building each path costs its
/// length, so the whole costs the size of the output.
pub fn for_each_line(
    records: &[Record],
    count: impl Fn(&Record) -> u64,
    mut line: impl FnMut(&str, u64) -> Result<()>,
) -> Result<()> {
    let children = Children::of(records);
    let mut path = String::new();
    let mut lengths: Vec<usize> = Vec::new();
    let mut result = Ok(());
    depth_first(&children, |v| match v {
        Visit::Enter(i, _) => {
            lengths.push(path.len());
            if !path.is_empty() {
                path.push(';');
            }
            path.push_str(&records[i].frame());
            let c = count(&records[i]);
            if c > 0 && result.is_ok() {
                result = line(&path, c);
            }
        }
        Visit::Leave(..) => {
            if let Some(len) = lengths.pop() {
                path.truncate(len);
            }
        }
    });
    result
}

/// Writes one folded line per call path with a nonzero count. Each node's
/// own share is counted (self time, allocations made directly in it), so a
/// flamegraph's widths add up to the totals.
///
/// # Errors
/// [`Io`](crate::ErrorKind::Io) from `w`.
pub fn write_folded(report: &Report, metric: Metric, w: &mut dyn Write) -> Result<()> {
    for_each_line(
        &report.records,
        |r| metric.count(r),
        |path, count| {
            writeln!(w, "{path} {count}").map_err(|e| {
                Error::new(crate::ErrorKind::Io, format!("writing folded stacks: {e}"))
            })
        },
    )
}

/// The folded lines as a string.
pub fn folded(report: &Report, metric: Metric) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_folded(report, metric, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
