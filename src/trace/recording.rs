//! Starting and stopping a session's recording, and collecting what it
//! recorded. Only the profiler's `Session` calls these, after its
//! one-session-per-process check.

use super::events::{set_scalar_time_every, set_value_ranges};
use super::metrics::Metrics;
use super::tree::{self, Label, LabelId, NodeId};
use super::{heap, held, records, state};

/// What a recording is asked to do.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Options {
    /// Time per-element ops 1-in-N.
    pub scalar_time_every: u64,
    /// Integer-producing ops report their value ranges.
    pub value_ranges: bool,
}

/// Starts recording for a new session and returns its epoch: an empty call
/// tree, fresh per-thread tables (each thread clears its own on its first
/// event), heap counters at zero.
pub(crate) fn start(opts: Options) -> u64 {
    set_scalar_time_every(opts.scalar_time_every);
    set_value_ranges(opts.value_ranges);
    let e = state::next_epoch();
    tree::reset(e);
    held::reset(e);
    heap::reset();
    state::set_current_root();
    state::set_enabled(true);
    e
}

/// Stops recording.
pub(crate) fn stop() {
    state::set_enabled(false);
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
    pub peak_owners: Vec<(NodeId, u64)>,
    /// With `alloc::Tracking`: the most bytes live at once, buffers and the
    /// rest of the heap together, low by at most `heap::FLUSH_BYTES` per thread.
    pub heap_peak_bytes: u64,
    /// Who held them then, by allocating node, largest first.
    pub heap_peak_owners: Vec<(NodeId, u64)>,
}

/// Collects what session `epoch` recorded, from every thread.
pub(crate) fn drain(epoch: u64) -> Drained {
    let metrics = records::drain(epoch);
    let (labels, nodes) = tree::snapshot(epoch);
    let (peak_bytes, peak_owners) = held::peak(epoch);
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
    }
}
