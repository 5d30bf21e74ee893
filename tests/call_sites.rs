//! Each op record knows the lines of the user's code that called it
//! (`#[track_caller]` on the public ops): two calls of one op from two lines
//! are one record with two lines; every public op family reports this file,
//! never a line inside ndprof; `call_sites(false)` records none.

use ndprof::ops::Casting::Unsafe;
use ndprof::{profile, Array, DType, Profile, Session};

fn line_of(p: &Profile, path: &[&str]) -> Vec<(String, u32, u64)> {
    let r = p
        .record(path)
        .unwrap_or_else(|| panic!("no record {path:?}"));
    r.lines
        .iter()
        .map(|l| (l.file.clone(), l.line, l.calls))
        .collect()
}

#[test]
fn ops_are_located_at_the_callers_line() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(0).start().unwrap();
    let (a_line, b_line, lines);
    profile!("work", {
        let a = Array::arange(0.0, 1000.0, 1.0, DType::Float64).unwrap();
        let b = Array::ones(&[1000], DType::Float64).unwrap();
        let _x = a.add(&b).unwrap();
        a_line = line!() - 1;
        for _ in 0..3 {
            let _y = &a + &b;
        }
        b_line = line!() - 2;
        let z = Array::zeros(&[10, 100], DType::Float32).unwrap();
        let l0 = line!() - 1;
        let _s = a.sum().unwrap();
        let l1 = line!() - 1;
        let _m = a.mean().unwrap();
        let l2 = line!() - 1;
        let _d = a.dot(&b).unwrap();
        let l3 = line!() - 1;
        let _c = a.astype(DType::Int32, Unsafe).unwrap();
        let l4 = line!() - 1;
        let _g = a.append(&b).unwrap();
        let l5 = line!() - 1;
        let _t = z.reshape(&[100, 10]).unwrap().to_contiguous().unwrap();
        let l6 = line!() - 1;
        let _q = a.sqrt().unwrap();
        let l7 = line!() - 1;
        lines = [l0, l1, l2, l3, l4, l5, l6, l7];
    });
    let p = session.finish().unwrap();
    let add = line_of(&p, &["work", "add[float64]"]);
    assert_eq!(add.len(), 2, "{add:?}");
    assert!(add.iter().all(|(f, _, _)| f.ends_with("call_sites.rs")));
    assert!(add.contains(&(add[0].0.clone(), a_line, 1)), "{add:?}");
    assert!(add.contains(&(add[0].0.clone(), b_line, 3)), "{add:?}");
    assert_eq!(p.record(&["work", "add[float64]"]).unwrap().calls, 4);
    // Every op record under `work` is located in this file, at one of the
    // lines above (never inside ndprof's own sources).
    let mut seen = Vec::new();
    for (i, r) in p.records().iter().enumerate() {
        if r.kind != ndprof::trace::LabelKind::Op || p.path(i)[0] != "work" {
            continue;
        }
        assert!(!r.lines.is_empty(), "{:?} has no line", p.path(i));
        for l in &r.lines {
            assert!(
                l.file.ends_with("call_sites.rs"),
                "{:?} at {}",
                p.path(i),
                l.location()
            );
            seen.push(l.line);
        }
        let calls: u64 = r.lines.iter().map(|l| l.calls).sum();
        assert_eq!(calls, r.calls, "{:?}", p.path(i));
    }
    for l in lines {
        assert!(seen.contains(&l), "line {l} not seen in {seen:?}");
    }
    // The report keeps them.
    let report = p.report();
    let json = serde_json::to_string(&report).unwrap();
    let back: ndprof::report::Report = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.record(&["work", "add[float64]"]).unwrap().lines.len(),
        2
    );
}

#[test]
fn call_sites_off_records_no_lines() {
    let _l = ndprof::testing::lock();
    let session = Session::builder()
        .cpu_hz(0)
        .call_sites(false)
        .start()
        .unwrap();
    let a = Array::ones(&[100], DType::Float64).unwrap();
    let _b = a.add(&a).unwrap();
    let _c = a.add(&a).unwrap();
    let p = session.finish().unwrap();
    let r = p.record(&["add[float64]"]).unwrap();
    assert_eq!(r.calls, 2);
    assert!(r.lines.is_empty());
}

#[test]
fn ops_pb_has_lines_and_in_use_at_the_peak() {
    use pprof::protos::{Message, Profile as Pb};
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(0).start().unwrap();
    let big = Array::zeros(&[1 << 20], DType::Float64).unwrap();
    let big_line = line!() - 1;
    let small = Array::ones(&[1000], DType::Float64).unwrap();
    let _sum = small.add(&small).unwrap();
    let add_line = line!() - 1;
    let p = session.finish().unwrap();
    drop(big);
    let report = p.report();
    let pb = Pb::decode(&ndprof::report::pprof::encode(&report)[..]).unwrap();
    let types: Vec<&str> = pb
        .sample_type
        .iter()
        .map(|t| pb.string_table[t.ty as usize].as_str())
        .collect();
    assert_eq!(
        types,
        [
            "wall",
            "alloc_space",
            "alloc_objects",
            "inuse_space",
            "inuse_objects"
        ]
    );
    // The leaf location of each sample: (function name, file, line).
    let leaf = |s: &pprof::protos::Sample| {
        let loc = pb
            .location
            .iter()
            .find(|l| l.id == s.location_id[0])
            .unwrap();
        let line = &loc.line[0];
        let f = pb
            .function
            .iter()
            .find(|f| f.id == line.function_id)
            .unwrap();
        (
            pb.string_table[f.name as usize].clone(),
            pb.string_table[f.filename as usize].clone(),
            line.line,
        )
    };
    let zeros = pb
        .sample
        .iter()
        .find(|s| leaf(s).0 == "zeros[float64]")
        .unwrap();
    let (_, file, line) = leaf(zeros);
    assert!(file.ends_with("call_sites.rs"), "{file}");
    assert_eq!(line, big_line as i64);
    // 8 MiB allocated in one buffer, still held at the peak.
    assert_eq!(zeros.value[1], 8 << 20);
    assert_eq!(zeros.value[2], 1);
    assert_eq!(zeros.value[3], 8 << 20);
    assert_eq!(zeros.value[4], 1);
    let add = pb
        .sample
        .iter()
        .find(|s| leaf(s).0 == "add[float64]")
        .unwrap();
    assert_eq!(leaf(add).2, add_line as i64);
    assert_eq!(add.value[1], 8000);
}
