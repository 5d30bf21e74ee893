//! One shape for every output format: each writes from a [`Report`] into
//! `impl Write`. [`export`] picks one by [`Format`]; [`FILES`] lists what
//! `Profile::write_all` writes, so `ndprof export` rebuilds any of them from
//! a saved `report.json` (all but the CPU-sample files, which need the
//! samples).

use super::dhat::write_dhat;
use super::folded::{write_folded, Metric};
use super::json::write_json;
use super::model::Report;
use super::pprof::write_pprof;
use super::svg::write_flamegraph;
use super::text::write_text;
use super::timeline_svg::write_heap_timeline;
use super::trace::write_trace;
use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `report.json` (the model itself).
    Json,
    /// Folded stacks of a metric.
    Folded,
    /// A flamegraph SVG of a metric (inferno).
    Svg,
    /// The cProfile-style table, heap summary and advice (`ops.txt`).
    Text,
    /// pprof `profile.proto` (`ops.pb`) with `wall`, `alloc_space` and
    /// `alloc_objects` sample types.
    Pprof,
    /// DHAT's JSON (`dhat-heap.json`): allocation sites for DHAT's viewer.
    Dhat,
    /// Chrome trace events (`trace.json`): the sampled timeline for Perfetto,
    /// `chrome://tracing` and speedscope.
    Trace,
    /// Live heap bytes over time (`heap-timeline.svg`).
    HeapTimeline,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 8] = [
        Format::Json,
        Format::Folded,
        Format::Svg,
        Format::Text,
        Format::Pprof,
        Format::Dhat,
        Format::Trace,
        Format::HeapTimeline,
    ];

    /// The name the CLI takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Folded => "folded",
            Format::Svg => "svg",
            Format::Text => "text",
            Format::Pprof => "pprof",
            Format::Dhat => "dhat",
            Format::Trace => "trace",
            Format::HeapTimeline => "heap-timeline",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown format '{s}' (expected json, folded, svg, text, pprof, dhat, trace or heap-timeline)"
                ))
            })
    }
}

/// Writes `report` in `format` into `w`; `metric` weighs folded stacks and
/// flamegraphs (the other formats carry every metric).
///
/// # Errors
/// [`Format`](crate::error::ErrorKind::Format) if rendering fails,
/// [`Io`](crate::error::ErrorKind::Io) from `w`.
pub fn export(report: &Report, format: Format, metric: Metric, w: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => write_json(report, w),
        Format::Folded => write_folded(report, metric, w),
        Format::Svg => write_flamegraph(report, metric, w),
        Format::Text => write_text(report, w),
        Format::Pprof => write_pprof(report, w),
        Format::Dhat => write_dhat(report, w),
        Format::Trace => write_trace(report, w),
        Format::HeapTimeline => write_heap_timeline(report, w),
    }
}

/// The files `Profile::write_all` writes from the report: name, format, metric.
pub const FILES: [(&str, Format, Metric); 12] = [
    ("time.folded", Format::Folded, Metric::Time),
    ("time.svg", Format::Svg, Metric::Time),
    ("heap.folded", Format::Folded, Metric::Bytes),
    ("heap.svg", Format::Svg, Metric::Bytes),
    ("allocs.folded", Format::Folded, Metric::Allocations),
    ("allocs.svg", Format::Svg, Metric::Allocations),
    ("report.json", Format::Json, Metric::Time),
    ("ops.pb", Format::Pprof, Metric::Time),
    ("ops.txt", Format::Text, Metric::Time),
    ("dhat-heap.json", Format::Dhat, Metric::Bytes),
    ("trace.json", Format::Trace, Metric::Time),
    ("heap-timeline.svg", Format::HeapTimeline, Metric::Bytes),
];

/// Writes `report` in `format` to `path` atomically.
///
/// # Errors
/// As [`export`], and [`Io`](crate::error::ErrorKind::Io) naming the path.
pub fn export_file(report: &Report, format: Format, metric: Metric, path: &Path) -> Result<()> {
    crate::io::atomic_write(path, |w| export(report, format, metric, w))
}

/// Writes every file of [`FILES`] into `dir` (created if missing).
///
/// # Errors
/// As [`export_file`], naming the path that failed.
pub fn export_all(report: &Report, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (name, format, metric) in FILES {
        export_file(report, format, metric, &dir.join(name))?;
    }
    Ok(())
}
