//! Starting and stopping a session's recording, and collecting what it
//! recorded. Only the profiler's `Session` calls these, after its
//! one-session-per-process check.

use super::charge::Charges;
use super::events::{set_call_sites, set_value_ranges};
use super::metrics::Metrics;
use super::sampler::{self, SamplerConfig};
use super::tree::{self, Label, LabelId, NodeId};
use super::{heap, held, pending, records, state};

/// What a recording is asked to do.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Options {
    /// Per-event clock reads (instrumented mode) instead of sampled time.
    pub instrumented: bool,
    /// The CPU-time sampler, if on.
    pub sampler: Option<SamplerConfig>,
    /// Instrumented mode: time per-element ops 1-in-N.
    pub scalar_time_every: u64,
    /// Integer-producing ops report their value ranges.
    pub value_ranges: bool,
    /// Ops are recorded per call site (file:line).
    pub call_sites: bool,
}

/// Starts recording for a new session and returns its epoch: an empty call
/// tree, fresh per-thread tables (each thread clears its own on its first
/// event), heap counters at zero.
///
/// # Errors
/// The sampler's, if it cannot start (nothing is recording then).
pub(crate) fn start(opts: Options) -> Result<u64, String> {
    pending::set_time_every(opts.scalar_time_every);
    set_value_ranges(opts.value_ranges);
    set_call_sites(opts.call_sites);
    let e = state::next_epoch();
    tree::reset(e);
    held::reset(e);
    heap::reset();
    state::set_current_root();
    if let Some(cfg) = opts.sampler {
        sampler::start(e, cfg)?;
    }
    state::set_mode(Some(opts.instrumented));
    Ok(e)
}

/// Stops recording (and sampling).
pub(crate) fn stop() {
    pending::flush();
    state::set_mode(None);
}

/// One native stack the sampler saw, under a call-tree node.
#[derive(Clone, Debug)]
pub(crate) struct StackSample {
    pub node: NodeId,
    /// Return addresses, innermost first (empty: not walked).
    pub frames: Vec<usize>,
    pub samples: u64,
    pub ns: u64,
}

/// What a session recorded.
pub(crate) struct Drained {
    /// Metrics per node id.
    pub metrics: Vec<Metrics>,
    /// The labels, by id.
    pub labels: Vec<Label>,
    /// (parent, label) per node id; parents have smaller ids than children.
    pub nodes: Vec<(NodeId, LabelId)>,
    /// Events dropped because the tree was full.
    pub dropped_events: u64,
    /// The most buffer bytes live at once among buffers allocated during the session.
    pub peak_bytes: u64,
    /// The nodes that had allocated those bytes, with their share, largest first.
    /// (node, bytes, buffers).
    pub peak_owners: Vec<(NodeId, u64, u64)>,
    /// With `alloc::Tracking`: the most bytes live at once, buffers and the
    /// rest of the heap together, low by at most `heap::FLUSH_BYTES` per thread.
    pub heap_peak_bytes: u64,
    /// Who held them then, by allocating node, largest first.
    /// (node, bytes, blocks).
    pub heap_peak_owners: Vec<(NodeId, u64, u64)>,
    /// The sampler's period in nanoseconds of CPU time (0: no sampler).
    pub sample_period_ns: u64,
    /// CPU time of samples that found the sample ring full (not attributed).
    pub lost_sample_ns: u64,
    /// The samples by node and native stack.
    pub stacks: Vec<StackSample>,
    /// Every sample in time order: (clock ticks, thread id, node, live heap
    /// bytes); samples of threads working for another's scope left out.
    pub timeline: Vec<(u64, u32, NodeId, u64)>,
}

/// Collects what session `epoch` recorded, from every thread.
pub(crate) fn drain(epoch: u64) -> Drained {
    let samples = sampler::stop().unwrap_or_default();
    let mut metrics = records::drain(epoch);
    let (labels, nodes) = tree::snapshot(epoch);
    let inside_ops = (samples.points.iter().map(|p| (p.2, p.3)))
        .chain(samples.by_stack.keys().map(|k| (k.0, k.1)))
        .filter(|&(_, mark)| mark != 0);
    let charges = Charges::new(inside_ops, &nodes, &labels, &metrics);
    let mut stacks = Vec::new();
    let valid = |node: NodeId| {
        node != tree::DROPPED && node != tree::IGNORED && (node as usize) < tree::MAX_NODES
    };
    let timeline = samples
        .points
        .iter()
        .filter(|p| !p.5)
        .map(|&(at, tid, node, mark, live, _)| (at, tid, charges.pick(node, mark, at), live))
        .filter(|p| valid(p.2))
        .collect();
    for ((node, mark, mut frames, borrowed), (count, ns)) in samples.by_stack {
        let parts = charges.split(node, mark, count, ns);
        let last = parts.len().saturating_sub(1);
        for (i, (node, count, ns)) in parts.into_iter().enumerate() {
            // One part (the usual case) takes the frames; more share copies.
            let frames = if i == last {
                std::mem::take(&mut frames)
            } else {
                frames.clone()
            };
            if !valid(node) {
                continue;
            }
            if metrics.len() <= node as usize {
                metrics.resize(node as usize + 1, Metrics::default());
            }
            if !borrowed {
                // Time is the opening thread's; helpers show in the stacks only.
                let m = &mut metrics[node as usize];
                m.samples = m.samples.saturating_add(count);
                m.sample_ns = m.sample_ns.saturating_add(ns);
            }
            stacks.push(StackSample {
                node,
                frames,
                samples: count,
                ns,
            });
        }
    }
    let (peak_bytes, peak_owners) = held::peak(epoch, &metrics);
    let (heap_peak_bytes, heap_peak_owners) = heap::peak();
    Drained {
        metrics,
        labels,
        nodes,
        dropped_events: tree::dropped_events(),
        peak_bytes,
        peak_owners,
        heap_peak_bytes,
        heap_peak_owners,
        sample_period_ns: samples.period_ns,
        lost_sample_ns: samples.lost_ns,
        stacks,
        timeline,
    }
}
