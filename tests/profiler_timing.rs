//! Sampled scope times of scopes that spin for known durations (100, 200 and
//! 300 ms, the last with a 100 ms child) come out within the sampler's
//! structural error of the wall time each scope took, measured here around
//! it. Its own file: it measures time, so it should not share the process
//! with busy tests.
//!
//! The bound is not statistical: each sample weighs the wall time since the
//! thread's previous signal, so a scope's samples add up to its wall time
//! except at its two edges, where the interval that crosses an edge lands on
//! one side of it. An interval is at most 1.5 periods plus the signal's
//! delivery delay.

use ndprof::{profile, Session};
use std::time::{Duration, Instant};

fn spin(d: Duration) -> f64 {
    let t = Instant::now();
    while t.elapsed() < d {
        std::hint::spin_loop();
    }
    t.elapsed().as_secs_f64() * 1e3
}

#[test]
fn scope_times_match_known_durations() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(1000).start().unwrap();
    let ms = Duration::from_millis;
    let a_true = profile!("a", { spin(ms(100)) });
    let b_true = profile!("b", { spin(ms(200)) });
    let (c_true, d_true) = profile!("c", {
        let t = Instant::now();
        spin(ms(200));
        let d = profile!("d", { spin(ms(100)) });
        (t.elapsed().as_secs_f64() * 1e3, d)
    });
    let p = session.finish().unwrap();
    let period_ms = p.timing().sample_period_ns as f64 / 1e6;
    // Two edges, each off by at most one interval (1.5 periods) and its
    // delivery delay (1 ms allowed).
    let tol_ms = 2.0 * (1.5 * period_ms + 1.0);
    let got = |path: &[&str]| p.record(path).unwrap().total_ns / 1e6;
    for (path, truth) in [
        (&["a"][..], a_true),
        (&["b"][..], b_true),
        (&["c"][..], c_true),
        (&["c", "d"][..], d_true),
    ] {
        let g = got(path);
        assert!(
            (g - truth).abs() <= tol_ms,
            "{path:?}: sampled {g:.2} ms, took {truth:.2} ms (allowed +-{tol_ms:.2} ms)"
        );
        assert!(p.record(path).unwrap().time_sampled);
    }
    let (c, d) = (got(&["c"]), got(&["c", "d"]));
    let c_self = p.record(&["c"]).unwrap().self_ns / 1e6;
    assert!(
        (c_self / (c - d) - 1.0).abs() < 1e-6,
        "self = total - children"
    );
    let sum = got(&["a"]) + got(&["b"]) + c;
    assert!(sum <= p.wall_ns() / 1e6 * 1.01);
}
