//! `ops.pb`: a report's records as a pprof `profile.proto`, which `go tool pprof`,
//! Pyroscope, Parca and speedscope read. Sample types: `wall`/`nanoseconds`
//! (the default), `alloc_space`/`bytes`, `alloc_objects`/`count`,
//! `inuse_space`/`bytes` and `inuse_objects`/`count` (held at the heap
//! peak); one sample per call path (and per calling line of an op) with its
//! self values, so totals add up like the flamegraphs. Ops carry the
//! file:line of the user's code that called them, for `go tool pprof -lines`.
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

/// Nanoseconds as a sample value (negative or not finite: 0).
fn ns_value(ns: f64) -> u64 {
    if ns.is_finite() && ns > 0.0 {
        ns.round().min(u64::MAX as f64) as u64
    } else {
        0
    }
}

/// The functions (one per frame name and source file) and locations (one
/// per function and line) of the profile, by first use.
#[derive(Default)]
struct Places {
    functions: Vec<(String, String)>,
    function_ids: HashMap<(String, String), u64>,
    locations: Vec<(u64, u32)>,
    location_ids: HashMap<(u64, u32), u64>,
}

impl Places {
    /// The location of `frame` at `file:line` (`""`, 0: no source line).
    fn location(&mut self, frame: &str, file: &str, line: u32) -> u64 {
        let key = (frame.to_string(), file.to_string());
        let function = match self.function_ids.get(&key) {
            Some(&id) => id,
            None => {
                self.functions.push(key.clone());
                let id = self.functions.len() as u64;
                self.function_ids.insert(key, id);
                id
            }
        };
        *self
            .location_ids
            .entry((function, line))
            .or_insert_with(|| {
                self.locations.push((function, line));
                self.locations.len() as u64
            })
    }
}

/// The sample types, in the order of each sample's values.
const SAMPLE_TYPES: [(&str, &str); 5] = [
    ("wall", "nanoseconds"),
    ("alloc_space", "bytes"),
    ("alloc_objects", "count"),
    ("inuse_space", "bytes"),
    ("inuse_objects", "count"),
];

/// The report as an encoded pprof `Profile` message. Each record is a
/// sample of its self values on its path (leaf first); an op called from
/// located lines of user code (`Record::lines`) is one sample per line,
/// its leaf location carrying `file:line` (`go tool pprof -lines`), plus
/// one for any unlocated rest. `inuse_*` are the bytes and blocks each
/// record (or line) allocated and still held at the heap peak.
pub fn encode(report: &Report) -> Vec<u8> {
    let mut strings = Strings::default();
    strings.id(""); // string_table[0] must be empty
    let mut out = Msg::default();
    for (ty, unit) in SAMPLE_TYPES {
        let vt = value_type(&mut strings, ty, unit);
        out.msg(1, vt);
    }
    let mut held = vec![(0u64, 0u64); report.records.len()];
    for c in &report.heap.peak_contributors {
        if let Some(h) = c.record.and_then(|i| held.get_mut(i)) {
            h.0 = h.0.saturating_add(c.bytes);
            h.1 = h.1.saturating_add(c.blocks);
        }
    }
    let mut places = Places::default();
    let frames: Vec<String> = report.records.iter().map(|r| r.frame()).collect();
    let plain: Vec<u64> = frames.iter().map(|f| places.location(f, "", 0)).collect();
    for (i, r) in report.records.iter().enumerate() {
        // The path above the leaf.
        let mut above = Vec::new();
        let mut at = r.parent.filter(|&p| p < i);
        while let Some(j) = at {
            above.push(plain[j]);
            at = report.records[j].parent.filter(|&p| p < j);
        }
        let mut rest = [
            ns_value(r.self_ns),
            Metric::Bytes.count(r),
            Metric::Allocations.count(r),
            held[i].0,
            held[i].1,
        ];
        let mut emit = |leaf: u64, values: [u64; 5]| {
            if values.iter().all(|&v| v == 0) {
                return;
            }
            let mut sample = Msg::default();
            sample.packed(1, std::iter::once(leaf).chain(above.iter().copied()));
            sample.packed(2, values);
            out.msg(2, sample);
        };
        for l in &r.lines {
            let values = [
                ns_value(l.self_ns),
                l.bytes_allocated,
                l.allocations,
                l.peak_bytes,
                l.peak_blocks,
            ];
            for (total, v) in rest.iter_mut().zip(values) {
                *total = total.saturating_sub(v);
            }
            let leaf = places.location(&frames[i], &l.file, l.line);
            emit(leaf, values);
        }
        emit(plain[i], rest);
    }
    for (i, &(function, line)) in places.locations.iter().enumerate() {
        let mut l = Msg::default();
        l.uint(1, function);
        l.uint(2, line as u64);
        let mut loc = Msg::default();
        loc.uint(1, i as u64 + 1);
        loc.msg(4, l);
        out.msg(4, loc);
    }
    for (i, (name, file)) in places.functions.iter().enumerate() {
        let mut f = Msg::default();
        f.uint(1, i as u64 + 1);
        let name_id = strings.id(name);
        f.uint(2, name_id);
        f.uint(3, name_id);
        f.uint(4, strings.id(if file.is_empty() { "ndprof" } else { file }));
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
