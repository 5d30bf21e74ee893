//! `report.json`: every record, the heap summary and run metadata, with an
//! integer `schema_version`. The schema is `report.schema.json` beside this
//! file ([`SCHEMA`]); readers reject reports from a newer schema.

use super::advice::{advise, Advice, AdviceOptions};
use crate::alloc::default_allocator;
use crate::error::{Error, Result};
use crate::profiler::Profile;
use crate::trace::LabelKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The schema version this build writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = 2;

/// The JSON Schema of `report.json`.
pub const SCHEMA: &str = include_str!("report.schema.json");

/// A profile as stored in `report.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub meta: Meta,
    pub records: Vec<JsonRecord>,
    pub heap: Heap,
    /// What the rules of [`advice`](super::advice) found, with default options (schema 2).
    #[serde(default)]
    pub advice: Vec<Advice>,
}

/// About the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub ndprof_version: String,
    /// Labels given to the session (`dtype`, `case`, ...).
    pub labels: BTreeMap<String, String>,
    /// The default buffer allocator's name.
    pub allocator: String,
    pub machine: Machine,
    /// Wall time of the session.
    pub wall_ns: f64,
}

/// Where the run happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub os: String,
    pub arch: String,
    pub cpus: usize,
    pub hostname: String,
}

/// One scope or op path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JsonRecord {
    pub path: Vec<String>,
    /// `scope` or `op`.
    pub kind: String,
    pub name: String,
    pub dtype: String,
    pub calls: u64,
    pub total_ns: f64,
    pub self_ns: f64,
    /// Times sampled 1-in-N and scaled (scalar get/set); counts stay exact.
    pub time_sampled: bool,
    pub elements: u64,
    pub bytes_read: u64,
    pub bytes_written: u64,
    pub allocations: u64,
    pub frees: u64,
    pub reallocations: u64,
    pub bytes_allocated: u64,
    pub bytes_freed: u64,
    pub bytes_copied: u64,
    pub heap_allocations: u64,
    pub heap_bytes: u64,
    pub heap_frees: u64,
    pub heap_bytes_freed: u64,
    /// The largest array, in elements, an op here worked on (schema 2).
    #[serde(default)]
    pub max_elements: u64,
    /// The smallest and largest integer value produced here, when the
    /// session recorded value ranges (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_max: Option<i64>,
}

/// The heap summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Heap {
    /// What was counted: `buffers` (ndprof's array buffers only) or `global`
    /// (every heap allocation, through `alloc::Tracking`).
    pub source: String,
    pub peak_bytes: u64,
    pub total_bytes: u64,
    pub allocations: u64,
    pub frees: u64,
    pub reallocations: u64,
    pub copied_bytes: u64,
    /// Who had allocated the bytes live at the peak, largest first.
    pub peak_contributors: Vec<Contributor>,
}

/// A call path's share of the peak.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contributor {
    pub path: Vec<String>,
    pub bytes: u64,
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

impl Report {
    /// The report of a profile.
    pub fn from_profile(p: &Profile) -> Report {
        let records: Vec<JsonRecord> = p
            .records()
            .iter()
            .map(|r| JsonRecord {
                path: r.path.clone(),
                kind: match r.kind {
                    LabelKind::Scope => "scope",
                    LabelKind::Op => "op",
                }
                .to_string(),
                name: r.name.to_string(),
                dtype: r.dtype.to_string(),
                calls: r.calls,
                total_ns: r.total_ns,
                self_ns: r.self_ns,
                time_sampled: r.time_sampled,
                elements: r.elements,
                bytes_read: r.bytes_read,
                bytes_written: r.bytes_written,
                allocations: r.allocations,
                frees: r.frees,
                reallocations: r.reallocations,
                bytes_allocated: r.bytes_allocated,
                bytes_freed: r.bytes_freed,
                bytes_copied: r.bytes_copied,
                heap_allocations: r.heap_allocations,
                heap_bytes: r.heap_bytes,
                heap_frees: r.heap_frees,
                heap_bytes_freed: r.heap_bytes_freed,
                max_elements: r.max_elements,
                value_min: r.value_range.map(|v| v.0),
                value_max: r.value_range.map(|v| v.1),
            })
            .collect();
        let sum = |f: fn(&JsonRecord) -> u64| records.iter().map(f).sum::<u64>();
        let heap = Heap {
            source: p.heap_source().map_or("buffers", |h| h.name()).to_string(),
            peak_bytes: p.peak_bytes(),
            total_bytes: sum(|r| r.bytes_allocated + r.heap_bytes),
            allocations: sum(|r| r.allocations + r.heap_allocations),
            frees: sum(|r| r.frees + r.heap_frees),
            reallocations: sum(|r| r.reallocations),
            copied_bytes: sum(|r| r.bytes_copied),
            peak_contributors: p
                .peak_holders()
                .iter()
                .map(|(path, bytes)| Contributor {
                    path: path.clone(),
                    bytes: *bytes,
                })
                .collect(),
        };
        let mut report = Report {
            schema_version: SCHEMA_VERSION,
            meta: Meta {
                ndprof_version: env!("CARGO_PKG_VERSION").to_string(),
                labels: p.labels().iter().cloned().collect(),
                allocator: default_allocator().name().to_string(),
                machine: Machine {
                    os: std::env::consts::OS.to_string(),
                    arch: std::env::consts::ARCH.to_string(),
                    cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
                    hostname: hostname(),
                },
                wall_ns: p.wall_ns(),
            },
            records,
            heap,
            advice: Vec::new(),
        };
        report.advice = advise(&report, &AdviceOptions::default());
        report
    }

    /// The report as pretty-printed JSON.
    ///
    /// # Errors
    /// [`Format`](crate::ErrorKind::Format) if serialization fails (it does not for
    /// finite numbers).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self)
            .map_err(|e| Error::format(format!("writing report JSON: {e}")))
    }

    /// Parses a report, rejecting a newer schema.
    ///
    /// # Errors
    /// [`Format`](crate::ErrorKind::Format): not JSON, no integer `schema_version`, a newer
    /// schema than this build reads, or a missing field.
    pub fn from_json(text: &str) -> Result<Report> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::format(format!("report is not JSON: {e}")))?;
        let version = value
            .get("schema_version")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| Error::format("report has no integer schema_version"))?;
        if version > SCHEMA_VERSION as u64 {
            return Err(Error::format(format!(
                "report schema_version {version} is newer than this ndprof ({}) reads (up to {SCHEMA_VERSION}); upgrade ndprof",
                env!("CARGO_PKG_VERSION")
            )));
        }
        serde_json::from_value(value)
            .map_err(|e| Error::format(format!("report does not match schema {version}: {e}")))
    }

    /// Reads `report.json` from `path`.
    ///
    /// # Errors
    /// [`Io`](crate::ErrorKind::Io) or [`Format`](crate::ErrorKind::Format), naming the path.
    pub fn load(path: impl AsRef<Path>) -> Result<Report> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_json(&text).map_err(|e| e.with_path(path))
    }
}
