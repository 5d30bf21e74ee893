//! NumPy's `.npy` format, versions 1.0, 2.0 and 3.0, for every ndprof dtype.
//!
//! Files NumPy writes load (little- or big-endian, C order); Fortran-order,
//! object, structured and float16 arrays get a [`Format`](crate::error::ErrorKind::Format)
//! error that says so. Saving writes version 1.0 exactly as NumPy does (the
//! header padded with spaces to a multiple of 64 bytes, ending in `\n`).

use super::atomic_write;
use crate::array::{checked_size, pick, Array};
use crate::buffer::Buffer;
use crate::dtype::DType;
use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::path::Path;

const MAGIC: &[u8] = b"\x93NUMPY";

/// Headers longer than this are rejected rather than allocated (NumPy's own
/// reader refuses headers over 10,000 bytes unless told otherwise).
const MAX_HEADER: usize = 1 << 20;

/// A parsed header value.
#[derive(Debug, PartialEq)]
enum Value {
    Str(String),
    Bool(bool),
    Tuple(Vec<usize>),
    Other(String),
}

/// Parses the header's Python dict literal (the subset NumPy writes).
fn parse_header(h: &str) -> Result<Vec<(String, Value)>> {
    let s = h.trim();
    let inner = s
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .ok_or_else(|| Error::format(format!("npy header is not a dict: {s}")))?;
    let mut out = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let (key, after) = parse_str(rest)?;
        let after = after
            .trim_start()
            .strip_prefix(':')
            .ok_or_else(|| Error::format(format!("npy header: expected ':' after '{key}'")))?;
        let (value, after) = parse_value(after.trim_start())?;
        out.push((key, value));
        rest = after.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Ok(out)
}

fn parse_str(s: &str) -> Result<(String, &str)> {
    let q = s.chars().next().filter(|c| *c == '\'' || *c == '"');
    let q = q.ok_or_else(|| Error::format(format!("npy header: expected a string at: {s}")))?;
    let body = &s[1..];
    let end = body
        .find(q)
        .ok_or_else(|| Error::format("npy header: unterminated string"))?;
    Ok((body[..end].to_string(), &body[end + 1..]))
}

fn parse_value(s: &str) -> Result<(Value, &str)> {
    if s.starts_with('\'') || s.starts_with('"') {
        let (v, rest) = parse_str(s)?;
        return Ok((Value::Str(v), rest));
    }
    if let Some(rest) = s.strip_prefix("True") {
        return Ok((Value::Bool(true), rest));
    }
    if let Some(rest) = s.strip_prefix("False") {
        return Ok((Value::Bool(false), rest));
    }
    if let Some(body) = s.strip_prefix('(') {
        let end = body
            .find(')')
            .ok_or_else(|| Error::format("npy header: unterminated shape tuple"))?;
        let dims = parse_shape_tuple(&body[..end])?;
        return Ok((Value::Tuple(dims), &body[end + 1..]));
    }
    // Anything else (a list descr of a structured dtype): take up to the matching bracket.
    let end = s.find(['}', ']']).map_or(s.len(), |i| i + 1);
    Ok((Value::Other(s[..end].to_string()), &s[end..]))
}

/// The most dimensions an array may have (NumPy 2's `NPY_MAXDIMS`).
pub const MAX_DIMS: usize = 64;

/// The inside of a Python tuple literal of non-negative integers, as
/// `ast.literal_eval` reads it: `()`, `(3,)`, `(3, 4)`, `(3, 4,)`; not
/// `(3)` (an int), `(3,,)`, `(,3)` or `(3 4)`. A trailing `L` (Python 2
/// files) is accepted, as NumPy's reader does.
fn parse_shape_tuple(inner: &str) -> Result<Vec<usize>> {
    let bad = || Error::format(format!("npy header: bad shape ({inner})"));
    let trimmed = inner.trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<&str> = trimmed.split(',').map(str::trim).collect();
    // One element needs its trailing comma; only the last item may be empty
    // (a trailing comma), and only after at least one element.
    let (last, elems) = items.split_last().ok_or_else(bad)?;
    let elems: Vec<&str> = if last.is_empty() {
        elems.to_vec()
    } else if items.len() == 1 {
        return Err(bad()); // `(3)` is an int, not a tuple
    } else {
        items.clone()
    };
    if elems.is_empty() || elems.len() > MAX_DIMS {
        return Err(if elems.len() > MAX_DIMS {
            Error::format(format!(
                "npy shape has {} dimensions, more than NumPy's {MAX_DIMS}",
                elems.len()
            ))
        } else {
            bad()
        });
    }
    elems
        .iter()
        .map(|t| {
            let digits = t.strip_suffix('L').unwrap_or(t);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            digits.parse::<usize>().map_err(|_| {
                Error::format(format!("npy shape ({inner}) has a dimension too large"))
            })
        })
        .collect()
}

/// (dtype, big_endian) for a descr like `<f8`.
fn parse_descr(d: &str) -> Result<(DType, bool)> {
    let (order, code) = match d.chars().next() {
        Some(c @ ('<' | '>' | '|' | '=')) => (c, &d[1..]),
        _ => ('=', d),
    };
    let dtype = match code {
        "b1" | "?" => DType::Bool,
        "i1" => DType::Int8,
        "i2" => DType::Int16,
        "i4" => DType::Int32,
        "i8" => DType::Int64,
        "u1" => DType::UInt8,
        "u2" => DType::UInt16,
        "u4" => DType::UInt32,
        "u8" => DType::UInt64,
        "f4" => DType::Float32,
        "f8" => DType::Float64,
        c if c.starts_with('O') => {
            return Err(Error::format("object arrays ('O') cannot be loaded: ndprof holds only numbers and bools"))
        }
        other => {
            return Err(Error::format(format!(
                "unsupported npy dtype '{d}' ({other}): ndprof reads bool, int8-64, uint8-64, float32 and float64"
            )))
        }
    };
    Ok((dtype, order == '>' && dtype.size() > 1))
}

/// Reads an array in `.npy` format.
///
/// # Errors
/// [`Format`](crate::error::ErrorKind::Format) for anything that is not a supported `.npy`
/// stream; [`Io`](crate::error::ErrorKind::Io) for read failures (including truncation).
pub fn read_npy(r: &mut dyn Read) -> Result<Array> {
    read_npy_sized(r, None)
}

/// As [`read_npy`]; `available` is the stream's length when known (a
/// file's), so that a header declaring more data than there is fails before
/// allocating.
fn read_npy_sized(r: &mut dyn Read, available: Option<u64>) -> Result<Array> {
    let io = |e: std::io::Error| {
        Error::new(
            crate::error::ErrorKind::Io,
            format!("reading npy data: {e}"),
        )
    };
    let mut pre = [0u8; 8];
    r.read_exact(&mut pre).map_err(io)?;
    if &pre[..6] != MAGIC {
        return Err(Error::format("not an npy file (bad magic string)"));
    }
    if pre[7] != 0 || !(1..=3).contains(&pre[6]) {
        return Err(Error::format(format!(
            "unsupported npy format version {}.{} (NumPy writes 1.0, 2.0 and 3.0)",
            pre[6], pre[7]
        )));
    }
    let header_len = match pre[6] {
        1 => {
            let mut b = [0u8; 2];
            r.read_exact(&mut b).map_err(io)?;
            u16::from_le_bytes(b) as usize
        }
        2 | 3 => {
            let mut b = [0u8; 4];
            r.read_exact(&mut b).map_err(io)?;
            u32::from_le_bytes(b) as usize
        }
        v => {
            return Err(Error::format(format!(
                "unsupported npy format version {v}.{}",
                pre[7]
            )))
        }
    };
    if header_len > MAX_HEADER {
        return Err(Error::format(format!(
            "npy header of {header_len} bytes is implausibly large (limit {MAX_HEADER})"
        )));
    }
    let mut header = vec![0u8; header_len];
    r.read_exact(&mut header).map_err(io)?;
    let header = String::from_utf8(header).map_err(|_| Error::format("npy header is not text"))?;
    let fields = parse_header(&header)?;
    let mut keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys != ["descr", "fortran_order", "shape"] {
        return Err(Error::format(format!(
            "npy header must hold exactly the keys 'descr', 'fortran_order' and 'shape', not {keys:?}"
        )));
    }
    // A key given twice: the last one counts, as in the Python dict NumPy
    // evaluates.
    let field = |k: &str| {
        fields
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v)
    };
    let (dtype, big) = match field("descr") {
        Some(Value::Str(d)) => parse_descr(d)?,
        Some(other) => {
            return Err(Error::format(format!(
                "structured npy dtypes are not supported: {other:?}"
            )))
        }
        None => return Err(Error::format("npy header has no 'descr'")),
    };
    match field("fortran_order") {
        Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) => {
            return Err(Error::format(
                "Fortran-order npy arrays are not supported: save with np.ascontiguousarray first",
            ))
        }
        _ => return Err(Error::format("npy header has no valid 'fortran_order'")),
    }
    let shape = match field("shape") {
        Some(Value::Tuple(s)) => s.clone(),
        _ => return Err(Error::format("npy header has no valid 'shape'")),
    };
    let too_large = || {
        Error::format(format!(
            "npy shape {shape:?} of {dtype} is larger than any array can be"
        ))
    };
    let n = checked_size(&shape).map_err(|_| too_large())?;
    let nbytes = n.checked_mul(dtype.size()).ok_or_else(too_large)?;
    let prefix = if pre[6] == 1 { 10 } else { 12 };
    if let Some(avail) = available.map(|a| a.saturating_sub((prefix + header_len) as u64)) {
        if nbytes as u64 > avail {
            return Err(Error::format(format!(
                "npy shape {shape:?} of {dtype} needs {nbytes} bytes of data, but the file holds {avail}"
            )));
        }
    }
    let mut buf = Buffer::zeroed(dtype, n, pick(None))?;
    let bytes = buf.as_bytes_mut();
    r.read_exact(bytes).map_err(|e| {
        Error::new(
            crate::error::ErrorKind::Io,
            format!("npy data ends early (expected {} bytes): {e}", bytes.len()),
        )
    })?;
    if big {
        for chunk in bytes.chunks_exact_mut(dtype.size()) {
            chunk.reverse();
        }
    }
    if dtype == DType::Bool {
        if let Some(pos) = bytes.iter().position(|&b| b > 1) {
            let bad = bytes[pos];
            return Err(Error::format(format!(
                "npy bool data holds byte {bad} at element {pos}, not 0 or 1"
            )));
        }
    }
    Ok(Array::from_buffer(buf, shape))
}

/// The exact header NumPy writes for this dtype and shape (version 1.0, or
/// 2.0 for headers too long for 1.0).
pub fn npy_header(dtype: DType, shape: &[usize]) -> Vec<u8> {
    let shape_txt = match shape {
        [n] => format!("({n},)"),
        dims => format!(
            "({})",
            dims.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let dict = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': {shape_txt}, }}",
        dtype.npy_descr()
    );
    // magic (6) + version (2) + length (2 in v1.0, 4 in v2.0) + dict + padding + '\n'
    // is a multiple of 64. Version 2.0 only when the header outgrows 16 bits.
    let v1 = dict.len() + 64 <= u16::MAX as usize;
    let prefix = if v1 { 10 } else { 12 };
    let unpadded = prefix + dict.len() + 1;
    let pad = unpadded.div_ceil(64) * 64 - unpadded;
    let header_len = dict.len() + pad + 1;
    let mut out = Vec::with_capacity(unpadded + pad);
    out.extend_from_slice(MAGIC);
    if v1 {
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&(header_len as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&[2, 0]);
        out.extend_from_slice(&(header_len as u32).to_le_bytes());
    }
    out.extend_from_slice(dict.as_bytes());
    out.extend(std::iter::repeat_n(b' ', pad));
    out.push(b'\n');
    out
}

/// Writes an array in `.npy` format (version 1.0, C order, little-endian).
///
/// # Errors
/// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for more
/// than [`MAX_DIMS`] dimensions (neither NumPy nor ndprof would read the
/// file back); [`Io`](crate::error::ErrorKind::Io) when writing fails.
pub fn write_npy(a: &Array, w: &mut dyn Write) -> Result<()> {
    if a.ndim() > MAX_DIMS {
        return Err(Error::invalid(format!(
            "cannot save a {}-dimensional array as .npy: NumPy reads at most {MAX_DIMS} dimensions",
            a.ndim()
        )));
    }
    let io = |e: std::io::Error| {
        Error::new(
            crate::error::ErrorKind::Io,
            format!("writing npy data: {e}"),
        )
    };
    w.write_all(&npy_header(a.dtype(), a.shape())).map_err(io)?;
    let c = if a.is_c_contiguous() {
        a.clone()
    } else {
        a.to_contiguous()?
    };
    let size = c.dtype().size();
    let bytes = &c.buf.as_bytes()[c.offset * size..(c.offset + c.len()) * size];
    w.write_all(bytes).map_err(io)
}

impl Array {
    /// Loads a `.npy` file (as written by `np.save`).
    ///
    /// # Errors
    /// [`Io`](crate::error::ErrorKind::Io) or [`Format`](crate::error::ErrorKind::Format), naming the path.
    pub fn load_npy(path: impl AsRef<Path>) -> Result<Array> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let len = file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        read_npy_sized(&mut std::io::BufReader::new(file), len).map_err(|e| e.with_path(path))
    }

    /// Saves as `.npy`, atomically (a temporary file renamed into place).
    ///
    /// # Errors
    /// [`Io`](crate::error::ErrorKind::Io) naming the path.
    pub fn save_npy(&self, path: impl AsRef<Path>) -> Result<()> {
        atomic_write(path.as_ref(), |w| write_npy(self, w))
    }
}
