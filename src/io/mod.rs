//! Files: `.npy` arrays, and the atomic write that every output goes through.

pub mod npy;

mod write;

pub use write::atomic_write;
