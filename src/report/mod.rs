//! Layer 5: reports, one module per format, written atomically through
//! [`io::atomic_write`](crate::io::atomic_write).

pub mod folded;
pub mod text;

pub use folded::{folded, Metric};
pub use text::table;

use crate::error::Result;
use crate::profiler::Profile;
use std::path::Path;

impl Profile {
    /// Folded stacks weighted by `metric`.
    pub fn folded(&self, metric: Metric) -> String {
        folded(self, metric)
    }

    /// The cProfile-style table.
    pub fn table(&self) -> String {
        table(self)
    }

    /// Writes folded stacks to `path` atomically.
    ///
    /// # Errors
    /// [`Io`](crate::ErrorKind::Io) naming the path.
    pub fn write_folded(&self, path: impl AsRef<Path>, metric: Metric) -> Result<()> {
        write_text(path.as_ref(), &self.folded(metric))
    }

    /// Writes the table to `path` atomically.
    ///
    /// # Errors
    /// [`Io`](crate::ErrorKind::Io) naming the path.
    pub fn write_table(&self, path: impl AsRef<Path>) -> Result<()> {
        write_text(path.as_ref(), &self.table())
    }
}

fn write_text(path: &Path, text: &str) -> Result<()> {
    crate::io::atomic_write(path, |w| {
        w.write_all(text.as_bytes())
            .map_err(|e| crate::Error::io(path, e))
    })
}
