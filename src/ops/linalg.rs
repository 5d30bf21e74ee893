//! `dot` / `matmul`: vector-vector, matrix-vector, vector-matrix and
//! matrix-matrix products.
//!
//! float32 and float64 use faer's matrix multiply on rayon's pool (the same
//! pool as every other op, so work stays attributable and does not compete
//! with a second pool for the cores); strided and transposed operands go to
//! it without copies. (faer 0.23 measured 150/327 GFLOP/s f64/f32 on the
//! 2-core dev machine where the `gemm` crate gave ~95/200 and OpenBLAS
//! 135/330.) Integer and bool products use a plain
//! cache-friendly loop, as NumPy does (it has no BLAS for them either).

use super::cast::as_dtype;
use crate::array::Array;
use crate::dtype::{with_dtype, DType, Element};
use crate::error::{shape_str, Error, Result};
use crate::trace::{self, OpClass};

/// Operands as 2-D: `(rows, cols, row_stride, col_stride)` in elements.
struct Mat {
    rows: usize,
    cols: usize,
    rs: isize,
    cs: isize,
}

fn as_lhs(a: &Array) -> Mat {
    match a.ndim() {
        1 => Mat {
            rows: 1,
            cols: a.shape()[0],
            rs: 0,
            cs: a.strides()[0],
        },
        _ => Mat {
            rows: a.shape()[0],
            cols: a.shape()[1],
            rs: a.strides()[0],
            cs: a.strides()[1],
        },
    }
}

fn as_rhs(b: &Array) -> Mat {
    match b.ndim() {
        1 => Mat {
            rows: b.shape()[0],
            cols: 1,
            rs: b.strides()[0],
            cs: 0,
        },
        _ => Mat {
            rows: b.shape()[0],
            cols: b.shape()[1],
            rs: b.strides()[0],
            cs: b.strides()[1],
        },
    }
}

/// Pointer to the logical first element of an array of dtype `T`.
fn first_ptr<T: Element>(a: &Array) -> *const T {
    // SAFETY: `offset` is inside the buffer (or one past its end when the array is empty,
    // in which case the pointer is never read).
    unsafe { a.buf.as_slice::<T>().as_ptr().add(a.offset) }
}

fn gemm_into<T>(a: &Array, b: &Array, out: &mut Array, l: &Mat, r: &Mat) -> Result<()>
where
    T: Element + faer::traits::ComplexField,
{
    let (m, k, n) = (l.rows, l.cols, r.cols);
    let dst = out.out_slice::<T>()?.map(|s| s.as_mut_ptr().cast::<T>());
    let Some(dst) = dst else {
        return Err(Error::invalid(
            "ndprof internal error: dot output not contiguous",
        ));
    };
    if k == 0 {
        for i in 0..m * n {
            // SAFETY: the fresh output holds m*n slots.
            unsafe { dst.add(i).write(T::ZERO) };
        }
        return Ok(());
    }
    let threads = rayon::current_num_threads();
    let par = if m.saturating_mul(n).saturating_mul(k) >= 1 << 18 && threads > 1 {
        faer::Par::rayon(threads)
    } else {
        faer::Par::Seq
    };
    // faer is column-major at heart: the row-major C = A B is the column-major
    // C^T = B^T A^T, which its kernels write without transposing.
    // SAFETY: the operand pointers with their shapes and strides (in elements) address only
    // elements inside their buffers (shapes checked by the caller; a 1-D operand's unused
    // stride is 0 over a single row or column); `dst` holds m*n contiguous slots (C row-major,
    // that is C^T column-major: row stride 1, column stride n) and is borrowed mutably by
    // `out` for this call only; with `Accum::Replace` faer writes every output element and
    // reads none before writing it.
    let (lhs, rhs, dst) = unsafe {
        (
            faer::MatRef::from_raw_parts(first_ptr::<T>(b), n, k, r.cs, r.rs),
            faer::MatRef::from_raw_parts(first_ptr::<T>(a), k, m, l.cs, l.rs),
            faer::MatMut::from_raw_parts_mut(dst, n, m, 1, n as isize),
        )
    };
    let matmul = || {
        faer::linalg::matmul::matmul(dst, faer::Accum::Replace, lhs, rhs, T::one_impl(), par);
    };
    if matches!(par, faer::Par::Seq) {
        matmul();
    } else {
        crate::trace::holding_signal(matmul);
    }
    Ok(())
}

fn loop_into<T: Element>(a: &Array, b: &Array, out: &mut Array, l: &Mat, r: &Mat) -> Result<()> {
    let (m, k, n) = (l.rows, l.cols, r.cols);
    let av = a.nd_view::<T>();
    let bv = b.nd_view::<T>();
    let at = |i: usize, p: usize| -> T {
        if a.ndim() == 1 {
            av[[p]]
        } else {
            av[[i, p]]
        }
    };
    let bt = |p: usize, j: usize| -> T {
        if b.ndim() == 1 {
            bv[[p]]
        } else {
            bv[[p, j]]
        }
    };
    let mut acc = vec![T::ZERO; n];
    let slots = out.uninit_slice::<T>();
    for i in 0..m {
        acc.iter_mut().for_each(|x| *x = T::ZERO);
        for p in 0..k {
            let x = at(i, p);
            for (j, o) in acc.iter_mut().enumerate() {
                *o = o.add(x.mul(bt(p, j)));
            }
        }
        for (j, &v) in acc.iter().enumerate() {
            slots[i * n + j].write(v);
        }
    }
    Ok(())
}

impl Array {
    /// The product of two 1-D or 2-D arrays, as NumPy's `dot`: 1-D·1-D gives a
    /// 0-d inner product, 2-D·1-D a vector, 1-D·2-D a vector, 2-D·2-D a
    /// matrix. Operands are promoted to a common dtype.
    ///
    /// ```
    /// # fn main() -> ndprof::Result<()> {
    /// use ndprof::Array;
    /// let a = Array::from_shape_vec(&[2, 3], vec![1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0])?;
    /// let b = Array::from_vec(vec![1.0f64, 0.0, -1.0])?;
    /// assert_eq!(a.dot(&b)?.to_vec::<f64>()?, vec![-2.0, -2.0]);
    /// assert_eq!(a.dot(&a.t())?.shape(), &[2, 2]);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`ShapeMismatch`](crate::error::ErrorKind::ShapeMismatch) naming both shapes when the inner
    /// dimensions differ; [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for 0-d or
    /// more than 2-D operands.
    #[track_caller]
    pub fn dot(&self, other: &Array) -> Result<Array> {
        if !(1..=2).contains(&self.ndim()) || !(1..=2).contains(&other.ndim()) {
            return Err(Error::invalid(format!(
                "dot supports 1-D and 2-D operands, not shapes {} and {}",
                shape_str(self.shape()),
                shape_str(other.shape())
            )));
        }
        let (l0, r0) = (as_lhs(self), as_rhs(other));
        if l0.cols != r0.rows {
            return Err(Error::shape(format!(
                "shapes {} and {} not aligned: {} (dim {}) != {} (dim 0)",
                shape_str(self.shape()),
                shape_str(other.shape()),
                l0.cols,
                self.ndim() - 1,
                r0.rows
            )));
        }
        let dt = DType::promote(self.dtype(), other.dtype());
        let a = as_dtype(self, dt)?;
        let b = as_dtype(other, dt)?;
        let (l, r) = (as_lhs(&a), as_rhs(&b));
        let shape: Vec<usize> = match (self.ndim(), other.ndim()) {
            (1, 1) => vec![],
            (2, 1) => vec![l.rows],
            (1, 2) => vec![r.cols],
            _ => vec![l.rows, r.cols],
        };
        let (m, k, n) = (l.rows, l.cols, r.cols);
        let _g = trace::op(
            "dot",
            OpClass::Linalg,
            dt.name(),
            m.saturating_mul(n),
            m.saturating_mul(k)
                .saturating_add(k.saturating_mul(n))
                .saturating_mul(dt.size()),
            m.saturating_mul(n).saturating_mul(dt.size()),
        );
        let mut out = Array::for_overwrite(dt, &shape, self.allocator())?;
        match dt {
            DType::Float32 => gemm_into::<f32>(&a, &b, &mut out, &l, &r)?,
            DType::Float64 => gemm_into::<f64>(&a, &b, &mut out, &l, &r)?,
            _ => with_dtype!(dt, T => loop_into::<T>(&a, &b, &mut out, &l, &r))?,
        }
        Ok(out)
    }

    /// Matrix product; the same as [`dot`](Self::dot) for 1-D and 2-D operands.
    ///
    /// # Errors
    /// As [`dot`](Self::dot).
    #[track_caller]
    pub fn matmul(&self, other: &Array) -> Result<Array> {
        self.dot(other)
    }
}
