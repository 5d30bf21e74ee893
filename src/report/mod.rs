//! Layer 5: reports, one module per format, written atomically through
//! [`io::atomic_write`](crate::io::atomic_write).

pub mod advice;
pub mod compare;
pub mod folded;
pub mod html;
pub mod json;
mod merge;
pub mod pprof;
pub mod svg;
pub mod text;

pub use advice::{advise, Advice, AdviceOptions};
pub use compare::Comparison;
pub use folded::{folded, Metric};
pub use json::Report;
pub use text::table;

use crate::error::Result;
use crate::profiler::Profile;
use std::path::Path;

impl Report {
    /// Folded stacks weighted by `metric`.
    pub fn folded(&self, metric: Metric) -> String {
        folded(self, metric)
    }

    /// The cProfile-style table.
    pub fn table(&self) -> String {
        table(self)
    }

    /// The heap summary and the advice, as text.
    pub fn summary(&self) -> String {
        text::summary(self)
    }

    /// A flamegraph of `metric` (a valid "no data" SVG when nothing was counted).
    ///
    /// # Errors
    /// [`Format`](crate::ErrorKind::Format) if rendering fails.
    pub fn flamegraph_svg(&self, metric: Metric) -> Result<String> {
        let title = match metric {
            Metric::Time => "ndprof: wall time by scope and op",
            Metric::Bytes => "ndprof: bytes allocated by scope and op",
            Metric::Allocations => "ndprof: allocations by scope and op",
        };
        svg::flamegraph(&self.folded(metric), title, metric.unit())
    }
}

impl Profile {
    /// Folded stacks weighted by `metric`.
    pub fn folded(&self, metric: Metric) -> String {
        self.report().folded(metric)
    }

    /// The cProfile-style table.
    pub fn table(&self) -> String {
        self.report().table()
    }

    /// Writes folded stacks to `path` atomically.
    ///
    /// # Errors
    /// [`Io`](crate::ErrorKind::Io) naming the path.
    pub fn write_folded(&self, path: impl AsRef<Path>, metric: Metric) -> Result<()> {
        write_text(path.as_ref(), &self.folded(metric))
    }

    /// The JSON report, with the advice of the default rules.
    pub fn report(&self) -> Report {
        Report::from_profile(self)
    }

    /// Writes `report.json` to `path` atomically.
    ///
    /// # Errors
    /// [`Io`](crate::ErrorKind::Io) naming the path.
    pub fn write_json(&self, path: impl AsRef<Path>) -> Result<()> {
        write_text(path.as_ref(), &self.report().to_json()?)
    }

    /// A flamegraph of `metric` (a valid "no data" SVG when nothing was counted).
    ///
    /// # Errors
    /// [`Format`](crate::ErrorKind::Format) if rendering fails.
    pub fn flamegraph_svg(&self, metric: Metric) -> Result<String> {
        self.report().flamegraph_svg(metric)
    }

    /// Writes a flamegraph of `metric` to `path` atomically.
    ///
    /// # Errors
    /// As [`flamegraph_svg`](Self::flamegraph_svg), and [`Io`](crate::ErrorKind::Io).
    pub fn write_svg(&self, path: impl AsRef<Path>, metric: Metric) -> Result<()> {
        write_text(path.as_ref(), &self.flamegraph_svg(metric)?)
    }

    /// Writes every output into `dir` (created if missing): `time.svg`,
    /// `heap.svg` (bytes), `allocs.svg`, the matching `.folded` files,
    /// `report.json`, `ops.pb` and `ops.txt`; with CPU sampling on, also
    /// `cpu.svg`, `cpu.folded` and `cpu.pb` (native stacks). Each file is written atomically.
    ///
    /// # Errors
    /// [`Io`](crate::ErrorKind::Io) naming the path that failed (for example a `dir`
    /// whose parent is a regular file).
    pub fn write_all(&self, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
        let report = self.report();
        for (metric, stem) in [
            (Metric::Time, "time"),
            (Metric::Bytes, "heap"),
            (Metric::Allocations, "allocs"),
        ] {
            write_text(&dir.join(format!("{stem}.folded")), &report.folded(metric))?;
            write_text(
                &dir.join(format!("{stem}.svg")),
                &report.flamegraph_svg(metric)?,
            )?;
        }
        #[cfg(feature = "cpu")]
        if let Some(cpu) = self.cpu() {
            let title = format!(
                "ndprof: native CPU stacks ({} samples at {} Hz)",
                cpu.samples, cpu.hz
            );
            write_text(
                &dir.join("cpu.svg"),
                &svg::flamegraph(&cpu.folded, &title, "samples")?,
            )?;
            write_text(&dir.join("cpu.folded"), &cpu.folded)?;
            write_bytes(&dir.join("cpu.pb"), &cpu.pprof)?;
        }
        write_text(&dir.join("report.json"), &report.to_json()?)?;
        self.write_ops_pb(dir.join("ops.pb"))?;
        write_text(
            &dir.join("ops.txt"),
            &format!("{}\n{}", report.table(), report.summary()),
        )
    }

    /// Writes `ops.pb` (pprof protobuf of the op records) to `path` atomically.
    ///
    /// # Errors
    /// [`Io`](crate::ErrorKind::Io) naming the path.
    pub fn write_ops_pb(&self, path: impl AsRef<Path>) -> Result<()> {
        write_bytes(path.as_ref(), &pprof::encode(self))
    }

    /// Writes the table to `path` atomically.
    ///
    /// # Errors
    /// [`Io`](crate::ErrorKind::Io) naming the path.
    pub fn write_table(&self, path: impl AsRef<Path>) -> Result<()> {
        write_text(path.as_ref(), &self.table())
    }
}

/// Writes `text` to `path` atomically.
///
/// # Errors
/// [`Io`](crate::ErrorKind::Io) naming the path.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_bytes(path, text.as_bytes())
}

/// Writes `bytes` to `path` atomically.
///
/// # Errors
/// [`Io`](crate::ErrorKind::Io) naming the path.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::io::atomic_write(path, |w| {
        w.write_all(bytes).map_err(|e| crate::Error::io(path, e))
    })
}
