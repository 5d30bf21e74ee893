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

/// A buffer owned by `owner` grew (`delta > 0`) or was freed (`delta < 0`).
pub(crate) fn buffer_held(owner: (u64, NodeId), delta: i64) {
    held::update(owner.0, owner.1, delta);
    if heap::installed() && owner.0 == epoch() {
        heap::add_live(delta);
    }
}
