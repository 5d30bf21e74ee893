//! [`Profile`]: what a session recorded, as one [`Record`] per call-tree node.

use crate::trace::{self, Drained, LabelKind, NodeStats, Stamp, ROOT};

/// Where the heap figures come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeapSource {
    /// Allocations through ndprof's buffer allocators only (array memory);
    /// plain `Vec`s and other heap use of the program are not counted. The
    /// fallback when `alloc::Tracking` is not the global allocator.
    Buffers,
    /// Buffers plus every other heap allocation of the program, through
    /// `alloc::Tracking` as the global allocator.
    Global,
}

impl HeapSource {
    /// The name reports use.
    pub fn name(self) -> &'static str {
        match self {
            HeapSource::Buffers => "buffers",
            HeapSource::Global => "global",
        }
    }
}

/// One scope or operation at one call path, with everything recorded there.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Frame names from the outermost scope to this one; ops read `name[dtype]`.
    pub path: Vec<String>,
    /// Scope or op.
    pub kind: LabelKind,
    /// The scope or op name.
    pub name: &'static str,
    /// The dtype an op computed in (empty for scopes).
    pub dtype: &'static str,
    /// Times entered.
    pub calls: u64,
    /// Wall time inside, children included, in nanoseconds.
    pub total_ns: f64,
    /// Whether the times were sampled (scalar `get`/`set` timed 1-in-N and
    /// scaled); counts and sizes are exact either way.
    pub time_sampled: bool,
    /// Wall time not spent in child scopes or ops.
    pub self_ns: f64,
    /// Elements produced or consumed (ops).
    pub elements: u64,
    pub bytes_read: u64,
    pub bytes_written: u64,
    /// Buffer allocations made directly here (not in children).
    pub allocations: u64,
    pub frees: u64,
    pub reallocations: u64,
    pub bytes_allocated: u64,
    pub bytes_freed: u64,
    pub bytes_copied: u64,
    /// Heap allocations outside ndprof's buffers (plain `Vec`s, strings, ...)
    /// made here; only with `alloc::Tracking` as the global allocator.
    pub heap_allocations: u64,
    pub heap_bytes: u64,
    /// Frees of heap blocks allocated here (on any thread).
    pub heap_frees: u64,
    pub heap_bytes_freed: u64,
    /// The largest array, in elements, an op here worked on (the array a
    /// scalar `get`/`set` indexed; the array after a `push`).
    pub max_elements: u64,
    /// The smallest and largest integer value ops here produced; only with
    /// [`SessionBuilder::value_ranges`](super::SessionBuilder::value_ranges).
    pub value_range: Option<(i64, i64)>,
}

/// What a session recorded.
#[derive(Clone, Debug)]
pub struct Profile {
    records: Vec<Record>,
    wall_ns: f64,
    peak_buffer_bytes: u64,
    heap_peak_bytes: u64,
    peak_holders: Vec<(Vec<String>, u64)>,
    heap_peak_holders: Vec<(Vec<String>, u64)>,
    heap: Option<HeapSource>,
    labels: Vec<(String, String)>,
    #[cfg(feature = "cpu")]
    cpu: Option<super::CpuProfile>,
}

/// A frame name safe for the folded format: no `;` (the separator), no line
/// breaks, no trailing spaces (the count follows the last space).
pub fn escape_frame(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| match c {
            ';' => ':',
            '\n' | '\r' | '\t' => ' ',
            c => c,
        })
        .collect();
    let s = s.trim_end().to_string();
    if s.is_empty() {
        "(unnamed)".to_string()
    } else {
        s
    }
}

impl Profile {
    pub(crate) fn build(
        drained: Drained,
        start: Stamp,
        end: Stamp,
        heap: Option<HeapSource>,
        labels: Vec<(String, String)>,
        scalar_time_every: u64,
    ) -> Profile {
        let stats = drained.stats;
        let (label_table, nodes) = trace::snapshot();
        let ns = trace::ns_per_tick(start, end);
        let n = stats.len().min(nodes.len());
        let mut child_ticks = vec![0u64; n];
        for id in 1..n {
            let parent = nodes[id].0 as usize;
            if parent != ROOT as usize && parent < n {
                child_ticks[parent] += stats[id].ticks;
            }
        }
        let frame = |id: usize| {
            let l = label_table[nodes[id].1 as usize];
            match l.kind {
                LabelKind::Scope => escape_frame(l.name),
                LabelKind::Op => format!("{}[{}]", l.name, l.dtype),
            }
        };
        let path_of = |id: usize| {
            let mut path = Vec::new();
            let mut p = id;
            while p != ROOT as usize && p < nodes.len() {
                path.push(frame(p));
                p = nodes[p].0 as usize;
            }
            path.reverse();
            path
        };
        let mut records = Vec::new();
        for (id, s) in stats.iter().enumerate().take(n).skip(1) {
            if *s == NodeStats::default() {
                continue;
            }
            let path = path_of(id);
            let l = label_table[nodes[id].1 as usize];
            records.push(Record {
                path,
                kind: l.kind,
                name: l.name,
                dtype: l.dtype,
                calls: s.calls,
                total_ns: s.ticks as f64 * ns,
                time_sampled: scalar_time_every > 1
                    && l.kind == LabelKind::Op
                    && matches!(l.name, "get" | "set" | "push"),
                self_ns: s.ticks.saturating_sub(child_ticks[id]) as f64 * ns,
                elements: s.elements,
                bytes_read: s.bytes_read,
                bytes_written: s.bytes_written,
                allocations: s.allocations,
                frees: s.frees,
                reallocations: s.reallocations,
                bytes_allocated: s.bytes_allocated,
                bytes_freed: s.bytes_freed,
                bytes_copied: s.bytes_copied,
                heap_allocations: s.heap_allocations,
                heap_bytes: s.heap_bytes,
                heap_frees: s.heap_frees,
                heap_bytes_freed: s.heap_bytes_freed,
                max_elements: s.max_elements,
                value_range: s.value_range(),
            });
        }
        Profile {
            records,
            wall_ns: end.instant.duration_since(start.instant).as_nanos() as f64,
            peak_buffer_bytes: drained.peak_bytes,
            heap_peak_bytes: drained.heap_peak_bytes,
            peak_holders: drained
                .peak_owners
                .iter()
                .map(|&(node, bytes)| (path_of(node as usize), bytes))
                .collect(),
            heap_peak_holders: drained
                .heap_peak_owners
                .iter()
                .map(|&(node, bytes)| (path_of(node as usize), bytes))
                .collect(),
            heap,
            labels,
            #[cfg(feature = "cpu")]
            cpu: None,
        }
    }

    #[cfg(feature = "cpu")]
    pub(crate) fn set_cpu(&mut self, cpu: super::CpuProfile) {
        self.cpu = Some(cpu);
    }

    /// The native CPU samples, if sampling was on (`cpu_hz > 0`).
    #[cfg(feature = "cpu")]
    pub fn cpu(&self) -> Option<&super::CpuProfile> {
        self.cpu.as_ref()
    }

    /// Every node that recorded something, parents before children.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The record at `path` (frame names, ops as `name[dtype]`).
    pub fn record(&self, path: &[&str]) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| r.path.len() == path.len() && r.path.iter().zip(path).all(|(a, b)| a == b))
    }

    /// Wall time from `start()` to `finish()`, in nanoseconds.
    pub fn wall_ns(&self) -> f64 {
        self.wall_ns
    }

    /// The most buffer bytes live at once during the session, counting buffers
    /// allocated while it ran (exact: every allocation, growth and free of such
    /// a buffer updates one counter).
    pub fn peak_buffer_bytes(&self) -> u64 {
        self.peak_buffer_bytes
    }

    /// The heap peak the report shows: buffers and the rest of the heap
    /// together with `alloc::Tracking` (low by at most 64 KiB per thread),
    /// else the exact buffer peak.
    pub fn peak_bytes(&self) -> u64 {
        match self.heap {
            Some(HeapSource::Global) => self.heap_peak_bytes.max(self.peak_buffer_bytes),
            _ => self.peak_buffer_bytes,
        }
    }

    /// Who held the bytes at the peak of [`peak_bytes`](Self::peak_bytes):
    /// the call path that allocated them (empty for top level) and how many
    /// bytes, largest first. With `alloc::Tracking` this covers buffers and
    /// the rest of the heap, taken when the shared counter last set a peak.
    pub fn peak_holders(&self) -> &[(Vec<String>, u64)] {
        match self.heap {
            Some(HeapSource::Global) if !self.heap_peak_holders.is_empty() => {
                &self.heap_peak_holders
            }
            _ => &self.peak_holders,
        }
    }

    /// Where the heap figures come from, if the heap report was asked for.
    pub fn heap_source(&self) -> Option<HeapSource> {
        self.heap
    }

    /// The run's labels.
    pub fn labels(&self) -> &[(String, String)] {
        &self.labels
    }
}
