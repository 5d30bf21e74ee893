//! [`Profile`]: what a session recorded, as a tree of [`Record`]s.

use super::calibrate::EventCost;
use super::mode::Mode;
use super::record::{find_path, path_of, Record, SourceLine};
use super::timeline::{decimate, TimelinePoint, MAX_TIMELINE_POINTS};
use crate::trace::recording::Drained;
use crate::trace::{ns_per_tick, LabelKind, Metrics, OpClass, Stamp, ROOT};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

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

/// What a session recorded.
#[derive(Clone, Debug)]
pub struct Profile {
    records: Vec<Record>,
    wall_ns: f64,
    peak_buffer_bytes: u64,
    heap_peak_bytes: u64,
    peak_holders: Vec<(Option<usize>, u64, u64)>,
    heap_peak_holders: Vec<(Option<usize>, u64, u64)>,
    heap: Option<HeapSource>,
    labels: Vec<(String, String)>,
    dropped_events: u64,
    timing: Timing,
    timeline: Vec<TimelinePoint>,
    #[cfg(feature = "cpu")]
    cpu: Option<std::sync::Arc<super::cpu::PendingCpu>>,
}

/// How a profile's times were measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// The session's mode.
    pub mode: Mode,
    /// Sampled mode: wall time one sampler period stands for (0: no sampler,
    /// times not measured).
    pub sample_period_ns: u64,
    /// Sampled mode: time of samples that found the sample buffer full
    /// and are missing from the records.
    pub lost_sample_ns: u64,
    /// Instrumented mode: the per-event costs subtracted from the times.
    pub event_cost: EventCost,
}

/// How a session was run, for [`Profile::build`].
pub(crate) struct BuildInfo {
    pub start: Stamp,
    pub end: Stamp,
    pub heap: Option<HeapSource>,
    pub labels: Vec<(String, String)>,
    pub scalar_time_every: u64,
    pub mode: Mode,
    pub event_cost: EventCost,
}

impl Profile {
    /// Turns the session's per-node metrics into records: every node that
    /// recorded something, and its ancestors, parents first. Also returns
    /// each node's record index.
    pub(crate) fn build(d: Drained, info: BuildInfo) -> (Profile, Vec<Option<usize>>) {
        let n = d.nodes.len();
        let metrics = |id: usize| d.metrics.get(id).copied().unwrap_or_default();
        // Keep a node if it or a descendant recorded something (children
        // have larger ids than their parents).
        let mut keep = vec![false; n];
        for id in (1..n).rev() {
            if keep[id] || !metrics(id).is_empty() {
                keep[id] = true;
                let parent = d.nodes[id].0 as usize;
                if parent < n {
                    keep[parent] = true;
                }
            }
        }
        let ns = ns_per_tick(info.start, info.end);
        let instrumented = info.mode == Mode::Instrumented;
        let times = if instrumented {
            clock_times(&d, ns, &info.event_cost)
        } else {
            sampled_times(&d)
        };
        let mut index: Vec<Option<usize>> = vec![None; n];
        let mut records: Vec<Record> = Vec::new();
        // Nodes of one op called from several lines are one record with a
        // line each: the same (parent record, label without site) merges.
        let mut by_frame: HashMap<(Option<usize>, LabelKind, &str, &str), usize> = HashMap::new();
        for id in 1..n {
            if !keep[id] {
                continue;
            }
            let (parent, label) = d.nodes[id];
            let l = d.labels[label as usize];
            let m: Metrics = metrics(id);
            let t = &times[id];
            let parent = index.get(parent as usize).copied().flatten();
            let mut record = Record {
                parent,
                kind: l.kind,
                name: l.name.to_string(),
                dtype: l.dtype.to_string(),
                class: l.class,
                total_ns: t.total,
                self_ns: t.own,
                time_sampled: !instrumented
                    || (info.scalar_time_every > 1
                        && l.kind == LabelKind::Op
                        && l.class.is_some_and(|c| c.is_per_element())),
                time_err_ns: t.total_err,
                self_err_ns: t.own_err,
                total_raw_ns: t.total_raw,
                self_raw_ns: t.own_raw,
                // Ticks become total_ns and self_ns above; records carry no
                // raw clock and no internal bookkeeping.
                metrics: m.reported(),
                lines: Vec::new(),
            };
            if let Some(site) = l.site {
                record.lines.push(SourceLine {
                    file: site.file.to_string(),
                    line: site.line,
                    calls: m.calls,
                    elements: m.elements,
                    total_ns: t.total,
                    self_ns: t.own,
                    self_err_ns: t.own_err,
                    bytes_allocated: m.all_bytes(),
                    allocations: m.all_allocations(),
                    peak_bytes: 0,
                    peak_blocks: 0,
                });
            }
            let at = match by_frame.entry((parent, l.kind, l.name, l.dtype)) {
                Entry::Occupied(e) => {
                    records[*e.get()].merge(&record);
                    *e.get()
                }
                Entry::Vacant(e) => {
                    records.push(record);
                    *e.insert(records.len() - 1)
                }
            };
            index[id] = Some(at);
        }
        let holders = |owners: &[(u32, u64, u64)]| -> Vec<(Option<usize>, u64, u64)> {
            let mut by_record: Vec<(Option<usize>, u64, u64)> = Vec::new();
            for &(node, bytes, blocks) in owners {
                let record = if node == ROOT {
                    None
                } else {
                    match index.get(node as usize).copied().flatten() {
                        Some(i) => Some(i),
                        None => continue,
                    }
                };
                match by_record.iter_mut().find(|h| h.0 == record) {
                    Some(h) => {
                        h.1 = h.1.saturating_add(bytes);
                        h.2 = h.2.saturating_add(blocks);
                    }
                    None => by_record.push((record, bytes, blocks)),
                }
            }
            by_record.sort_by_key(|h| std::cmp::Reverse(h.1));
            by_record
        };
        // The owners `peak_holders` reports, by node.
        let peak_owners = match info.heap {
            Some(HeapSource::Global) if !d.heap_peak_owners.is_empty() => &d.heap_peak_owners,
            _ => &d.peak_owners,
        };
        for &(node, bytes, blocks) in peak_owners {
            let (Some(site), Some(at)) = (
                d.nodes
                    .get(node as usize)
                    .and_then(|&(_, label)| d.labels[label as usize].site),
                index.get(node as usize).copied().flatten(),
            ) else {
                continue;
            };
            if let Some(line) = records[at]
                .lines
                .iter_mut()
                .find(|l| l.line == site.line && l.file == site.file)
            {
                line.peak_bytes = line.peak_bytes.saturating_add(bytes);
                line.peak_blocks = line.peak_blocks.saturating_add(blocks);
            }
        }
        let timeline = d
            .timeline
            .iter()
            .map(|&(at, tid, node, live_bytes)| TimelinePoint {
                t_ns: at.saturating_sub(info.start.ticks) as f64 * ns,
                tid,
                record: index.get(node as usize).copied().flatten(),
                live_bytes,
            })
            .collect();
        let profile = Profile {
            timeline: decimate(timeline, MAX_TIMELINE_POINTS),
            peak_holders: holders(&d.peak_owners),
            heap_peak_holders: holders(&d.heap_peak_owners),
            records,
            wall_ns: info
                .end
                .instant
                .duration_since(info.start.instant)
                .as_nanos() as f64,
            peak_buffer_bytes: d.peak_bytes,
            heap_peak_bytes: d.heap_peak_bytes,
            heap: info.heap,
            labels: info.labels,
            dropped_events: d.dropped_events,
            timing: Timing {
                mode: info.mode,
                sample_period_ns: d.sample_period_ns,
                lost_sample_ns: d.lost_sample_ns,
                event_cost: info.event_cost,
            },
            #[cfg(feature = "cpu")]
            cpu: None,
        };
        (profile, index)
    }

    /// How the times were measured.
    pub fn timing(&self) -> Timing {
        self.timing
    }

    /// The timer samples in time (with the sampler on; empty otherwise): thread, record and live heap bytes at each, at most
    /// [`MAX_TIMELINE_POINTS`].
    pub fn timeline(&self) -> &[TimelinePoint] {
        &self.timeline
    }

    #[cfg(feature = "cpu")]
    pub(crate) fn set_cpu(&mut self, cpu: super::cpu::PendingCpu) {
        self.cpu = Some(std::sync::Arc::new(cpu));
    }

    /// The sampler's native stacks joined to scope paths, if sampling with
    /// native stacks was on; symbolized on the first call (which can take a
    /// while: debug info is read), so `finish()` does not pay for it.
    #[cfg(feature = "cpu")]
    pub fn cpu(&self) -> Option<&super::cpu::CpuProfile> {
        self.cpu.as_ref().map(|c| c.get())
    }

    /// Every node that recorded something, and its ancestors, parents
    /// before children.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The record at `path` (frame names, ops as `name[dtype]`).
    pub fn record<S: AsRef<str>>(&self, path: &[S]) -> Option<&Record> {
        find_path(&self.records, path).map(|i| &self.records[i])
    }

    /// The frames from the top level down to record `i`.
    pub fn path(&self, i: usize) -> Vec<String> {
        path_of(&self.records, i)
    }

    /// Wall time from `start()` to `finish()`, in nanoseconds.
    pub fn wall_ns(&self) -> f64 {
        self.wall_ns
    }

    /// Events that found no place in the call tree (more than
    /// [`MAX_NODES`](crate::trace::MAX_NODES) distinct paths) and were dropped.
    pub fn dropped_events(&self) -> u64 {
        self.dropped_events
    }

    /// The most buffer bytes live at once during the session, counting buffers
    /// allocated while it ran: exact when one thread allocates buffers (every
    /// allocation, growth and free counts); with several, low by at most
    /// 64 KiB (`trace::HEAP_FLUSH_BYTES`) per other thread.
    pub fn peak_buffer_bytes(&self) -> u64 {
        self.peak_buffer_bytes
    }

    /// The heap peak the report shows: buffers and the rest of the heap
    /// together with `alloc::Tracking` (low by at most 64 KiB per thread),
    /// else the buffer peak ([`peak_buffer_bytes`](Self::peak_buffer_bytes)).
    pub fn peak_bytes(&self) -> u64 {
        match self.heap {
            Some(HeapSource::Global) => self.heap_peak_bytes.max(self.peak_buffer_bytes),
            _ => self.peak_buffer_bytes,
        }
    }

    /// Who held the bytes at the peak of [`peak_bytes`](Self::peak_bytes):
    /// the record that allocated them (`None`: top level), how many bytes
    /// and in how many blocks, largest first. With `alloc::Tracking` this covers buffers and
    /// the rest of the heap, taken when the shared counter last set a peak
    /// at least 1/32 above the previous snapshot's (and 1 KiB for buffers,
    /// 64 KiB for the heap): an estimate of who held the peak, which may be
    /// up to ~3% (or that step) below the exact `peak_bytes`.
    pub fn peak_holders(&self) -> &[(Option<usize>, u64, u64)] {
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

/// One node's times.
#[derive(Clone, Copy, Debug, Default)]
struct Times {
    total: f64,
    own: f64,
    total_err: f64,
    own_err: f64,
    total_raw: f64,
    own_raw: f64,
}

/// Sampled mode: a node's own time is its samples' time; totals add up
/// the subtree. Uncertainty: Poisson, time / sqrt(samples).
fn sampled_times(d: &Drained) -> Vec<Times> {
    let n = d.nodes.len();
    let m = |id: usize| d.metrics.get(id).copied().unwrap_or_default();
    let mut ns = vec![0u64; n];
    let mut samples = vec![0u64; n];
    for id in 1..n {
        ns[id] = m(id).sample_ns;
        samples[id] = m(id).samples;
    }
    let (own_ns, own_samples) = (ns.clone(), samples.clone());
    for id in (1..n).rev() {
        let p = d.nodes[id].0 as usize;
        if p != ROOT as usize && p < id {
            ns[p] = ns[p].saturating_add(ns[id]);
            samples[p] = samples[p].saturating_add(samples[id]);
        }
    }
    let err = |t: u64, k: u64| {
        if k == 0 {
            0.0
        } else {
            t as f64 / (k as f64).sqrt()
        }
    };
    (0..n)
        .map(|id| Times {
            total: ns[id] as f64,
            own: own_ns[id] as f64,
            total_err: err(ns[id], samples[id]),
            own_err: err(own_ns[id], own_samples[id]),
            ..Times::default()
        })
        .collect()
}

/// Instrumented mode: clock ticks, less the calibrated cost of the node's
/// own calls (`inner`) and of every call below it (`outer`).
fn clock_times(d: &Drained, ns_per_tick: f64, cost: &EventCost) -> Vec<Times> {
    let n = d.nodes.len();
    let m = |id: usize| d.metrics.get(id).copied().unwrap_or_default();
    // (inner, outer) cost of one call of node `id`.
    let cost_of = |id: usize| match d.labels.get(d.nodes[id].1 as usize).and_then(|l| l.class) {
        Some(OpClass::ScalarRead) => (cost.scalar_inner_ns, cost.scalar_outer_ns),
        Some(c) if c.is_per_element() => (cost.scalar_write_inner_ns, cost.scalar_write_outer_ns),
        _ => (cost.inner_ns, cost.outer_ns),
    };
    // Cost every call below a node added to its measured time.
    let mut below = vec![0f64; n];
    for id in (1..n).rev() {
        let p = d.nodes[id].0 as usize;
        if p != ROOT as usize && p < id {
            let calls = m(id).calls as f64;
            below[p] += below[id] + calls * cost_of(id).1;
        }
    }
    let mut raw = vec![0f64; n];
    let mut total = vec![0f64; n];
    for id in 1..n {
        raw[id] = m(id).ticks as f64 * ns_per_tick;
        let inner = cost_of(id).0;
        total[id] = (raw[id] - m(id).calls as f64 * inner - below[id]).max(0.0);
    }
    let (mut child_raw, mut child_total) = (vec![0f64; n], vec![0f64; n]);
    for id in 1..n {
        let p = d.nodes[id].0 as usize;
        if p != ROOT as usize && p < id {
            child_raw[p] += raw[id];
            child_total[p] += total[id];
        }
    }
    (0..n)
        .map(|id| Times {
            total: total[id],
            own: (total[id] - child_total[id]).max(0.0),
            total_raw: raw[id],
            own_raw: (raw[id] - child_raw[id]).max(0.0),
            ..Times::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::trace::{
        inject_sample, scalar, set_scalar_site, OpClass, ScalarOp, ScalarSite, SiteTable,
    };

    static GET: SiteTable = SiteTable::uniform(
        5,
        ScalarSite {
            name: "get",
            class: OpClass::ScalarRead,
            dtype: "float64",
        },
    );

    #[test]
    fn samples_inside_a_scalar_op_land_on_it() -> crate::Result<()> {
        let _l = crate::testing::lock();
        let session = crate::Session::builder().cpu_hz(1).start()?;
        let op = || ScalarOp::read_one(&GET, 5);
        crate::profile!("loop", {
            scalar(op, |_| inject_sample(1));
            inject_sample(1);
        });
        crate::profile!("no op counted", {
            set_scalar_site(GET.mark);
            inject_sample(1);
            set_scalar_site(0);
        });
        let p = session.finish()?;
        let get = p
            .record(&["loop", "get[float64]"])
            .map(|r| (r.samples, r.total_ns));
        assert_eq!(get, Some((1, 1e9)));
        assert_eq!(p.record(&["loop"]).map(|r| r.self_ns), Some(1e9));
        assert_eq!(p.record(&["no op counted"]).map(|r| r.self_ns), Some(1e9));
        Ok(())
    }
}
