//! The loops behind the elementwise ops, written so that each (op, dtype)
//! instantiates only small serial loops: contiguous operands go through
//! slice kernels; broadcast or strided operands go row by row (the last axis
//! as a slice, a broadcast scalar, or a strided run), rows split across
//! rayon's pool when large.

use super::parallel::{self, map2_serial, parallel, CHUNK};
use crate::array::Array;
use crate::dtype::Element;
use crate::error::Result;
use std::mem::MaybeUninit;

/// An operand seen through the output's shape: the pointer to its logical
/// first element and its strides per output axis (0 where it broadcasts).
struct Operand<T> {
    ptr: *const T,
    strides: Vec<isize>,
}

// SAFETY: the operand only reads elements of an array that stays borrowed (immutably) for the
// whole kernel; T is plain `Sync` data.
unsafe impl<T: Sync> Sync for Operand<T> {}
// SAFETY: as above; moving the read-only pointer to another thread is sound.
unsafe impl<T: Sync> Send for Operand<T> {}

impl<T: Element> Operand<T> {
    fn of(a: &Array, shape: &[usize]) -> Operand<T> {
        let lead = shape.len() - a.ndim();
        let strides = (0..shape.len())
            .map(|k| {
                if k < lead || a.shape()[k - lead] == 1 {
                    0
                } else {
                    a.strides()[k - lead]
                }
            })
            .collect();
        let base = a.buf.as_slice::<T>().as_ptr();
        // SAFETY: `offset` indexes the logical first element inside the buffer (or one past
        // the end for an empty array, whose pointer is never read).
        let ptr = unsafe { base.add(a.offset) };
        Operand { ptr, strides }
    }

    /// Element offset of the start of row `r` (rows run over all axes but the last).
    fn row_offset(&self, mut r: usize, shape: &[usize]) -> isize {
        let mut off = 0isize;
        for k in (0..shape.len().saturating_sub(1)).rev() {
            off += (r % shape[k]) as isize * self.strides[k];
            r /= shape[k];
        }
        off
    }

    fn last_stride(&self) -> isize {
        self.strides.last().copied().unwrap_or(0)
    }

    /// Row `r`: a slice when its stride is 1, otherwise (pointer, stride).
    ///
    /// # Safety
    /// `r` is a valid row of `shape`, which the operand broadcasts to, and `m` its length.
    unsafe fn row(&self, r: usize, shape: &[usize], m: usize) -> Row<'_, T> {
        // SAFETY: every element of the row lies inside the operand's buffer (broadcast
        // strides only revisit elements), per the caller's contract.
        unsafe {
            let start = self.ptr.offset(self.row_offset(r, shape));
            match self.last_stride() {
                1 => Row::Slice(std::slice::from_raw_parts(start, m)),
                s => Row::Strided(start, s),
            }
        }
    }
}

enum Row<'a, T> {
    Slice(&'a [T]),
    Strided(*const T, isize),
}

impl<T: Element> Row<'_, T> {
    /// Element `j` of the row.
    ///
    /// # Safety
    /// `j` is less than the row length.
    #[inline(always)]
    unsafe fn at(&self, j: usize) -> T {
        match self {
            // SAFETY: j < len by the caller's contract.
            Row::Slice(s) => unsafe { *s.get_unchecked(j) },
            // SAFETY: the strided row's elements are in the buffer (see `Operand::row`).
            Row::Strided(p, s) => unsafe { *p.offset(j as isize * s) },
        }
    }
}

/// Runs `row(r, dst_row)` for every row of a contiguous destination.
fn for_each_row<D: Send>(dst: &mut [D], m: usize, row: &(dyn Fn(usize, &mut [D]) + Sync)) {
    if m == 0 {
        return;
    }
    let rows_per_task = (CHUNK / m).max(1);
    parallel::chunks_mut(dst, rows_per_task * m, parallel(dst.len()), &|r, d| {
        for (i, dr) in d.chunks_mut(m).enumerate() {
            row(r.start / m + i, dr);
        }
    });
}

fn row_len(shape: &[usize]) -> usize {
    shape.last().copied().unwrap_or(1)
}

/// Runs `fill` on `out`'s elements as contiguous slots; a strided `out` is
/// filled through a contiguous temporary and copied in.
fn fill_out<O: Element>(out: &mut Array, fill: impl FnOnce(&mut [MaybeUninit<O>])) -> Result<()> {
    if let Some(d) = out.out_slice::<O>()? {
        fill(d);
        return Ok(());
    }
    let mut tmp = Array::for_overwrite(O::DTYPE, out.shape(), out.allocator())?;
    fill(tmp.uninit_slice::<O>());
    out.nd_view_mut::<O>()?.assign(&tmp.nd_view::<O>());
    Ok(())
}

/// `out[i] = f(src[i])`; `out` has `src`'s shape.
pub(crate) fn map_unary<A: Element, O: Element>(
    src: &Array,
    out: &mut Array,
    f: impl Fn(A) -> O + Sync + Send,
) -> Result<()> {
    if let Some(s) = src.contiguous_slice::<A>() {
        return fill_out(out, |d| parallel::map1(s, d, f));
    }
    // Strided or broadcast input: row by row, no contiguous copy first.
    let shape = out.shape().to_vec();
    let os = Operand::<A>::of(src, &shape);
    let m = row_len(&shape);
    fill_out(out, |d| {
        for_each_row(d, m, &|r, dst| {
            // SAFETY: `r` is a row of `shape`, which is `src`'s shape (checked by the
            // callers), and `dst` has the row's length `m`.
            let row = unsafe { os.row(r, &shape, m) };
            match &row {
                Row::Slice(x) => {
                    for (o, &v) in dst.iter_mut().zip(x.iter()) {
                        o.write(f(v));
                    }
                }
                Row::Strided(..) => {
                    for (j, o) in dst.iter_mut().enumerate() {
                        // SAFETY: j < m.
                        o.write(f(unsafe { row.at(j) }));
                    }
                }
            }
        })
    })
}

/// A C-contiguous copy of `src` into `out` (same dtype and shape).
pub(crate) fn copy_into<T: Element>(src: &Array, out: &mut Array) -> Result<()> {
    map_unary::<T, T>(src, out, |v| v)
}

/// `out[i] = f(a[i], b[i])` with broadcasting; `out` has the broadcast shape.
pub(crate) fn map_binary<A: Element, B: Element, O: Element>(
    a: &Array,
    b: &Array,
    out: &mut Array,
    f: impl Fn(A, B) -> O + Sync + Send,
) -> Result<()> {
    let shape = out.shape().to_vec();
    let whole = |x: &Array| x.shape() == shape.as_slice();
    let sa = a.contiguous_slice::<A>().filter(|_| whole(a));
    let sb = b.contiguous_slice::<B>().filter(|_| whole(b));
    match (sa, sb) {
        (Some(x), Some(y)) => return fill_out(out, |d| parallel::map2(x, y, d, f)),
        (Some(x), None) if b.len() == 1 => {
            let y = b.nd_view::<B>().iter().next().copied().unwrap_or(B::ZERO);
            return fill_out(out, |d| parallel::map1(x, d, |v| f(v, y)));
        }
        (None, Some(y)) if a.len() == 1 => {
            let x = a.nd_view::<A>().iter().next().copied().unwrap_or(A::ZERO);
            return fill_out(out, |d| parallel::map1(y, d, |v| f(x, v)));
        }
        _ => {}
    }
    let (oa, ob) = (Operand::<A>::of(a, &shape), Operand::<B>::of(b, &shape));
    let m = row_len(&shape);
    fill_out(out, |d| {
        for_each_row(d, m, &|r, dst| {
            // SAFETY: `r` is a row of `shape`, to which both operands broadcast (checked by
            // the callers), and `dst` has the row's length `m`.
            let (ra, rb) = unsafe { (oa.row(r, &shape, m), ob.row(r, &shape, m)) };
            match (&ra, &rb) {
                (Row::Slice(x), Row::Slice(y)) => map2_serial(x, y, dst, &f),
                _ => {
                    for (j, o) in dst.iter_mut().enumerate() {
                        // SAFETY: j < m.
                        o.write(f(unsafe { ra.at(j) }, unsafe { rb.at(j) }));
                    }
                }
            }
        })
    })
}

/// `dst[i] = f(dst[i], b[i])` with `b` broadcast to `dst`'s shape.
pub(crate) fn update_binary<T: Element, B: Element>(
    dst: &mut Array,
    b: &Array,
    f: impl Fn(T, B) -> T + Sync + Send,
) -> Result<()> {
    if !dst.is_c_contiguous() {
        *dst = dst.to_contiguous()?;
    }
    let shape = dst.shape().to_vec();
    if let Some(y) = b
        .contiguous_slice::<B>()
        .filter(|_| b.shape() == shape.as_slice())
    {
        parallel::update2(dst.as_slice_mut::<T>()?, y, f);
        return Ok(());
    }
    if b.len() == 1 {
        let y = b.nd_view::<B>().iter().next().copied().unwrap_or(B::ZERO);
        parallel::update1(dst.as_slice_mut::<T>()?, |v| f(v, y));
        return Ok(());
    }
    let ob = Operand::<B>::of(b, &shape);
    let m = row_len(&shape);
    let d = dst.as_slice_mut::<T>()?;
    for_each_row(d, m, &|r, row| {
        // SAFETY: `r` is a row of `shape`, to which `b` broadcasts (checked by the caller).
        let rb = unsafe { ob.row(r, &shape, m) };
        for (j, o) in row.iter_mut().enumerate() {
            // SAFETY: j < m.
            *o = f(*o, unsafe { rb.at(j) });
        }
    });
    Ok(())
}

/// `a[i] = f(a[i])` in place.
pub(crate) fn update_unary<T: Element>(
    a: &mut Array,
    f: impl Fn(T) -> T + Sync + Send,
) -> Result<()> {
    if !a.is_c_contiguous() {
        *a = a.to_contiguous()?;
    }
    parallel::update1(a.as_slice_mut::<T>()?, f);
    Ok(())
}
