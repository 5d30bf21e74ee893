//! Writing a [`Profile`]'s outputs: its report (with the advice pass run
//! here, where output is produced) in every format of
//! [`export::FILES`](super::export::FILES), plus the CPU-sample files.

use super::advice::{advise, AdviceOptions};
use super::export::{export_all, export_file, Format};
#[cfg(feature = "cpu")]
use super::files::write_bytes;
use super::files::write_text;
use super::folded::{folded, Metric};
use super::model::Report;
use super::svg;
use super::text::table;
use crate::error::Result;
use crate::profiler::Profile;
use std::path::Path;

impl Profile {
    /// The report, without advice (see [`report_with_advice`](Self::report_with_advice)).
    pub fn report(&self) -> Report {
        Report::from_profile(self)
    }

    /// The report with the default rules' advice.
    pub fn report_with_advice(&self) -> Report {
        let mut report = self.report();
        report.advice = advise(&report, &AdviceOptions::default());
        report
    }

    /// Folded stacks weighted by `metric`.
    pub fn folded(&self, metric: Metric) -> String {
        folded(&self.report(), metric)
    }

    /// The cProfile-style table.
    pub fn table(&self) -> String {
        table(&self.report())
    }

    /// A flamegraph of `metric` (a valid "no data" SVG when nothing was counted).
    ///
    /// # Errors
    /// [`Format`](crate::error::ErrorKind::Format) if rendering fails.
    pub fn flamegraph_svg(&self, metric: Metric) -> Result<String> {
        self.report().flamegraph_svg(metric)
    }

    /// Writes folded stacks to `path` atomically.
    ///
    /// # Errors
    /// [`Io`](crate::error::ErrorKind::Io) naming the path.
    pub fn write_folded(&self, path: impl AsRef<Path>, metric: Metric) -> Result<()> {
        export_file(&self.report(), Format::Folded, metric, path.as_ref())
    }

    /// Writes `report.json` (with advice) to `path` atomically.
    ///
    /// # Errors
    /// [`Io`](crate::error::ErrorKind::Io) naming the path.
    pub fn write_json(&self, path: impl AsRef<Path>) -> Result<()> {
        export_file(
            &self.report_with_advice(),
            Format::Json,
            Metric::Time,
            path.as_ref(),
        )
    }

    /// Writes a flamegraph of `metric` to `path` atomically.
    ///
    /// # Errors
    /// As [`flamegraph_svg`](Self::flamegraph_svg), and [`Io`](crate::error::ErrorKind::Io).
    pub fn write_svg(&self, path: impl AsRef<Path>, metric: Metric) -> Result<()> {
        export_file(&self.report(), Format::Svg, metric, path.as_ref())
    }

    /// Writes `ops.pb` (pprof protobuf of the records) to `path` atomically.
    ///
    /// # Errors
    /// [`Io`](crate::error::ErrorKind::Io) naming the path.
    pub fn write_ops_pb(&self, path: impl AsRef<Path>) -> Result<()> {
        export_file(&self.report(), Format::Pprof, Metric::Time, path.as_ref())
    }

    /// Writes the table to `path` atomically.
    ///
    /// # Errors
    /// [`Io`](crate::error::ErrorKind::Io) naming the path.
    pub fn write_table(&self, path: impl AsRef<Path>) -> Result<()> {
        write_text(path.as_ref(), &self.table())
    }

    /// Writes every output into `dir` (created if missing): `time.svg`,
    /// `heap.svg` (bytes), `allocs.svg`, the matching `.folded` files,
    /// `report.json` (with advice), `ops.pb`, `ops.txt`, `dhat-heap.json`
    /// (allocation sites for DHAT's viewer), `trace.json` (the sampled
    /// timeline for Perfetto) and `heap-timeline.svg`; with CPU
    /// sampling on, also `cpu.svg`, `cpu.folded` and `cpu.pb` (native
    /// stacks). Each file is written atomically. All but the `cpu.*` files
    /// can be rebuilt from `report.json` (`ndprof export`).
    ///
    /// # Errors
    /// [`Io`](crate::error::ErrorKind::Io) naming the path that failed (for example a `dir`
    /// whose parent is a regular file).
    pub fn write_all(&self, dir: impl AsRef<Path>) -> Result<()> {
        self.write_all_with(&self.report_with_advice(), dir)
    }

    /// As [`write_all`](Self::write_all), with `report` (this profile's,
    /// with whatever the caller added: the tour adds its repeats) in place
    /// of the plain one.
    ///
    /// # Errors
    /// As [`write_all`](Self::write_all).
    pub fn write_all_with(&self, report: &Report, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        export_all(report, dir)?;
        #[cfg(feature = "cpu")]
        if let Some(cpu) = self.cpu() {
            let title = format!(
                "ndprof: sampled stacks under their scopes ({} samples at {} Hz, {:.1} ms of wall time in scopes)",
                cpu.samples,
                cpu.hz,
                cpu.sampled_ns as f64 / 1e6
            );
            write_text(
                &dir.join("cpu.svg"),
                &svg::flamegraph(&cpu.folded, &title, "samples")?,
            )?;
            write_text(&dir.join("cpu.folded"), &cpu.folded)?;
            write_bytes(&dir.join("cpu.pb"), &cpu.pprof)?;
        }
        #[cfg(not(feature = "cpu"))]
        let _ = svg::title;
        Ok(())
    }
}

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
        super::text::summary(self)
    }

    /// A flamegraph of `metric` (a valid "no data" SVG when nothing was counted).
    ///
    /// # Errors
    /// [`Format`](crate::error::ErrorKind::Format) if rendering fails.
    pub fn flamegraph_svg(&self, metric: Metric) -> Result<String> {
        svg::flamegraph(
            &super::folded::folded_for_svg(self, metric),
            svg::title(metric),
            metric.unit(),
        )
    }
}
