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
///
/// # Errors
/// The first error `line` returns.
pub fn for_each_line(
    records: &[Record],
    count: impl Fn(&Record) -> u64,
    line: impl FnMut(&str, u64) -> Result<()>,
) -> Result<()> {
    for_each_line_to_depth(records, usize::MAX, count, line)
}

/// The frame that stands for everything below [`SVG_MAX_DEPTH`].
pub const DEEPER_FRAME: &str = "(deeper frames)";

/// The most frames a rendered flamegraph shows; below that, a path's
/// counts add up in one [`DEEPER_FRAME`] (folded files keep every frame).
/// A nesting 10,000 deep would otherwise mean 50 million frames to lay out.
pub const SVG_MAX_DEPTH: usize = 256;

/// As [`for_each_line`], with paths cut at `max_depth` frames: the counts
/// of everything deeper are summed into one `(deeper frames)` line under
/// the last frame kept.
///
/// # Errors
/// The first error `line` returns.
pub fn for_each_line_to_depth(
    records: &[Record],
    max_depth: usize,
    count: impl Fn(&Record) -> u64,
    mut line: impl FnMut(&str, u64) -> Result<()>,
) -> Result<()> {
    let children = Children::of(records);
    let mut path = String::new();
    let mut lengths: Vec<usize> = Vec::new();
    let mut deeper = 0u64;
    let mut result = Ok(());
    let mut emit = |path: &str, c: u64, result: &mut Result<()>| {
        if c > 0 && result.is_ok() {
            *result = line(path, c);
        }
    };
    depth_first(&children, |v| match v {
        Visit::Enter(i, depth) if depth < max_depth => {
            lengths.push(path.len());
            if !path.is_empty() {
                path.push(';');
            }
            path.push_str(&records[i].frame());
            emit(&path, count(&records[i]), &mut result);
        }
        Visit::Enter(i, _) => deeper = deeper.saturating_add(count(&records[i])),
        Visit::Leave(_, depth) if depth < max_depth => {
            if depth + 1 == max_depth && deeper > 0 {
                let cut = format!("{path};{DEEPER_FRAME}");
                emit(&cut, deeper, &mut result);
                deeper = 0;
            }
            if let Some(len) = lengths.pop() {
                path.truncate(len);
            }
        }
        Visit::Leave(..) => {}
    });
    result
}

/// Folded lines for rendering: paths cut at [`SVG_MAX_DEPTH`] frames.
pub fn folded_for_svg(report: &Report, metric: Metric) -> String {
    let mut out = String::new();
    let _ = for_each_line_to_depth(
        &report.records,
        SVG_MAX_DEPTH,
        |r| metric.count(r),
        |path, count| {
            out.push_str(path);
            out.push(' ');
            out.push_str(&count.to_string());
            out.push('\n');
            Ok(())
        },
    );
    out
}

/// Writes one folded line per call path with a nonzero count. Each node's
/// own share is counted (self time, allocations made directly in it), so a
/// flamegraph's widths add up to the totals.
///
/// # Errors
/// [`Io`](crate::error::ErrorKind::Io) from `w`.
pub fn write_folded(report: &Report, metric: Metric, w: &mut dyn Write) -> Result<()> {
    for_each_line(
        &report.records,
        |r| metric.count(r),
        |path, count| {
            writeln!(w, "{path} {count}").map_err(|e| {
                Error::new(
                    crate::error::ErrorKind::Io,
                    format!("writing folded stacks: {e}"),
                )
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
