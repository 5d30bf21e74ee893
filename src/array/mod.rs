//! [`Array`]: a buffer plus shape, strides and offset; any dtype, n dimensions.
//!
//! Arrays have value semantics at the cost of NumPy's: cloning, slicing and
//! transposing share the buffer (O(1) views), and a write to an array whose
//! buffer is shared first copies it (copy-on-write), so a write never shows
//! through another array. NumPy writes through views; ndprof does not.

mod base;
mod shape;
mod typed;

pub use base::Array;
pub(crate) use base::{checked_size, pick};
pub use shape::{broadcast_shapes, Slice};
