//! Array creation: zeros, ones, full, arange, linspace, seeded random arrays.

use super::random::Rng;
use crate::alloc::BufferAllocator;
use crate::array::{checked_size, pick, Array};
use crate::buffer::Buffer;
use crate::dtype::{with_dtype, DType, Element, Scalar};
use crate::error::{Error, ErrorKind, Result};
use crate::trace::{self, OpClass};
use std::sync::Arc;

/// `v` truncated toward zero, as NumPy's `arange` sets it in integer
/// `dtype`: an error if it does not fit.
fn arange_integer(v: f64, dtype: DType, call: &impl Fn() -> String) -> Result<i128> {
    let t = v.trunc();
    // Compared as i128 (exact for every float up to 2^127, far past the
    // dtypes' ranges): as f64, int64's maximum would round up to 2^63.
    let i = t as i128;
    let (lo, hi) = with_dtype!(dtype, T => T::int_range());
    if i < lo || i > hi {
        return Err(Error::new(
            ErrorKind::CastOverflow,
            format!(
                "{}: Python integer {t:.0} out of bounds for {dtype}",
                call()
            ),
        ));
    }
    Ok(i)
}

#[track_caller]
fn fill<T: Element>(out: &mut Array, value: T) {
    let slots = out.uninit_slice::<T>();
    let par = super::parallel::parallel(slots.len());
    super::parallel::chunks_mut(slots, super::parallel::CHUNK, par, &|_, c| {
        c.iter_mut().for_each(|o| {
            o.write(value);
        })
    });
}

/// Fills `out` (fresh, C order) with `f(i)` for each flat index `i`.
#[track_caller]
fn fill_with<T: Element>(out: &mut Array, mut f: impl FnMut(usize) -> T) {
    for (i, o) in out.uninit_slice::<T>().iter_mut().enumerate() {
        o.write(f(i));
    }
}

impl Array {
    /// An array of zeros (`false` for bool) in the default allocator.
    ///
    /// # Errors
    /// [`AllocationFailed`](crate::error::ErrorKind::AllocationFailed) when the memory cannot be
    /// had: `Array::zeros(&[1 << 40], DType::Float64)` is an error, not an abort.
    #[track_caller]
    pub fn zeros(shape: &[usize], dtype: DType) -> Result<Array> {
        Self::zeros_in(shape, dtype, pick(None))
    }

    /// An array of zeros in `alloc`.
    ///
    /// # Errors
    /// As [`zeros`](Self::zeros).
    #[track_caller]
    pub fn zeros_in(
        shape: &[usize],
        dtype: DType,
        alloc: Arc<dyn BufferAllocator>,
    ) -> Result<Array> {
        let n = checked_size(shape)?;
        let _g = trace::op(
            "zeros",
            OpClass::Creation,
            dtype.name(),
            n,
            0,
            n.saturating_mul(dtype.size()),
        );
        Ok(Array::from_buffer(Buffer::zeroed(dtype, n, alloc)?, shape))
    }

    /// An array of ones (`true` for bool) in the default allocator.
    ///
    /// # Errors
    /// As [`zeros`](Self::zeros).
    #[track_caller]
    pub fn ones(shape: &[usize], dtype: DType) -> Result<Array> {
        Self::ones_in(shape, dtype, pick(None))
    }

    /// An array of ones in `alloc`.
    ///
    /// # Errors
    /// As [`zeros`](Self::zeros).
    #[track_caller]
    pub fn ones_in(
        shape: &[usize],
        dtype: DType,
        alloc: Arc<dyn BufferAllocator>,
    ) -> Result<Array> {
        Self::full_in(shape, Scalar::from(1u8).cast(dtype), alloc)
    }

    /// An array of `value`, with `value`'s dtype, in the default allocator.
    ///
    /// # Errors
    /// As [`zeros`](Self::zeros).
    #[track_caller]
    pub fn full(shape: &[usize], value: impl Into<Scalar>) -> Result<Array> {
        Self::full_in(shape, value.into(), pick(None))
    }

    /// An array of `value` in `alloc`.
    ///
    /// # Errors
    /// As [`zeros`](Self::zeros).
    #[track_caller]
    pub fn full_in(
        shape: &[usize],
        value: Scalar,
        alloc: Arc<dyn BufferAllocator>,
    ) -> Result<Array> {
        let dtype = value.dtype();
        let n = checked_size(shape)?;
        let _g = trace::op(
            "full",
            OpClass::Creation,
            dtype.name(),
            n,
            0,
            n.saturating_mul(dtype.size()),
        );
        let mut out = Array::for_overwrite(dtype, shape, alloc)?;
        with_dtype!(dtype, T => fill::<T>(&mut out, value.to::<T>()));
        Ok(out)
    }

    /// Evenly spaced values `start, start + step, ...` below `stop` (above, for a
    /// negative step), as NumPy's `arange`, value for value: the first two
    /// values are `start` and `start + step` (computed in float64; an integer
    /// dtype truncates them toward zero and checks that they fit), and the
    /// rest follow as `first + i * (second - first)` in the dtype's own
    /// arithmetic (integers wrap, float32 rounds in float32). So a fractional
    /// step with an integer dtype repeats NumPy's surprises:
    /// `arange(0.5, 5.0, 1.5)` as int8 is `[0, 2, 4]`, and
    /// `arange(-2.5, 2.5, 0.5)` as int64 is ten `-2`s. Prefer
    /// [`linspace`](Self::linspace) there.
    ///
    /// ```
    /// # fn main() -> ndprof::Result<()> {
    /// use ndprof::{Array, DType};
    /// let a = Array::arange(0.0, 5.0, 2.0, DType::Int32)?;
    /// assert_eq!(a.to_vec::<i32>()?, vec![0, 2, 4]);
    /// let wraps = Array::arange(126.0, 130.0, 1.0, DType::Int8)?;
    /// assert_eq!(wraps.to_vec::<i8>()?, vec![126, 127, -128, -127]);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for a zero or non-finite step;
    /// [`CastOverflow`](crate::error::ErrorKind::CastOverflow) when the first or second value does
    /// not fit an integer dtype (`arange(300.0, 310.0, 1.0)` as int8);
    /// [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) for bool with more than two values.
    #[track_caller]
    pub fn arange(start: f64, stop: f64, step: f64, dtype: DType) -> Result<Array> {
        let call = || format!("arange({start}, {stop}, {step}) as {dtype}");
        if step == 0.0 || !step.is_finite() || !start.is_finite() || !stop.is_finite() {
            return Err(Error::invalid(format!(
                "{}: the step must be nonzero and all arguments finite",
                call()
            )));
        }
        let n = ((stop - start) / step).ceil().max(0.0);
        if n > isize::MAX as f64 {
            return Err(Error::invalid(format!("{} is too long", call())));
        }
        let n = n as usize;
        if dtype == DType::Bool && n > 2 {
            return Err(Error::dtype(format!(
                "{}: arange() is only supported for booleans when the result has at most \
                 length 2 (it has {n})",
                call()
            )));
        }
        let second = start + step;
        // An integer dtype's first two values, as NumPy sets them; the step
        // between them, modulo 2^64 (the rest wrap in the dtype anyway).
        let ints = if dtype.is_integer() && n > 0 {
            let first = arange_integer(start, dtype, &call)?;
            let next = if n > 1 {
                arange_integer(second, dtype, &call)?
            } else {
                first
            };
            Some((first as i64, (next - first) as i64))
        } else {
            None
        };
        let mut g = trace::op(
            "arange",
            OpClass::Creation,
            dtype.name(),
            n,
            0,
            n.saturating_mul(dtype.size()),
        );
        let mut out = Array::for_overwrite(dtype, &[n], pick(None))?;
        with_dtype!(dtype, T => {
            if let Some((first, delta)) = ints {
                fill_with::<T>(&mut out, |i| {
                    first.wrapping_add(delta.wrapping_mul(i as i64)).cast::<T>()
                });
            } else {
                let first = T::from_f64_unchecked(start);
                let next = T::from_f64_unchecked(second);
                let delta = next.sub(first);
                fill_with::<T>(&mut out, |i| first.add(T::from_f64_unchecked(i as f64).mul(delta)));
                // The first two are set as given (`first + 0 * delta` is NaN
                // when `delta` overflowed to infinity).
                if let Ok(head) = out.as_slice_mut::<T>() {
                    head.iter_mut().zip([first, next]).for_each(|(slot, v)| *slot = v);
                }
            }
        });
        super::observe::note_values(&mut g, &out);
        Ok(out)
    }

    /// `num` evenly spaced values from `start` to `stop` inclusive, as NumPy's
    /// `linspace`: computed in float64; integer dtypes take the floor, as
    /// NumPy 2 does.
    ///
    /// ```
    /// use ndprof::{Array, DType};
    /// let a = Array::linspace(-5.0, 0.0, 4, DType::Int64)?;
    /// assert_eq!(a.to_vec::<i64>()?, vec![-5, -4, -2, 0]);
    /// # Ok::<(), ndprof::Error>(())
    /// ```
    ///
    /// # Errors
    /// Allocation failure.
    #[track_caller]
    pub fn linspace(start: f64, stop: f64, num: usize, dtype: DType) -> Result<Array> {
        let _g = trace::op(
            "linspace",
            OpClass::Creation,
            dtype.name(),
            num,
            0,
            num.saturating_mul(dtype.size()),
        );
        let mut out = Array::for_overwrite(dtype, &[num], pick(None))?;
        let step = if num > 1 {
            (stop - start) / (num - 1) as f64
        } else {
            0.0
        };
        with_dtype!(dtype, T => fill_with::<T>(&mut out, |i| {
            let v = if num > 1 && i == num - 1 { stop } else { start + step * i as f64 };
            T::from_f64_unchecked(if T::DTYPE.is_integer() { v.floor() } else { v })
        }));
        Ok(out)
    }

    #[track_caller]
    fn random_float(
        shape: &[usize],
        dtype: DType,
        op: &'static str,
        mut sample: impl FnMut() -> f64,
    ) -> Result<Array> {
        if !dtype.is_float() {
            return Err(Error::dtype(format!(
                "{op} makes float32 or float64 arrays, not {dtype}"
            )));
        }
        let n = checked_size(shape)?;
        let _g = trace::op(
            op,
            OpClass::Creation,
            dtype.name(),
            n,
            0,
            n.saturating_mul(dtype.size()),
        );
        let mut out = Array::for_overwrite(dtype, shape, pick(None))?;
        with_dtype!(dtype, T => fill_with::<T>(&mut out, |_| T::from_f64_unchecked(sample())));
        Ok(out)
    }

    /// Uniform random values in `[low, high)` from a seeded generator: the same
    /// seed gives the same array on every machine.
    ///
    /// # Errors
    /// [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) for non-float dtypes.
    #[track_caller]
    pub fn random_uniform(
        shape: &[usize],
        low: f64,
        high: f64,
        seed: u64,
        dtype: DType,
    ) -> Result<Array> {
        let mut rng = Rng::new(seed);
        Self::random_float(shape, dtype, "random_uniform", || {
            low + (high - low) * rng.next_f64()
        })
    }

    /// Normal random values with `mean` and `std` from a seeded generator.
    ///
    /// # Errors
    /// [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) for non-float dtypes.
    #[track_caller]
    pub fn random_normal(
        shape: &[usize],
        mean: f64,
        std: f64,
        seed: u64,
        dtype: DType,
    ) -> Result<Array> {
        let mut rng = Rng::new(seed);
        let mut spare: Option<f64> = None;
        Self::random_float(shape, dtype, "random_normal", || {
            let z = spare.take().unwrap_or_else(|| {
                let (a, b) = rng.next_normal_pair();
                spare = Some(b);
                a
            });
            mean + std * z
        })
    }
}
