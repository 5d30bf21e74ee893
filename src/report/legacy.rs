//! Reading `report.json` of schema versions 1 and 2, where each record
//! carried its full path and ops had no class: paths become parent links
//! (a missing ancestor becomes an empty scope record) and classes are
//! inferred from the op names those versions wrote.

use super::model::{Advice, Contributor, Heap, Meta, Report, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::profiler::Record;
use crate::trace::{LabelKind, Metrics, OpClass};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct V2Report {
    meta: V2Meta,
    records: Vec<V2Record>,
    heap: V2Heap,
    #[serde(default)]
    advice: Vec<Advice>,
}

#[derive(Deserialize)]
struct V2Meta {
    ndprof_version: String,
    labels: std::collections::BTreeMap<String, String>,
    allocator: String,
    machine: super::model::Machine,
    wall_ns: f64,
}

#[derive(Deserialize)]
struct V2Record {
    path: Vec<String>,
    kind: LabelKind,
    name: String,
    dtype: String,
    total_ns: f64,
    self_ns: f64,
    time_sampled: bool,
    #[serde(flatten)]
    metrics: Metrics,
}

#[derive(Deserialize)]
struct V2Heap {
    source: String,
    peak_bytes: u64,
    total_bytes: u64,
    allocations: u64,
    frees: u64,
    reallocations: u64,
    copied_bytes: u64,
    peak_contributors: Vec<V2Contributor>,
}

#[derive(Deserialize)]
struct V2Contributor {
    path: Vec<String>,
    bytes: u64,
}

/// The class of an op of a version-1 or version-2 report, by the names
/// those versions wrote.
fn legacy_class(name: &str) -> OpClass {
    match name {
        "get" => OpClass::ScalarRead,
        "set" => OpClass::ScalarWrite,
        "push" => OpClass::Growth,
        "append" | "concatenate" => OpClass::CopyingGrowth,
        "sum" | "mean" | "min" | "max" | "argmin" | "argmax" | "prod" | "var" | "std" => {
            OpClass::Reduction
        }
        "zeros" | "ones" | "full" | "empty" | "arange" | "linspace" | "random_uniform"
        | "random_normal" | "from_vec" => OpClass::Creation,
        "astype" => OpClass::Cast,
        "copy" | "setitem" => OpClass::Copy,
        "dot" | "matmul" => OpClass::Linalg,
        _ => OpClass::Elementwise,
    }
}

/// Builds the tree of records from full paths.
struct Builder {
    records: Vec<Record>,
    by_path: HashMap<Vec<String>, usize>,
}

impl Builder {
    /// The record at `path`, made (with its ancestors) as an empty scope if missing.
    fn at(&mut self, path: &[String]) -> Option<usize> {
        let (last, up) = path.split_last()?;
        if let Some(&i) = self.by_path.get(path) {
            return Some(i);
        }
        let parent = self.at(up);
        let i = self.records.len();
        self.records
            .push(Record::new(parent, LabelKind::Scope, last, ""));
        self.by_path.insert(path.to_vec(), i);
        Some(i)
    }
}

/// Converts a version-1 or version-2 report.
pub(crate) fn from_v2(value: serde_json::Value) -> Result<Report> {
    let old: V2Report = serde_json::from_value(value)
        .map_err(|e| Error::format(format!("report does not match schema 2: {e}")))?;
    let mut b = Builder {
        records: Vec::with_capacity(old.records.len()),
        by_path: HashMap::new(),
    };
    for r in old.records {
        let Some((_, up)) = r.path.split_last() else {
            continue;
        };
        let parent = b.at(up);
        let record = Record {
            parent,
            kind: r.kind,
            class: (r.kind == LabelKind::Op).then(|| legacy_class(&r.name)),
            name: r.name,
            dtype: r.dtype,
            total_ns: r.total_ns,
            self_ns: r.self_ns,
            time_sampled: r.time_sampled,
            metrics: r.metrics,
            ..Record::new(None, r.kind, "", "")
        };
        match b.by_path.get(&r.path) {
            // A placeholder made for an earlier child, or the same path twice.
            Some(&i) if b.records[i].calls == 0 => {
                b.records[i] = Record {
                    parent: b.records[i].parent,
                    ..record
                };
            }
            Some(&i) => b.records[i].merge(&record),
            None => {
                b.by_path.insert(r.path, b.records.len());
                b.records.push(record);
            }
        }
    }
    let peak_contributors = old
        .heap
        .peak_contributors
        .into_iter()
        .map(|c| Contributor {
            record: b.at(&c.path),
            bytes: c.bytes,
            blocks: 0,
        })
        .collect();
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        meta: Meta {
            ndprof_version: old.meta.ndprof_version,
            labels: old.meta.labels,
            allocator: old.meta.allocator,
            machine: old.meta.machine,
            wall_ns: old.meta.wall_ns,
            dropped_events: 0,
            timing: Default::default(),
        },
        records: b.records,
        heap: Heap {
            source: old.heap.source,
            peak_bytes: old.heap.peak_bytes,
            total_bytes: old.heap.total_bytes,
            allocations: old.heap.allocations,
            frees: old.heap.frees,
            reallocations: old.heap.reallocations,
            copied_bytes: old.heap.copied_bytes,
            peak_contributors,
        },
        advice: old.advice,
        repeats: Vec::new(),
        timeline: Vec::new(),
        rank: None,
        imbalance: Vec::new(),
    })
}
