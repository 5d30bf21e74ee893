//! The crate's one error type: [`Error`] with a [`ErrorKind`] and a message that
//! names the shapes, dtypes, indices or paths involved.

use std::fmt;
use std::path::{Path, PathBuf};

/// What went wrong, for matching. The [`Error`]'s message carries the details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Operand shapes do not broadcast, or a shape does not fit the data.
    ShapeMismatch,
    /// An operation does not support a dtype, or two dtypes disagree.
    DTypeMismatch,
    /// An index is outside the array's shape.
    IndexOutOfBounds,
    /// A value does not fit the target dtype under the requested casting rule.
    CastOverflow,
    /// The allocator could not provide the requested bytes.
    AllocationFailed,
    /// Reading or writing a file failed.
    Io,
    /// A file's contents are not in the expected format.
    Format,
    /// An argument is outside what the operation accepts (axis, step, size).
    InvalidArgument,
    /// A profiling session could not start or finish (one is already running).
    Session,
}

/// The error type of every fallible ndprof operation.
///
/// ```
/// # fn main() -> ndprof::Result<()> {
/// use ndprof::{Array, ErrorKind};
/// let a = Array::zeros(&[3], ndprof::DType::Float64)?;
/// let b = Array::zeros(&[4], ndprof::DType::Float64)?;
/// let err = a.add(&b).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::ShapeMismatch);
/// assert_eq!(err.to_string(), "operands could not be broadcast together with shapes (3,) (4,)");
/// # Ok(())
/// # }
/// ```
///
/// One pointer wide (its parts live in a box), so that a `Result` of a small
/// value, such as [`Array::get`](crate::Array::get)'s, comes back in registers.
pub struct Error(Box<Parts>);

#[derive(Debug)]
struct Parts {
    kind: ErrorKind,
    message: String,
    path: Option<PathBuf>,
    source: Option<std::io::Error>,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("path", &self.0.path)
            .field("source", &self.0.source)
            .finish()
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with a message.
    #[cold]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Parts {
            kind,
            message: message.into(),
            path: None,
            source: None,
        }))
    }

    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error(Box::new(Parts {
            kind: ErrorKind::Io,
            message: source.to_string(),
            path: Some(path.to_path_buf()),
            source: Some(source),
        }))
    }

    /// Attach the file the error concerns (kept if one is already set).
    pub fn with_path(mut self, path: &Path) -> Self {
        if self.0.path.is_none() {
            self.0.path = Some(path.to_path_buf());
        }
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The file involved, for I/O and format errors.
    pub fn path(&self) -> Option<&Path> {
        self.0.path.as_deref()
    }

    pub(crate) fn shape(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ShapeMismatch, message)
    }
    pub(crate) fn dtype(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::DTypeMismatch, message)
    }
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }
    pub(crate) fn format(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Format, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.path {
            Some(p) => write!(f, "{}: {}", p.display(), self.0.message),
            None => f.write_str(&self.0.message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Formats a shape as NumPy prints it: `(3,)`, `(2, 3)`, `()`.
pub fn shape_str(shape: &[usize]) -> String {
    match shape {
        [] => "()".to_string(),
        [n] => format!("({n},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_result_of_a_scalar_is_two_words() {
        // `get`'s result comes back in registers, not through memory.
        let size = std::mem::size_of::<crate::Result<crate::Scalar>>();
        assert!(size <= 16, "Result<Scalar> is {size} bytes");
        assert_eq!(std::mem::size_of::<crate::Error>(), 8);
    }
}
