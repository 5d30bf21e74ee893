//! Two reports side by side: per scope/op path and in total, with B/A ratios,
//! and a differential flamegraph (`ndprof compare A.json B.json`).
//!
//! ```
//! use ndprof::report::{compare::Comparison, Report};
//! # fn main() -> ndprof::Result<()> {
//! # let _lock = ndprof::testing::lock();
//! # use ndprof::{profile, Array, DType, Session};
//! let run = |dtype| -> ndprof::Result<Report> {
//!     let session = Session::builder().cpu_hz(0).heap(true).start()?;
//!     profile!("sim", { Array::zeros(&[1000], dtype)?.add_scalar(1)? });
//!     Ok(session.finish()?.report())
//! };
//! let (a, b) = (run(DType::Int64)?, run(DType::Int32)?);
//! let c = Comparison::new(&a, &b);
//! assert_eq!(c.total("peak bytes").map(|t| t.ratio()), Some(Some(0.5)));
//! assert!(c.to_text().contains("sim"));
//! # Ok(())
//! # }
//! ```

use super::folded::Metric;
use super::json::{JsonRecord, Report};
use super::svg;
use crate::alloc::human_bytes;
use crate::error::Result;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Display path of each record path of one report.
type PathMap = HashMap<Vec<String>, Vec<String>>;

/// A frame without its `[dtype]` tag.
fn untagged(frame: &str) -> &str {
    match frame.rfind('[') {
        Some(i) if frame.ends_with(']') => &frame[..i],
        _ => frame,
    }
}

/// Display paths for both reports' records. Paths equal in both stay as
/// they are; a path found in each report only under a different dtype tag
/// (`arange[int64]` vs `arange[int32]`, one each) pairs up under a merged
/// name (`arange[int64|int32]`), so runs of one program at two dtypes
/// compare op by op.
fn align(a: &Report, b: &Report) -> (PathMap, PathMap) {
    let mut to_a: PathMap = a
        .records
        .iter()
        .map(|r| (r.path.clone(), r.path.clone()))
        .collect();
    let mut to_b: PathMap = b
        .records
        .iter()
        .map(|r| (r.path.clone(), r.path.clone()))
        .collect();
    let key = |p: &[String]| -> Vec<String> { p.iter().map(|f| untagged(f).to_string()).collect() };
    let only = |mine: &HashMap<Vec<String>, Vec<String>>,
                other: &HashMap<Vec<String>, Vec<String>>| {
        let mut by_key: HashMap<Vec<String>, Vec<Vec<String>>> = HashMap::new();
        for p in mine.keys().filter(|p| !other.contains_key(*p)) {
            by_key.entry(key(p)).or_default().push(p.clone());
        }
        by_key
    };
    let (only_a, only_b) = (only(&to_a, &to_b), only(&to_b, &to_a));
    for (k, pa) in &only_a {
        let Some(pb) = only_b.get(k) else { continue };
        if let ([pa], [pb]) = (pa.as_slice(), pb.as_slice()) {
            let merged: Vec<String> = pa
                .iter()
                .zip(pb)
                .map(|(x, y)| {
                    if x == y {
                        x.clone()
                    } else {
                        let tag =
                            |f: &str| f[untagged(f).len()..].trim_matches(['[', ']']).to_string();
                        format!("{}[{}|{}]", untagged(x), tag(x), tag(y))
                    }
                })
                .collect();
            to_a.insert(pa.clone(), merged.clone());
            to_b.insert(pb.clone(), merged);
        }
    }
    (to_a, to_b)
}

/// Folded lines of `r` by `metric` with paths renamed through `map`.
fn renamed_folded(r: &Report, metric: Metric, map: &PathMap) -> String {
    let mut out = String::new();
    for rec in &r.records {
        let count = metric.count(rec);
        if count > 0 {
            let path = map.get(&rec.path).unwrap_or(&rec.path);
            let _ = writeln!(out, "{} {count}", path.join(";"));
        }
    }
    out
}

/// One quantity in both reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub name: &'static str,
    pub a: f64,
    pub b: f64,
    /// Bytes, nanoseconds or a plain count (for formatting).
    pub unit: Unit,
}

/// How a [`Pair`] prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Nanos,
    Bytes,
    Count,
}

impl Pair {
    /// `b / a`, or `None` when `a` is zero.
    pub fn ratio(&self) -> Option<f64> {
        (self.a != 0.0).then(|| self.b / self.a)
    }

    fn show(&self, v: f64) -> String {
        match self.unit {
            Unit::Nanos => format!("{:.3} ms", v / 1e6),
            Unit::Bytes => human_bytes(v as u64),
            Unit::Count => format!("{v:.0}"),
        }
    }
}

/// The comparison of report A (before) with report B (after).
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Labels of each run, for headings.
    pub a_label: String,
    pub b_label: String,
    /// Whole-run totals.
    pub totals: Vec<Pair>,
    /// Per path, in A's order then paths only in B; each with time, bytes
    /// allocated, allocations, reallocations and copied bytes. An op found
    /// in each report only under a different dtype pairs up as
    /// `name[dtypeA|dtypeB]`.
    pub rows: Vec<(Vec<String>, Vec<Pair>)>,
}

fn label(r: &Report) -> String {
    let l: Vec<String> = r
        .meta
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    l.join(",")
}

fn row_pairs(a: Option<&JsonRecord>, b: Option<&JsonRecord>) -> Vec<Pair> {
    let get = |r: Option<&JsonRecord>, f: &dyn Fn(&JsonRecord) -> f64| r.map_or(0.0, f);
    let pair = |name, unit, f: &dyn Fn(&JsonRecord) -> f64| Pair {
        name,
        a: get(a, f),
        b: get(b, f),
        unit,
    };
    vec![
        pair("time", Unit::Nanos, &|r| r.total_ns),
        pair("allocated", Unit::Bytes, &|r| {
            (r.bytes_allocated + r.heap_bytes) as f64
        }),
        pair("allocations", Unit::Count, &|r| {
            (r.allocations + r.heap_allocations) as f64
        }),
        pair("reallocs", Unit::Count, &|r| r.reallocations as f64),
        pair("copied", Unit::Bytes, &|r| r.bytes_copied as f64),
    ]
}

impl Comparison {
    /// Compares `a` (before) with `b` (after).
    pub fn new(a: &Report, b: &Report) -> Comparison {
        let totals = vec![
            Pair {
                name: "wall time",
                a: a.meta.wall_ns,
                b: b.meta.wall_ns,
                unit: Unit::Nanos,
            },
            Pair {
                name: "bytes allocated",
                a: a.heap.total_bytes as f64,
                b: b.heap.total_bytes as f64,
                unit: Unit::Bytes,
            },
            Pair {
                name: "peak bytes",
                a: a.heap.peak_bytes as f64,
                b: b.heap.peak_bytes as f64,
                unit: Unit::Bytes,
            },
            Pair {
                name: "allocations",
                a: a.heap.allocations as f64,
                b: b.heap.allocations as f64,
                unit: Unit::Count,
            },
            Pair {
                name: "reallocations",
                a: a.heap.reallocations as f64,
                b: b.heap.reallocations as f64,
                unit: Unit::Count,
            },
            Pair {
                name: "copied bytes",
                a: a.heap.copied_bytes as f64,
                b: b.heap.copied_bytes as f64,
                unit: Unit::Bytes,
            },
        ];
        let (to_a, to_b) = align(a, b);
        let mut paths: Vec<Vec<String>> = Vec::new();
        for p in a
            .records
            .iter()
            .map(|r| &to_a[&r.path])
            .chain(b.records.iter().map(|r| &to_b[&r.path]))
        {
            if !paths.contains(p) {
                paths.push(p.clone());
            }
        }
        let find = |rep: &Report, map: &PathMap, p: &[String]| {
            rep.records.iter().find(|r| map[&r.path] == p).cloned()
        };
        let rows = paths
            .into_iter()
            .map(|p| {
                let (ra, rb) = (find(a, &to_a, &p), find(b, &to_b, &p));
                let pairs = row_pairs(ra.as_ref(), rb.as_ref());
                (p, pairs)
            })
            .collect();
        Comparison {
            a_label: label(a),
            b_label: label(b),
            totals,
            rows,
        }
    }

    /// The total named `name` (`wall time`, `bytes allocated`, `peak bytes`,
    /// `allocations`, `reallocations`, `copied bytes`).
    pub fn total(&self, name: &str) -> Option<&Pair> {
        self.totals.iter().find(|p| p.name == name)
    }

    /// Both tables as text: totals with a `B/A` column, then one line per path.
    pub fn to_text(&self) -> String {
        let ratio = |p: &Pair| p.ratio().map_or("-".to_string(), |r| format!("{r:.3}x"));
        let mut out = String::new();
        let _ = writeln!(
            out,
            "A: {}\nB: {}\n",
            or_dash(&self.a_label),
            or_dash(&self.b_label)
        );
        let _ = writeln!(out, "{:<16} {:>14} {:>14} {:>10}", "total", "A", "B", "B/A");
        for p in &self.totals {
            let _ = writeln!(
                out,
                "{:<16} {:>14} {:>14} {:>10}",
                p.name,
                p.show(p.a),
                p.show(p.b),
                ratio(p)
            );
        }
        let _ = writeln!(
            out,
            "\n{:>12} {:>12} {:>9} {:>12} {:>12} {:>9} {:>9} {:>9} {:>13} {:>13}  path",
            "time A",
            "time B",
            "B/A",
            "alloc A",
            "alloc B",
            "B/A",
            "allocs A",
            "allocs B",
            "reallocs A/B",
            "copied A/B"
        );
        for (path, pairs) in &self.rows {
            let [t, b, n, r, c] = [0, 1, 2, 3, 4].map(|i| &pairs[i]);
            let _ = writeln!(
                out,
                "{:>12} {:>12} {:>9} {:>12} {:>12} {:>9} {:>9} {:>9} {:>13} {:>13}  {}",
                t.show(t.a),
                t.show(t.b),
                ratio(t),
                b.show(b.a),
                b.show(b.b),
                ratio(b),
                n.a,
                n.b,
                format!("{}/{}", r.a, r.b),
                format!("{}/{}", human_bytes(c.a as u64), human_bytes(c.b as u64)),
                path.join(";")
            );
        }
        out
    }
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "(no labels)"
    } else {
        s
    }
}

/// A differential flamegraph of `metric`: B's shape, red where B grew over A,
/// blue where it shrank.
///
/// # Errors
/// [`Format`](crate::ErrorKind::Format) if rendering fails.
pub fn differential_svg(a: &Report, b: &Report, metric: Metric) -> Result<String> {
    let title = format!(
        "ndprof: {} B vs A ({} -> {})",
        metric.name(),
        or_dash(&label(a)),
        or_dash(&label(b))
    );
    let (to_a, to_b) = align(a, b);
    svg::differential(
        &renamed_folded(a, metric, &to_a),
        &renamed_folded(b, metric, &to_b),
        &title,
        metric.unit(),
    )
}
