//! Case `preallocate`: build an n-element float64 array (`0, 1, 2, ...`)
//! four ways — NumPy-style copying `append` in a loop (quadratic: run at
//! reduced sizes and extrapolated), amortized `push`, `zeros` then fill,
//! and `arange`.

use super::case::{disagree, session, CaseRun, Extrapolation, Group, Setup};
use super::repeat::{repeat, take_timings};
use crate::array::Array;
use crate::dtype::DType;
use crate::error::Result;
use crate::profile;

/// Runs the case (full: n = 1e6, copying append at 25k/50k/100k; quick:
/// n = 1e5, copying append at 2.5k/5k/10k).
///
/// # Errors
/// Runtime errors; [`Session`](crate::error::ErrorKind::Session) if a session is running.
pub fn run(setup: Setup) -> Result<CaseRun> {
    let size = setup.size;
    let n = size.pick(100_000, 1_000_000);
    let append_sizes: [usize; 3] = size.pick([2_500, 5_000, 10_000], [25_000, 50_000, 100_000]);
    let session = session("preallocate", setup)?;

    let appended = profile!("copying append (np.append loop)", {
        let mut last = None;
        for m in append_sizes {
            let point = format!("n={m}");
            last = Some(repeat(
                &["copying append (np.append loop)", &point],
                || {
                    let mut a = Array::zeros(&[0], DType::Float64)?;
                    for i in 0..m {
                        a = a.append(&Array::scalar(i as f64)?)?;
                    }
                    Ok(a)
                },
            )?);
        }
        last
    });
    let pushed = repeat(&["push (amortized growth)"], || {
        let mut a = Array::with_capacity(DType::Float64, 0)?;
        for i in 0..n {
            a.push(i as f64)?;
        }
        Ok(a)
    })?;
    let filled = repeat(&["zeros + fill (preallocated)"], || {
        let mut a = Array::zeros(&[n], DType::Float64)?;
        for (i, v) in a.as_slice_mut::<f64>()?.iter_mut().enumerate() {
            *v = i as f64;
        }
        Ok(a)
    })?;
    let ranged = repeat(&["arange"], || {
        Array::arange(0.0, n as f64, 1.0, DType::Float64)
    })?;
    if pushed != filled || ranged != filled {
        return Err(disagree("preallocate", "push/zeros/arange"));
    }
    if let Some(a) = appended {
        let m = a.len();
        if a != filled.slice(&[(0..m).into()])? {
            return Err(disagree("preallocate", "append"));
        }
    }
    let profile = session.finish()?;
    Ok(CaseRun {
        case: "preallocate",
        profiles: profile.map(|p| (String::new(), p)).into_iter().collect(),
        groups: vec![Group::top_level(
            "preallocate",
            0,
            &[
                "copying append (np.append loop)",
                "push (amortized growth)",
                "zeros + fill (preallocated)",
                "arange",
            ],
        )],
        extrapolations: vec![Extrapolation {
            profile: 0,
            path: vec!["copying append (np.append loop)".into()],
            points: append_sizes
                .iter()
                .map(|m| (format!("n={m}"), *m as f64))
                .collect(),
            variable: "n",
            full: n as f64,
            exponents: &[1.0, 2.0],
        }],
        notes: vec![format!(
            "n = {n} float64 elements; copying append measured at n = {append_sizes:?}"
        )],
        timings: take_timings(),
    })
}
