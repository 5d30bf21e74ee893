//! Array operations, one module per concern (as ndarray's `impl_*` files).
//! Each public op is a method on [`Array`](crate::array::Array) that enters through
//! one place where it is timed and counted ([`trace::op`](crate::trace::op)).

pub mod cast;
mod copy;
pub mod create;
pub mod elementwise;
pub mod grow;
pub mod index;
pub(crate) mod kernels;
pub mod linalg;
mod observe;
pub mod overloads;
pub mod parallel;
pub mod random;
pub mod reduce;
mod sites;

pub use cast::Casting;
pub use elementwise::{BinaryOp, CompareOp, UnaryOp};
