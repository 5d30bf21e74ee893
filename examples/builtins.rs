//! Tour case `builtins`: a hand-written triple-loop `dot` (scalar get, and typed slices) vs
//! `dot` on 1000x500 @ 500x1000, and a hand-written mean vs `mean` on 1e7
//! values. The scalar-get `dot` runs on a few rows and is extrapolated.
//!
//! The variants live in `src/tour/builtins.rs`, each in a `profile!` scope;
//! this runs the case under the profiler and writes `profiles/builtins/`.
//!
//! ```text
//! cargo run --release --example builtins            # full size
//! cargo run --release --example builtins -- --quick # small sizes
//! ```

mod common;

// Count every heap allocation, not only array buffers.
#[global_allocator]
static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
    ndprof::alloc::Tracking::new(mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    common::run_case("builtins")
}
