//! The atomic write every output goes through: only regular files are
//! written, through a unique temporary file in the destination's directory
//! that is renamed into place.
//!
//! Policy:
//! - A device node, directory, FIFO or socket at the output path is refused
//!   with an [`Io`](ErrorKind::Io) error naming the path (writing
//!   `-o /dev/null` as root must not replace `/dev/null`).
//! - A symlink is resolved and its target written atomically (the link
//!   stays a link); a link to a missing file or to something other than a
//!   regular file is refused.
//! - Temporary names are `.ndprof-PID-N.tmp` (`N` counts writes in the
//!   process): unique per writer, at most 40 bytes whatever the destination's
//!   name, created exclusively, removed on error. Temporary files of dead
//!   processes in the destination's directory are removed on the next write
//!   there.

use crate::error::{Error, ErrorKind, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const TMP_PREFIX: &str = ".ndprof-";
const TMP_SUFFIX: &str = ".tmp";

/// Writes a file through a temporary name in the same directory and renames
/// it into place, so a crash or an error never leaves a half-written file at
/// `path`. On error the temporary file is removed. See the module docs for
/// what is refused and how symlinks are followed.
///
/// # Errors
/// [`Io`](ErrorKind::Io) naming the path, or whatever `write` returns.
pub fn atomic_write(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let target = destination(path)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    remove_stale_temps(&dir);
    let (tmp, file) = create_temp(&dir).map_err(|e| Error::io(path, e))?;
    let result = (|| {
        let mut w = BufWriter::new(file);
        // Errors name the destination: the temporary name means nothing to a user.
        write(&mut w).map_err(|e| e.with_path(path))?;
        let file = w
            .into_inner()
            .map_err(|e| Error::io(path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(path, e))?;
        // Checked again just before the rename: something may have appeared.
        destination(path)?;
        fs::rename(&tmp, &target).map_err(|e| Error::io(path, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The regular file to replace for `path`: `path` itself, or the file its
/// symlinks lead to. Refuses anything else that exists there.
fn destination(path: &Path) -> Result<PathBuf> {
    if path.file_name().is_none() {
        return Err(Error::new(
            ErrorKind::Io,
            format!("{} is not a file path", path.display()),
        ));
    }
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(e) => return Err(Error::io(path, e)),
    };
    if meta.file_type().is_symlink() {
        let target = fs::canonicalize(path).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!(
                    "refusing to write {}: it is a symlink whose target cannot be resolved ({e})",
                    path.display()
                ),
            )
            .with_path(path)
        })?;
        let meta = fs::metadata(&target).map_err(|e| Error::io(path, e))?;
        return match kind_of(&meta) {
            None => Ok(target),
            Some(kind) => Err(refused(
                path,
                &format!("a symlink to {kind} ({})", target.display()),
            )),
        };
    }
    match kind_of(&meta) {
        None => Ok(path.to_path_buf()),
        Some(kind) => Err(refused(path, kind)),
    }
}

fn refused(path: &Path, what: &str) -> Error {
    Error::new(
        ErrorKind::Io,
        format!(
            "refusing to write {}: it is {what}, not a regular file",
            path.display()
        ),
    )
    .with_path(path)
}

/// `None` for a regular file, else what it is.
fn kind_of(meta: &fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some(if t.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    })
}

/// A new temporary file in `dir`, created exclusively.
fn create_temp(dir: &Path) -> std::io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            "{TMP_PREFIX}{}-{n}{TMP_SUFFIX}",
            std::process::id()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            // Left by an earlier process with this pid: take the next number.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Removes `.ndprof-PID-N.tmp` files in `dir` whose process is gone (a
/// killed run's); best effort, never an error.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The pid in a temporary file's name, if `name` is one.
fn temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TMP_PREFIX)?.strip_suffix(TMP_SUFFIX)?;
    let (pid, n) = rest.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

fn process_alive(pid: u32) -> bool {
    // Where /proc is missing, assume alive: never remove another's file.
    !Path::new("/proc/self").exists() || Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use crate::io::write::*;

    #[test]
    fn temp_names_parse_back_and_nothing_else_does() {
        assert_eq!(temp_pid(".ndprof-123-7.tmp"), Some(123));
        assert_eq!(temp_pid(".ndprof-123.tmp"), None);
        assert_eq!(temp_pid(".ndprof-x-7.tmp"), None);
        assert_eq!(temp_pid("report.json"), None);
        assert_eq!(temp_pid(".report.json.tmp-123"), None);
    }
}
