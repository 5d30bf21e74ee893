//! Who holds buffer memory: live buffer bytes, their peak in the session,
//! and the owners (the nodes that allocated the buffers) at the peak. Each
//! thread adds what its buffers' owners gained and released into its own
//! table (no lock), and its live-byte changes reach the shared total in
//! steps of at least [`FLUSH_BYTES`], as the
//! heap's do: a locked add per buffer event waited for every store before
//! it (a copying `append` paid ~30 ns for it after its copy). Each thread
//! keeps the most bytes it saw live (the shared total plus its own
//! unflushed change) in its table, and the session's peak is the largest:
//! exact when one thread allocates buffers, low by at most `FLUSH_BYTES`
//! per other thread otherwise. Who held the peak is taken by scanning every
//! thread's table when live bytes pass the last snapshot's by 1/32 (and by
//! at least 1 KiB): an estimate of the owners at the peak, taken up to ~3%
//! (or 1 KiB) below it.

use super::live::FLUSH_BYTES;
use super::metrics::{Field, Metrics};
use super::records::{self, Entry, LiveEntry};
use super::tree::{NodeId, ROOT};
use std::cell::Cell;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

/// The session the counters below belong to.
static EPOCH: AtomicU64 = AtomicU64::new(0);
use super::live::{BUFFERS as LIVE, BUFFERS_PENDING};
/// The smallest rise of live bytes over the last snapshot's that takes a
/// new one: below 32 KiB, steps of 1/32 came every few small buffers (a
/// copying `append` loop growing to 20 KB took ~250 snapshots).
const SNAPSHOT_STEP: i64 = 1 << 10;
/// Live bytes when the owners were last taken.
static SNAPSHOT_AT: AtomicI64 = AtomicI64::new(0);
/// Each thread's (owner, bytes, buffers) at the last snapshot.
static AT_PEAK: Mutex<Vec<LiveEntry>> = Mutex::new(Vec::new());

/// The counters of live buffer bytes and of live buffers.
pub(crate) const BYTES: [(Field, Field); 1] = [(Field::held_bytes, Field::held_bytes_released)];
pub(crate) const BLOCKS: [(Field, Field); 1] = [(Field::held_blocks, Field::held_blocks_released)];

thread_local! {
    /// This thread's session and its table's root entry, where its peak is
    /// kept; its live-byte change not yet in `LIVE` is `BUFFERS_PENDING`.
    static THREAD: Cell<(u64, Option<&'static Entry>)> = const { Cell::new((0, None)) };
}

/// Forgets everything (session `epoch` starts).
pub(crate) fn reset(epoch: u64) {
    LIVE.store(0, Relaxed);
    SNAPSHOT_AT.store(0, Relaxed);
    let _ = BUFFERS_PENDING.try_with(|p| p.store(0, Relaxed));
    AT_PEAK.lock().unwrap_or_else(|e| e.into_inner()).clear();
    EPOCH.store(epoch, Relaxed);
}

/// `owner` (allocated in session `epoch`) now holds `delta` more bytes in
/// `blocks` more buffers (1: a new buffer, -1: one freed, 0: one resized).
pub(crate) fn update(epoch: u64, owner: NodeId, delta: i64, blocks: i64) {
    if !counts_now(epoch) {
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
    live_changed(epoch, delta);
}

/// Whether buffers of session `epoch` are counted now (it is the running
/// session's).
#[inline]
pub(crate) fn counts_now(epoch: u64) -> bool {
    epoch == EPOCH.load(Relaxed) && epoch == super::state::epoch()
}

/// Live buffer bytes changed by `delta` (their owners already charged, in
/// session `epoch`, which [`counts_now`]): the thread's pending change, the
/// shared total, this thread's peak and, at a new peak, the owners.
pub(crate) fn live_changed(epoch: u64, delta: i64) {
    let Ok((e, root)) = THREAD.try_with(Cell::get) else {
        return;
    };
    let root = if e == epoch {
        root
    } else {
        let root = records::entry_of(epoch, ROOT);
        let _ = THREAD.try_with(|t| t.set((epoch, root)));
        root
    };
    let Ok(live) = BUFFERS_PENDING.try_with(|cell| {
        let before = if e == epoch { cell.load(Relaxed) } else { 0 };
        let mut pending = before.saturating_add(delta);
        let shared = if pending.abs() >= FLUSH_BYTES {
            let flushed = std::mem::take(&mut pending);
            LIVE.fetch_add(flushed, Relaxed).saturating_add(flushed)
        } else {
            LIVE.load(Relaxed)
        };
        cell.store(pending, Relaxed);
        shared.saturating_add(pending)
    }) else {
        return;
    };
    if let Some(root) = root {
        // Only this thread writes its table: a load and a store suffice.
        let peak = &root[Field::held_peak as usize];
        if live > 0 && live as u64 > peak.load(Relaxed) {
            peak.store(live as u64, Relaxed);
            let at = SNAPSHOT_AT.load(Relaxed);
            if (at == 0 || live >= at.saturating_add((at / 32).max(SNAPSHOT_STEP)))
                && SNAPSHOT_AT
                    .compare_exchange(at, live, Relaxed, Relaxed)
                    .is_ok()
            {
                snapshot(epoch);
            }
        }
    }
}

/// Takes the owners of live buffer bytes now; never blocks (a busy table
/// keeps the previous snapshot).
fn snapshot(epoch: u64) {
    super::own::uncounted(|| snapshot_now(epoch));
}

fn snapshot_now(epoch: u64) {
    if let Ok(mut at) = AT_PEAK.try_lock() {
        records::live_entries(epoch, &BYTES, &BLOCKS, &mut at);
    }
}

/// The peak of live buffer bytes (from the drained records, `metrics`) and
/// who held them then, largest first.
pub(crate) fn peak(epoch: u64, metrics: &[Metrics]) -> (u64, Vec<(NodeId, u64, u64)>) {
    if EPOCH.load(Relaxed) != epoch {
        return (0, Vec::new());
    }
    let at = AT_PEAK.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let peak = metrics.get(ROOT as usize).map_or(0, |m| m.held_peak);
    (peak, records::merge_live(at))
}

#[cfg(test)]
mod tests {
    use crate::trace::live;

    #[test]
    fn live_bytes_and_the_peak_count_changes_not_yet_flushed() -> crate::Result<()> {
        let _l = crate::testing::lock();
        let session = crate::Session::builder().cpu_hz(0).start()?;
        let (during, after) = {
            let a = crate::Array::zeros(&[1000], crate::DType::Float64)?;
            let b = crate::Array::zeros(&[500], crate::DType::Float64)?;
            let during = live::now();
            drop((a, b));
            (during, live::now())
        };
        let big = crate::Array::zeros(&[20_000], crate::DType::Float64)?; // flushed
        let with_big = live::now();
        drop(big);
        let p = session.finish()?;
        if !live::TRACKING.load(std::sync::atomic::Ordering::Relaxed) {
            assert_eq!((during, after, with_big), (12_000, 0, 160_000));
        }
        assert_eq!(p.peak_buffer_bytes(), 160_000);
        Ok(())
    }
}
