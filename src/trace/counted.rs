//! Sampled mode's scopes and ops: counted when entered (one call and the
//! op's sizes added to this thread's entry for the node, found through a
//! small per-thread cache), no clock read; leaving restores the node.

use super::records;
use super::sampler::SampleClock;
use super::state::{current, epoch, set_current};
use super::tree::{self, LabelId, NodeId, ROOT};
use std::cell::Cell;

/// A scope or op in sampled mode: counted when entered, no clock read;
/// leaving only restores the thread's node.
#[derive(Clone, Copy)]
pub(super) struct Counted {
    pub(super) epoch: u64,
    prev: NodeId,
}

/// A node and this thread's table entry for it.
#[derive(Clone, Copy)]
pub(super) struct Cached {
    pub(super) node: NodeId,
    pub(super) entry: Option<&'static records::Entry>,
}

/// (epoch, parent, label): epoch 0 is never a session's.
type EntryKey = (u64, NodeId, LabelId);

const NO_CACHE: (EntryKey, Cached) = (
    (0, 0, 0),
    Cached {
        node: 0,
        entry: None,
    },
);

thread_local! {
    /// The last (epoch, parent, label) -> (node, entry) lookups of this
    /// thread: loops enter the same few scopes and ops again and again.
    static ENTRIES: Cell<[(EntryKey, Cached); 8]> = const { Cell::new([NO_CACHE; 8]) };
}

/// Enters `label` in sampled mode: one call and `sizes` added to this
/// thread's entry for the node, which becomes the current one.
#[inline]
pub(super) fn enter_counted(label: LabelId, sizes: [u64; 3], array_elements: u64) -> Counted {
    let epoch = epoch();
    let parent = current();
    let key = (epoch, parent, label);
    let c = match ENTRIES.try_with(|c| super::recent::find(c, key)) {
        Ok(Some(c)) => c,
        _ => {
            let c = lookup_entry(key);
            let _ = ENTRIES.try_with(|e| super::recent::insert(e, key, c));
            c
        }
    };
    count_entered(c, epoch, sizes, array_elements)
}

/// Counts one call with `sizes` in `c`'s entry and makes its node current.
#[inline]
pub(super) fn count_entered(
    c: Cached,
    epoch: u64,
    sizes: [u64; 3],
    array_elements: u64,
) -> Counted {
    if let Some(e) = c.entry {
        records::add_call(
            e,
            &records::Call {
                elements: sizes[0],
                bytes_read: sizes[1],
                bytes_written: sizes[2],
                max_elements: array_elements,
                ..records::Call::default()
            },
        );
    }
    Counted {
        epoch,
        prev: set_current(c.node),
    }
}

#[cold]
#[inline(never)]
pub(super) fn lookup_entry(key: EntryKey) -> Cached {
    let (epoch, parent, label) = key;
    super::sampler::arm_this_thread(epoch, SampleClock::for_this_thread);
    let node = tree::child(epoch, parent, label);
    Cached {
        node,
        entry: records::entry_of(epoch, node),
    }
}

impl Counted {
    #[inline]
    pub(super) fn leave(self) {
        // A scalar op's body that unwound left its site set (`scalar`).
        super::state::clear_scalar_site();
        set_current(if self.epoch == epoch() {
            self.prev
        } else {
            ROOT
        });
    }
}
