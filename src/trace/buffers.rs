//! Buffer ownership: which session and node allocated a buffer, so its
//! growth and free are charged there (and to the whole-program heap count).

use super::state::{current, enabled, epoch};
use super::tree::NodeId;
use super::{heap, held};

/// The owner to remember in a new buffer: (session epoch, current node), or
/// `None` when no session records.
#[inline]
pub(crate) fn buffer_owner() -> Option<(u64, NodeId)> {
    enabled().then(|| (epoch(), current()))
}

/// A buffer owned by `owner` was allocated (`blocks` 1), resized (0) or
/// freed (-1), changing its bytes by `delta`.
pub(crate) fn buffer_held(owner: (u64, NodeId), delta: i64, blocks: i64) {
    held::update(owner.0, owner.1, delta, blocks);
    if heap::installed() && owner.0 == epoch() {
        heap::add_live(delta);
    }
}
