//! # ndprof: a NumPy-style array runtime that profiles itself
//!
//! ndprof gives Rust simulations NumPy's array model (dtypes, broadcasting,
//! vectorized ops, reductions, `dot`, `append`, `astype`, `.npy` files) on top
//! of ndarray's kernels, with memory that ndprof owns and counts. Every
//! operation enters through one place ([`trace::op`]) where the profiler
//! attributes time and allocations to it.
//!
//! ## Arrays
//!
//! ```
//! use ndprof::{Array, DType, Casting};
//!
//! # fn main() -> ndprof::Result<()> {
//! let x = Array::linspace(0.0, 1.0, 5, DType::Float64)?;
//! let y = x.square()?.add_scalar(1.0)?;          // vectorized: one pass each
//! assert_eq!(y.to_vec::<f64>()?, vec![1.0, 1.0625, 1.25, 1.5625, 2.0]);
//!
//! // NumPy 2's dtype rules: an int32 array times 2 stays int32 ...
//! let i = Array::arange(0.0, 4.0, 1.0, DType::Int32)?;
//! assert_eq!(i.mul_scalar(2)?.dtype(), DType::Int32);
//! // ... and array-array operations promote.
//! assert_eq!(i.add(&x.slice(&[(0..4usize).into()])?)?.dtype(), DType::Float64);
//!
//! // Broadcasting, reductions, casts.
//! let m = Array::ones(&[3, 4], DType::Float32)?;
//! let col = Array::arange(0.0, 3.0, 1.0, DType::Float32)?.reshape(&[3, 1])?;
//! let s = m.add(&col)?.sum_axis(1)?;
//! assert_eq!(s.to_vec::<f32>()?, vec![4.0, 8.0, 12.0]);
//! assert!(Array::from_vec(vec![300i64])?.astype(DType::Int8, Casting::Safe).is_err());
//! # Ok(())
//! # }
//! ```
//!
//! Errors are values ([`Error`] with an [`ErrorKind`]) that name the shapes,
//! dtypes, indices or paths involved; only the `std::ops` operators panic
//! (see [`ops::overloads`]).
//!
//! ## Memory
//!
//! Every array's buffer comes from a [`BufferAllocator`](alloc::BufferAllocator)
//! (system, mimalloc, or the default size-class pool) that counts allocations,
//! frees, reallocations, bytes and copies exactly; see [`alloc`]. Cloning,
//! slicing and transposing share buffers; writes copy a shared buffer first.
//!
//! ## Growth: push vs append
//!
//! [`Array::push`] grows in place with doubling capacity (amortized O(1));
//! [`Array::append`] builds a new array as NumPy's `np.append` does (O(n) per
//! call, quadratic in a loop). The allocator statistics show the difference.
//!
//! ## Compiled kernels
//!
//! [`Array::view`], [`Array::view_mut`] and [`Array::as_slice`] give typed
//! ndarray views and slices for hand-written loops, the "Numba path".
//!
//! ## Profiling
//!
//! Wrap code in [`profile!`] scopes inside a [`Session`]; every array
//! operation inside lands under the scope path with its calls, time,
//! sizes and allocations. `finish()` returns a [`Profile`]; `write_all`
//! writes flamegraphs, `report.json`, pprof protobuf and a text table (see
//! `profiles/README.md`). Install [`alloc::Tracking`] as the global
//! allocator to count every heap allocation of the program, not only arrays.
//!
//! Time is measured in one of two [`Mode`]s. **Sampled** (the default) reads
//! no clock per event: counts are exact (scalar `get`/`set` counts past each
//! thread's first 4096 are estimated 1-in-1024 and marked), and a per-thread
//! wall-clock timer (250 Hz) samples which scope each thread is in, so times
//! add up the time each sample stands for (the wall time since its thread's
//! previous signal, ~4 ms), with their uncertainty (`Record::time_err_ns`)
//! (helpers such as rayon's workers are sampled on their CPU clock: they
//! show in the native stacks, and get no signals while idle);
//! a scope costs ~3 ns, a scalar op ~0.2-0.5 ns (against ~2-3 ns for a
//! `get` itself: a tight per-element loop runs 5-20% slower in a session;
//! a sample inside `get` under a scope reading several dtypes is split over
//! them by calls). **Instrumented** reads the clock
//! around every scope and op (~25 ns each; scalar `get`/`set` timed 1-in-N
//! with `scalar_time_every(N)`, the others counted exactly for ~2-3 ns at
//! N = 64), calibrates that cost when the session starts and subtracts it
//! (`total_ns`; raw in `total_raw_ns`).
//!
//! ```
//! use ndprof::{profile, Array, DType, Session};
//! # fn main() -> ndprof::Result<()> {
//! # let _lock = ndprof::testing::lock();
//! let session = Session::builder().cpu_hz(0).heap(true).start()?;
//! let x = Array::random_uniform(&[100_000], 0.0, 1.0, 7, DType::Float64)?;
//! let mut out = Array::zeros(&[100], DType::Float64)?;
//! profile!("loop", {
//!     for i in 0..100 {
//!         let v = x.get(&[i])?;
//!         out.set(&[i], v * v)?;
//!     }
//! });
//! let y = profile!("vectorized", { x.square()? });
//! let profile = session.finish()?;
//! let get = profile.record(&["loop", "get[float64]"]);
//! assert_eq!(get.map(|r| r.calls), Some(100));
//! println!("{}", profile.table());
//! # let _ = y;
//! # Ok(())
//! # }
//! ```
//!
//! ## The data model
//!
//! A profile is a tree of [`Record`]s: each names its parent by index
//! (parents come first), its scope or op (ops carry a
//! [`trace::OpClass`]: elementwise, reduction, scalar read/write, growth,
//! creation, cast, copy, linalg), its times, and its counters, the
//! [`trace::Metrics`] it derefs to (`record.calls`, `record.bytes_allocated`).
//! `Metrics` is defined once, in one macro invocation: the per-thread slot
//! layout, each field's merge rule (sum, max, min), the serialized form and
//! the JSON Schema all come from it. The call tree belongs to its session
//! (up to [`trace::MAX_NODES`] paths; events past that are counted in
//! [`Profile::dropped_events`] and reported, never lost silently).
//!
//! ```
//! use ndprof::{profile, Array, DType, Session};
//! # fn main() -> ndprof::Result<()> {
//! # let _lock = ndprof::testing::lock();
//! let session = Session::builder().cpu_hz(0).start()?;
//! profile!("step", { Array::ones(&[8], DType::Int32)?.sum()? });
//! let p = session.finish()?;
//! let sum = p.record(&["step", "sum[int32]"]);
//! assert_eq!(sum.and_then(|r| r.class), Some(ndprof::trace::OpClass::Reduction));
//! assert_eq!(sum.map(|r| (r.calls, r.elements)), Some((1, 8)));
//! let parent = sum.and_then(|r| r.parent).map(|i| p.path(i));
//! assert_eq!(parent, Some(vec!["step".to_string()]));
//! # Ok(())
//! # }
//! ```
//!
//! ### Where in your code
//!
//! Public array ops are `#[track_caller]`: each op record keeps the lines of
//! your code that called it ([`Record::lines`], a [`SourceLine`] each with
//! its calls, time, bytes and what it still held at the heap peak), and
//! `ops.txt`, the HTML and `ops.pb` (`go tool pprof -lines`) list the
//! hottest. Per-element ops (`get`, `set`, `push`) are counted under their
//! scope, not by line. [`SessionBuilder::call_sites`] turns it off.
//!
//! ```
//! use ndprof::{Array, DType, Session};
//! # fn main() -> ndprof::Result<()> {
//! # let _lock = ndprof::testing::lock();
//! let session = Session::builder().cpu_hz(0).start()?;
//! let a = Array::ones(&[8], DType::Float64)?;
//! let b = a.add(&a)?;
//! let line = line!() - 1;
//! let p = session.finish()?;
//! let add = p.record(&["add[float64]"]).map(|r| r.lines.clone()).unwrap_or_default();
//! assert_eq!(add[0].line, line);
//! # drop(b);
//! # Ok(())
//! # }
//! ```
//!
//! ### Many ranks
//!
//! With the `mpi` feature, `ndprof::mpi` runs a session on every rank of a
//! communicator (`Session::builder().mpi(&world)`), gathers the ranks'
//! reports to rank 0 and writes one folder with the imbalance per path
//! ([`report::ranks`]) and the `rank-imbalance` advice; its helpers
//! (`barrier`, `allreduce_sum`, `send`, `receive`, `send_receive`) are
//! recorded as ops of class [`trace::OpClass::Communication`]. See
//! `examples/mpi_heat.rs`.
//!
//! ## Advice
//!
//! Advice is one explicit pass over a report ([`report::advise`]), run
//! where output is produced: `write_all` (its `report.json` and `ops.txt`
//! hold it), [`Profile::report_with_advice`], and `ndprof report` / `merge`.
//! Deterministic rules, each with its evidence and estimated saving, printed
//! as `advice[RULE]: path: message (evidence; saving)`: `scalar-loop`,
//! `manual-reduction`, `append-growth`, `dtype-downsize` (integer values
//! that fit a smaller dtype; needs [`SessionBuilder::value_ranges`]),
//! `temporaries` and `rank-imbalance` (reports merged from MPI ranks). See [`report::advice`].
//!
//! ## Reports from files
//!
//! [`report::Report`] is plain data: it loads `report.json` (schema 3, and
//! the older 1 and 2); [`report::compare::Comparison`] sets two side by side
//! (with a differential flamegraph), `Report::merge` sums the reports of many
//! processes, and every output format writes from a report into
//! `impl Write` ([`report::export()`]), so anything `write_all` wrote but the
//! CPU samples can be rebuilt from a saved report. The `ndprof` command does
//! each from the shell (`ndprof compare a.json b.json`, `ndprof merge ...`,
//! `ndprof export r.json --format pprof -o ops.pb`).
//!
//! ## The tour
//!
//! [`tour`] runs the classic NumPy optimization cases (loop vs vectorized,
//! hand-written vs built-in `dot` and mean, append vs preallocate, dtype
//! memory, a heat-diffusion simulation written four ways) under the
//! profiler and writes every output plus `index.html` into `profiles/`:
//! `cargo run --release` (or `ndprof tour --quick`).
//!
//! ## Parallelism
//!
//! Elementwise ops, reductions and `dot` split across rayon's pool above
//! [`ops::parallel::PAR_THRESHOLD`] elements; reductions combine fixed blocks
//! in a fixed order, so results do not depend on the thread count.
//! [`ops::parallel::serial`] keeps them on the calling thread.

#![warn(missing_docs)]

pub mod alloc;
pub mod array;
pub mod buffer;
pub mod dtype;
pub mod error;
pub mod io;
#[cfg(feature = "mpi")]
pub mod mpi;
pub mod ops;
pub mod profiler;
pub mod report;
pub mod tour;
pub mod trace;

pub use array::{Array, Slice};
pub use dtype::{DType, Element, Scalar};
pub use error::{Error, ErrorKind, Result};
pub use ops::{BinaryOp, Casting, CompareOp, UnaryOp};
pub use profiler::{testing, Mode, Profile, Record, Session, SessionBuilder, SourceLine};
