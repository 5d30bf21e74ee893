//! Layer 4: the profiler. A [`Session`] records, while it runs, every
//! `profile!` scope and every array operation into one call tree, with
//! per-node calls, wall time, sizes and buffer allocations; `finish()`
//! returns the [`Profile`].
//!
//! ```
//! use ndprof::{profile, Array, DType, Session};
//! # fn main() -> ndprof::Result<()> {
//! let _lock = ndprof::testing::lock(); // tests in one process take turns
//! let session = Session::builder().heap(true).start()?;
//! let x = Array::random_uniform(&[10_000], 0.0, 1.0, 1, DType::Float64)?;
//! let total = profile!("work", { x.square()?.sum()? });
//! let profile = session.finish()?;
//! let sq = profile.record(&["work", "square[float64]"]);
//! assert_eq!(sq.map(|r| (r.calls, r.elements, r.allocations)), Some((1, 10_000, 1)));
//! # let _ = total;
//! # Ok(())
//! # }
//! ```

mod calibrate;
#[cfg(feature = "cpu")]
mod cpu;
mod macros;
mod mode;
mod profile;
mod record;
mod session;
pub mod testing;
mod timeline;

/// A scope with a name computed at run time: `let _s = scope(&format!("rows={r}"));`.
pub use crate::trace::enter_dynamic_scope as scope;
pub use calibrate::EventCost;
#[cfg(feature = "cpu")]
pub use cpu::CpuProfile;
pub use mode::Mode;
pub use profile::{HeapSource, Profile, Timing};
pub use record::{
    depth_first, escape_frame, find_path, path_of, Children, Record, SourceLine, Visit,
};
pub use session::{Session, SessionBuilder, DEFAULT_HZ};
pub use timeline::{TimelinePoint, MAX_TIMELINE_POINTS};
