//! `ops.pb`: a report's records as a pprof `profile.proto`, which `go tool pprof`,
//! Pyroscope, Parca and speedscope read. Sample types: `wall`/`nanoseconds`
//! (the default), `alloc_space`/`bytes`, `alloc_objects`/`count`; one sample
//! per call path with its self values, so totals add up like the flamegraphs.
//!
//! The encoder is written out here (a few varints and length-delimited
//! fields) so that `ops.pb` needs no protobuf dependency; `cpu.pb` is
//! built with pprof-rs's protobuf types (`profiler::CpuProfile`).

use super::folded::Metric;
use super::model::Report;
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::io::Write;

#[derive(Default)]
struct Msg(Vec<u8>);

impl Msg {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn key(&mut self, field: u32, wire: u8) {
        self.varint(((field as u64) << 3) | wire as u64);
    }
    fn uint(&mut self, field: u32, v: u64) {
        if v != 0 {
            self.key(field, 0);
            self.varint(v);
        }
    }
    fn bytes(&mut self, field: u32, b: &[u8]) {
        self.key(field, 2);
        self.varint(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn msg(&mut self, field: u32, m: Msg) {
        self.bytes(field, &m.0);
    }
    fn packed(&mut self, field: u32, vs: impl IntoIterator<Item = u64>) {
        let mut inner = Msg::default();
        for v in vs {
            inner.varint(v);
        }
        self.bytes(field, &inner.0);
    }
}

#[derive(Default)]
struct Strings {
    table: Vec<String>,
    index: HashMap<String, u64>,
}

impl Strings {
    fn id(&mut self, s: &str) -> u64 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.table.len() as u64;
        self.table.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
}

fn value_type(strings: &mut Strings, ty: &str, unit: &str) -> Msg {
    let mut m = Msg::default();
    m.uint(1, strings.id(ty));
    m.uint(2, strings.id(unit));
    m
}

/// Writes the report as an encoded pprof `Profile` message.
///
/// # Errors
/// [`Io`](crate::error::ErrorKind::Io) from `w`.
pub fn write_pprof(report: &Report, w: &mut dyn Write) -> Result<()> {
    w.write_all(&encode(report))
        .map_err(|e| Error::new(crate::error::ErrorKind::Io, format!("writing pprof: {e}")))
}

/// The report as an encoded pprof `Profile` message.
pub fn encode(report: &Report) -> Vec<u8> {
    let mut strings = Strings::default();
    strings.id(""); // string_table[0] must be empty
    let mut out = Msg::default();
    for (ty, unit) in [
        ("wall", "nanoseconds"),
        ("alloc_space", "bytes"),
        ("alloc_objects", "count"),
    ] {
        let vt = value_type(&mut strings, ty, unit);
        out.msg(1, vt);
    }
    // One function (and location) per distinct frame name.
    let mut function_ids: HashMap<String, u64> = HashMap::new();
    let mut functions: Vec<String> = Vec::new();
    let record_function: Vec<u64> = report
        .records
        .iter()
        .map(|r| {
            let frame = r.frame();
            *function_ids.entry(frame.clone()).or_insert_with(|| {
                functions.push(frame);
                functions.len() as u64
            })
        })
        .collect();
    for (i, r) in report.records.iter().enumerate() {
        let values = Metric::ALL.map(|m| m.count(r));
        if values.iter().all(|&v| v == 0) {
            continue;
        }
        // Leaf first, as profile.proto orders a sample's locations.
        let mut locations = Vec::new();
        let mut at = Some(i);
        while let Some(j) = at {
            locations.push(record_function[j]);
            at = report.records[j].parent.filter(|&p| p < j);
        }
        let mut sample = Msg::default();
        sample.packed(1, locations);
        sample.packed(2, values);
        out.msg(2, sample);
    }
    for (i, name) in functions.iter().enumerate() {
        let id = i as u64 + 1;
        let mut line = Msg::default();
        line.uint(1, id);
        let mut loc = Msg::default();
        loc.uint(1, id);
        loc.msg(4, line);
        out.msg(4, loc);
        let mut f = Msg::default();
        f.uint(1, id);
        let name_id = strings.id(name);
        f.uint(2, name_id);
        f.uint(3, name_id);
        f.uint(4, strings.id("ndprof"));
        out.msg(5, f);
    }
    let wall = strings.id("wall");
    let nanos = strings.id("nanoseconds");
    let default_type = wall;
    for s in std::mem::take(&mut strings.table) {
        out.bytes(6, s.as_bytes());
    }
    out.uint(10, report.meta.wall_ns.max(0.0) as u64);
    let mut period_type = Msg::default();
    period_type.uint(1, wall);
    period_type.uint(2, nanos);
    out.msg(11, period_type);
    out.uint(12, 1);
    out.uint(14, default_type);
    out.0
}
