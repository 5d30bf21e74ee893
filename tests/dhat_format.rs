//! `dhat-heap.json`: the fields DHAT's viewer (`dh_view.js`) checks, frames
//! that are the scope paths, and per-site totals that add up to the report's.

use ndprof::report::export::{export, Format};
use ndprof::report::Metric;
use ndprof::{profile, Array, DType, Session};
use serde_json::Value;

#[test]
fn dhat_heap_json_has_every_field_the_viewer_checks_and_exact_site_totals() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().label("case", "dhat").start().unwrap();
    profile!("build", {
        let mut a = Array::zeros(&[0], DType::Float64).unwrap();
        for i in 0..100 {
            a = a.append(&Array::scalar(i as f64).unwrap()).unwrap();
        }
        profile!("grow", {
            let mut b = Array::with_capacity(DType::Int32, 0).unwrap();
            for i in 0..1000 {
                b.push(i as f64).unwrap();
            }
        });
    });
    let report = session.finish().unwrap().report();
    let mut out = Vec::new();
    export(&report, Format::Dhat, Metric::Bytes, &mut out).unwrap();
    let v: Value = serde_json::from_slice(&out).unwrap();
    // dh_view.js `buildTree` and `checkPP`.
    for f in [
        "dhatFileVersion",
        "mode",
        "verb",
        "bklt",
        "bkacc",
        "tu",
        "Mtu",
        "cmd",
        "pid",
        "te",
        "pps",
        "ftbl",
    ] {
        assert!(v.get(f).is_some(), "missing {f}");
    }
    assert_eq!(v["dhatFileVersion"], 2);
    assert_eq!(v["bklt"], false);
    assert_eq!(v["bkacc"], false);
    assert!(v["cmd"].as_str().unwrap().contains("case=dhat"));
    let ftbl: Vec<&str> = v["ftbl"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(ftbl[0], "[root]");
    let pps = v["pps"].as_array().unwrap();
    assert!(!pps.is_empty());
    let (mut tb, mut tbk) = (0u64, 0u64);
    for pp in pps {
        for f in ["tb", "tbk", "fs"] {
            assert!(pp.get(f).is_some(), "pp missing {f}");
        }
        let fs: Vec<usize> = pp["fs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_u64().unwrap() as usize)
            .collect();
        assert!(
            !fs.is_empty() && fs.iter().all(|&i| i > 0 && i < ftbl.len()),
            "{fs:?}"
        );
        tb += pp["tb"].as_u64().unwrap();
        tbk += pp["tbk"].as_u64().unwrap();
    }
    // Innermost first: the append op, then `build`.
    let append = pps
        .iter()
        .find(|pp| ftbl[pp["fs"][0].as_u64().unwrap() as usize] == "append[float64]")
        .expect("a site for append[float64]");
    assert_eq!(ftbl[append["fs"][1].as_u64().unwrap() as usize], "build");
    let push = pps
        .iter()
        .find(|pp| ftbl[pp["fs"][0].as_u64().unwrap() as usize] == "push[int32]")
        .expect("a site for push[int32]");
    let frames: Vec<&str> = push["fs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| ftbl[i.as_u64().unwrap() as usize])
        .collect();
    assert_eq!(frames, ["push[int32]", "grow", "build"]);
    // Site totals are the records' own counts, so they add up to the report's.
    let want_tb: u64 = report
        .records
        .iter()
        .map(|r| r.heap_bytes + r.bytes_allocated)
        .sum();
    let want_tbk: u64 = report
        .records
        .iter()
        .map(|r| r.heap_allocations + r.allocations + r.reallocations)
        .sum();
    assert_eq!((tb, tbk), (want_tb, want_tbk));
    let buffers: u64 = report.records.iter().map(|r| r.bytes_allocated).sum();
    assert!(
        buffers >= 100 * 101 / 2 * 8,
        "append copies grow: {buffers}"
    );
}
