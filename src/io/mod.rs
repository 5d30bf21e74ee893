//! Files: `.npy` arrays, and the atomic write that every output goes through.

pub mod npy;

use crate::error::{Error, Result};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes a file through a temporary name in the same directory and renames
/// it into place, so a crash or an error never leaves a half-written file at
/// `path`. On error the temporary file is removed.
///
/// # Errors
/// [`Io`](crate::error::ErrorKind::Io) naming the path, or whatever `write` returns.
pub fn atomic_write(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid(format!("{} is not a file path", path.display())))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = (|| {
        // Errors name the destination: the temporary name means nothing to a user.
        let file = File::create(&tmp).map_err(|e| Error::io(path, e))?;
        let mut w = BufWriter::new(file);
        write(&mut w).map_err(|e| e.with_path(path))?;
        let file = w
            .into_inner()
            .map_err(|e| Error::io(path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(path, e))?;
        fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
