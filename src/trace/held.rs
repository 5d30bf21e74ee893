//! Who holds buffer memory: live bytes per owning node (the node that
//! allocated the buffer), the session's peak, and a snapshot of the owners
//! at the peak. Updated on buffer allocation, growth and drop, which are rare
//! next to element work (one per op result), so one short lock is cheap.

use super::tree::NodeId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Node ids are small dense integers: a multiply spreads them enough, and
/// costs a fraction of SipHash on the buffer allocation path.
#[derive(Default)]
struct NodeHasher(u64);

impl Hasher for NodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type ByNode = HashMap<NodeId, i64, BuildHasherDefault<NodeHasher>>;
use std::sync::Mutex;

#[derive(Default)]
struct Held {
    epoch: u64,
    live: i64,
    peak: i64,
    by_owner: ByNode,
    at_peak: Vec<(NodeId, u64)>,
}

static HELD: Mutex<Option<Held>> = Mutex::new(None);

/// Forgets everything (a new session starts).
pub(crate) fn reset(epoch: u64) {
    let mut g = HELD.lock().unwrap_or_else(|e| e.into_inner());
    *g = Some(Held {
        epoch,
        ..Held::default()
    });
}

/// `owner` (allocated in session `epoch`) now holds `delta` more bytes.
pub(crate) fn update(epoch: u64, owner: NodeId, delta: i64) {
    let mut g = HELD.lock().unwrap_or_else(|e| e.into_inner());
    let Some(h) = g.as_mut().filter(|h| h.epoch == epoch) else {
        return;
    };
    *h.by_owner.entry(owner).or_insert(0) += delta;
    h.live += delta;
    if h.live > h.peak {
        h.peak = h.live;
        h.at_peak = h
            .by_owner
            .iter()
            .filter(|(_, &b)| b > 0)
            .map(|(&n, &b)| (n, b as u64))
            .collect();
    }
}

/// The peak of live buffer bytes and who held them then, largest first.
pub(crate) fn peak(epoch: u64) -> (u64, Vec<(NodeId, u64)>) {
    let g = HELD.lock().unwrap_or_else(|e| e.into_inner());
    match g.as_ref().filter(|h| h.epoch == epoch) {
        Some(h) => {
            let mut at = h.at_peak.clone();
            at.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            (h.peak.max(0) as u64, at)
        }
        None => (0, Vec::new()),
    }
}

/// Adds each owner's live buffer bytes into `out`; skipped if the table is
/// busy (never blocks: this runs inside the global allocator).
pub(crate) fn try_add_live(epoch: u64, out: &mut HashMap<NodeId, i64>) {
    let Ok(g) = HELD.try_lock() else {
        return;
    };
    if let Some(h) = g.as_ref().filter(|h| h.epoch == epoch) {
        for (&n, &b) in &h.by_owner {
            *out.entry(n).or_insert(0) += b;
        }
    }
}
