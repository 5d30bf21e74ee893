//! Outputs: SVGs are well-formed XML holding the frames and totals expected,
//! report.json round-trips and rejects newer schemas, write errors name the
//! path. Sessions are process-wide: each test holds the profiler test lock.

use ndprof::report::{json::schema, svg, Metric, Report};
use ndprof::{profile, Array, DType, ErrorKind, Mode, Profile, Session};
use std::path::PathBuf;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ndprof-out-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn sample_profile() -> Profile {
    let session = Session::builder()
        .mode(Mode::Instrumented)
        .heap(true)
        .label("dtype", "float64")
        .start()
        .unwrap();
    let x = Array::ones(&[1000], DType::Float64).unwrap();
    profile!("vectorized", {
        let _ = x.square().unwrap();
    });
    profile!("loop", {
        let mut out = Array::zeros(&[1000], DType::Float64).unwrap();
        for i in 0..1000 {
            let v = x.get(&[i]).unwrap();
            out.set(&[i], v * v).unwrap();
        }
    });
    session.finish().unwrap()
}

/// The `<title>` texts of an SVG, which inferno fills with "frame (count unit, share)".
fn titles(svg_text: &str) -> Vec<String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(svg_text, opts).expect("well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "title")
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

#[test]
fn write_all_writes_every_file_and_svgs_hold_the_frames() {
    let _l = ndprof::testing::lock();
    let p = sample_profile();
    let dir = tmp("all");
    p.write_all(&dir).unwrap();
    for f in [
        "time.svg",
        "heap.svg",
        "allocs.svg",
        "time.folded",
        "heap.folded",
        "allocs.folded",
        "report.json",
        "ops.txt",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let heap = titles(&std::fs::read_to_string(dir.join("heap.svg")).unwrap());
    assert!(
        heap.iter()
            .any(|t| t.starts_with("vectorized;") || t.starts_with("square[float64] (8,000 bytes")),
        "{heap:?}"
    );
    assert!(
        heap.iter()
            .any(|t| t.starts_with("zeros[float64] (8,000 bytes")),
        "{heap:?}"
    );
    let allocs = titles(&std::fs::read_to_string(dir.join("allocs.svg")).unwrap());
    assert!(
        allocs.iter().any(|t| t.starts_with("all (3 allocations")),
        "ones, square, zeros: {allocs:?}"
    );
    let time = titles(&std::fs::read_to_string(dir.join("time.svg")).unwrap());
    // `set` (~11 ns a call here after the calibrated cost is subtracted),
    // not `get`: a `get` costs ~1-2 ns, within the calibration's noise, and
    // a frame whose corrected time is 0 is left out of the graph.
    assert!(
        time.iter().any(|t| t.starts_with("set[float64] (")),
        "{time:?}"
    );
    assert!(time.iter().any(|t| t.starts_with("loop (")), "{time:?}");
    let table = std::fs::read_to_string(dir.join("ops.txt")).unwrap();
    assert!(table.contains("loop;get[float64]"));
    let leftovers = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp-")
        })
        .count();
    assert_eq!(leftovers, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_json_round_trips_and_matches_the_schema() {
    let _l = ndprof::testing::lock();
    let p = sample_profile();
    let dir = tmp("json");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.json");
    p.write_json(&path).unwrap();
    let back = Report::load(&path).unwrap();
    assert_eq!(back, p.report_with_advice());
    assert_eq!(back.schema_version, ndprof::report::json::SCHEMA_VERSION);
    assert_eq!(
        back.meta.labels.get("dtype").map(String::as_str),
        Some("float64")
    );
    assert_eq!(back.heap.source, "buffers");
    assert_eq!(back.heap.allocations, 3);
    assert_eq!(back.heap.peak_bytes, 16_000);
    let get = back.record(&["loop", "get[float64]"]).unwrap();
    assert_eq!((get.kind, get.calls), (ndprof::trace::LabelKind::Op, 1000));
    assert_eq!(get.class, Some(ndprof::trace::OpClass::ScalarRead));

    // Every field the schema requires is present in what we write.
    let schema: serde_json::Value = serde_json::from_str(&schema()).unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let required = |v: &serde_json::Value| -> Vec<String> {
        v["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    for key in required(&schema) {
        assert!(written.get(&key).is_some(), "{key}");
    }
    for key in required(&schema["properties"]["records"]["items"]) {
        assert!(written["records"][0].get(&key).is_some(), "records[].{key}");
    }
    for key in required(&schema["properties"]["heap"]) {
        assert!(written["heap"].get(&key).is_some(), "heap.{key}");
    }

    let newer = std::fs::read_to_string(&path).unwrap().replacen(
        "\"schema_version\": 3",
        "\"schema_version\": 4",
        1,
    );
    // A schema 1 report (full paths, no max_elements, classes or advice) still reads.
    let mut old: serde_json::Value = written.clone();
    old["schema_version"] = 1.into();
    for (i, r) in old["records"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        let r = r.as_object_mut().unwrap();
        r.remove("max_elements");
        r.remove("parent");
        r.remove("class");
        r.insert("path".into(), serde_json::json!(back.path(i)));
        r.entry("dtype").or_insert("".into());
    }
    for c in old["heap"]["peak_contributors"].as_array_mut().unwrap() {
        let path = c["record"]
            .as_u64()
            .map_or(vec![], |i| back.path(i as usize));
        c["path"] = serde_json::json!(path);
    }
    old.as_object_mut().unwrap().remove("advice");
    let old = Report::from_json(&old.to_string()).unwrap();
    assert_eq!(old.records.len(), back.records.len());
    for (a, b) in old.records.iter().zip(&back.records) {
        assert_eq!(
            (a.parent, &a.name, a.class, a.calls),
            (b.parent, &b.name, b.class, b.calls)
        );
    }
    // Version 2 kept no block counts.
    let held = |r: &Report| -> Vec<(Option<usize>, u64)> {
        r.heap
            .peak_contributors
            .iter()
            .map(|c| (c.record, c.bytes))
            .collect()
    };
    assert_eq!(held(&old), held(&back));
    let e = Report::from_json(&newer).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Format);
    assert!(e.to_string().contains("newer"), "{e}");
    assert_eq!(
        Report::from_json("{}").unwrap_err().kind(),
        ErrorKind::Format
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn empty_graphs_are_valid_svgs_that_say_so() {
    let _l = ndprof::testing::lock();
    let p = Session::builder().start().unwrap().finish().unwrap();
    let text = p.flamegraph_svg(Metric::Bytes).unwrap();
    assert!(titles(&text).is_empty() && text.contains("no data"));
    let diff = svg::differential("a;b 10\na;c 5\n", "a;b 4\na;d 7\n", "diff", "ns").unwrap();
    let t = titles(&diff);
    assert!(t.iter().any(|x| x.starts_with("b (")), "{t:?}");
}

#[test]
fn an_output_dir_under_a_regular_file_is_an_io_error_naming_it() {
    let _l = ndprof::testing::lock();
    let p = Session::builder().start().unwrap().finish().unwrap();
    let dir = tmp("file");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let target = file.join("out");
    let e = p.write_all(&target).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("not-a-dir"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The fill colour of the frame whose title starts with `name (`.
fn fill_of(svg: &str, name: &str) -> Option<(u8, u8, u8)> {
    let at = svg.find(&format!("<title>{name} ("))?;
    let rest = &svg[at..];
    let end = rest.find("</g>")?;
    let fill = rest[..end].split("fill=\"rgb(").nth(1)?;
    let mut parts = fill
        .split(')')
        .next()?
        .split(',')
        .map(|v| v.trim().parse::<u8>());
    Some((
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    ))
}

#[test]
fn differential_flamegraphs_are_blue_where_b_has_less_and_red_where_it_has_more() {
    // B: `b` shrank from 10 to 4, `d` grew from 0 to 7, `e` unchanged.
    let diff = svg::differential(
        "a;b 10\na;c 5\na;e 3\n",
        "a;b 4\na;c 5\na;d 7\na;e 3\n",
        "diff",
        "ns",
    )
    .unwrap();
    let (r, g, b) = fill_of(&diff, "b").expect("frame b");
    assert!(
        b == 255 && r < 255 && g < 255,
        "b shrank: blue, got rgb({r},{g},{b})"
    );
    let (r, g, b) = fill_of(&diff, "d").expect("frame d");
    assert!(
        r == 255 && g < 255 && b < 255,
        "d grew: red, got rgb({r},{g},{b})"
    );
    let (r, g, b) = fill_of(&diff, "e").expect("frame e");
    assert!(r == g && g == b, "e unchanged: grey, got rgb({r},{g},{b})");
    let t = titles(&diff);
    let title = |n: &str| t.iter().find(|x| x.starts_with(&format!("{n} ("))).cloned();
    assert!(title("b").is_some_and(|x| x.contains("; -")), "{t:?}");
    assert!(title("d").is_some_and(|x| x.contains("; +")), "{t:?}");
}

#[test]
fn the_compare_table_lines_up_every_column() {
    let _l = ndprof::testing::lock();
    let run = |n: usize| {
        let s = Session::builder().start().unwrap();
        ndprof::profile!("a rather long scope name", {
            let _x = ndprof::Array::zeros(&[n], ndprof::DType::Float64).unwrap();
        });
        s.finish().unwrap().report()
    };
    let (a, b) = (run(10), run(1_000_000));
    let text = ndprof::report::Comparison::new(&a, &b).to_text();
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("time A"))
        .collect();
    assert!(lines.len() >= 3, "{text}");
    // Every column ends where the header's ends: the path column starts at
    // the same offset on every line.
    let path_at = |l: &str| l.find("  a rather").or_else(|| l.find("  path"));
    let at: Vec<Option<usize>> = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| path_at(l))
        .collect();
    assert!(at.iter().all(|p| p.is_some() && *p == at[0]), "{text}");
}
