//! Data types: [`DType`], the sealed [`Element`] trait that maps Rust types to
//! dtypes, NumPy's promotion rules, and [`Scalar`] for single values.

mod element;
mod scalar;
mod scalar_ops;
pub(crate) mod types;

pub use element::{Element, Float};
pub use scalar::Scalar;
pub(crate) use types::{with_dtype, with_float_dtype};
pub use types::{DType, Kind};
