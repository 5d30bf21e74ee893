//! `--per-element`: the tour's two per-element loops (`s += x[i]` over 1e6
//! float64, and the 8-row scalar `dot`: the tour's own functions), timed
//! side by side with no session and in a default session: 41 runs
//! alternating, medians, each session past its exactly counted first calls
//! before the timed runs. What this ratio is made of (the per-call
//! bookkeeping, and where code placement puts the loop) is in
//! `benches/RESULTS.md`, run N.

use ndprof::tour::builtins::{scalar_dot, scalar_mean};
use ndprof::{Array, DType, Result, Session};
use std::hint::black_box;
use std::time::Instant;

/// Prints, per CPU sampling rate, the two loops' medians with no session and
/// in a session, and their ratios.
pub fn run() -> Result<()> {
    let x = Array::random_uniform(&[1_000_000], 0.0, 1.0, 3, DType::Float64)?;
    let a = Array::random_normal(&[200, 100], 0.0, 1.0, 1, DType::Float64)?;
    let b = Array::random_normal(&[100, 200], 0.0, 1.0, 2, DType::Float64)?;
    let warm = Array::ones(&[8192], DType::Float64)?;
    for _ in 0..3 {
        black_box(scalar_mean(&x)?);
        black_box(scalar_dot(&a, &b, 8)?);
    }
    for hz in [0, ndprof::profiler::DEFAULT_HZ] {
        // [mean off, mean on, dot off, dot on]
        let mut t: [Vec<f64>; 4] = Default::default();
        for r in 0..41 {
            let on = r % 2 == 1;
            let session = on
                .then(|| Session::builder().cpu_hz(hz).start())
                .transpose()?;
            // A session counts each thread's first 4096 per-element calls
            // one by one (~8 ns each): spent here, untimed, in both modes.
            black_box(scalar_mean(&warm)?);
            let s = Instant::now();
            black_box(scalar_mean(&x)?);
            let mean = s.elapsed().as_secs_f64() * 1e3;
            let s = Instant::now();
            black_box(scalar_dot(&a, &b, 8)?);
            let dot = s.elapsed().as_secs_f64() * 1e3;
            if let Some(session) = session {
                session.finish()?;
            }
            t[usize::from(on)].push(mean);
            t[2 + usize::from(on)].push(dot);
        }
        let [mo, mi, d_off, d_on] = t.map(super::median);
        println!(
            "cpu_hz {hz:4}: mean loop {mo:.3} ms off, {mi:.3} ms on, ratio {:.3}; dot loop {d_off:.3} ms off, {d_on:.3} ms on, ratio {:.3}",
            mi / mo,
            d_on / d_off
        );
    }
    Ok(())
}
