//! Layer 0: the profiling context that the runtime reports into.
//!
//! Array operations call [`op`] (with their [`OpClass`]) and buffer
//! allocators report their events here; `profile!` scopes enter scopes.
//! With no session recording, each costs one relaxed atomic load. While a
//! session records, scopes and ops become nodes of the session's call tree
//! (`scope;scope;op[dtype]`), each thread keeps per-node [`Metrics`] in its
//! own table, and the session merges them when it finishes. This module
//! depends on nothing else in the crate, so the lower layers report without
//! knowing who listens.
//!
//! This file only gathers the parts; each lives in its own module.

mod buffers;
mod charge;
mod class;
mod clock;
mod countdown;
mod events;
pub(crate) mod heap;
mod held;
mod live;
mod metrics;
mod own;
mod pending;
mod recent;
pub(crate) mod recording;
mod records;
mod sampler;
mod scalar;
mod sites;
mod stacks;
mod state;
mod tree;

pub(crate) use buffers::{buffer_allocated, buffer_freed, buffer_held};
pub use class::OpClass;
pub(crate) use clock::{ns_per_tick, Stamp};
pub use countdown::{EXACT_SCALAR_CALLS, SCALAR_SAMPLE_EVERY};
pub(crate) use events::{alloc_event, unrecorded, AllocKind};
pub use events::{enter_dynamic_scope, op, Context, OpGuard, ScopeGuard};
#[doc(hidden)]
pub use events::{enter_scope, register_scope};
pub use heap::FLUSH_BYTES as HEAP_FLUSH_BYTES;
pub use metrics::{FieldInfo, Merge, Metrics};
#[doc(hidden)]
pub use records::thread_tables;
#[doc(hidden)]
pub use sampler::inject_sample;
pub(crate) use sampler::{holding_signal, SamplerConfig};
pub(crate) use scalar::scalar;
pub(crate) use sites::{ScalarOp, ScalarSite, SiteTable, SITE_SLOTS};
pub use state::enabled;
#[cfg(test)]
pub(crate) use state::set_scalar_site;
#[doc(hidden)]
pub use tree::LabelId;
pub use tree::{LabelKind, MAX_NODES};
pub(crate) use tree::{NodeId, ROOT};
