//! Case `vectorize`: square 1e6 float64 values four ways — the per-element
//! loop through the dynamic API (NumPy's Python loop), a typed slice loop
//! (the compiled "Numba" path), the vectorized op on one thread, and the
//! vectorized op on rayon's whole pool.

use super::case::{disagree, session, CaseRun, Group, Setup};
use super::repeat::{repeat, take_timings};
use crate::array::Array;
use crate::dtype::DType;
use crate::error::Result;
use crate::ops::parallel::serial;

/// Runs the case at `setup.size` (full: 1e6 elements, quick: 1e5).
///
/// # Errors
/// Runtime errors; [`Session`](crate::error::ErrorKind::Session) if a session is running.
pub fn run(setup: Setup) -> Result<CaseRun> {
    let size = setup.size;
    let n = size.pick(100_000, 1_000_000);
    let x = Array::random_uniform(&[n], 0.0, 1.0, 42, DType::Float64)?;
    x.square()?; // warm up rayon's pool and the buffer pool outside the session
    let session = session("vectorize", setup)?;

    let looped = repeat(&["per-element loop (get/set)"], || {
        let mut y = Array::zeros(&[n], DType::Float64)?;
        for i in 0..n {
            let v = x.get(&[i])?;
            y.set(&[i], v * v)?;
        }
        Ok(y)
    })?;
    let typed = repeat(&["typed slice loop (compiled)"], || {
        let mut y = Array::zeros(&[n], DType::Float64)?;
        let src = x.as_slice::<f64>()?;
        for (d, s) in y.as_slice_mut::<f64>()?.iter_mut().zip(src) {
            *d = s * s;
        }
        Ok(y)
    })?;
    let single = repeat(&["vectorized square (1 thread)"], || serial(|| x.square()))?;
    let parallel = repeat(&["vectorized square (all threads)"], || x.square())?;
    for (name, y) in [
        ("typed", &typed),
        ("1 thread", &single),
        ("parallel", &parallel),
    ] {
        if *y != looped {
            return Err(disagree("vectorize", name));
        }
    }
    let profile = session.finish()?;
    Ok(CaseRun {
        case: "vectorize",
        profiles: profile.map(|p| (String::new(), p)).into_iter().collect(),
        groups: vec![Group::top_level(
            "vectorize: square",
            0,
            &[
                "per-element loop (get/set)",
                "typed slice loop (compiled)",
                "vectorized square (1 thread)",
                "vectorized square (all threads)",
            ],
        )],
        extrapolations: Vec::new(),
        notes: vec![format!("n = {n} float64 elements")],
        timings: take_timings(),
    })
}
