//! The quick tour, end to end: every file it writes parses (SVGs are
//! well-formed and hold the expected frames, JSON is valid, protobufs
//! decode), the int32 heap peak is about half the int64 one, and the advice
//! of each case is there. Its own file: it installs `alloc::Tracking` as the
//! global allocator (as the `ndprof` binary does) and runs sessions.

use ndprof::report::json::Report;
use ndprof::tour::{self, Size, TourConfig};
use std::path::{Path, PathBuf};

#[global_allocator]
static ALLOC: ndprof::alloc::Tracking<mimalloc::MiMalloc> =
    ndprof::alloc::Tracking::new(mimalloc::MiMalloc);

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ndprof-tour-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The `<title>` texts of an SVG (inferno: "frame (count unit, share)").
fn svg_titles(text: &str, path: &Path) -> Vec<String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts)
        .unwrap_or_else(|e| panic!("{}: not well-formed XML: {e}", path.display()));
    assert_eq!(
        doc.root_element().tag_name().name(),
        "svg",
        "{}",
        path.display()
    );
    doc.descendants()
        .filter(|n| n.tag_name().name() == "title")
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn has_frame(titles: &[String], frame: &str) -> bool {
    titles.iter().any(|t| t.starts_with(&format!("{frame} (")))
}

#[test]
fn quick_tour_writes_files_that_parse_with_the_expected_content() {
    let _l = ndprof::testing::lock();
    let out = tmp("quick");
    let cfg = TourConfig {
        size: Size::Quick,
        out: out.clone(),
    };
    let mut steps = Vec::new();
    let result = tour::run(&cfg, &mut |s, t, what| steps.push((s, t, what.to_string()))).unwrap();
    assert_eq!(steps.first().map(|s| s.0), Some(0));
    assert_eq!(
        steps.last().map(|s| (s.0 == s.1, s.2.as_str())),
        Some((true, "done"))
    );

    // Every file parses by its kind.
    let all = files(&out);
    let (mut svgs, mut jsons, mut pbs) = (0, 0, 0);
    for f in &all {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        assert!(!name.contains(".tmp"), "leftover temporary {}", f.display());
        let ext = f.extension().map(|e| e.to_string_lossy().to_string());
        match ext.as_deref() {
            Some("svg") => {
                svg_titles(&std::fs::read_to_string(f).unwrap(), f);
                svgs += 1;
            }
            Some("json") => {
                let text = std::fs::read_to_string(f).unwrap();
                let v: serde_json::Value =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                match name.as_str() {
                    "tour.json" => {
                        assert!(v["rows"].as_array().is_some_and(|r| r.len() >= 18))
                    }
                    "trace.json" => assert!(v["traceEvents"].is_array(), "{}", f.display()),
                    "dhat-heap.json" => assert_eq!(v["dhatFileVersion"], 2, "{}", f.display()),
                    _ => {
                        Report::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                    }
                }
                jsons += 1;
            }
            Some("pb") => {
                #[cfg(feature = "cpu")]
                {
                    use pprof::protos::Message;
                    let pb = pprof::protos::Profile::decode(&std::fs::read(f).unwrap()[..])
                        .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                    if name == "ops.pb" {
                        assert!(!pb.sample.is_empty(), "{}", f.display());
                    }
                }
                pbs += 1;
            }
            Some("folded") => {
                for line in std::fs::read_to_string(f).unwrap().lines() {
                    let (stack, count) = line.rsplit_once(' ').unwrap();
                    assert!(!stack.is_empty() && count.parse::<u64>().is_ok(), "{line}");
                }
            }
            _ => {}
        }
    }
    // 8 profiles x (time, heap, allocs [, cpu]) + 2 diffs + 3 combined.
    assert!(svgs >= 8 * 3 + 5, "{svgs} SVGs");
    assert!(
        jsons >= 13,
        "{jsons} JSON files: 8 reports, 4 heap reports, tour.json"
    );
    assert!(pbs >= 8, "{pbs} protobufs");

    // Flamegraphs hold the variants.
    let read = |rel: &str| {
        let p = out.join(rel);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{rel}: {e}"));
        svg_titles(&text, &p)
    };
    let loops = read("loop-vs-vectorized.svg");
    for frame in [
        "vectorize",
        "builtins",
        "per-element loop (get/set)",
        "vectorized square (all threads)",
        "get[float64]",
        "built-in dot",
    ] {
        assert!(
            has_frame(&loops, frame),
            "loop-vs-vectorized.svg lacks {frame}"
        );
    }
    let growth = read("prealloc-vs-append-bytes.svg");
    for frame in [
        "copying append (np.append loop)",
        "append[float64]",
        "push[float64]",
        "arange",
    ] {
        assert!(
            has_frame(&growth, frame),
            "prealloc-vs-append-bytes.svg lacks {frame}"
        );
    }
    // Sampled time: scopes that run for at least 200 ms each are drawn; a
    // short scope (`diagnostics`) may get no sample, so it is checked in the
    // allocation counts, which are exact.
    let sim = read("simulation/time.svg");
    for frame in [
        "naive (get/set loops)",
        "stencil",
        "typed kernel (compiled)",
    ] {
        assert!(has_frame(&sim, frame), "simulation/time.svg lacks {frame}");
    }
    let sim_allocs = read("simulation/allocs.svg");
    assert!(
        has_frame(&sim_allocs, "diagnostics"),
        "simulation/allocs.svg lacks diagnostics"
    );

    // Heap per dtype: int32 holds about half of int64 at the peak.
    let int32 = Report::load(out.join("heap-int32.json")).unwrap();
    let int64 = Report::load(out.join("heap-int64.json")).unwrap();
    assert_eq!(int32.heap.source, "global");
    let ratio = int32.heap.peak_bytes as f64 / int64.heap.peak_bytes as f64;
    assert!(
        (0.4..=0.65).contains(&ratio),
        "int32/int64 peak ratio {ratio}"
    );
    let f32r = Report::load(out.join("heap-float32.json")).unwrap();
    let f64r = Report::load(out.join("heap-float64.json")).unwrap();
    let ratio = f32r.heap.peak_bytes as f64 / f64r.heap.peak_bytes as f64;
    assert!(
        (0.4..=0.65).contains(&ratio),
        "float32/float64 peak ratio {ratio}"
    );
    let cmp = std::fs::read_to_string(out.join("heap-int64-vs-int32.txt")).unwrap();
    assert!(cmp.contains("peak bytes"), "{cmp}");
    // int32 (B) allocates about half of int64's (A) bytes: the differential
    // graph is blue (less in B), its percentages negative.
    let diff = std::fs::read_to_string(out.join("heap-int64-vs-int32.svg")).unwrap();
    let fills: Vec<(u32, u32, u32)> = diff
        .split("fill=\"rgb(")
        .skip(1)
        .filter_map(|f| {
            let v: Vec<u32> = f
                .split(')')
                .next()?
                .split(',')
                .filter_map(|x| x.trim().parse().ok())
                .collect();
            (v.len() == 3).then(|| (v[0], v[1], v[2]))
        })
        .collect();
    let blue = fills.iter().filter(|c| c.2 == 255 && c.0 < 255).count();
    let red = fills.iter().filter(|c| c.0 == 255 && c.2 < 255).count();
    assert!(blue > 0 && red == 0, "blue {blue}, red {red} frames");
    let diff_titles = svg_titles(&diff, &out.join("heap-int64-vs-int32.svg"));
    assert!(
        diff_titles.iter().any(|t| t.contains("; -")),
        "{diff_titles:?}"
    );
    assert!(
        !diff_titles.iter().any(|t| t.contains("; +")),
        "{diff_titles:?}"
    );
    // Ops pair up across dtypes, with half the bytes at int32.
    let add = cmp
        .lines()
        .find(|l| l.ends_with("particles;hop;add[int64|int32]"))
        .unwrap();
    assert!(add.contains("0.500x"), "{add}");

    // The summary and the advice.
    let summary = std::fs::read_to_string(out.join("summary.txt")).unwrap();
    assert_eq!(summary, result.summary_text());
    for rule in [
        "scalar-loop",
        "manual-reduction",
        "append-growth",
        "dtype-downsize",
        "temporaries",
    ] {
        assert!(
            summary
                .lines()
                .any(|l| l.starts_with(&format!("advice[{rule}]: "))),
            "no {rule} advice in\n{summary}"
        );
    }
    // The int64 run gets the dtype advice; the int32 run (values need 20 bits) does not.
    let dtype_advice: Vec<_> = result
        .advice
        .iter()
        .filter(|a| a.rule == "dtype-downsize")
        .collect();
    assert!(dtype_advice
        .iter()
        .any(|a| a.path[0] == "dtypes/int64" && a.message.contains("int32")));
    assert!(!dtype_advice.iter().any(|a| a.path[0] == "dtypes/int32"));
    // Extrapolated rows say how.
    let ext: Vec<_> = result.rows.iter().filter(|r| r.fit.is_some()).collect();
    assert_eq!(ext.len(), 2, "{:?}", result.rows);
    assert!(summary.contains("extrapolated") && summary.contains("n^2"));
    // Speedups are relative to the slowest of each group.
    for r in &result.rows {
        assert!(r.speedup >= 1.0 && r.time_ns > 0.0, "{r:?}");
        // Each variant is repeated: at least 5 timed runs, shown as median and range.
        assert!(r.runs >= ndprof::tour::MIN_RUNS, "{r:?}");
        assert!(
            r.time_min_ns <= r.time_ns && r.time_ns <= r.time_max_ns,
            "{r:?}"
        );
        assert!(
            r.speedup_min <= r.speedup && r.speedup <= r.speedup_max,
            "{r:?}"
        );
        assert_eq!(r.noisy, r.spread > ndprof::tour::NOISY_SPREAD, "{r:?}");
    }
    let tour_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("tour.json")).unwrap()).unwrap();
    assert!(tour_json["rows"][0]["time_min_ns"].is_number());
    assert!(tour_json["rows"][0]["runs"].as_u64().unwrap() >= 5);
    assert!(summary.contains("min-max"));

    // index.html embeds every SVG as its own document and needs no network.
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let frames = html.matches("<iframe").count();
    assert!(frames >= 8 * 3 + 5, "{frames} frames");
    assert_eq!(frames, html.matches("srcdoc=\"").count());
    assert!(!html.contains("http://") || !html.contains("src=\"http"));
    // Charts drawn inline (one per comparison, plus the dtype panels) and
    // the advice as cards.
    assert!(
        html.contains("heap over time: int32 vs int64"),
        "dtype runs overlaid"
    );
    let charts = html.matches("<figure class=\"chart\">").count();
    assert!(charts >= 8, "{charts} charts");
    assert!(html.contains("<polyline") || html.contains("<rect"));
    assert_eq!(
        html.matches("<div class=\"card\">").count(),
        result.advice.len()
    );
    assert!(!html.contains("<script src"));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn workloads_run_every_variant_a_fixed_number_of_times() {
    // Off and Full must do the same work for the overhead to mean anything.
    let _l = ndprof::testing::lock();
    let runs = tour::run_cases(tour::Size::Quick, tour::Profiling::Off).unwrap();
    assert_eq!(runs.len(), tour::CASE_NAMES.len());
    for run in &runs {
        assert!(run.profiles.is_empty(), "no session when Off");
        assert!(!run.timings.is_empty(), "{}", run.case);
        for t in &run.timings {
            assert_eq!(t.runs_ns.len(), tour::MIN_RUNS, "{} {:?}", run.case, t.path);
        }
    }
}
