//! Who holds buffer memory: live buffer bytes, their exact peak in the
//! session, and the owners (the nodes that allocated the buffers) at the
//! peak. Each thread adds what its buffers' owners gained and released into
//! its own table (no lock); the live total is one shared atomic, so the
//! peak is exact. Who held the peak is taken by scanning every thread's
//! table when live bytes set a peak at least 1/32 above the last snapshot's:
//! an estimate of the owners at the peak, taken up to ~3% below it.

use super::metrics::Field;
use super::records;
use super::tree::NodeId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// The session the counters below belong to.
static EPOCH: AtomicU64 = AtomicU64::new(0);
use super::live::BUFFERS as LIVE;
static PEAK: AtomicI64 = AtomicI64::new(0);
/// Live bytes when the owners were last taken.
static SNAPSHOT_AT: AtomicI64 = AtomicI64::new(0);
/// (owner, bytes, buffers) at the last snapshot.
static AT_PEAK: Mutex<Vec<(NodeId, u64, u64)>> = Mutex::new(Vec::new());

/// Forgets everything (session `epoch` starts).
pub(crate) fn reset(epoch: u64) {
    LIVE.store(0, Relaxed);
    PEAK.store(0, Relaxed);
    SNAPSHOT_AT.store(0, Relaxed);
    AT_PEAK.lock().unwrap_or_else(|e| e.into_inner()).clear();
    EPOCH.store(epoch, Relaxed);
}

/// `owner` (allocated in session `epoch`) now holds `delta` more bytes in
/// `blocks` more buffers (1: a new buffer, -1: one freed, 0: one resized).
pub(crate) fn update(epoch: u64, owner: NodeId, delta: i64, blocks: i64) {
    if epoch != EPOCH.load(Relaxed) || epoch != super::state::epoch() {
        return; // a buffer of an earlier session
    }
    let field = if delta >= 0 {
        Field::held_bytes
    } else {
        Field::held_bytes_released
    };
    let blocks_field = if blocks >= 0 {
        Field::held_blocks
    } else {
        Field::held_blocks_released
    };
    records::add(
        epoch,
        owner,
        [
            (field, delta.unsigned_abs()),
            (blocks_field, blocks.unsigned_abs()),
        ],
    );
    let live = LIVE.fetch_add(delta, Relaxed).saturating_add(delta);
    if live > PEAK.load(Relaxed) && PEAK.fetch_max(live, Relaxed) < live {
        let at = SNAPSHOT_AT.load(Relaxed);
        if (at == 0 || live >= at.saturating_add(at / 32))
            && SNAPSHOT_AT
                .compare_exchange(at, live, Relaxed, Relaxed)
                .is_ok()
        {
            snapshot(epoch);
        }
    }
}

/// Takes the owners of live buffer bytes now; never blocks (a busy table
/// keeps the previous snapshot).
fn snapshot(epoch: u64) {
    let (mut live, mut blocks) = (HashMap::new(), HashMap::new());
    add_live(epoch, &mut live, &mut blocks);
    if let Ok(mut at) = AT_PEAK.try_lock() {
        *at = holders(&live, &blocks);
    }
}

/// (node, bytes, blocks) of every node holding bytes.
pub(crate) fn holders(
    live: &HashMap<NodeId, i64>,
    blocks: &HashMap<NodeId, i64>,
) -> Vec<(NodeId, u64, u64)> {
    live.iter()
        .filter(|&(_, &b)| b > 0)
        .map(|(&n, &b)| {
            let k = blocks.get(&n).copied().unwrap_or(0).max(0);
            (n, b as u64, k as u64)
        })
        .collect()
}

/// The peak of live buffer bytes and who held them then, largest first.
pub(crate) fn peak(epoch: u64) -> (u64, Vec<(NodeId, u64, u64)>) {
    if EPOCH.load(Relaxed) != epoch {
        return (0, Vec::new());
    }
    let mut at = AT_PEAK.lock().unwrap_or_else(|e| e.into_inner()).clone();
    at.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    (PEAK.load(Relaxed).max(0) as u64, at)
}

/// Adds each owner's live buffer bytes into `bytes` and buffers into `blocks`.
pub(crate) fn add_live(
    epoch: u64,
    bytes: &mut HashMap<NodeId, i64>,
    blocks: &mut HashMap<NodeId, i64>,
) {
    if EPOCH.load(Relaxed) == epoch {
        records::add_live(epoch, Field::held_bytes, Field::held_bytes_released, bytes);
        records::add_live(
            epoch,
            Field::held_blocks,
            Field::held_blocks_released,
            blocks,
        );
    }
}
