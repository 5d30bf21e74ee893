//! The tour: the classic NumPy optimization advice, measured. Each case
//! runs its variants in `profile!` scopes under a session; the tour writes
//! every case's outputs, heap reports per dtype and their comparison,
//! combined flamegraphs, a summary table with speedups, the advice, and a
//! self-contained `index.html` (`ndprof tour`, or `cargo run --release`).
//!
//! | case | what it compares |
//! |---|---|
//! | [`vectorize`] | per-element loop, typed slice loop, vectorized op on 1 and all threads |
//! | [`builtins`] | hand-written `dot` and mean (scalar and typed) vs `dot`, `mean` |
//! | [`preallocate`] | copying `append` in a loop vs `push`, `zeros` + fill, `arange` |
//! | [`dtypes`] | int32 vs int64 particles, float32 vs float64 heat: heap per dtype |
//! | [`simulation`] | heat diffusion: naive, vectorized, preallocated, typed kernel |
//!
//! Quadratic variants (copying append, the scalar-loop `dot`) run at
//! reduced sizes; a cost law fitted to those runs ([`Fit`]) gives the
//! full-size figures, and the summary shows the fit.
//!
//! ```no_run
//! use ndprof::tour::{self, Size, TourConfig};
//! # fn main() -> ndprof::Result<()> {
//! let cfg = TourConfig { size: Size::Quick, out: "profiles".into() };
//! let result = tour::run(&cfg, &mut |step, total, what| eprintln!("[{step}/{total}] {what}"))?;
//! print!("{}", result.summary_text());
//! # Ok(())
//! # }
//! ```

pub mod builtins;
mod case;
mod charts;
pub mod dtypes;
mod fit;
mod output;
pub mod preallocate;
mod repeat;
mod rows;
pub mod simulation;
pub mod vectorize;

pub use case::{builder, CaseRun, Extrapolation, Group, Member, Profiling, Setup, Size};
pub use fit::Fit;
pub use output::{
    run, run_case, run_cases, run_selected, run_workloads, CaseFn, TourConfig, TourResult, CASES,
    CASE_NAMES,
};
pub use repeat::{FixedRuns, Timing, MAX_RUNS, MIN_RUNS, MIN_TOTAL, NOISY_SPREAD};
pub use rows::Row;
