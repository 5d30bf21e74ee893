//! CPU sampling through pprof-rs and both protobuf outputs. Its own file:
//! the sampler is process-global (one `ProfilerGuard` at a time).
#![cfg(feature = "cpu")]

use ndprof::{profile, Array, DType, Session};
use pprof::protos::{Message, Profile as Pb};
use std::time::{Duration, Instant};

mod common;
use common::sample_types;

fn busy(d: Duration) -> f64 {
    let t = Instant::now();
    let mut x = 0.0f64;
    while t.elapsed() < d {
        for i in 0..10_000 {
            x += (i as f64).sqrt();
        }
    }
    x
}

#[test]
fn cpu_samples_and_both_protobufs_decode() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(99).heap(true).start().unwrap();
    let x = Array::ones(&[100_000], DType::Float64).unwrap();
    let v = profile!("spin", { busy(Duration::from_millis(600)) });
    let _ = profile!("ops", { x.square().unwrap().sum().unwrap() });
    let p = session.finish().unwrap();
    assert!(v > 0.0);
    let cpu = p.cpu().expect("sampling was on");
    assert_eq!(cpu.hz, 99);
    // 0.6 s at 99 Hz is ~60 samples; demand a conservative fraction.
    assert!(cpu.samples >= 15, "only {} samples", cpu.samples);
    assert!(cpu
        .folded
        .lines()
        .all(|l| !l.starts_with("rayon") && l.rsplit_once(' ').is_some()));

    let dir = std::env::temp_dir().join(format!("ndprof-cpu-{}", std::process::id()));
    p.write_all(&dir).unwrap();
    let svg = std::fs::read_to_string(dir.join("cpu.svg")).unwrap();
    assert!(svg.contains("samples at 99 Hz"));

    let cpu_pb = Pb::decode(&std::fs::read(dir.join("cpu.pb")).unwrap()[..]).unwrap();
    assert!(!cpu_pb.sample.is_empty());
    assert!(
        sample_types(&cpu_pb)
            .iter()
            .any(|(t, _)| t == "cpu" || t == "samples"),
        "{:?}",
        sample_types(&cpu_pb)
    );

    let ops_pb = Pb::decode(&std::fs::read(dir.join("ops.pb")).unwrap()[..]).unwrap();
    assert_eq!(
        sample_types(&ops_pb),
        vec![
            ("wall".to_string(), "nanoseconds".to_string()),
            ("alloc_space".to_string(), "bytes".to_string()),
            ("alloc_objects".to_string(), "count".to_string()),
            ("inuse_space".to_string(), "bytes".to_string()),
            ("inuse_objects".to_string(), "count".to_string())
        ]
    );
    assert_eq!(
        ops_pb.string_table[ops_pb.default_sample_type as usize],
        "wall"
    );
    // The square op's sample: leaf first, with its bytes and allocation count.
    let fname = |loc: u64| {
        let l = ops_pb.location.iter().find(|l| l.id == loc).unwrap();
        let f = ops_pb
            .function
            .iter()
            .find(|f| f.id == l.line[0].function_id)
            .unwrap();
        ops_pb.string_table[f.name as usize].clone()
    };
    let sq = ops_pb
        .sample
        .iter()
        .find(|s| fname(s.location_id[0]) == "square[float64]")
        .expect("a square sample");
    assert_eq!(fname(sq.location_id[1]), "ops");
    // Allocated: 800 kB in one block; still held at the heap peak too.
    assert_eq!(&sq.value[1..], &[800_000, 1, 800_000, 1]);
    std::fs::remove_dir_all(&dir).unwrap();
}
