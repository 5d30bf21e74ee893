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

use super::columns::aligned;
use super::folded::{for_each_line_to_depth, Metric, SVG_MAX_DEPTH};
use super::model::Report;
use super::svg;
use super::text::display_path_with;
use crate::alloc::human_bytes;
use crate::error::Result;
use crate::profiler::{Children, Record};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A frame without its `[dtype]` tag.
fn untagged(frame: &str) -> &str {
    match frame.rfind('[') {
        Some(i) if frame.ends_with(']') => &frame[..i],
        _ => frame,
    }
}

/// The `dtype` inside a frame's `[...]` tag (empty if none).
fn tag(frame: &str) -> &str {
    frame[untagged(frame).len()..].trim_matches(['[', ']'])
}

/// The two reports' trees laid over each other: one node per path found in
/// either, with the record of each side. Children of matched nodes match by
/// frame; a child found on each side only under a different dtype tag
/// (`arange[int64]` vs `arange[int32]`, one each under the same parent)
/// pairs up under a merged frame (`arange[int64|int32]`), so runs of one
/// program at two dtypes compare op by op. Linear in the records.
struct Aligned {
    /// Parents first.
    nodes: Vec<Node>,
}

/// (parent node, display frame, record in A, record in B).
type Node = (Option<usize>, String, Option<usize>, Option<usize>);

impl Aligned {
    fn new(a: &Report, b: &Report) -> Aligned {
        let (ca, cb) = (Children::of(&a.records), Children::of(&b.records));
        let mut al = Aligned { nodes: Vec::new() };
        // (node, a-parent, b-parent): matched parents whose children to align.
        let mut queue = vec![(None, Some(None), Some(None))];
        let mut at = 0;
        while at < queue.len() {
            let (node, pa, pb) = queue[at];
            at += 1;
            let kids_a: &[usize] = pa.map_or(&[], |p| ca.get(p));
            let kids_b: &[usize] = pb.map_or(&[], |p| cb.get(p));
            let fa: Vec<String> = kids_a.iter().map(|&i| a.records[i].frame()).collect();
            let fb: Vec<String> = kids_b.iter().map(|&i| b.records[i].frame()).collect();
            let exact_b: HashMap<&str, usize> = fb
                .iter()
                .enumerate()
                .map(|(k, f)| (f.as_str(), k))
                .collect();
            let mut used_b = vec![false; kids_b.len()];
            let mut left_a: Vec<usize> = Vec::new();
            let mut pairs: Vec<(String, Option<usize>, Option<usize>)> = Vec::new();
            for (k, f) in fa.iter().enumerate() {
                match exact_b.get(f.as_str()) {
                    Some(&kb) if !used_b[kb] => {
                        used_b[kb] = true;
                        pairs.push((f.clone(), Some(kids_a[k]), Some(kids_b[kb])));
                    }
                    _ => {
                        left_a.push(k);
                        pairs.push((f.clone(), Some(kids_a[k]), None));
                    }
                }
            }
            // Unmatched children by untagged name: pair when one each.
            let mut by_name_a: HashMap<&str, Vec<usize>> = HashMap::new();
            for &k in &left_a {
                by_name_a.entry(untagged(&fa[k])).or_default().push(k);
            }
            let mut by_name_b: HashMap<&str, Vec<usize>> = HashMap::new();
            for (k, f) in fb.iter().enumerate().filter(|(k, _)| !used_b[*k]) {
                by_name_b.entry(untagged(f)).or_default().push(k);
            }
            for (name, ks_b) in &by_name_b {
                if let ([kb], Some([ka])) =
                    (ks_b.as_slice(), by_name_a.get(name).map(Vec::as_slice))
                {
                    used_b[*kb] = true;
                    let merged = format!("{name}[{}|{}]", tag(&fa[*ka]), tag(&fb[*kb]));
                    if let Some(p) = pairs.iter_mut().find(|p| p.1 == Some(kids_a[*ka])) {
                        *p = (merged, Some(kids_a[*ka]), Some(kids_b[*kb]));
                    }
                }
            }
            for (k, f) in fb.iter().enumerate().filter(|(k, _)| !used_b[*k]) {
                pairs.push((f.clone(), None, Some(kids_b[k])));
            }
            for (frame, ra, rb) in pairs {
                let id = al.nodes.len();
                al.nodes.push((node, frame, ra, rb));
                queue.push((Some(id), ra.map(Some), rb.map(Some)));
            }
        }
        al
    }

    /// The nodes depth first, each with its parent's position in that order.
    fn depth_first(&self) -> Vec<(usize, Option<usize>)> {
        let mut kids: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        let mut roots = Vec::new();
        for (i, (parent, ..)) in self.nodes.iter().enumerate() {
            match parent {
                Some(p) => kids[*p].push(i),
                None => roots.push(i),
            }
        }
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<(usize, Option<usize>)> =
            roots.iter().rev().map(|&i| (i, None)).collect();
        while let Some((i, parent_row)) = stack.pop() {
            let row = out.len();
            out.push((i, parent_row));
            for &k in kids[i].iter().rev() {
                stack.push((k, Some(row)));
            }
        }
        out
    }

    /// Folded lines of one side by `metric`, with the aligned frames.
    fn folded(&self, r: &Report, side_b: bool, metric: Metric) -> String {
        let records: Vec<Record> = self
            .nodes
            .iter()
            .map(|(parent, frame, ra, rb)| {
                let mut rec = Record::new(*parent, crate::trace::LabelKind::Scope, frame, "");
                if let Some(i) = if side_b { *rb } else { *ra } {
                    let src = &r.records[i];
                    rec.self_ns = src.self_ns;
                    rec.metrics = src.metrics;
                }
                rec
            })
            .collect();
        let mut out = String::new();
        let _ = for_each_line_to_depth(
            &records,
            SVG_MAX_DEPTH,
            |x| metric.count(x),
            |path, count| {
                let _ = writeln!(out, "{path} {count}");
                Ok(())
            },
        );
        out
    }
}

/// One quantity in both reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// What the pair measures (`time`, `allocated`, ...).
    pub name: &'static str,
    /// The value in report A.
    pub a: f64,
    /// The value in report B.
    pub b: f64,
    /// Bytes, nanoseconds or a plain count (for formatting).
    pub unit: Unit,
}

/// How a [`Pair`] prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Nanoseconds, shown as milliseconds.
    Nanos,
    /// Bytes, shown in binary units.
    Bytes,
    /// A plain count.
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

/// One path of a [`Comparison`].
#[derive(Clone, Debug)]
pub struct Row {
    /// The enclosing row (`None`: top level); always an earlier row.
    pub parent: Option<usize>,
    /// This path's last frame.
    pub frame: String,
    /// time, allocated, allocations, reallocs, copied.
    pub pairs: Vec<Pair>,
}

/// The comparison of report A (before) with report B (after).
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Labels of each run, for headings.
    pub a_label: String,
    /// Labels of report B, for headings.
    pub b_label: String,
    /// Whole-run totals.
    pub totals: Vec<Pair>,
    /// One row per path found in either report, depth first (a row's
    /// parent comes before it); each with time, bytes allocated,
    /// allocations, reallocations and copied bytes. An op found in each
    /// report only under a different dtype pairs up as `name[dtypeA|dtypeB]`.
    pub rows: Vec<Row>,
}

fn label(r: &Report) -> String {
    r.meta.labels_joined(",")
}

fn row_pairs(a: Option<&Record>, b: Option<&Record>) -> Vec<Pair> {
    let get = |r: Option<&Record>, f: &dyn Fn(&Record) -> f64| r.map_or(0.0, f);
    let pair = |name, unit, f: &dyn Fn(&Record) -> f64| Pair {
        name,
        a: get(a, f),
        b: get(b, f),
        unit,
    };
    vec![
        pair("time", Unit::Nanos, &|r| r.total_ns),
        pair("allocated", Unit::Bytes, &|r| r.all_bytes() as f64),
        pair("allocations", Unit::Count, &|r| {
            r.allocations.saturating_add(r.heap_allocations) as f64
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
        let aligned = Aligned::new(a, b);
        let rows = aligned
            .depth_first()
            .into_iter()
            .map(|(node, parent)| {
                let (_, frame, ra, rb) = &aligned.nodes[node];
                Row {
                    parent,
                    frame: frame.clone(),
                    pairs: row_pairs(ra.map(|i| &a.records[i]), rb.map(|i| &b.records[i])),
                }
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
        // Columns as wide as their widest cell, numbers right-aligned.
        let mut table: Vec<Vec<String>> = vec![[
            "time A",
            "time B",
            "B/A",
            "alloc A",
            "alloc B",
            "B/A",
            "allocs A",
            "allocs B",
            "reallocs A",
            "reallocs B",
            "copied A",
            "copied B",
            "path",
        ]
        .map(str::to_string)
        .to_vec()];
        for (i, row) in self.rows.iter().enumerate() {
            let [t, b, n, r, c] = [0, 1, 2, 3, 4].map(|k| &row.pairs[k]);
            table.push(vec![
                t.show(t.a),
                t.show(t.b),
                ratio(t),
                b.show(b.a),
                b.show(b.b),
                ratio(b),
                n.a.to_string(),
                n.b.to_string(),
                r.a.to_string(),
                r.b.to_string(),
                human_bytes(c.a as u64),
                human_bytes(c.b as u64),
                self.display_path(i),
            ]);
        }
        out.push('\n');
        out.push_str(&aligned(&table));
        out
    }

    /// The frames of row `i`, from the top level down.
    pub fn path(&self, i: usize) -> Vec<String> {
        let mut path = Vec::new();
        let mut at = Some(i);
        while let Some(j) = at.filter(|&j| j < self.rows.len()) {
            path.push(self.rows[j].frame.clone());
            at = self.rows[j].parent.filter(|&p| p < j);
        }
        path.reverse();
        path
    }

    /// Row `i`'s path for display, the middle of deep paths elided.
    pub fn display_path(&self, i: usize) -> String {
        display_path_with(
            i,
            |j| self.rows.get(j)?.parent.filter(|&p| p < j),
            |j| self.rows[j].frame.clone(),
        )
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
/// [`Format`](crate::error::ErrorKind::Format) if rendering fails.
pub fn differential_svg(a: &Report, b: &Report, metric: Metric) -> Result<String> {
    let title = format!(
        "ndprof: {} B vs A ({} -> {})",
        metric.name(),
        or_dash(&label(a)),
        or_dash(&label(b))
    );
    let aligned = Aligned::new(a, b);
    svg::differential(
        &aligned.folded(a, false, metric),
        &aligned.folded(b, true, metric),
        &title,
        metric.unit(),
    )
}
