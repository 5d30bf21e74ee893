//! Tour case `vectorize`: square 1e6 float64 values four ways: the per-element get/set loop
//! (NumPy's Python loop), a typed slice loop (the compiled path), the
//! vectorized op on one thread and on all threads.
//!
//! The variants live in `src/tour/vectorize.rs`, each in a `profile!` scope;
//! this runs the case under the profiler and writes `profiles/vectorize/`.
//!
//! ```text
//! cargo run --release --example vectorize            # full size
//! cargo run --release --example vectorize -- --quick # small sizes
//! ```

mod common;

// Count every heap allocation, not only array buffers.
#[global_allocator]
static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
    ndprof::alloc::Tracking::new(mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    common::run_case("vectorize")
}
