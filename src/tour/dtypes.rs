//! Case `dtypes`: the same simulations at two dtypes each, one session per
//! dtype, so that each gets its own heap report: particles hopping on a
//! periodic lattice (integer positions, int32 vs int64) and the heat
//! diffusion of [`simulation`](super::simulation) (float32 vs float64).

use super::case::{builder, disagree, start, CaseRun, Group, Setup};
use super::repeat::{repeat_counted, repeat_times, take_timings};
use super::simulation::{Heat, Variant};
use crate::array::Array;
use crate::dtype::DType;
use crate::dtype::Kind;
use crate::error::{Error, Result};
use crate::profile;

/// Lattice sites: positions need 20 bits, so int32 holds them and int16 does not.
pub const SITES: i64 = 1_000_000;

/// Integer particles: `n` particles with velocities in `-5..=5` hop for
/// `steps` steps on a ring of [`SITES`] sites, written NumPy style
/// (`x = (x + v) mod L` through temporaries). Returns the checksum of
/// positions.
///
/// # Errors
/// [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) for a dtype that is not
/// a signed integer; runtime errors.
pub fn particles(n: usize, steps: usize, dtype: DType) -> Result<i64> {
    if dtype.kind() != Kind::Signed || dtype.size() < 4 {
        return Err(Error::dtype(format!(
            "the particle model needs int32 or int64 positions, not {dtype}"
        )));
    }
    let (mut x, v) = profile!("init", {
        let i = Array::arange(0.0, n as f64, 1.0, dtype)?;
        let x = wrap(&i.mul_scalar(997)?)?;
        let v = i
            .sub(&i.floor_div_scalar(11)?.mul_scalar(11)?)?
            .sub_scalar(5)?;
        (x, v)
    });
    let mut checksum = 0;
    for _ in 0..steps {
        x = profile!("hop", { wrap(&x.add(&v)?)? });
        checksum = profile!("diagnostics", { x.sum()?.item()?.to::<i64>() });
    }
    Ok(checksum)
}

/// `x mod SITES` for `x` in `-SITES..2*SITES`, NumPy style: `x - (x // L) * L`.
fn wrap(x: &Array) -> Result<Array> {
    x.sub(&x.floor_div_scalar(SITES)?.mul_scalar(SITES)?)
}

/// Runs the case: particles at int32 and int64, heat at float32 and float64
/// (full: 2e6 particles x 10 steps, heat 384 x 384 x 60 steps; quick: 2e5
/// particles x 5 steps, heat 96 x 96 x 20 steps).
///
/// # Errors
/// Runtime errors; [`Session`](crate::error::ErrorKind::Session) if a session is running.
pub fn run(setup: Setup) -> Result<CaseRun> {
    let size = setup.size;
    let n = size.pick(200_000, 2_000_000);
    let steps = size.pick(5, 10);
    let mut profiles = Vec::new();
    let mut sums = Vec::new();
    // The narrower dtype runs first; the wider one repeats as many times, so
    // that the two reports compare total for total.
    let mut runs = None;
    for dtype in [DType::Int32, DType::Int64] {
        let session = start(builder("dtypes", size).label("dtype", dtype.name()), setup)?;
        let work = || particles(n, steps, dtype);
        let s = match runs {
            None => {
                let (s, r) = repeat_counted(&["particles"], work)?;
                runs = Some(r);
                s
            }
            Some(r) => repeat_times(&["particles"], r, work)?,
        };
        sums.push(s);
        if let Some(p) = session.finish()? {
            profiles.push((dtype.name().to_string(), p));
        }
    }
    if sums[0] != sums[1] {
        return Err(disagree("dtypes", "particles int32 vs int64"));
    }
    let mut heats = Vec::new();
    let mut runs = None;
    for dtype in [DType::Float32, DType::Float64] {
        let session = start(builder("dtypes", size).label("dtype", dtype.name()), setup)?;
        let work = || Heat::for_size(size, dtype).run(Variant::Preallocated);
        let h = match runs {
            None => {
                let (h, r) = repeat_counted(&["heat"], work)?;
                runs = Some(r);
                h
            }
            Some(r) => repeat_times(&["heat"], r, work)?,
        };
        heats.push(h);
        if let Some(p) = session.finish()? {
            profiles.push((dtype.name().to_string(), p));
        }
    }
    if (heats[0] - heats[1]).abs() > 1e-3 * heats[1].abs().max(1.0) {
        return Err(disagree("dtypes", "heat float32 vs float64"));
    }
    let heat = Heat::for_size(size, DType::Float64);
    Ok(CaseRun {
        case: "dtypes",
        profiles,
        groups: vec![
            Group::each_profile(
                "dtypes: particles",
                "particles",
                &[(0, "particles int32"), (1, "particles int64")],
            ),
            Group::each_profile(
                "dtypes: heat",
                "heat",
                &[(2, "heat float32"), (3, "heat float64")],
            ),
        ],
        extrapolations: Vec::new(),
        notes: vec![
            format!("particles: {n} on a ring of {SITES} sites, {steps} steps; checksum {}", sums[0]),
            format!(
                "heat: {g}x{g}, {s} steps (preallocated variant); total heat float32 {:.4}, float64 {:.4}",
                heats[0],
                heats[1],
                g = heat.grid,
                s = heat.steps
            ),
        ],
        timings: take_timings(),
    })
}
