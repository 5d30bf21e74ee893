//! Tour case `dtypes`: one integer simulation (particles on a lattice) at int32 and int64
//! and one float simulation (heat diffusion) at float32 and float64, each
//! in its own session: a heap report per dtype (`profiles/dtypes/heap-*.json`)
//! and their comparison (`profiles/dtypes/heap-int64-vs-int32.txt` and `.svg`).
//!
//! The variants live in `src/tour/dtypes.rs`, each in a `profile!` scope;
//! this runs the case under the profiler and writes `profiles/dtypes/`.
//!
//! ```text
//! cargo run --release --example dtypes            # full size
//! cargo run --release --example dtypes -- --quick # small sizes
//! ```

mod common;

// Count every heap allocation, not only array buffers.
#[global_allocator]
static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
    ndprof::alloc::Tracking::new(mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    common::run_case("dtypes")
}
