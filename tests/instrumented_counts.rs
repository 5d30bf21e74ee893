//! Instrumented mode times per-element ops 1-in-N and counts the calls in
//! between in a per-thread batch: the counts must still be exact wherever
//! the calls were made (scopes taking turns, dtypes, `Context::run` on
//! another thread, a thread that exits outside any scope, the top level).
//! Sessions are process-wide: every test holds `ndprof::testing::lock()`.

use ndprof::trace::Context;
use ndprof::{profile, Array, DType, Mode, Session};

fn instrumented(every: u64) -> Session {
    Session::builder()
        .mode(Mode::Instrumented)
        .cpu_hz(0)
        .scalar_time_every(every)
        .start()
        .unwrap()
}

fn gets(a: &Array, n: usize) {
    for i in 0..n {
        let _ = a.get(&[i % a.len()]).unwrap();
    }
}

#[test]
fn batched_per_element_counts_are_exact_wherever_the_calls_were_made() {
    let _l = ndprof::testing::lock();
    let f = Array::ones(&[100], DType::Float64).unwrap();
    let mut g = Array::ones(&[1000], DType::Float64).unwrap();
    let i = Array::ones(&[10], DType::Int32).unwrap();
    let session = instrumented(64);
    for _ in 0..50 {
        profile!("a", {
            gets(&f, 7);
            for k in 0..3 {
                g.set(&[k], 2.0).unwrap();
            }
        });
        profile!("b", { gets(&i, 5) });
    }
    gets(&f, 100); // the top level, flushed when the session stops
    let ctx = profile!("c", { Context::capture() });
    std::thread::scope(|s| {
        s.spawn(|| ctx.run(|| gets(&g, 1000)));
    });
    // A thread that exits at its top level, no scope left to flush it:
    // joined, so that its exit (which flushes) is over.
    std::thread::scope(|s| s.spawn(|| gets(&f, 300)).join().unwrap());
    let p = session.finish().unwrap();
    let count = |path: &[&str]| {
        p.record(path)
            .map(|r| (r.calls, r.elements, r.bytes_read, r.bytes_written))
    };
    assert_eq!(count(&["a", "get[float64]"]), Some((350, 350, 2800, 0)));
    assert_eq!(count(&["a", "set[float64]"]), Some((150, 150, 0, 1200)));
    assert_eq!(count(&["b", "get[int32]"]), Some((250, 250, 1000, 0)));
    assert_eq!(count(&["c", "get[float64]"]), Some((1000, 1000, 8000, 0)));
    assert_eq!(count(&["get[float64]"]), Some((400, 400, 3200, 0)));
    let a_get = p.record(&["a", "get[float64]"]).unwrap();
    assert!(
        a_get.time_sampled && a_get.total_raw_ns > 0.0,
        "5 of 350 were timed"
    );
}

#[test]
fn a_batch_stays_in_its_session() {
    let _l = ndprof::testing::lock();
    let f = Array::ones(&[10], DType::Float64).unwrap();
    for round in 1..=3u64 {
        let session = instrumented(1000);
        profile!("x", { gets(&f, 10 * round as usize) });
        let p = session.finish().unwrap();
        assert_eq!(p.record(&["x", "get[float64]"]).unwrap().calls, 10 * round);
    }
    // Calls with no session count nowhere, and the next session starts empty.
    gets(&f, 10);
    let p = instrumented(1000).finish().unwrap();
    assert!(p.record(&["get[float64]"]).is_none());
}
