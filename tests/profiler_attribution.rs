//! The profiler attributes calls, sizes and buffer allocations to nested
//! scopes and ops, carries scopes into rayon work, and survives misuse.
//! Sessions are process-wide, so every test holds `ndprof::testing::lock()`.

use ndprof::report::Metric;
use ndprof::trace::{Context, LabelKind};
use ndprof::{profile, Array, DType, ErrorKind, Mode, Session};
use rayon::prelude::*;

#[test]
fn nested_scopes_and_ops_form_paths() {
    let _l = ndprof::testing::lock();
    let a = Array::ones(&[1000], DType::Float64).unwrap();
    let session = Session::builder()
        .mode(Mode::Instrumented)
        .heap(true)
        .label("case", "nested")
        .start()
        .unwrap();
    let total = profile!("outer", {
        let b = profile!("inner", { a.add(&a).unwrap() });
        for _ in 0..3 {
            let _ = profile!("inner", { b.square().unwrap() });
        }
        b.sum().unwrap()
    });
    let p = session.finish().unwrap();
    assert_eq!(total.item().unwrap().to_f64(), 2000.0);

    let outer = p.record(&["outer"]).unwrap();
    assert_eq!((outer.kind, outer.calls), (LabelKind::Scope, 1));
    let inner = p.record(&["outer", "inner"]).unwrap();
    assert_eq!(inner.calls, 4);
    let add = p.record(&["outer", "inner", "add[float64]"]).unwrap();
    assert_eq!(
        (add.kind, add.calls, add.elements),
        (LabelKind::Op, 1, 1000)
    );
    assert_eq!((add.bytes_read, add.bytes_written), (16_000, 8_000));
    assert_eq!((add.allocations, add.bytes_allocated), (1, 8_000));
    let sq = p.record(&["outer", "inner", "square[float64]"]).unwrap();
    assert_eq!((sq.calls, sq.allocations, sq.frees), (3, 3, 0));
    // The squares' results leave their `inner` block and are dropped in `outer`,
    // as is `b` at the end of the `outer` block: frees land where they happen.
    assert_eq!((inner.frees, outer.frees), (0, 4));
    let sum = p.record(&["outer", "sum[float64]"]).unwrap();
    assert_eq!(sum.calls, 1);
    assert!(outer.total_ns >= inner.total_ns && inner.total_ns >= add.total_ns);
    assert!(outer.self_ns <= outer.total_ns);
    assert_eq!(p.labels(), &[("case".to_string(), "nested".to_string())]);
    assert_eq!(
        p.peak_buffer_bytes(),
        16_000 + 8_000 - 8_000,
        "b plus one live square at a time"
    );

    let folded = p.folded(Metric::Allocations);
    assert!(folded.contains("outer;inner;add[float64] 1\n"), "{folded}");
    assert!(
        folded.contains("outer;inner;square[float64] 3\n"),
        "{folded}"
    );
    let bytes = p.folded(Metric::Bytes);
    assert!(
        bytes.contains("outer;inner;square[float64] 24000\n"),
        "{bytes}"
    );
    let table = p.table();
    assert!(
        table
            .lines()
            .any(|l| l.ends_with("outer;inner;square[float64]")),
        "{table}"
    );
}

#[test]
fn only_what_runs_during_the_session_is_recorded() {
    let _l = ndprof::testing::lock();
    let a = Array::ones(&[10], DType::Int32).unwrap();
    let _ = a.square().unwrap(); // before: not recorded
    let session = Session::builder().start().unwrap();
    let _ = a.neg().unwrap();
    let p = session.finish().unwrap();
    let _ = a.abs().unwrap(); // after: not recorded
    assert!(p.record(&["negative[int32]"]).is_some());
    assert!(p.record(&["square[int32]"]).is_none());
    assert!(p.record(&["absolute[int32]"]).is_none());
}

#[test]
fn a_second_session_is_an_error_and_drop_cleans_up() {
    let _l = ndprof::testing::lock();
    let first = Session::builder().start().unwrap();
    let e = Session::builder().start().err().unwrap();
    assert_eq!(e.kind(), ErrorKind::Session);
    drop(first);
    let again = Session::builder().start().unwrap();
    let _ = Array::zeros(&[4], DType::Int8).unwrap();
    let p = again.finish().unwrap();
    assert_eq!(p.record(&["zeros[int8]"]).unwrap().calls, 1);
}

#[test]
fn a_panic_inside_a_scope_leaves_the_profiler_usable() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().start().unwrap();
    let r = std::panic::catch_unwind(|| {
        profile!("boom", {
            let _ = Array::zeros(&[3], DType::Float64);
            panic!("inside a scope");
        })
    });
    assert!(r.is_err());
    profile!("after", {
        let _ = Array::zeros(&[3], DType::Float64).unwrap();
    });
    let p = session.finish().unwrap();
    assert_eq!(p.record(&["boom"]).unwrap().calls, 1);
    assert_eq!(
        p.record(&["after", "zeros[float64]"]).unwrap().calls,
        1,
        "the scope stack unwound"
    );
    assert!(p.record(&["boom", "after"]).is_none());
}

#[test]
fn rayon_work_lands_under_the_scope_that_handed_it_over() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().start().unwrap();
    profile!("parallel", {
        let ctx = Context::capture();
        (0..8).into_par_iter().for_each(|_| {
            ctx.run(|| {
                let _ = Array::zeros(&[100], DType::Float32).unwrap();
            })
        });
        // Large ops split across the pool themselves; their work stays in this scope.
        let big = Array::ones(&[1 << 20], DType::Float64).unwrap();
        let _ = big.add(&big).unwrap();
    });
    let p = session.finish().unwrap();
    assert_eq!(p.record(&["parallel", "zeros[float32]"]).unwrap().calls, 8);
    assert_eq!(p.record(&["parallel", "add[float64]"]).unwrap().calls, 1);
    assert!(
        (0..p.records().len()).all(|i| p.path(i)[0] == "parallel"),
        "nothing under an anonymous worker"
    );
}

#[test]
fn profile_function_names_the_function_and_names_are_escaped() {
    fn simulate_step() -> ndprof::Result<Array> {
        ndprof::profile_function!();
        Array::zeros(&[2], DType::UInt8)
    }
    let _l = ndprof::testing::lock();
    let session = Session::builder().start().unwrap();
    simulate_step().unwrap();
    profile!("odd;name\nwith breaks  ", {
        let _ = Array::zeros(&[1], DType::Bool).unwrap();
    });
    let p = session.finish().unwrap();
    let f = p
        .records()
        .iter()
        .find(|r| r.name.ends_with("simulate_step"))
        .unwrap();
    assert!(
        f.name.contains("profile_function_names_the_function"),
        "{}",
        f.name
    );
    let folded = p.folded(Metric::Allocations);
    assert!(
        folded.contains("odd:name with breaks;zeros[bool] 1\n"),
        "{folded}"
    );
    for line in folded.lines() {
        let (stack, count) = line.rsplit_once(' ').unwrap();
        assert!(
            count.parse::<u64>().is_ok() && !stack.ends_with(' '),
            "{line}"
        );
    }
}

#[test]
fn scalar_access_can_be_timed_one_in_n_with_exact_counts() {
    let _l = ndprof::testing::lock();
    let a = Array::ones(&[1600], DType::Float64).unwrap();
    let session = Session::builder()
        .mode(Mode::Instrumented)
        .cpu_hz(0)
        .scalar_time_every(16)
        .start()
        .unwrap();
    profile!("loop", {
        for i in 0..1600 {
            let _ = a.get(&[i]).unwrap();
        }
        let _ = a.square().unwrap();
    });
    let p = session.finish().unwrap();
    let get = p.record(&["loop", "get[float64]"]).unwrap();
    assert_eq!(
        (get.calls, get.elements, get.bytes_read),
        (1600, 1600, 12_800)
    );
    assert!(get.time_sampled && get.total_raw_ns > 0.0);
    assert!(!p.record(&["loop", "square[float64]"]).unwrap().time_sampled);
    assert!(p.table().contains("loop;get[float64] (time sampled)"));
    assert!(p
        .report()
        .records
        .iter()
        .any(|r| r.name == "get" && r.time_sampled));
    // The next instrumented session times every call again by default.
    let s2 = Session::builder()
        .mode(Mode::Instrumented)
        .cpu_hz(0)
        .start()
        .unwrap();
    let _ = a.get(&[0]).unwrap();
    assert!(
        !s2.finish()
            .unwrap()
            .record(&["get[float64]"])
            .unwrap()
            .time_sampled
    );
}

#[test]
fn alternating_scalar_ops_are_each_timed_one_in_n() {
    let _l = ndprof::testing::lock();
    let mut a = Array::ones(&[4000], DType::Float64).unwrap();
    let session = Session::builder()
        .mode(Mode::Instrumented)
        .cpu_hz(0)
        .scalar_time_every(2)
        .start()
        .unwrap();
    profile!("loop", {
        for i in 0..4000 {
            let v = a.get(&[i]).unwrap();
            a.set(&[i], v).unwrap();
        }
    });
    let p = session.finish().unwrap();
    // One shared counter timed every get and never a set (or the reverse).
    for op in ["get[float64]", "set[float64]"] {
        let r = p.record(&["loop", op]).unwrap();
        assert_eq!(r.calls, 4000);
        // Raw: a get's own work is a few ns, which the calibrated
        // correction may take to zero.
        assert!(
            r.time_sampled && r.total_raw_ns > 0.0,
            "{op} was never timed"
        );
    }
}

/// A buffer whose first block comes from `push` (an empty array growing)
/// is one block, held by the op that allocated it from the first block on:
/// at the peak `push` holds all the bytes in exactly one block.
#[test]
fn a_buffer_grown_from_empty_is_one_held_block() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(0).heap(true).start().unwrap();
    let grown = profile!("grown", {
        let mut a = Array::with_capacity(DType::Float64, 0).unwrap();
        for i in 0..4096 {
            a.push(i as f64).unwrap();
        }
        a
    });
    let p = session.finish().unwrap();
    assert_eq!(grown.len(), 4096);
    let index = p
        .records()
        .iter()
        .position(|r| r.name == "push" && r.parent.is_some())
        .unwrap();
    let (_, bytes, blocks) = p
        .peak_holders()
        .iter()
        .copied()
        .find(|h| h.0 == Some(index))
        .expect("the push that allocated the buffer holds the peak");
    assert!(bytes >= 4096 * 8, "held {bytes} bytes");
    assert_eq!(blocks, 1, "one buffer, grown from empty");
}
