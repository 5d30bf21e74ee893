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
    /// stacks, not here): from samples in sampled mode (`time_err_ns` gives
    /// its uncertainty; a scope opened on a rayon worker or a `Context::run`
    /// helper counts that thread's CPU time, as its sampler runs on its CPU
    /// clock), wall time less the calibrated profiler cost in instrumented mode.
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
    /// Ops: the lines of your code that called this op, each with its
    /// share (see `SessionBuilder::call_sites`); they add up to the record
    /// when every call was located.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<SourceLine>,
}

/// A line of your code that called an op, and what the calls from there did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceLine {
    /// The source file, as the compiler names it (relative to the package).
    pub file: String,
    /// The line, from 1.
    pub line: u32,
    /// Calls from this line (exact).
    pub calls: u64,
    /// Elements those calls processed (exact).
    pub elements: u64,
    /// Time inside those calls, as the record's `total_ns` measures it
    /// (sampled or instrumented).
    pub total_ns: f64,
    /// Time not spent in ops the calls made in turn.
    pub self_ns: f64,
    /// One standard deviation of `self_ns` (sampled mode).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub self_err_ns: f64,
    /// Heap bytes allocated by those calls: buffers and, under
    /// `alloc::Tracking`, the rest of the heap (exact).
    pub bytes_allocated: u64,
    /// Blocks allocated (exact).
    pub allocations: u64,
    /// Bytes allocated here and still held at the session's heap peak.
    #[serde(default)]
    pub peak_bytes: u64,
    /// Blocks allocated here and still held at the peak.
    #[serde(default)]
    pub peak_blocks: u64,
}

impl SourceLine {
    /// `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// Adds `other`'s counts and times (the same line, another thread or run).
    pub fn merge(&mut self, other: &SourceLine) {
        self.calls = self.calls.saturating_add(other.calls);
        self.elements = self.elements.saturating_add(other.elements);
        self.total_ns += other.total_ns;
        self.self_ns += other.self_ns;
        self.self_err_ns = self.self_err_ns.hypot(other.self_err_ns);
        self.bytes_allocated = self.bytes_allocated.saturating_add(other.bytes_allocated);
        self.allocations = self.allocations.saturating_add(other.allocations);
        self.peak_bytes = self.peak_bytes.saturating_add(other.peak_bytes);
        self.peak_blocks = self.peak_blocks.saturating_add(other.peak_blocks);
    }
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
            lines: Vec::new(),
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
        for l in &other.lines {
            self.add_line(l);
        }
    }

    /// Adds one call site's share, merged with the same line if present.
    pub fn add_line(&mut self, line: &SourceLine) {
        match self
            .lines
            .iter_mut()
            .find(|l| l.line == line.line && l.file == line.file)
        {
            Some(l) => l.merge(line),
            None => self.lines.push(line.clone()),
        }
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
