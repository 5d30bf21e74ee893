//! Serial and rayon-parallel loops over contiguous slices, shared by the ops.
//!
//! Above [`PAR_THRESHOLD`] elements the work splits into fixed [`CHUNK`]s on
//! rayon's pool. Elementwise results do not depend on the split; reductions
//! combine fixed blocks in a fixed order, so they are bit-identical at any
//! thread count.
//!
//! The parallel driver takes the per-chunk work as a `&dyn Fn`, so rayon's
//! machinery is compiled once rather than once per (op, dtype) pair; only the
//! small serial loops are monomorphized.

use rayon::prelude::*;
use std::mem::MaybeUninit;
use std::ops::Range;

/// Arrays with at least this many elements use rayon's pool. Set from the
/// `elementwise` bench: below ~64K f64 the fork/join costs more than it saves
/// on this 2-core machine.
pub const PAR_THRESHOLD: usize = 1 << 18;

/// Elements per parallel task.
pub const CHUNK: usize = 1 << 15;

thread_local! {
    static SERIAL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[inline]
pub(crate) fn parallel(len: usize) -> bool {
    len >= PAR_THRESHOLD
        && rayon::current_num_threads() > 1
        && !SERIAL.try_with(std::cell::Cell::get).unwrap_or(false)
}

/// Runs `f` with ndprof's elementwise ops and reductions kept on the calling
/// thread (no rayon tasks), to measure or compare single-thread speed.
/// `dot` (gemm) keeps its own threading.
///
/// ```
/// use ndprof::{ops::parallel::serial, Array, DType};
/// # fn main() -> ndprof::Result<()> {
/// let x = Array::ones(&[1 << 20], DType::Float64)?;
/// let y = serial(|| x.square())?;
/// assert_eq!(y, x.square()?);
/// # Ok(())
/// # }
/// ```
pub fn serial<R>(f: impl FnOnce() -> R) -> R {
    let before = SERIAL.with(|s| s.replace(true));
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = SERIAL.try_with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(before);
    f()
}

/// Calls `f` on consecutive ranges of `chunk` items covering `0..len`: on
/// rayon's pool when `par`, else once with the whole range.
pub(crate) fn run_chunks(len: usize, chunk: usize, par: bool, f: &(dyn Fn(Range<usize>) + Sync)) {
    if !par || len <= chunk {
        f(0..len);
        return;
    }
    let chunk = chunk.max(1);
    let n = len.div_ceil(chunk);
    // Work on the pool's threads counts under the caller's scope.
    let ctx = crate::trace::Context::capture();
    crate::trace::holding_signal(|| {
        (0..n)
            .into_par_iter()
            .for_each(|c| ctx.run(|| f(c * chunk..((c + 1) * chunk).min(len))));
    });
}

/// A pointer that parallel tasks use to write disjoint ranges of one slice.
#[derive(Clone, Copy)]
pub(crate) struct SharedMut<T>(*mut T);

// SAFETY: tasks only build slices over disjoint ranges of the original `&mut [T]` (see `range`),
// so sharing the pointer is as sound as `par_chunks_mut`; T is sent between threads.
unsafe impl<T: Send> Sync for SharedMut<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Send for SharedMut<T> {}

impl<T> SharedMut<T> {
    pub(crate) fn new(s: &mut [T]) -> Self {
        SharedMut(s.as_mut_ptr())
    }

    /// The sub-slice `r` of the original slice.
    ///
    /// # Safety
    /// `r` lies within the original slice, no other live slice overlaps it, and
    /// the original slice outlives the result.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn range(&self, r: Range<usize>) -> &mut [T] {
        // SAFETY: per the caller's contract.
        unsafe { std::slice::from_raw_parts_mut(self.0.add(r.start), r.len()) }
    }
}

/// Runs `f(range, dst[range])` over disjoint chunks of `dst`, on rayon's pool when `par`.
pub(crate) fn chunks_mut<T: Send>(
    dst: &mut [T],
    chunk: usize,
    par: bool,
    f: &(dyn Fn(Range<usize>, &mut [T]) + Sync),
) {
    let len = dst.len();
    let p = SharedMut::new(dst);
    run_chunks(len, chunk, par, &|r: Range<usize>| {
        // SAFETY: `run_chunks` hands out disjoint ranges within `0..len`, and `dst` is
        // mutably borrowed for the whole call.
        let d = unsafe { p.range(r.clone()) };
        f(r, d)
    });
}

#[inline(always)]
pub(crate) fn map1_serial<A: Copy, O>(src: &[A], dst: &mut [MaybeUninit<O>], f: &impl Fn(A) -> O) {
    for (o, &x) in dst.iter_mut().zip(src) {
        o.write(f(x));
    }
}

#[inline(always)]
pub(crate) fn map2_serial<A: Copy, B: Copy, O>(
    a: &[A],
    b: &[B],
    dst: &mut [MaybeUninit<O>],
    f: &impl Fn(A, B) -> O,
) {
    for ((o, &x), &y) in dst.iter_mut().zip(a).zip(b) {
        o.write(f(x, y));
    }
}

/// `dst[i] = f(src[i])`.
pub(crate) fn map1<A, O>(src: &[A], dst: &mut [MaybeUninit<O>], f: impl Fn(A) -> O + Sync)
where
    A: Copy + Sync,
    O: Send,
{
    chunks_mut(dst, CHUNK, parallel(dst.len()), &|r, d| {
        map1_serial(&src[r], d, &f)
    });
}

/// `dst[i] = f(a[i], b[i])`.
pub(crate) fn map2<A, B, O>(
    a: &[A],
    b: &[B],
    dst: &mut [MaybeUninit<O>],
    f: impl Fn(A, B) -> O + Sync,
) where
    A: Copy + Sync,
    B: Copy + Sync,
    O: Send,
{
    chunks_mut(dst, CHUNK, parallel(dst.len()), &|r, d| {
        map2_serial(&a[r.clone()], &b[r], d, &f)
    });
}

/// `dst[i] = f(dst[i], b[i])`.
pub(crate) fn update2<T, B>(dst: &mut [T], b: &[B], f: impl Fn(T, B) -> T + Sync)
where
    T: Copy + Send,
    B: Copy + Sync,
{
    chunks_mut(dst, CHUNK, parallel(dst.len()), &|r, d| {
        for (o, &y) in d.iter_mut().zip(&b[r]) {
            *o = f(*o, y);
        }
    });
}

/// `dst[i] = f(dst[i])`.
pub(crate) fn update1<T>(dst: &mut [T], f: impl Fn(T) -> T + Sync)
where
    T: Copy + Send,
{
    chunks_mut(dst, CHUNK, parallel(dst.len()), &|_, d| {
        for o in d.iter_mut() {
            *o = f(*o);
        }
    });
}

/// Maps every fixed block of `src` with `f`, in order; parallel when large.
/// The blocks are the same at any thread count.
pub(crate) fn map_blocks<T, R>(src: &[T], block: usize, f: impl Fn(&[T]) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send + Copy + Default,
{
    let n = src.len().div_ceil(block);
    let mut out = vec![R::default(); n];
    // Parallelize over blocks: one task takes CHUNK / block blocks.
    let per_task = (super::parallel::CHUNK / block).max(1);
    let work = |r: Range<usize>, d: &mut [R]| {
        for (o, i) in d.iter_mut().zip(r) {
            *o = f(&src[i * block..((i + 1) * block).min(src.len())]);
        }
    };
    chunks_mut(&mut out, per_task, parallel(src.len()), &work);
    out
}
