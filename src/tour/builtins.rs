//! Case `builtins`: hand-written triple-loop `dot` (through scalar `get`, and
//! through typed slices) against the built-in `dot`; hand-written mean
//! against `mean`. The scalar-get `dot` is too slow to run in full: it runs
//! on the first few rows and is extrapolated to all rows.

use super::case::{disagree, session, CaseRun, Extrapolation, Group, Setup};
use super::repeat::{repeat, take_timings};
use crate::array::Array;
use crate::dtype::DType;
use crate::error::{shape_str, Error, Result};
use crate::profile;

/// Runs the case (full: 1000x500 @ 500x1000 and mean of 1e7; quick:
/// 200x100 @ 100x200 and mean of 1e6).
///
/// # Errors
/// Runtime errors; [`Session`](crate::error::ErrorKind::Session) if a session is running.
pub fn run(setup: Setup) -> Result<CaseRun> {
    let size = setup.size;
    let (m, k, n) = size.pick((200, 100, 200), (1000, 500, 1000));
    let len = size.pick(1_000_000, 10_000_000);
    let row_counts: [usize; 3] = size.pick([2, 4, 8], [4, 8, 16]);
    let session = session("builtins", setup)?;
    let a = Array::random_normal(&[m, k], 0.0, 1.0, 1, DType::Float64)?;
    let b = Array::random_normal(&[k, n], 0.0, 1.0, 2, DType::Float64)?;
    let x = Array::random_uniform(&[len], 0.0, 1.0, 3, DType::Float64)?;

    let (builtin, typed, partial) = profile!("dot", {
        let partial = profile!("scalar get loop", {
            let mut last = None;
            for rows in row_counts {
                let point = format!("rows={rows}");
                last = Some(repeat(&["dot", "scalar get loop", &point], || {
                    scalar_dot(&a, &b, rows)
                })?);
            }
            last
        });
        let typed = repeat(&["dot", "typed slice loop (compiled)"], || {
            typed_dot(&a, &b)
        })?;
        let builtin = repeat(&["dot", "built-in dot"], || a.dot(&b))?;
        (builtin, typed, partial)
    });
    if !close(&typed, &builtin, 1e-9 * k as f64)? {
        return Err(disagree("builtins", "typed dot"));
    }
    if let Some(p) = partial {
        let rows = p.shape()[0];
        let head = builtin.slice(&[(0..rows).into()])?.to_contiguous()?;
        if !close(&p, &head, 1e-9 * k as f64)? {
            return Err(disagree("builtins", "scalar dot"));
        }
    }

    let means = profile!("mean", {
        let looped = repeat(&["mean", "scalar get loop"], || scalar_mean(&x))?;
        let typed = repeat(&["mean", "typed slice loop (compiled)"], || {
            let s: f64 = x.as_slice::<f64>()?.iter().sum();
            Ok(s / len as f64)
        })?;
        let builtin = repeat(&["mean", "built-in mean"], || {
            Ok(x.mean()?.item()?.to_f64())
        })?;
        [looped, typed, builtin]
    });
    if means.iter().any(|v| (v - means[2]).abs() > 1e-9) {
        return Err(disagree("builtins", "mean"));
    }
    let profile = session.finish()?;
    Ok(CaseRun {
        case: "builtins",
        profiles: profile.map(|p| (String::new(), p)).into_iter().collect(),
        groups: vec![
            Group::under(
                "builtins: dot",
                0,
                "dot",
                &[
                    "scalar get loop",
                    "typed slice loop (compiled)",
                    "built-in dot",
                ],
            ),
            Group::under(
                "builtins: mean",
                0,
                "mean",
                &[
                    "scalar get loop",
                    "typed slice loop (compiled)",
                    "built-in mean",
                ],
            ),
        ],
        extrapolations: vec![Extrapolation {
            profile: 0,
            path: vec!["dot".into(), "scalar get loop".into()],
            points: row_counts
                .iter()
                .map(|r| (format!("rows={r}"), *r as f64))
                .collect(),
            variable: "rows",
            full: m as f64,
            exponents: &[0.0, 1.0],
        }],
        notes: vec![
            format!("dot: {m}x{k} @ {k}x{n} float64; the scalar loop runs on {row_counts:?} rows"),
            format!("mean: {len} float64 elements"),
        ],
        timings: take_timings(),
    })
}

/// The mean of 1-D `x` by scalar access: `s += x[i]`, the tour's
/// per-element `mean` (public for `benches/profiler_truth --per-element`).
/// Compiled on its own (not inlined into the repeat harness, where it ran
/// ~12% slower with no session and paid more per `get` in one), as a
/// user's loop would be.
///
/// # Errors
/// [`IndexOutOfBounds`](crate::ErrorKind::IndexOutOfBounds) unless `x` is 1-D.
#[inline(never)]
pub fn scalar_mean(x: &Array) -> Result<f64> {
    let len = x.len();
    let mut s = 0.0;
    for i in 0..len {
        s += x.get(&[i])?.to_f64();
    }
    Ok(s / len as f64)
}

/// The first `rows` rows of `a @ b` by scalar access: `c[i,j] += a[i,p] *
/// b[p,j]`, the tour's per-element `dot` (public for `benches/profiler_truth
/// --per-element`).
///
/// # Errors
/// [`ShapeMismatch`](crate::ErrorKind::ShapeMismatch) unless `a` and `b` are
/// 2-D, `a` has as many columns as `b` has rows and at least `rows` rows.
pub fn scalar_dot(a: &Array, b: &Array, rows: usize) -> Result<Array> {
    let (&[m, k], &[k2, n]) = (a.shape(), b.shape()) else {
        return Err(Error::shape(format!(
            "scalar dot: needs two 2-D arrays, not {} and {}",
            shape_str(a.shape()),
            shape_str(b.shape())
        )));
    };
    if k != k2 || rows > m {
        return Err(Error::shape(format!(
            "scalar dot: {rows} rows of {} @ {}",
            shape_str(a.shape()),
            shape_str(b.shape())
        )));
    }
    let mut c = Array::zeros(&[rows, n], DType::Float64)?;
    for i in 0..rows {
        for j in 0..n {
            let mut s = 0.0;
            for p in 0..k {
                s += a.get(&[i, p])?.to_f64() * b.get(&[p, j])?.to_f64();
            }
            c.set(&[i, j], s)?;
        }
    }
    Ok(c)
}

/// `a @ b` by a hand-written loop over typed slices (i-p-j order, so the
/// inner loop runs along rows of `b` and `c` and vectorizes).
fn typed_dot(a: &Array, b: &Array) -> Result<Array> {
    let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[1]);
    let mut c = Array::zeros(&[m, n], DType::Float64)?;
    let (av, bv) = (a.as_slice::<f64>()?, b.as_slice::<f64>()?);
    let cv = c.as_slice_mut::<f64>()?;
    for i in 0..m {
        let crow = &mut cv[i * n..(i + 1) * n];
        for p in 0..k {
            let aip = av[i * k + p];
            for (c, &b) in crow.iter_mut().zip(&bv[p * n..(p + 1) * n]) {
                *c += aip * b;
            }
        }
    }
    Ok(c)
}

fn close(x: &Array, y: &Array, tol: f64) -> Result<bool> {
    Ok(x.shape() == y.shape()
        && x.to_vec::<f64>()?
            .iter()
            .zip(y.to_vec::<f64>()?)
            .all(|(a, b)| (a - b).abs() <= tol))
}

#[cfg(test)]
mod tests {
    use crate::tour::builtins::{scalar_dot, scalar_mean};
    use crate::{Array, DType, ErrorKind};

    #[test]
    fn the_per_element_loops_agree_with_the_built_ins_and_refuse_bad_shapes() -> crate::Result<()> {
        let a = Array::arange(0.0, 6.0, 1.0, DType::Float64)?.reshape(&[2, 3])?;
        let b = Array::arange(0.0, 12.0, 1.0, DType::Float64)?.reshape(&[3, 4])?;
        let c = scalar_dot(&a, &b, 2)?;
        let want = a.dot(&b)?;
        assert_eq!(c.shape(), want.shape());
        assert_eq!(
            c.as_slice::<f64>()?.to_vec(),
            want.as_slice::<f64>()?.to_vec()
        );
        let x = Array::arange(0.0, 5.0, 1.0, DType::Float64)?;
        assert_eq!(scalar_mean(&x)?, 2.0);
        let kind = |r: crate::Result<Array>| r.err().map(|e| e.kind());
        assert_eq!(kind(scalar_dot(&x, &b, 1)), Some(ErrorKind::ShapeMismatch));
        assert_eq!(kind(scalar_dot(&a, &a, 1)), Some(ErrorKind::ShapeMismatch));
        assert_eq!(kind(scalar_dot(&a, &b, 3)), Some(ErrorKind::ShapeMismatch));
        assert_eq!(
            scalar_mean(&a).err().map(|e| e.kind()),
            Some(ErrorKind::IndexOutOfBounds)
        );
        Ok(())
    }
}
