//! Reductions: sum, mean, min, max, argmin, argmax over all elements or one axis.
//!
//! Sums split the data into fixed blocks of [`BLOCK`] elements; each block is
//! summed with [`LANES`] independent accumulators (no latency-bound chain),
//! and the block sums are combined pairwise. Blocks run on rayon's pool for
//! large arrays, and since the blocks and the combining order never change,
//! results are bit-identical at any thread count. The error grows like
//! `O(BLOCK / LANES + log n)` roundings, like NumPy's pairwise sum.

use super::parallel::{chunks_mut, map_blocks, parallel, CHUNK};
use crate::array::Array;
use crate::dtype::{with_dtype, DType, Element, Kind};
use crate::error::{shape_str, Error, Result};
use crate::trace::{self, OpClass};
use std::mem::MaybeUninit;

/// Elements per reduction block.
pub const BLOCK: usize = 4096;
/// Independent accumulators per block.
pub const LANES: usize = 16;

fn pairwise<A: Element>(v: &[A]) -> A {
    match v.len() {
        0 => A::ZERO,
        1 => v[0],
        n => pairwise(&v[..n / 2]).add(pairwise(&v[n / 2..])),
    }
}

#[inline]
fn block_sum<T: Element, A: Element>(s: &[T]) -> A {
    let mut acc = [A::ZERO; LANES];
    let chunks = s.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for i in 0..LANES {
            acc[i] = acc[i].add(c[i].cast::<A>());
        }
    }
    let mut tail = A::ZERO;
    for &x in rest {
        tail = tail.add(x.cast::<A>());
    }
    pairwise(&acc).add(tail)
}

/// The blocked sum of a slice, in accumulator type `A`.
pub(crate) fn sum_slice<T: Element, A: Element>(s: &[T]) -> A {
    pairwise(&map_blocks(s, BLOCK, block_sum::<T, A>))
}

fn sum_slice_serial<T: Element, A: Element>(s: &[T]) -> A {
    let blocks: Vec<A> = s.chunks(BLOCK).map(block_sum::<T, A>).collect();
    pairwise(&blocks)
}

/// The extreme of a non-empty block by `pick`, NaN if the block holds one.
fn block_extreme<T: Element>(s: &[T], pick: impl Fn(T, T) -> T) -> T {
    let mut acc = [s[0]; LANES];
    let mut nan = false;
    let chunks = s.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        for i in 0..LANES {
            acc[i] = pick(acc[i], c[i]);
            nan |= c[i].is_nan();
        }
    }
    let mut best = acc[0];
    for &x in acc.iter().chain(rest) {
        best = pick(best, x);
        nan |= x.is_nan();
    }
    if nan {
        s.iter().copied().find(|x| x.is_nan()).unwrap_or(best)
    } else {
        best
    }
}

/// The index of the first extreme by `better`, or of the first NaN.
fn arg_extreme<T: Element>(
    values: impl Iterator<Item = T>,
    better: impl Fn(T, T) -> bool,
) -> usize {
    let mut best: Option<(usize, T)> = None;
    for (i, x) in values.enumerate() {
        if x.is_nan() {
            return i;
        }
        match best {
            Some((_, b)) if !better(x, b) => {}
            _ => best = Some((i, x)),
        }
    }
    best.map_or(0, |(i, _)| i)
}

/// A C-contiguous array seen as `(outer, n, inner)` around the reduced axis.
#[derive(Clone, Copy)]
struct AxisSplit {
    n: usize,
    inner: usize,
}

fn axis_split(shape: &[usize], axis: usize) -> AxisSplit {
    AxisSplit {
        n: shape[axis],
        inner: shape[axis + 1..].iter().product(),
    }
}

/// Reduces the `n` axis of contiguous `s` into `dst` (`outer * inner` slots):
/// contiguous lanes (`inner == 1`) with `lane`, otherwise element by element
/// in axis order with `init` and `step`. Each output depends only on its own
/// inputs in a fixed order, so any split across threads gives the same bits.
#[track_caller]
fn reduce_axis<T: Element, A: Element>(
    s: &[T],
    sp: AxisSplit,
    dst: &mut [MaybeUninit<A>],
    lane: impl Fn(&[T]) -> A + Sync,
    init: impl Fn(T) -> A + Sync,
    step: impl Fn(A, T) -> A + Sync,
) {
    let (n, inner) = (sp.n, sp.inner);
    let par = parallel(s.len());
    if inner == 1 || n == 0 {
        let per_task = (CHUNK / n.max(1)).max(1);
        chunks_mut(dst, per_task, par, &|r, d| {
            for (o, row) in d.iter_mut().zip(r) {
                o.write(lane(&s[row * n..(row + 1) * n]));
            }
        });
        return;
    }
    let per_task = (CHUNK / n).max(64);
    chunks_mut(dst, per_task, par, &|r, d| {
        let (mut q, mut k) = (r.start, 0);
        while q < r.end {
            let (o, j) = (q / inner, q % inner);
            let len = (inner - j).min(r.end - q);
            let run = &mut d[k..k + len];
            let base = o * n * inner + j;
            for (x, &v) in run.iter_mut().zip(&s[base..base + len]) {
                x.write(init(v));
            }
            for i in 1..n {
                let row = &s[base + i * inner..base + i * inner + len];
                for (x, &v) in run.iter_mut().zip(row) {
                    // SAFETY: every slot of `run` was written by the `init` loop above.
                    let acc = unsafe { x.assume_init() };
                    x.write(step(acc, v));
                }
            }
            q += len;
            k += len;
        }
    });
}

/// The dtype `sum` returns: int64 for bool and signed, uint64 for unsigned,
/// the float dtype for floats (as NumPy).
pub fn sum_dtype(d: DType) -> DType {
    match d.kind() {
        Kind::Bool | Kind::Signed => DType::Int64,
        Kind::Unsigned => DType::UInt64,
        Kind::Float => d,
    }
}

/// The dtype `mean` returns: float32 for float32, float64 otherwise.
pub fn mean_dtype(d: DType) -> DType {
    if d == DType::Float32 {
        DType::Float32
    } else {
        DType::Float64
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Extreme {
    Min,
    Max,
}

impl Extreme {
    fn name(self) -> &'static str {
        match self {
            Extreme::Min => "minimum",
            Extreme::Max => "maximum",
        }
    }
    /// Whether `x` beats the current best `b` (strictly, so the first wins ties).
    fn better<T: Element>(self, x: T, b: T) -> bool {
        let want = match self {
            Extreme::Min => std::cmp::Ordering::Less,
            Extreme::Max => std::cmp::Ordering::Greater,
        };
        x.partial_cmp(&b) == Some(want)
    }
    /// The better of `a` and `b`, `b` when they compare equal (as NumPy's
    /// `minimum`/`maximum` and its sequential reductions: `min([0.0, -0.0])`
    /// is `-0.0`); NaN is handled by the caller.
    fn pick<T: Element>(self) -> impl Fn(T, T) -> T + Sync + Copy {
        move |a: T, b: T| match self {
            Extreme::Min => {
                if a < b {
                    a
                } else {
                    b
                }
            }
            Extreme::Max => {
                if a > b {
                    a
                } else {
                    b
                }
            }
        }
    }
    fn pick_nan<T: Element>(self) -> impl Fn(T, T) -> T + Sync + Copy {
        move |a: T, b: T| match self {
            Extreme::Min => a.min_nan(b),
            Extreme::Max => a.max_nan(b),
        }
    }
}

/// Runs `$body` with `$T` the input's type and `$A` the accumulator type
/// (int64, uint64, float32 or float64), instantiating only the pairs used.
macro_rules! with_acc {
    ($input:expr, $acc:expr, $T:ident, $A:ident => $body:expr) => {
        with_dtype!($input, $T => match $acc {
            DType::Int64 => { type $A = i64; $body }
            DType::UInt64 => { type $A = u64; $body }
            DType::Float32 => { type $A = f32; $body }
            _ => { type $A = f64; $body }
        })
    };
}

impl Array {
    fn reduced_shape(&self, axis: usize) -> Result<Vec<usize>> {
        self.axis_checked(axis)?;
        let mut s = self.shape().to_vec();
        s.remove(axis);
        Ok(s)
    }

    #[track_caller]
    fn contiguous_or_copy(&self) -> Result<std::borrow::Cow<'_, Array>> {
        if self.is_c_contiguous() {
            Ok(std::borrow::Cow::Borrowed(self))
        } else {
            self.to_contiguous().map(std::borrow::Cow::Owned)
        }
    }

    #[track_caller]
    fn sum_as(&self, out_dtype: DType) -> Result<Array> {
        let src = self.contiguous_or_copy()?;
        let mut out = Array::for_overwrite(out_dtype, &[], self.allocator())?;
        with_acc!(self.dtype(), out_dtype, T, A => {
            let s: A = sum_slice::<T, A>(src.contiguous_slice::<T>().unwrap_or(&[]));
            out.uninit_slice::<A>()[0].write(s);
        });
        Ok(out)
    }

    /// The sum of all elements as a 0-d array: int64 for bool and signed
    /// integers (wrapping), uint64 for unsigned, the float dtype for floats.
    ///
    /// ```
    /// # fn main() -> ndprof::Result<()> {
    /// use ndprof::{Array, DType};
    /// let a = Array::arange(1.0, 101.0, 1.0, DType::Int32)?;
    /// let s = a.sum()?;
    /// assert_eq!((s.ndim(), s.dtype()), (0, DType::Int64));
    /// assert_eq!(s.item()?.to::<i64>(), 5050);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// Allocation failure.
    #[track_caller]
    pub fn sum(&self) -> Result<Array> {
        let _g = reduction_op("sum", self);
        self.sum_as(sum_dtype(self.dtype()))
    }

    /// The mean of all elements as a 0-d array (NaN for an empty array).
    ///
    /// # Errors
    /// Allocation failure.
    #[track_caller]
    pub fn mean(&self) -> Result<Array> {
        let _g = reduction_op("mean", self);
        let dt = mean_dtype(self.dtype());
        let mut s = self.sum_as(dt)?;
        s.binary_scalar_inplace(super::BinaryOp::Div, self.len() as f64)?;
        Ok(s)
    }

    #[track_caller]
    fn sum_axis_as(&self, axis: usize, dt: DType) -> Result<Array> {
        let shape = self.reduced_shape(axis)?;
        let src = self.contiguous_or_copy()?;
        let sp = axis_split(self.shape(), axis);
        let mut out = Array::for_overwrite(dt, &shape, self.allocator())?;
        with_acc!(self.dtype(), dt, T, A => reduce_axis(
            src.contiguous_slice::<T>().unwrap_or(&[]),
            sp,
            out.uninit_slice::<A>(),
            sum_slice_serial::<T, A>,
            |v: T| v.cast::<A>(),
            |a: A, v: T| a.add(v.cast::<A>()),
        ));
        Ok(out)
    }

    /// Sums along `axis`, removing it (dtype as [`sum`](Self::sum)).
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for an axis out of range.
    #[track_caller]
    pub fn sum_axis(&self, axis: usize) -> Result<Array> {
        let _g = reduction_op("sum", self);
        self.sum_axis_as(axis, sum_dtype(self.dtype()))
    }

    /// Means along `axis` (float64, or float32 for float32).
    ///
    /// # Errors
    /// As [`sum_axis`](Self::sum_axis).
    #[track_caller]
    pub fn mean_axis(&self, axis: usize) -> Result<Array> {
        let _g = reduction_op("mean", self);
        let n = self.shape().get(axis).copied().unwrap_or(0);
        let mut s = self.sum_axis_as(axis, mean_dtype(self.dtype()))?;
        s.binary_scalar_inplace(super::BinaryOp::Div, n as f64)?;
        Ok(s)
    }

    fn empty_reduction(&self, name: &str) -> Error {
        Error::invalid(format!(
            "zero-size array (shape {}) to reduction operation {name} which has no identity",
            shape_str(self.shape())
        ))
    }

    fn extreme(&self, which: Extreme) -> Result<Array> {
        let _g = reduction_op(which.name(), self);
        if self.is_empty() {
            return Err(self.empty_reduction(which.name()));
        }
        let src = self.contiguous_or_copy()?;
        let mut out = Array::for_overwrite(self.dtype(), &[], self.allocator())?;
        with_dtype!(self.dtype(), T => {
            let s = src.contiguous_slice::<T>().unwrap_or(&[]);
            let blocks = map_blocks(s, BLOCK, |b| block_extreme(b, which.pick::<T>()));
            let best = blocks.iter().copied().reduce(which.pick_nan::<T>()).unwrap_or(T::ZERO);
            out.uninit_slice::<T>()[0].write(best);
        });
        Ok(out)
    }

    #[track_caller]
    fn extreme_axis(&self, which: Extreme, axis: usize) -> Result<Array> {
        let _g = reduction_op(which.name(), self);
        let shape = self.reduced_shape(axis)?;
        if self.shape()[axis] == 0 {
            return Err(self.empty_reduction(which.name()));
        }
        let src = self.contiguous_or_copy()?;
        let sp = axis_split(self.shape(), axis);
        let mut out = Array::for_overwrite(self.dtype(), &shape, self.allocator())?;
        with_dtype!(self.dtype(), T => reduce_axis(
            src.contiguous_slice::<T>().unwrap_or(&[]),
            sp,
            out.uninit_slice::<T>(),
            |lane: &[T]| block_extreme(lane, which.pick::<T>()),
            |v: T| v,
            which.pick_nan::<T>(),
        ));
        Ok(out)
    }

    /// The smallest element as a 0-d array; NaN if any element is NaN.
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for an empty array.
    #[track_caller]
    pub fn min(&self) -> Result<Array> {
        self.extreme(Extreme::Min)
    }
    /// The largest element as a 0-d array; NaN if any element is NaN.
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for an empty array.
    #[track_caller]
    pub fn max(&self) -> Result<Array> {
        self.extreme(Extreme::Max)
    }
    /// The smallest element along `axis`.
    ///
    /// # Errors
    /// Bad axis, or an empty axis.
    #[track_caller]
    pub fn min_axis(&self, axis: usize) -> Result<Array> {
        self.extreme_axis(Extreme::Min, axis)
    }
    /// The largest element along `axis`.
    ///
    /// # Errors
    /// Bad axis, or an empty axis.
    #[track_caller]
    pub fn max_axis(&self, axis: usize) -> Result<Array> {
        self.extreme_axis(Extreme::Max, axis)
    }

    fn arg(&self, which: Extreme) -> Result<usize> {
        let name = if which == Extreme::Min {
            "argmin"
        } else {
            "argmax"
        };
        let _g = reduction_op(name, self);
        if self.is_empty() {
            return Err(Error::invalid(format!(
                "attempt to get {name} of an empty sequence (shape {})",
                shape_str(self.shape())
            )));
        }
        Ok(with_dtype!(self.dtype(), T => {
            let better = move |x: T, b: T| which.better(x, b);
            match self.contiguous_slice::<T>() {
                Some(s) => arg_extreme(s.iter().copied(), better),
                None => arg_extreme(self.nd_view::<T>().iter().copied(), better),
            }
        }))
    }

    #[track_caller]
    fn arg_axis(&self, which: Extreme, axis: usize) -> Result<Array> {
        let name = if which == Extreme::Min {
            "argmin"
        } else {
            "argmax"
        };
        let _g = reduction_op(name, self);
        let shape = self.reduced_shape(axis)?;
        if self.shape()[axis] == 0 {
            return Err(Error::invalid(format!(
                "attempt to get {name} of an empty sequence"
            )));
        }
        let src = self.contiguous_or_copy()?;
        let AxisSplit { n, inner } = axis_split(self.shape(), axis);
        let mut out = Array::for_overwrite(DType::Int64, &shape, self.allocator())?;
        let par = parallel(self.len());
        with_dtype!(self.dtype(), T => {
            let s = src.contiguous_slice::<T>().unwrap_or(&[]);
            let better = move |x: T, b: T| which.better(x, b);
            chunks_mut(out.uninit_slice::<i64>(), (CHUNK / n).max(1), par, &|r, d| {
                for (o, q) in d.iter_mut().zip(r) {
                    let base = (q / inner) * n * inner + q % inner;
                    let lane = (0..n).map(|i| s[base + i * inner]);
                    o.write(arg_extreme(lane, better) as i64);
                }
            });
        });
        Ok(out)
    }

    /// The flat (C-order) index of the first smallest element, or of the first NaN.
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for an empty array.
    #[track_caller]
    pub fn argmin(&self) -> Result<usize> {
        self.arg(Extreme::Min)
    }
    /// The flat (C-order) index of the first largest element, or of the first NaN.
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for an empty array.
    #[track_caller]
    pub fn argmax(&self) -> Result<usize> {
        self.arg(Extreme::Max)
    }
    /// Indices (int64) of the smallest elements along `axis`.
    ///
    /// # Errors
    /// Bad axis, or an empty axis.
    #[track_caller]
    pub fn argmin_axis(&self, axis: usize) -> Result<Array> {
        self.arg_axis(Extreme::Min, axis)
    }
    /// Indices (int64) of the largest elements along `axis`.
    ///
    /// # Errors
    /// Bad axis, or an empty axis.
    #[track_caller]
    pub fn argmax_axis(&self, axis: usize) -> Result<Array> {
        self.arg_axis(Extreme::Max, axis)
    }
}

/// Records a whole-array reduction named `name` over `a`.
#[track_caller]
fn reduction_op(name: &'static str, a: &Array) -> trace::OpGuard {
    trace::op(
        name,
        OpClass::Reduction,
        a.dtype().name(),
        a.len(),
        a.nbytes(),
        0,
    )
}
