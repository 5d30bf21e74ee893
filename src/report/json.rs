//! `report.json`: the [`Report`] model with an integer `schema_version`,
//! one record per line. [`schema`] is its JSON Schema; readers reject
//! reports from a newer schema and read versions 1 and 2 (see
//! `report/legacy.rs`).

use super::legacy;

pub use super::model::{Report, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::trace::{Merge, Metrics};
use std::io::Write;
use std::path::Path;

/// The hand-written part of the schema; [`schema`] adds the counters.
const SCHEMA_BASE: &str = include_str!("report.schema.json");

/// The JSON Schema of `report.json`: the base file with one property per
/// serialized [`Metrics`] field (sums are required, maxima and minima appear
/// only when something was recorded).
pub fn schema() -> String {
    let mut s: serde_json::Value = match serde_json::from_str(SCHEMA_BASE) {
        Ok(v) => v,
        Err(e) => return format!("{{\"error\": \"schema base: {e}\"}}"),
    };
    let item = &mut s["properties"]["records"]["items"];
    for f in Metrics::FIELDS.iter().filter(|f| f.serialized) {
        let mut prop = serde_json::json!({
            "type": "integer",
            "description": format!("{} (merges by {})", f.doc.trim().replace('\n', " "), f.merge.name()),
        });
        if !f.signed {
            prop["minimum"] = 0.into();
        }
        item["properties"][f.name] = prop;
        if f.merge == Merge::Sum {
            if let Some(req) = item["required"].as_array_mut() {
                req.push(f.name.into());
            }
        }
    }
    s["properties"]["advice"]["items"]["properties"]["rule"]["enum"] =
        serde_json::json!(super::advice::RULES);
    serde_json::to_string_pretty(&s).unwrap_or_default()
}

fn json_error(e: impl std::fmt::Display) -> Error {
    Error::format(format!("writing report JSON: {e}"))
}

/// Writes `report` as `report.json` into `w`: the top level pretty-printed,
/// one record per line (a deep or wide profile stays a readable file).
///
/// # Errors
/// [`Format`](crate::error::ErrorKind::Format) if a value cannot be serialized, or
/// [`Io`](crate::error::ErrorKind::Io) from `w`.
pub fn write_json(report: &Report, w: &mut dyn Write) -> Result<()> {
    let io = |e: std::io::Error| {
        Error::new(
            crate::error::ErrorKind::Io,
            format!("writing report JSON: {e}"),
        )
    };
    let field = |w: &mut dyn Write, name: &str, v: &dyn Json, last: bool| -> Result<()> {
        write!(w, "  \"{name}\": ").map_err(io)?;
        v.write_pretty(w)?;
        w.write_all(if last { b"\n" } else { b",\n" }).map_err(io)
    };
    w.write_all(b"{\n").map_err(io)?;
    field(w, "schema_version", &report.schema_version, false)?;
    field(w, "meta", &report.meta, false)?;
    w.write_all(b"  \"records\": [").map_err(io)?;
    for (i, r) in report.records.iter().enumerate() {
        w.write_all(if i == 0 { b"\n    " } else { b",\n    " })
            .map_err(io)?;
        serde_json::to_writer(&mut *w, r).map_err(json_error)?;
    }
    w.write_all(if report.records.is_empty() {
        b"],\n"
    } else {
        b"\n  ],\n"
    })
    .map_err(io)?;
    field(w, "heap", &report.heap, false)?;
    // The optional fields present, each as pretty JSON, then the timeline.
    let mut tail: Vec<(&str, &dyn Json)> = vec![("advice", &report.advice)];
    if !report.repeats.is_empty() {
        tail.push(("repeats", &report.repeats));
    }
    if let Some(rank) = &report.rank {
        tail.push(("rank", rank));
    }
    if !report.imbalance.is_empty() {
        tail.push(("imbalance", &report.imbalance));
    }
    let timeline = !report.timeline.is_empty();
    let last = tail.len() - 1;
    for (k, (name, v)) in tail.into_iter().enumerate() {
        field(w, name, v, k == last && !timeline)?;
    }
    if timeline {
        // One point per line, as the records.
        w.write_all(b"  \"timeline\": [").map_err(io)?;
        for (i, p) in report.timeline.iter().enumerate() {
            w.write_all(if i == 0 { b"\n    " } else { b",\n    " })
                .map_err(io)?;
            serde_json::to_writer(&mut *w, p).map_err(json_error)?;
        }
        w.write_all(b"\n  ]\n").map_err(io)?;
    }
    w.write_all(b"}\n").map_err(io)
}

/// A serializable value written pretty, nested two spaces in.
trait Json {
    fn write_pretty(&self, w: &mut dyn Write) -> Result<()>;
}

impl<T: serde::Serialize> Json for T {
    fn write_pretty(&self, w: &mut dyn Write) -> Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(json_error)?;
        w.write_all(text.replace('\n', "\n  ").as_bytes())
            .map_err(json_error)
    }
}

impl Report {
    /// The report as `report.json` text.
    ///
    /// # Errors
    /// [`Format`](crate::error::ErrorKind::Format) if serialization fails (it does
    /// not for finite numbers).
    pub fn to_json(&self) -> Result<String> {
        let mut out = Vec::new();
        write_json(self, &mut out)?;
        String::from_utf8(out).map_err(json_error)
    }

    /// Parses a report: schema 3 as written, 1 and 2 converted to the tree
    /// form; a newer schema is rejected.
    ///
    /// # Errors
    /// [`Format`](crate::error::ErrorKind::Format): not JSON, no integer
    /// `schema_version`, a newer schema than this build reads, a missing
    /// field, or a record whose parent does not come before it.
    pub fn from_json(text: &str) -> Result<Report> {
        /// The version alone (the rest of the document is skipped, not built).
        #[derive(serde::Deserialize)]
        struct Version {
            #[serde(default)]
            schema_version: Option<serde_json::Value>,
        }
        let version = match serde_json::from_str::<Version>(text) {
            Err(e) if e.is_syntax() || e.is_eof() => {
                return Err(Error::format(format!("report is not JSON: {e}")))
            }
            Err(_) => None,
            Ok(v) => v
                .schema_version
                .as_ref()
                .and_then(serde_json::Value::as_u64),
        }
        .ok_or_else(|| Error::format("report has no integer schema_version"))?;
        if version > SCHEMA_VERSION as u64 {
            return Err(Error::format(format!(
                "report schema_version {version} is newer than this ndprof ({}) reads (up to {SCHEMA_VERSION}); upgrade ndprof",
                env!("CARGO_PKG_VERSION")
            )));
        }
        let shape = |e: serde_json::Error| {
            Error::format(format!("report does not match schema {version}: {e}"))
        };
        let report = if version < 3 {
            legacy::from_v2(serde_json::from_str(text).map_err(shape)?)?
        } else {
            serde_json::from_str::<Report>(text).map_err(shape)?
        };
        report.check()?;
        Ok(report)
    }

    /// Checks the tree: every parent and peak contributor names an earlier
    /// (or, for contributors and timeline points, any) record.
    ///
    /// # Errors
    /// [`Format`](crate::error::ErrorKind::Format) naming the first bad index.
    pub fn check(&self) -> Result<()> {
        let n = self.records.len();
        for (i, r) in self.records.iter().enumerate() {
            if let Some(p) = r.parent.filter(|&p| p >= i) {
                return Err(Error::format(format!(
                    "record {i} names parent {p}, which does not come before it"
                )));
            }
            for l in &r.lines {
                let ok = |t: f64| t.is_finite() && t >= 0.0;
                if l.line == 0 || !ok(l.total_ns) || !ok(l.self_ns) || !ok(l.self_err_ns) {
                    return Err(Error::format(format!(
                        "record {i} has line {} with times {}/{} ns (expected a line >= 1 and finite times >= 0)",
                        l.location(),
                        l.total_ns,
                        l.self_ns
                    )));
                }
            }
        }
        for c in &self.heap.peak_contributors {
            if let Some(i) = c.record.filter(|&i| i >= n) {
                return Err(Error::format(format!(
                    "peak contributor names record {i}, but there are {n} records"
                )));
            }
        }
        let ranks = self.imbalance.first().map_or(0, |i| i.per_rank_ns.len());
        for i in &self.imbalance {
            let ok = |t: f64| t.is_finite() && t >= 0.0;
            let times = [i.min_ns, i.median_ns, i.max_ns, i.mean_ns, i.wait_ns];
            if i.per_rank_ns.len() != ranks
                || !times.iter().chain(&i.per_rank_ns).all(|&t| ok(t))
                || !i.max_over_mean.is_finite()
            {
                return Err(Error::format(format!(
                    "imbalance of {} has {} ranks' times (expected {ranks}, each finite and >= 0)",
                    i.path.join(";"),
                    i.per_rank_ns.len()
                )));
            }
        }
        for (k, p) in self.timeline.iter().enumerate() {
            if let Some(i) = p.record.filter(|&i| i >= n) {
                return Err(Error::format(format!(
                    "timeline point {k} names record {i}, but there are {n} records"
                )));
            }
            if !(p.t_ns.is_finite() && p.t_ns >= 0.0) {
                return Err(Error::format(format!(
                    "timeline point {k} has time {} ns (expected a finite time >= 0)",
                    p.t_ns
                )));
            }
        }
        Ok(())
    }

    /// Reads `report.json` from `path`.
    ///
    /// # Errors
    /// [`Io`](crate::error::ErrorKind::Io) or [`Format`](crate::error::ErrorKind::Format), naming the path.
    pub fn load(path: impl AsRef<Path>) -> Result<Report> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_json(&text).map_err(|e| e.with_path(path))
    }
}
