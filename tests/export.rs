//! `ndprof export` rebuilds every file `write_all` writes (but the CPU
//! samples) from a saved report.json: equal folded stacks, JSON, text and
//! pprof (decoded, with ops.pb's sample types), flamegraphs with the same
//! frames; and version-2 reports still load and export. Sessions are
//! process-wide: each test holds the profiler test lock.

use ndprof::report::export::{export, Format};
use ndprof::report::{advise, AdviceOptions, Metric, Report};
use ndprof::trace::{LabelKind, OpClass};
#[cfg(feature = "cpu")]
use pprof::protos::{Message, Profile as Pb};
use std::path::PathBuf;

#[cfg(feature = "cpu")]
mod common;
#[cfg(feature = "cpu")]
use common::sample_types;
use std::process::Command;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ndprof-export-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn exported(r: &Report, format: Format, metric: Metric) -> Vec<u8> {
    let mut out = Vec::new();
    export(r, format, metric, &mut out).unwrap();
    out
}

#[cfg(feature = "cpu")]
fn svg_titles(svg: &str) -> Vec<String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(svg, opts).unwrap();
    let mut t: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .map(|s| s.split(" (").next().unwrap_or("").to_string())
        .collect();
    t.sort();
    t
}

#[cfg(feature = "cpu")]
#[test]
fn export_rebuilds_what_write_all_wrote() {
    use ndprof::report::export::FILES;
    use ndprof::{profile, Array, DType, Mode, Session};
    let _l = ndprof::testing::lock();
    let session = Session::builder()
        .mode(Mode::Instrumented)
        .cpu_hz(0)
        .heap(true)
        .start()
        .unwrap();
    let x = Array::random_uniform(&[20_000], 0.0, 1.0, 3, DType::Float64).unwrap();
    profile!("outer", {
        profile!("loop", {
            let mut y = Array::zeros(&[2000], DType::Float64).unwrap();
            for i in 0..2000 {
                y.set(&[i], x.get(&[i]).unwrap()).unwrap();
            }
        });
        profile!("vectorized", {
            let _ = x.square().unwrap().sum().unwrap();
        });
    });
    let p = session.finish().unwrap();
    let dir = tmp("files");
    p.write_all(&dir).unwrap();
    let report = Report::load(dir.join("report.json")).unwrap();
    assert!(!report.advice.is_empty(), "write_all runs the advice pass");
    for (name, format, metric) in FILES {
        let written = std::fs::read(dir.join(name)).unwrap();
        let again = exported(&report, format, metric);
        match format {
            Format::Svg => assert_eq!(
                svg_titles(&String::from_utf8(written).unwrap()),
                svg_titles(&String::from_utf8(again).unwrap()),
                "{name}"
            ),
            _ => assert!(
                written == again,
                "{name} differs when exported from report.json"
            ),
        }
    }
    let ops = Pb::decode(&std::fs::read(dir.join("ops.pb")).unwrap()[..]).unwrap();
    let pb = Pb::decode(&exported(&report, Format::Pprof, Metric::Time)[..]).unwrap();
    let types = vec![
        ("wall".to_string(), "nanoseconds".to_string()),
        ("alloc_space".to_string(), "bytes".to_string()),
        ("alloc_objects".to_string(), "count".to_string()),
        ("inuse_space".to_string(), "bytes".to_string()),
        ("inuse_objects".to_string(), "count".to_string()),
    ];
    assert_eq!(sample_types(&pb), types);
    assert_eq!(sample_types(&ops), types);
    // A sample's stack is leaf first: set[float64] <- loop <- outer.
    let names: Vec<Vec<&str>> = pb
        .sample
        .iter()
        .map(|s| {
            s.location_id
                .iter()
                .map(|&l| {
                    let f = pb.function.iter().find(|f| f.id == l).unwrap();
                    pb.string_table[f.name as usize].as_str()
                })
                .collect()
        })
        .collect();
    assert!(
        names.contains(&vec!["set[float64]", "loop", "outer"]),
        "{names:?}"
    );
    let folded = String::from_utf8(exported(&report, Format::Folded, Metric::Allocations)).unwrap();
    assert!(
        folded.contains("outer;vectorized;square[float64] 1\n"),
        "{folded}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn version_2_reports_load_export_and_advise() {
    let text = std::fs::read_to_string("tests/data/report_v2.json").unwrap();
    assert!(text.contains("\"schema_version\": 2"));
    let r = Report::from_json(&text).unwrap();
    assert_eq!(r.schema_version, ndprof::report::json::SCHEMA_VERSION);
    assert!(!r.records.is_empty());
    let mut kinds = 0;
    for (i, rec) in r.records.iter().enumerate() {
        assert!(rec.parent.is_none_or(|p| p < i));
        if rec.kind == LabelKind::Op {
            kinds += 1;
            assert!(rec.class.is_some(), "{}", rec.name);
        }
    }
    assert!(kinds > 0);
    // Paths come back as the version-2 file wrote them.
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for (old, rec) in v["records"].as_array().unwrap().iter().zip(0..) {
        let path: Vec<String> = serde_json::from_value(old["path"].clone()).unwrap();
        let found = r.record(&path).unwrap();
        assert_eq!(
            found.calls,
            old["calls"].as_u64().unwrap(),
            "{path:?} ({rec})"
        );
    }
    let sets = r
        .records
        .iter()
        .filter(|x| x.class == Some(OpClass::ScalarWrite))
        .count();
    assert!(sets > 0, "set ops get their class from the name");
    for format in Format::ALL {
        for metric in Metric::ALL {
            assert!(!exported(&r, format, metric).is_empty());
        }
    }
    let again =
        Report::from_json(&String::from_utf8(exported(&r, Format::Json, Metric::Time)).unwrap())
            .unwrap();
    assert_eq!(again, r);
    let _ = advise(&r, &AdviceOptions::default());
}

#[test]
fn the_cli_exports_every_format_and_rejects_unknown_ones() {
    let dir = tmp("cli");
    let bin = env!("CARGO_BIN_EXE_ndprof");
    for format in [
        "json",
        "folded",
        "svg",
        "text",
        "pprof",
        "dhat",
        "trace",
        "heap-timeline",
    ] {
        let out = dir.join(format!("out.{format}"));
        let o = Command::new(bin)
            .args([
                "export",
                "tests/data/report_v2.json",
                "--format",
                format,
                "--metric",
                "time",
                "-o",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(std::fs::metadata(&out).unwrap().len() > 0);
    }
    let o = Command::new(bin)
        .args([
            "export",
            "tests/data/report_v2.json",
            "--format",
            "gif",
            "-o",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown format 'gif'"));
    std::fs::remove_dir_all(&dir).unwrap();
}
