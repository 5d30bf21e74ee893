//! Buffer ownership: which session and node allocated a buffer, so its
//! growth and free are charged there (and to the whole-program heap count).
//! A buffer's allocation and free are also allocator events of the node
//! current then ([`alloc_event`](super::alloc_event)'s counters); the two
//! are recorded together, in one update of the thread's table when they
//! fall on one node (a copying `append` makes and frees two buffers).

use super::metrics::Field;
use super::records;
use super::state::{current, enabled, epoch};
use super::tree::NodeId;
use super::{heap, held};

/// A buffer owned by `owner` was allocated (`blocks` 1), resized (0) or
/// freed (-1), changing its bytes by `delta`.
pub(crate) fn buffer_held(owner: (u64, NodeId), delta: i64, blocks: i64) {
    held::update(owner.0, owner.1, delta, blocks);
    heap_live(owner.0, delta);
}

/// A new buffer of `bytes > 0` bytes: one allocation at the current node,
/// which owns it. Returns the owner to keep in the buffer (`None` when no
/// session records).
pub(crate) fn buffer_allocated(bytes: usize) -> Option<(u64, NodeId)> {
    if !enabled() {
        return None;
    }
    let (e, node) = (epoch(), current());
    let b = bytes as u64;
    if held::counts_now(e) {
        records::add(
            e,
            node,
            [
                (Field::allocations, 1),
                (Field::bytes_allocated, b),
                (Field::held_bytes, b),
                (Field::held_blocks, 1),
            ],
        );
        held::live_changed(e, bytes as i64);
    } else {
        records::add(
            e,
            node,
            [(Field::allocations, 1), (Field::bytes_allocated, b)],
        );
    }
    heap_live(e, bytes as i64);
    Some((e, node))
}

/// A buffer of `bytes > 0` bytes that `owner` allocated was freed: a free at
/// the current node, a release at the owner's.
pub(crate) fn buffer_freed(owner: Option<(u64, NodeId)>, bytes: usize) {
    if !enabled() {
        if let Some(o) = owner {
            buffer_held(o, -(bytes as i64), -1);
        }
        return;
    }
    let (e, node) = (epoch(), current());
    let b = bytes as u64;
    match owner {
        Some((oe, on)) if oe == e && on == node && held::counts_now(e) => {
            records::add(
                e,
                node,
                [
                    (Field::frees, 1),
                    (Field::bytes_freed, b),
                    (Field::held_bytes_released, b),
                    (Field::held_blocks_released, 1),
                ],
            );
            held::live_changed(e, -(bytes as i64));
            heap_live(e, -(bytes as i64));
        }
        _ => {
            records::add(e, node, [(Field::frees, 1), (Field::bytes_freed, b)]);
            if let Some(o) = owner {
                buffer_held(o, -(bytes as i64), -1);
            }
        }
    }
}

/// Buffer bytes count in the whole heap's live total with `alloc::Tracking`
/// (they come from the buffer allocator, not the global one).
#[inline]
fn heap_live(owner_epoch: u64, delta: i64) {
    if heap::installed() && owner_epoch == epoch() {
        heap::add_live(delta);
    }
}
