//! Case `simulation`: 2-D heat diffusion (explicit Euler, 5-point stencil,
//! fixed zero boundary, a hot square in the middle), written four ways, each
//! with `profile!` scopes per phase (`init`, `stencil`, `diagnostics`):
//!
//! - `naive`: per-element `get`/`set` loops (NumPy's Python loops);
//! - `vectorized`: NumPy style, `u[1:-1,1:-1] = c + alpha * (up + down +
//!   left + right - 4c)`, allocating temporaries every step;
//! - `preallocated`: the same with `*_into` and in-place ops on buffers
//!   allocated once;
//! - `typed kernel`: one pass over typed ndarray views (the compiled path).

use super::case::{disagree, session, CaseRun, Group, Setup, Size};
use super::repeat::{repeat, take_timings};
use crate::array::{Array, Slice};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::ops::BinaryOp;
use crate::profile;

/// How the stencil is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Element by element with scalar `get`/`set`.
    Naive,
    /// Whole-array ops, allocating temporaries each step.
    Vectorized,
    /// Whole-array ops into preallocated outputs and in place.
    Preallocated,
    /// A typed Rust kernel over slices (the "Numba path").
    TypedKernel,
}

impl Variant {
    /// Every variant, slowest first.
    pub const ALL: [Variant; 4] = [
        Variant::Naive,
        Variant::Vectorized,
        Variant::Preallocated,
        Variant::TypedKernel,
    ];

    /// The scope name.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Naive => "naive (get/set loops)",
            Variant::Vectorized => "vectorized (temporaries)",
            Variant::Preallocated => "preallocated (out= and in-place)",
            Variant::TypedKernel => "typed kernel (compiled)",
        }
    }
}

/// Diffusion number (stable up to 0.25).
const ALPHA: f64 = 0.2;

/// The model's size: a `grid` x `grid` plate for `steps` steps.
#[derive(Clone, Copy, Debug)]
pub struct Heat {
    /// Cells per side.
    pub grid: usize,
    /// Time steps.
    pub steps: usize,
    /// The element type.
    pub dtype: DType,
}

impl Heat {
    /// The tour's sizes (full: 384 x 384, 60 steps; quick: 96 x 96, 20 steps).
    pub fn for_size(size: Size, dtype: DType) -> Heat {
        Heat {
            grid: size.pick(96, 384),
            steps: size.pick(20, 60),
            dtype,
        }
    }

    /// Runs `variant` under the current scope and returns the total heat
    /// after the last step.
    ///
    /// # Errors
    /// [`DTypeMismatch`](crate::error::ErrorKind::DTypeMismatch) for a dtype that is
    /// not float32 or float64; runtime errors.
    pub fn run(&self, variant: Variant) -> Result<f64> {
        if !self.dtype.is_float() {
            return Err(Error::dtype(format!(
                "the heat simulation needs float32 or float64, not {}",
                self.dtype
            )));
        }
        let mut u = profile!("init", { self.initial()? });
        let mut scratch = profile!("init", { Scratch::new(self)? });
        for _ in 0..self.steps {
            profile!("stencil", {
                match variant {
                    Variant::Naive => naive_step(&mut u, &mut scratch.next)?,
                    Variant::Vectorized => vectorized_step(&mut u)?,
                    Variant::Preallocated => preallocated_step(&mut u, &mut scratch)?,
                    Variant::TypedKernel => typed_step(&mut u, &mut scratch.next)?,
                }
            });
        }
        profile!("diagnostics", { Ok(u.sum()?.item()?.to_f64()) })
    }

    fn initial(&self) -> Result<Array> {
        let g = self.grid;
        let mut u = Array::zeros(&[g, g], self.dtype)?;
        let hot = Array::full(&[g / 4, g / 4], 100.0)?;
        let at = Slice::from(3 * g / 8..3 * g / 8 + g / 4);
        u.set_slice(&[at, at], &hot)?;
        Ok(u)
    }
}

/// Buffers allocated once per run.
struct Scratch {
    next: Array,
    lap: Array,
    tmp: Array,
}

impl Scratch {
    fn new(h: &Heat) -> Result<Scratch> {
        let (g, i) = (h.grid, h.grid - 2);
        Ok(Scratch {
            next: Array::zeros(&[g, g], h.dtype)?,
            lap: Array::zeros(&[i, i], h.dtype)?,
            tmp: Array::zeros(&[i, i], h.dtype)?,
        })
    }
}

fn interior() -> [Slice; 2] {
    [Slice::new(Some(1), Some(-1), 1); 2]
}

/// The four neighbours and the centre of every interior cell, as views.
fn neighbours(u: &Array) -> Result<[Array; 5]> {
    let s = |a: isize, b: isize| Slice::new(Some(a), if b == 0 { None } else { Some(b) }, 1);
    Ok([
        u.slice(&[s(0, -2), s(1, -1)])?,
        u.slice(&[s(2, 0), s(1, -1)])?,
        u.slice(&[s(1, -1), s(0, -2)])?,
        u.slice(&[s(1, -1), s(2, 0)])?,
        u.slice(&[s(1, -1), s(1, -1)])?,
    ])
}

fn naive_step(u: &mut Array, next: &mut Array) -> Result<()> {
    let g = u.shape()[0];
    for i in 1..g - 1 {
        for j in 1..g - 1 {
            let c = u.get(&[i, j])?.to_f64();
            let sum = u.get(&[i - 1, j])?.to_f64()
                + u.get(&[i + 1, j])?.to_f64()
                + u.get(&[i, j - 1])?.to_f64()
                + u.get(&[i, j + 1])?.to_f64();
            next.set(&[i, j], c + ALPHA * (sum - 4.0 * c))?;
        }
    }
    std::mem::swap(u, next);
    Ok(())
}

fn vectorized_step(u: &mut Array) -> Result<()> {
    let new = {
        let [up, down, left, right, c] = neighbours(u)?;
        let lap = up
            .add(&down)?
            .add(&left)?
            .add(&right)?
            .sub(&c.mul_scalar(4.0)?)?;
        c.add(&lap.mul_scalar(ALPHA)?)?
    };
    u.set_slice(&interior(), &new)
}

fn preallocated_step(u: &mut Array, s: &mut Scratch) -> Result<()> {
    {
        let [up, down, left, right, c] = neighbours(u)?;
        up.binary_into(BinaryOp::Add, &down, &mut s.lap)?;
        s.lap.binary_inplace(BinaryOp::Add, &left)?;
        s.lap.binary_inplace(BinaryOp::Add, &right)?;
        s.lap.binary_scalar_inplace(BinaryOp::Mul, ALPHA)?;
        c.binary_scalar_into(BinaryOp::Mul, 1.0 - 4.0 * ALPHA, &mut s.tmp)?;
        s.tmp.binary_inplace(BinaryOp::Add, &s.lap)?;
    } // the views of `u` end here, so the write below needs no copy
    u.set_slice(&interior(), &s.tmp)
}

fn typed_step(u: &mut Array, next: &mut Array) -> Result<()> {
    fn kernel<T>(u: &Array, next: &mut Array) -> Result<()>
    where
        T: crate::dtype::Element + num_like::Float,
    {
        let a = T::from_f64(ALPHA);
        let four = T::from_f64(4.0);
        let g = u.shape()[1];
        let src = u.as_slice::<T>()?;
        let dst = next.as_slice_mut::<T>()?;
        // Row i of the interior from rows i-1, i, i+1: slices the compiler vectorizes.
        for i in 1..src.len() / g - 1 {
            let (up, row, down) = (
                &src[(i - 1) * g..i * g],
                &src[i * g..(i + 1) * g],
                &src[(i + 1) * g..(i + 2) * g],
            );
            let out = &mut dst[i * g + 1..(i + 1) * g - 1];
            for (j, o) in out.iter_mut().enumerate() {
                let c = row[j + 1];
                let sum = up[j + 1] + down[j + 1] + row[j] + row[j + 2];
                *o = c + a * (sum - four * c);
            }
        }
        Ok(())
    }
    match u.dtype() {
        DType::Float32 => kernel::<f32>(u, next)?,
        _ => kernel::<f64>(u, next)?,
    }
    std::mem::swap(u, next);
    Ok(())
}

/// The little float arithmetic the typed kernel needs, for f32 and f64.
mod num_like {
    pub trait Float:
        Copy
        + std::ops::Add<Output = Self>
        + std::ops::Sub<Output = Self>
        + std::ops::Mul<Output = Self>
    {
        fn from_f64(v: f64) -> Self;
    }
    impl Float for f32 {
        fn from_f64(v: f64) -> f32 {
            v as f32
        }
    }
    impl Float for f64 {
        fn from_f64(v: f64) -> f64 {
            v
        }
    }
}

/// Runs the case at `dtype` (float32 or float64): every variant under its
/// own top-level scope, checking that they agree.
///
/// # Errors
/// As [`Heat::run`]; [`Session`](crate::error::ErrorKind::Session) if a session is running.
pub fn run(setup: Setup, dtype: DType) -> Result<CaseRun> {
    let size = setup.size;
    let heat = Heat::for_size(size, dtype);
    let session = session("simulation", setup)?;
    let mut totals = Vec::new();
    for v in Variant::ALL {
        totals.push(repeat(&[v.name()], || heat.run(v))?);
    }
    let tol = if dtype == DType::Float32 { 1e-3 } else { 1e-9 };
    let reference = totals[0];
    for (v, t) in Variant::ALL.iter().zip(&totals) {
        if (t - reference).abs() > tol * reference.abs().max(1.0) {
            return Err(disagree("simulation", v.name()));
        }
    }
    let profile = session.finish()?;
    Ok(CaseRun {
        case: "simulation",
        profiles: profile.map(|p| (String::new(), p)).into_iter().collect(),
        groups: vec![Group::top_level(
            &format!("simulation: heat {dtype}"),
            0,
            &Variant::ALL.map(Variant::name),
        )],
        extrapolations: Vec::new(),
        notes: vec![format!(
            "heat diffusion on a {g}x{g} {dtype} grid, {s} steps; total heat {reference:.6}",
            g = heat.grid,
            s = heat.steps
        )],
        timings: take_timings(),
    })
}
