//! The call tree belongs to its session: 100,000 distinct scopes are all
//! recorded, the next session starts empty, a guard that outlives its
//! session does not leak into the next, and per-thread tables are reused
//! when threads exit. Sessions are process-wide: each test holds the
//! profiler test lock.

use ndprof::trace::enter_dynamic_scope;
use ndprof::{profile, Array, DType, Mode, Session};

#[test]
fn a_hundred_thousand_distinct_scopes_are_all_recorded() {
    let _l = ndprof::testing::lock();
    let x = Array::ones(&[2], DType::Float64).unwrap();
    // Instrumented: every scalar call counted one by one.
    let session = Session::builder()
        .mode(Mode::Instrumented)
        .cpu_hz(0)
        .start()
        .unwrap();
    for i in 0..100_000 {
        let _s = enter_dynamic_scope(&format!("scope-{i}"));
        let _ = x.get(&[1]).unwrap();
    }
    let p = session.finish().unwrap();
    assert_eq!(p.dropped_events(), 0);
    let scopes = p
        .records()
        .iter()
        .filter(|r| r.kind == ndprof::trace::LabelKind::Scope)
        .count();
    assert_eq!(scopes, 100_000);
    assert_eq!(p.records().len(), 200_000);
    assert_eq!(
        p.record(&["scope-99999", "get[float64]"]).map(|r| r.calls),
        Some(1)
    );
    let report = p.report();
    assert_eq!(report.meta.dropped_events, 0);
    assert!(!report.table().contains("dropped"));
}

#[test]
fn each_session_starts_with_an_empty_tree() {
    let _l = ndprof::testing::lock();
    for round in 0..40 {
        let session = Session::builder().cpu_hz(0).start().unwrap();
        for i in 0..1000 {
            let _s = enter_dynamic_scope(&format!("round{round}-{i}"));
        }
        let p = session.finish().unwrap();
        assert_eq!(p.records().len(), 1000, "round {round}");
        assert!(p
            .records()
            .iter()
            .all(|r| r.name.starts_with(&format!("round{round}-"))));
    }
    // A static scope seen in one session is absent from the next.
    let s1 = Session::builder().cpu_hz(0).start().unwrap();
    profile!("only in the first", {});
    assert!(s1
        .finish()
        .unwrap()
        .record(&["only in the first"])
        .is_some());
    let s2 = Session::builder().cpu_hz(0).start().unwrap();
    profile!("second", {});
    let p2 = s2.finish().unwrap();
    assert_eq!(p2.records().len(), 1);
    assert!(p2.record(&["only in the first"]).is_none());
}

#[test]
fn a_guard_that_outlives_its_session_does_not_leak_into_the_next() {
    let _l = ndprof::testing::lock();
    let s1 = Session::builder().cpu_hz(0).start().unwrap();
    let outer = enter_dynamic_scope("outer");
    let _ = s1.finish().unwrap();
    let s2 = Session::builder().cpu_hz(0).start().unwrap();
    drop(outer);
    let _ = Array::zeros(&[3], DType::Int8).unwrap();
    let p = s2.finish().unwrap();
    assert_eq!(p.path(0), ["zeros[int8]"], "{:?}", p.records());
}

#[test]
fn thread_tables_are_reused_when_threads_exit() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(0).start().unwrap();
    let (before, _) = ndprof::trace::thread_tables();
    for _ in 0..300 {
        std::thread::spawn(|| {
            profile!("worker", {
                let _ = Array::zeros(&[4], DType::Float64).unwrap();
            });
        })
        .join()
        .unwrap();
    }
    let (after, _) = ndprof::trace::thread_tables();
    // Each thread exited before the next began: one table serves them all
    // (the test harness may run a few threads of its own meanwhile).
    assert!(
        after <= before + 8,
        "{before} -> {after} tables for 300 threads"
    );
    let p = session.finish().unwrap();
    assert_eq!(p.record(&["worker"]).map(|r| r.calls), Some(300));
    assert_eq!(
        p.record(&["worker", "zeros[float64]"]).map(|r| r.calls),
        Some(300)
    );
}

#[test]
fn run_time_names_get_their_own_scopes_with_profile_dyn() {
    let _l = ndprof::testing::lock();
    let session = ndprof::Session::builder().start().unwrap();
    let names: Vec<String> = ["alpha", "beta", "gamma"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for _ in 0..2 {
        for name in &names {
            ndprof::profile_dyn!(name, {
                ndprof::profile!("inner", {});
            });
        }
    }
    let p = session.finish().unwrap();
    for name in ["alpha", "beta", "gamma"] {
        assert_eq!(p.record(&[name]).map(|r| r.calls), Some(2), "{name}");
        assert_eq!(
            p.record(&[name, "inner"]).map(|r| r.calls),
            Some(2),
            "{name}"
        );
    }
}
