//! Numbers at the edges: sizes, steps and counters that would overflow are
//! errors or saturate (marked), never wrapped and never a panic. CI also
//! runs the suite with overflow checks on (`--profile test-ovf`).

use ndprof::report::{Metric, Report};
use ndprof::{Array, DType, ErrorKind, Slice};

#[test]
fn concatenating_huge_empty_axes_is_an_error() {
    let a = Array::zeros(&[0, 1 << 63], DType::Float64).unwrap();
    let e = Array::concatenate(&[&a, &a], 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AllocationFailed, "{e}");
    // Along the empty axis it is fine (still no elements).
    assert_eq!(Array::concatenate(&[&a, &a], 0).unwrap().len(), 0);
}

#[test]
fn extreme_slice_steps_follow_python() {
    let a = Array::from_vec((0..10i64).collect::<Vec<_>>()).unwrap();
    let s = a.slice(&[Slice::new(None, None, isize::MIN)]).unwrap();
    assert_eq!(s.to_vec::<i64>().unwrap(), [9]); // a[::-2**63] -> [9]
    let s = a.slice(&[Slice::new(None, None, isize::MAX)]).unwrap();
    assert_eq!(s.to_vec::<i64>().unwrap(), [0]);
    let s = a
        .slice(&[Slice::new(Some(isize::MIN), Some(isize::MAX), 3)])
        .unwrap();
    assert_eq!(s.to_vec::<i64>().unwrap(), [0, 3, 6, 9]);
    let s = a
        .slice(&[Slice::new(Some(isize::MAX), Some(isize::MIN), -4)])
        .unwrap();
    assert_eq!(s.to_vec::<i64>().unwrap(), [9, 5, 1]);
    let huge = Array::zeros(&[0, usize::MAX], DType::Int8).unwrap();
    let s = huge
        .slice(&[Slice::new(None, None, 1), Slice::new(Some(-1), None, -7)])
        .unwrap();
    assert_eq!(s.len(), 0);
}

#[test]
fn broadcasts_whose_size_overflows_are_errors() {
    let a = Array::zeros(&[1 << 40, 1], DType::Int8);
    let b = Array::zeros(&[1, 1 << 40], DType::Int8);
    if let (Ok(a), Ok(b)) = (a, b) {
        // Both exist only where 1 TiB can be reserved; the sum never can.
        assert!(a.add(&b).is_err());
    }
    let x = Array::from_vec(vec![1.0f64]).unwrap();
    let v = x.broadcast_to(&[1 << 62]).unwrap();
    assert_eq!(v.nbytes(), usize::MAX, "nbytes saturates");
    assert!(v.add(&x).is_err());
}

/// A report of two top-level ops, `names`, every counter zero.
fn report(names: [&str; 2]) -> Report {
    let text = include_str!("data/report_v2.json");
    let mut r = Report::from_json(text).unwrap();
    let mut two = Vec::new();
    for name in names {
        let mut rec = r
            .records
            .iter()
            .find(|x| x.parent.is_none())
            .unwrap()
            .clone();
        rec.name = name.to_string();
        rec.kind = ndprof::trace::LabelKind::Op;
        rec.dtype = "float64".to_string();
        rec.metrics = Default::default();
        rec.total_ns = 1.0;
        rec.self_ns = 1.0;
        two.push(rec);
    }
    r.records = two;
    r
}

#[test]
fn merged_counters_saturate() {
    let mut r = report(["a", "b"]);
    r.records[0].metrics.calls = u64::MAX;
    r.heap.peak_bytes = u64::MAX;
    let mut s = r.clone();
    s.heap.peak_bytes = 655_621;
    let m = Report::merge(&[r, s]).unwrap();
    assert_eq!(m.records[0].metrics.calls, u64::MAX);
    assert_eq!(m.heap.peak_bytes, u64::MAX);
}

#[test]
fn flamegraphs_of_huge_counts_keep_every_frame_and_stay_within_100_percent() {
    let mut r = report(["big", "small"]);
    r.records[0].metrics.bytes_allocated = u64::MAX;
    r.records[1].metrics.bytes_allocated = 1_000_000_000_000_000_000;
    let svg = r.flamegraph_svg(Metric::Bytes).unwrap();
    assert!(svg.contains("big[float64]"), "the u64::MAX record is drawn");
    assert!(svg.contains("divided to fit"));
    for pct in svg
        .split(", ")
        .filter_map(|s| s.split_once("%)"))
        .map(|(p, _)| p)
    {
        if let Ok(p) = pct.trim().parse::<f64>() {
            assert!(p <= 100.0, "{p}% in a flamegraph");
        }
    }
    let mut times = report(["t1", "t2"]);
    for rec in &mut times.records {
        rec.self_ns = 1.7e19;
        rec.total_ns = 1.7e19;
    }
    let svg = times.flamegraph_svg(Metric::Time).unwrap();
    assert!(svg.contains("t1[float64]") && svg.contains("t2[float64]"));
    assert!(svg.contains("50.00%"), "two equal halves");
}

#[test]
fn names_from_a_loaded_report_cannot_inject_frames() {
    let mut r = report(["a;fake", "b\nfake 99"]);
    r.records[1].dtype = "f;8\n".to_string();
    for rec in &mut r.records {
        rec.metrics.calls = 1;
        rec.metrics.bytes_allocated = 10;
    }
    let folded = ndprof::report::folded::folded(&r, Metric::Bytes);
    assert_eq!(folded.lines().count(), 2, "{folded}");
    for line in folded.lines() {
        let (path, count) = line.rsplit_once(' ').unwrap();
        assert_eq!(count, "10");
        assert!(!path.contains(';'), "one frame per record: {path}");
    }
    let svg = r.flamegraph_svg(Metric::Bytes).unwrap();
    assert!(!svg.contains("<title>fake"), "no frame named fake");
}
