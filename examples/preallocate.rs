//! Tour case `preallocate`: build 1e6 elements by NumPy-style copying `append` in a loop
//! (measured at 25k/50k/100k and extrapolated), by amortized `push`, by
//! `zeros` + fill and by `arange`; the reallocations and copied bytes show
//! why preallocation wins.
//!
//! The variants live in `src/tour/preallocate.rs`, each in a `profile!` scope;
//! this runs the case under the profiler and writes `profiles/preallocate/`.
//!
//! ```text
//! cargo run --release --example preallocate            # full size
//! cargo run --release --example preallocate -- --quick # small sizes
//! ```

mod common;

// Count every heap allocation, not only array buffers.
#[global_allocator]
static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
    ndprof::alloc::Tracking::new(mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    common::run_case("preallocate")
}
