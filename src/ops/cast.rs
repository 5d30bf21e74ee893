//! `astype`: dtype conversion under a casting rule.

use crate::array::Array;
use crate::dtype::{with_dtype, DType, Element};
use crate::error::{Error, ErrorKind, Result};
use crate::trace::{self, OpClass};
use ndarray::Dimension;
use std::borrow::Cow;

/// How [`Array::astype`] treats values that do not fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Casting {
    /// NumPy's `casting='unsafe'` (its `astype` default): integers wrap, floats
    /// truncate toward zero (then wrap like integers), nonzero becomes `true`.
    /// `+-inf` give an integer type's MIN/MAX and NaN gives 0 (NumPy's values
    /// there are platform-defined).
    #[default]
    Unsafe,
    /// Every value must survive: in range, integral and finite when going to
    /// an integer, finite staying finite, 0 or 1 going to bool. The error names
    /// the first value and index that does not.
    Safe,
}

/// The operand converted to `dtype` (borrowed when it already has it).
#[track_caller]
pub(crate) fn as_dtype(a: &Array, dtype: DType) -> Result<Cow<'_, Array>> {
    if a.dtype() == dtype {
        Ok(Cow::Borrowed(a))
    } else {
        a.astype(dtype, Casting::Unsafe).map(Cow::Owned)
    }
}

#[track_caller]
fn convert<A: Element, B: Element>(src: &Array, out: &mut Array) -> Result<()> {
    super::kernels::map_unary::<A, B>(src, out, |v: A| v.cast::<B>())
}

fn first_misfit<A: Element, B: Element>(src: &Array) -> Option<(Vec<usize>, A)> {
    src.nd_view::<A>()
        .indexed_iter()
        .find(|(_, &v)| v.cast_checked::<B>().is_none())
        .map(|(idx, &v)| (idx.slice().to_vec(), v))
}

impl Array {
    /// A copy converted to `dtype` under `casting`.
    ///
    /// ```
    /// # fn main() -> ndprof::Result<()> {
    /// use ndprof::{Array, Casting, DType, ErrorKind};
    /// let a = Array::from_vec(vec![1i64, 300, -1])?;
    /// let wrapped = a.astype(DType::UInt8, Casting::Unsafe)?;
    /// assert_eq!(wrapped.to_vec::<u8>()?, vec![1, 44, 255]);
    /// let err = a.astype(DType::UInt8, Casting::Safe).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::CastOverflow);
    /// assert_eq!(err.to_string(), "cannot cast 300 at index [1] from int64 to uint8: it does not fit");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`CastOverflow`](ErrorKind::CastOverflow) under [`Casting::Safe`]; allocation failure.
    #[track_caller]
    pub fn astype(&self, dtype: DType, casting: Casting) -> Result<Array> {
        let from = self.dtype();
        if casting == Casting::Safe {
            let misfit = with_dtype!(from, A => with_dtype!(dtype, B =>
                first_misfit::<A, B>(self).map(|(i, v)| (i, v.to_scalar()))));
            if let Some((idx, v)) = misfit {
                return Err(Error::new(
                    ErrorKind::CastOverflow,
                    format!(
                        "cannot cast {v} at index {idx:?} from {from} to {dtype}: it does not fit"
                    ),
                ));
            }
        }
        let mut g = trace::op(
            "astype",
            OpClass::Cast,
            dtype.name(),
            self.len(),
            self.nbytes(),
            self.len().saturating_mul(dtype.size()),
        );
        let mut out = Array::for_overwrite(dtype, self.shape(), self.allocator())?;
        with_dtype!(from, A => with_dtype!(dtype, B => convert::<A, B>(self, &mut out)))?;
        super::observe::note_values(&mut g, &out);
        Ok(out)
    }
}
