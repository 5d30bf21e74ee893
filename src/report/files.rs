//! Writing whole files atomically (a unique temporary name, then rename).

use crate::error::{Error, Result};
use std::path::Path;

/// Writes `text` to `path` atomically.
///
/// # Errors
/// [`Io`](crate::error::ErrorKind::Io) naming the path.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_bytes(path, text.as_bytes())
}

/// Writes `bytes` to `path` atomically.
///
/// # Errors
/// [`Io`](crate::error::ErrorKind::Io) naming the path.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::io::atomic_write(path, |w| w.write_all(bytes).map_err(|e| Error::io(path, e)))
}
