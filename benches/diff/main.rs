//! The Rust side of `benches/numpy_diff`: runs each case of a manifest
//! (written by `benches/numpy_diff.py`) on ndprof and saves the result as
//! `.npy`, or the error as `.err`, for the Python side to set against NumPy.
//!
//! One case per line, fields split by spaces: `kind name args...`, where an
//! array argument is a file in the manifest's folder, optionally viewed:
//! `x.npy@T` (transposed), `x.npy@::2,-1::-3` (NumPy slices per axis), or
//! `x.npy@ravel`, or several in turn (`x.npy@:,0:1@ravel`).

use ndprof::{
    Array, BinaryOp, Casting, CompareOp, DType, Error, ErrorKind, Result, Scalar, Slice, UnaryOp,
};
use std::path::{Path, PathBuf};

fn main() {
    let Some(dir) = std::env::args().nth(1).filter(|a| !a.starts_with('-')) else {
        eprintln!("usage: cargo bench --bench diff -- <folder with manifest.txt>");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    let manifest = match std::fs::read_to_string(dir.join("manifest.txt")) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("cannot read {}: {e}", dir.join("manifest.txt").display());
            std::process::exit(2);
        }
    };
    let out = dir.join("out");
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("cannot create {}: {e}", out.display());
        std::process::exit(2);
    }
    let mut n = 0;
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(' ').collect();
        let (Some(kind), Some(name)) = (f.first(), f.get(1)) else {
            continue;
        };
        let result = run(&dir, kind, &f[2..]);
        let written = match result {
            Ok(a) => a.save_npy(out.join(format!("{name}.npy"))),
            Err(e) => std::fs::write(
                out.join(format!("{name}.err")),
                format!("{:?}: {e}", e.kind()),
            )
            .map_err(|io| Error::io(&out.join(format!("{name}.err")), io)),
        };
        if let Err(e) = written {
            eprintln!("{name}: {e}");
            std::process::exit(1);
        }
        n += 1;
    }
    println!("ran {n} cases into {}", out.display());
}

fn run(dir: &Path, kind: &str, a: &[&str]) -> Result<Array> {
    let arg = |i: usize| -> Result<&str> {
        a.get(i)
            .copied()
            .ok_or_else(|| invalid(format!("{kind}: missing argument {i}")))
    };
    let array = |i: usize| -> Result<Array> { load(dir, arg(i)?) };
    let num = |i: usize| -> Result<f64> {
        arg(i)?
            .parse()
            .map_err(|_| invalid(format!("{kind}: not a number: {}", a[i])))
    };
    match kind {
        "bin" => array(1)?.binary(binary(arg(0)?)?, &array(2)?),
        "inplace" => {
            let mut x = array(1)?.to_contiguous()?;
            x.binary_inplace(binary(arg(0)?)?, &array(2)?)?;
            Ok(x)
        }
        "inplacescalar" => {
            let mut x = array(1)?.to_contiguous()?;
            x.binary_scalar_inplace(binary(arg(0)?)?, scalar(arg(2)?)?)?;
            Ok(x)
        }
        "cmp" => array(1)?.compare(compare(arg(0)?)?, &array(2)?),
        "un" => array(1)?.unary(unary(arg(0)?)?),
        "scalar" => {
            let (op, x, s) = (binary(arg(0)?)?, array(1)?, scalar(arg(2)?)?);
            match arg(3)? {
                "left" => Array::scalar_binary(s, op, &x),
                _ => x.binary_scalar(op, s),
            }
        }
        "cmpscalar" => array(1)?.compare_scalar(compare(arg(0)?)?, scalar(arg(2)?)?),
        "red" => reduce(arg(0)?, &array(1)?, a.get(2).map(|s| s.parse::<usize>())),
        "cast" => array(0)?.astype(dtype(arg(1)?)?, Casting::Unsafe),
        "arange" => Array::arange(num(0)?, num(1)?, num(2)?, dtype(arg(3)?)?),
        "linspace" => Array::linspace(num(0)?, num(1)?, num(2)? as usize, dtype(arg(3)?)?),
        "dot" => array(0)?.dot(&array(1)?),
        "matmul" => array(0)?.matmul(&array(1)?),
        "append" => array(0)?.append(&array(1)?),
        "concat" => {
            let axis = num(0)? as usize;
            let parts = (1..a.len()).map(array).collect::<Result<Vec<_>>>()?;
            Array::concatenate(&parts.iter().collect::<Vec<_>>(), axis)
        }
        "setslice" => {
            let mut x = array(0)?.to_contiguous()?;
            let region = arg(1)?.split(',').map(slice).collect::<Result<Vec<_>>>()?;
            x.set_slice(&region, &array(2)?)?;
            Ok(x)
        }
        "set" => {
            let mut x = array(0)?.to_contiguous()?;
            let index = num(1)? as usize;
            x.set(&[index], scalar(arg(2)?)?)?;
            Ok(x)
        }
        "full" => Array::full(&[num(0)? as usize], scalar(arg(1)?)?),
        "reshape" => array(0)?.reshape(&usizes(arg(1)?)?),
        "broadcast" => array(0)?.broadcast_to(&usizes(arg(1)?)?),
        "permute" => array(0)?.permute(&usizes(arg(1)?)?),
        "copy" => array(0)?.to_contiguous(),
        "ravel" => array(0)?.ravel(),
        _ => Err(invalid(format!("unknown case kind {kind}"))),
    }
}

fn reduce(
    f: &str,
    x: &Array,
    axis: Option<std::result::Result<usize, std::num::ParseIntError>>,
) -> Result<Array> {
    let index = |i: usize| Array::from_vec(vec![i as i64]);
    match axis {
        None => match f {
            "sum" => x.sum(),
            "mean" => x.mean(),
            "min" => x.min(),
            "max" => x.max(),
            "argmin" => index(x.argmin()?),
            "argmax" => index(x.argmax()?),
            _ => Err(invalid(format!("unknown reduction {f}"))),
        },
        Some(Ok(ax)) => match f {
            "sum" => x.sum_axis(ax),
            "mean" => x.mean_axis(ax),
            "min" => x.min_axis(ax),
            "max" => x.max_axis(ax),
            "argmin" => x.argmin_axis(ax),
            "argmax" => x.argmax_axis(ax),
            _ => Err(invalid(format!("unknown reduction {f}"))),
        },
        Some(Err(e)) => Err(invalid(format!("bad axis: {e}"))),
    }
}

/// `file.npy`, then views in turn: `@T` (transposed), `@ravel` or
/// `@<slices>` (`start:stop:step` per axis, as NumPy's).
fn load(dir: &Path, spec: &str) -> Result<Array> {
    let mut parts = spec.split('@');
    let mut x = Array::load_npy(dir.join(parts.next().unwrap_or_default()))?;
    for view in parts {
        x = match view {
            "T" => x.t(),
            "ravel" => x.ravel()?,
            slices => x.slice(&slices.split(',').map(slice).collect::<Result<Vec<_>>>()?)?,
        };
    }
    Ok(x)
}

fn slice(s: &str) -> Result<Slice> {
    let parts: Vec<&str> = s.split(':').collect();
    let int = |p: Option<&&str>| -> Result<Option<isize>> {
        match p.filter(|p| !p.is_empty()) {
            None => Ok(None),
            Some(p) => p
                .parse()
                .map(Some)
                .map_err(|_| invalid(format!("bad slice {s}"))),
        }
    };
    Ok(Slice {
        start: int(parts.first())?,
        stop: int(parts.get(1))?,
        step: int(parts.get(2))?.unwrap_or(1),
    })
}

/// `2x3x4` (or `-` for no axes).
fn usizes(s: &str) -> Result<Vec<usize>> {
    if s == "-" {
        return Ok(Vec::new());
    }
    s.split('x')
        .map(|d| d.parse().map_err(|_| invalid(format!("bad shape {s}"))))
        .collect()
}

/// `i:-3`, `u:7`, `f:2.5` or `b:true`: a Python int, float or bool.
fn scalar(s: &str) -> Result<Scalar> {
    let bad = || invalid(format!("bad scalar {s}"));
    let (kind, v) = s.split_once(':').ok_or_else(bad)?;
    Ok(match kind {
        "i" => Scalar::from(v.parse::<i64>().map_err(|_| bad())?),
        "u" => Scalar::from(v.parse::<u64>().map_err(|_| bad())?),
        "f" => Scalar::from(v.parse::<f64>().map_err(|_| bad())?),
        "b" => Scalar::from(v == "true"),
        _ => return Err(bad()),
    })
}

fn dtype(name: &str) -> Result<DType> {
    DType::ALL
        .into_iter()
        .find(|d| d.name() == name)
        .ok_or_else(|| invalid(format!("unknown dtype {name}")))
}

fn binary(name: &str) -> Result<BinaryOp> {
    use BinaryOp::*;
    [Add, Sub, Mul, Div, FloorDiv, Rem, Pow, Maximum, Minimum]
        .into_iter()
        .find(|op| op.name() == name)
        .ok_or_else(|| invalid(format!("unknown binary op {name}")))
}

fn compare(name: &str) -> Result<CompareOp> {
    use CompareOp::*;
    [Eq, Ne, Lt, Le, Gt, Ge]
        .into_iter()
        .find(|op| op.name() == name)
        .ok_or_else(|| invalid(format!("unknown comparison {name}")))
}

fn unary(name: &str) -> Result<UnaryOp> {
    use UnaryOp::*;
    [Neg, Abs, Square, Sqrt, Exp, Log, Sin, Cos]
        .into_iter()
        .find(|op| op.name() == name)
        .ok_or_else(|| invalid(format!("unknown unary op {name}")))
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}
