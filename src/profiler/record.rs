//! [`Record`]: one scope or operation at one call path, the unit of every
//! profile and report. Records form a tree by parent links (a record's
//! parent comes before it), so a path costs nothing to store, however deep.

use crate::trace::{LabelKind, Metrics, OpClass};
use serde::{Deserialize, Serialize};
use std::ops::Deref;

/// One scope or operation at one call path, with everything recorded there.
/// Its counters are the [`Metrics`] it derefs to (`record.calls`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The enclosing record's index (`None`: top level). Always smaller
    /// than this record's own index.
    pub parent: Option<usize>,
    /// Scope or op.
    pub kind: LabelKind,
    /// The scope or op name.
    pub name: String,
    /// The dtype an op computed in (empty for scopes).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dtype: String,
    /// What kind of work an op is (`None` for scopes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<OpClass>,
    /// Wall time inside, children included, in nanoseconds, of the thread
    /// that opened the scope or op (summed over threads that opened it;
    /// threads working for it through `Context::run` show in the `cpu.*`
    /// stacks, not here): from samples in sampled mode (`time_err_ns` gives its uncertainty), wall time less
    /// the calibrated profiler cost in instrumented mode.
    pub total_ns: f64,
    /// Time not spent in child scopes or ops.
    pub self_ns: f64,
    /// Whether the times are estimates rather than clock readings: timer
    /// samples (sampled mode) or per-element ops timed 1-in-N and scaled
    /// (instrumented mode).
    #[serde(default)]
    pub time_sampled: bool,
    /// One standard deviation of `total_ns` from sampling (Poisson: the
    /// time over the square root of the samples); 0 for clock readings.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub time_err_ns: f64,
    /// One standard deviation of `self_ns`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub self_err_ns: f64,
    /// Instrumented mode: `total_ns` as measured, before the calibrated
    /// per-event cost was subtracted.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub total_raw_ns: f64,
    /// Instrumented mode: `self_ns` as measured.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub self_raw_ns: f64,
    /// The counters.
    #[serde(flatten)]
    pub metrics: Metrics,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl Deref for Record {
    type Target = Metrics;
    fn deref(&self) -> &Metrics {
        &self.metrics
    }
}

impl Record {
    /// An empty record (no calls, no time).
    pub fn new(parent: Option<usize>, kind: LabelKind, name: &str, dtype: &str) -> Record {
        Record {
            parent,
            kind,
            name: name.to_string(),
            dtype: dtype.to_string(),
            class: None,
            total_ns: 0.0,
            self_ns: 0.0,
            time_sampled: false,
            time_err_ns: 0.0,
            self_err_ns: 0.0,
            total_raw_ns: 0.0,
            self_raw_ns: 0.0,
            metrics: Metrics::default(),
        }
    }

    /// The frame name in paths and folded stacks: the scope name (escaped
    /// for the folded format) or `op[dtype]`.
    pub fn frame(&self) -> String {
        match self.kind {
            LabelKind::Scope => escape_frame(&self.name),
            LabelKind::Op => escape_frame(&format!("{}[{}]", self.name, self.dtype)),
        }
    }

    /// Adds `other`'s times and counters (the same path in another thread,
    /// rank or report).
    pub fn merge(&mut self, other: &Record) {
        self.total_ns += other.total_ns;
        self.self_ns += other.self_ns;
        self.time_sampled |= other.time_sampled;
        self.time_err_ns = self.time_err_ns.hypot(other.time_err_ns);
        self.self_err_ns = self.self_err_ns.hypot(other.self_err_ns);
        self.total_raw_ns += other.total_raw_ns;
        self.self_raw_ns += other.self_raw_ns;
        self.class = self.class.or(other.class);
        self.metrics.merge(&other.metrics);
    }

    /// Whether this is an op of a class matching `f`.
    pub fn is_op(&self, f: impl Fn(OpClass) -> bool) -> bool {
        self.kind == LabelKind::Op && self.class.is_some_and(f)
    }
}

/// A frame name safe for the folded format: no `;` (the separator), no line
/// breaks or other control characters, no trailing spaces (the count follows
/// the last space).
pub fn escape_frame(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| match c {
            ';' => ':',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let s = s.trim_end();
    if s.is_empty() {
        "(unnamed)".to_string()
    } else {
        s.to_string()
    }
}

/// The frames from the top level down to record `i`.
pub fn path_of(records: &[Record], i: usize) -> Vec<String> {
    let mut path = Vec::new();
    let mut at = Some(i);
    while let Some(j) = at.filter(|&j| j < records.len()) {
        path.push(records[j].frame());
        // Parents come first; anything else would loop.
        at = records[j].parent.filter(|&p| p < j);
    }
    path.reverse();
    path
}

/// The index of the record at `path` (frame names, ops as `name[dtype]`).
pub fn find_path<S: AsRef<str>>(records: &[Record], path: &[S]) -> Option<usize> {
    let last = path.last()?.as_ref();
    (0..records.len()).find(|&i| {
        if records[i].frame() != last {
            return false;
        }
        let mut at = records[i].parent;
        for want in path.iter().rev().skip(1) {
            match at {
                Some(p) if p < records.len() && records[p].frame() == want.as_ref() => {
                    at = records[p].parent;
                }
                _ => return false,
            }
        }
        at.is_none()
    })
}

/// Each record's children, in index order, and the top-level records.
#[derive(Clone, Debug, Default)]
pub struct Children {
    /// Records with no parent.
    pub roots: Vec<usize>,
    /// `of[i]`: the children of record `i`.
    pub of: Vec<Vec<usize>>,
}

impl Children {
    /// The children lists of `records`.
    pub fn of(records: &[Record]) -> Children {
        let mut c = Children {
            roots: Vec::new(),
            of: vec![Vec::new(); records.len()],
        };
        for (i, r) in records.iter().enumerate() {
            match r.parent {
                Some(p) if p < i => c.of[p].push(i),
                _ => c.roots.push(i),
            }
        }
        c
    }

    /// The children of `parent` (`None`: the top level).
    pub fn get(&self, parent: Option<usize>) -> &[usize] {
        match parent {
            None => &self.roots,
            Some(p) => self.of.get(p).map_or(&[], Vec::as_slice),
        }
    }
}

/// Every record in depth-first order with its depth, calling `f(i, depth)`
/// on entering and returning afterwards; iterative, so any depth is safe.
pub fn depth_first(children: &Children, mut f: impl FnMut(Visit)) {
    let mut stack: Vec<(usize, usize, bool)> = children
        .roots
        .iter()
        .rev()
        .map(|&i| (i, 0, false))
        .collect();
    while let Some((i, depth, done)) = stack.pop() {
        if done {
            f(Visit::Leave(i, depth));
            continue;
        }
        f(Visit::Enter(i, depth));
        stack.push((i, depth, true));
        for &c in children.of[i].iter().rev() {
            stack.push((c, depth + 1, false));
        }
    }
}

/// A step of [`depth_first`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visit {
    /// Entering record `.0` at depth `.1` (0: top level).
    Enter(usize, usize),
    /// Leaving it, after all its descendants.
    Leave(usize, usize),
}
