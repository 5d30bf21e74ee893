//! Wall-time shares of scopes that spin for known durations (50, 100 and
//! 150 ms) come out within ±10% of the truth. Its own file: it measures time,
//! so it should not share the process with busy tests.

use ndprof::{profile, Session};
use std::time::{Duration, Instant};

fn spin(d: Duration) {
    let t = Instant::now();
    while t.elapsed() < d {
        std::hint::spin_loop();
    }
}

#[test]
fn scope_times_match_known_durations() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().start().unwrap();
    profile!("a", { spin(Duration::from_millis(50)) });
    profile!("b", { spin(Duration::from_millis(100)) });
    profile!("c", {
        spin(Duration::from_millis(100));
        profile!("d", { spin(Duration::from_millis(50)) });
    });
    let p = session.finish().unwrap();
    let ms = |path: &[&str]| p.record(path).unwrap().total_ns / 1e6;
    let (a, b, c, d) = (ms(&["a"]), ms(&["b"]), ms(&["c"]), ms(&["c", "d"]));
    let sum = a + b + c;
    for (got, want, name) in [
        (a / sum, 50.0 / 300.0, "a"),
        (b / sum, 100.0 / 300.0, "b"),
        (c / sum, 150.0 / 300.0, "c"),
    ] {
        assert!(
            (got / want - 1.0).abs() <= 0.10,
            "{name}: share {got:.4} vs {want:.4}"
        );
    }
    assert!(
        (d / c / (50.0 / 150.0) - 1.0).abs() <= 0.10,
        "d: {d} of c: {c}"
    );
    let c_self = p.record(&["c"]).unwrap().self_ns / 1e6;
    assert!(
        (c_self / (c - d) - 1.0).abs() < 1e-6,
        "self = total - children"
    );
    assert!(sum <= p.wall_ns() / 1e6 * 1.01);
}
