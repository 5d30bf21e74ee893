//! The session in time: `trace.json` (Chrome trace events) and
//! `heap-timeline.svg`, drawn from the timer samples that `report.json`
//! keeps; both rebuilt from a saved report, and bad timeline indices in a
//! saved report refused.

use ndprof::report::export::{export, Format};
use ndprof::report::{Metric, Report};
use ndprof::{profile, Array, DType, Session};
use serde_json::Value;

fn spin_ms(ms: u128) {
    let t = std::time::Instant::now();
    while t.elapsed().as_millis() < ms {}
}

fn exported(r: &Report, f: Format) -> String {
    let mut out = Vec::new();
    export(r, f, Metric::Time, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn trace_and_heap_timeline_show_the_scopes_in_time() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(1000).start().unwrap();
    profile!("first", { spin_ms(60) });
    profile!("second", {
        let _big = Array::zeros(&[1 << 20], DType::Float64).unwrap();
        profile!("inner", { spin_ms(60) });
    });
    let profile = session.finish().unwrap();
    let report = profile.report();
    assert!(!report.timeline.is_empty());
    assert!(report.timeline.len() <= ndprof::profiler::MAX_TIMELINE_POINTS);
    assert!(report.timeline.windows(2).all(|w| w[0].t_ns <= w[1].t_ns));
    // 8 MiB live while `second` runs.
    let second = report
        .records
        .iter()
        .position(|r| r.name == "second")
        .unwrap();
    let inner = report
        .records
        .iter()
        .position(|r| r.name == "inner")
        .unwrap();
    assert!(report
        .timeline
        .iter()
        .filter(|p| p.record == Some(inner))
        .all(|p| p.live_bytes >= 8 << 20));

    let v: Value = serde_json::from_str(&exported(&report, Format::Trace)).unwrap();
    let events = v["traceEvents"].as_array().unwrap();
    let spans: Vec<&Value> = events.iter().filter(|e| e["ph"] == "X").collect();
    for e in &spans {
        for f in ["name", "ts", "dur", "pid", "tid"] {
            assert!(e.get(f).is_some(), "span without {f}: {e}");
        }
    }
    let span = |name: &str| {
        spans.iter().find(|e| e["name"] == name).map(|e| {
            (
                e["ts"].as_f64().unwrap(),
                e["dur"].as_f64().unwrap(),
                e["tid"].clone(),
            )
        })
    };
    let (f_ts, f_dur, f_tid) = span("first").expect("a span for first");
    let (s_ts, s_dur, _) = span("second").expect("a span for second");
    let (i_ts, i_dur, i_tid) = span("inner").expect("a span for inner");
    assert_eq!(f_tid, i_tid);
    // In order, nested, about as long as they ran (sampled at 1 ms: +-10 ms).
    assert!(f_ts < s_ts && s_ts <= i_ts && i_ts + i_dur <= s_ts + s_dur + 1e-6);
    assert!((20_000.0..250_000.0).contains(&f_dur), "first: {f_dur} us");
    assert!((20_000.0..250_000.0).contains(&i_dur), "inner: {i_dur} us");
    assert!(
        events.iter().any(|e| e["ph"] == "C"),
        "a heap counter track"
    );
    assert_nested(&spans);
    assert!(v["otherData"]["timing"]
        .as_str()
        .unwrap()
        .contains("sampled"));

    let svg = exported(&report, Format::HeapTimeline);
    assert!(svg.contains("<polyline") && svg.contains(">second<") && svg.contains(">first<"));
    assert!(svg.contains("peak") && svg.contains("(exact)"));

    // Rebuilt from a saved report.json, the same.
    let dir = std::env::temp_dir().join(format!("ndprof-timeline-{}", std::process::id()));
    profile.write_all(&dir).unwrap();
    let saved = Report::load(dir.join("report.json")).unwrap();
    assert_eq!(saved.timeline, report.timeline);
    assert_eq!(
        std::fs::read_to_string(dir.join("trace.json")).unwrap(),
        exported(&saved, Format::Trace)
    );
    // A timeline point naming a record that does not exist is refused.
    let text = std::fs::read_to_string(dir.join("report.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["timeline"][0]["record"] = Value::from(1_000_000u64);
    let bad = dir.join("bad.json");
    std::fs::write(&bad, serde_json::to_string(&v).unwrap()).unwrap();
    let e = Report::load(&bad).unwrap_err();
    assert!(e.to_string().contains("timeline point 0"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
    let _ = second;
}

#[test]
fn reports_without_the_sampler_have_no_timeline_and_say_so() {
    let _l = ndprof::testing::lock();
    let session = Session::builder()
        .mode(ndprof::profiler::Mode::Instrumented)
        .cpu_hz(0)
        .start()
        .unwrap();
    profile!("work", { spin_ms(5) });
    let report = session.finish().unwrap().report();
    assert!(report.timeline.is_empty());
    let v: Value = serde_json::from_str(&exported(&report, Format::Trace)).unwrap();
    assert!(v["otherData"]["timing"]
        .as_str()
        .unwrap()
        .contains("no timer samples"));
    assert!(exported(&report, Format::HeapTimeline).contains("no timer samples"));
}

/// On each thread, spans nest exactly as a viewer replays them (speedscope
/// turns each into begin/end and refuses an end that is not the innermost
/// open span's): sorted by start (longer first), each span starts at or
/// after the end of every open span it is not inside.
fn assert_nested(spans: &[&Value]) {
    let mut by_tid: std::collections::BTreeMap<String, Vec<(f64, f64, String)>> =
        Default::default();
    for e in spans {
        let (ts, dur) = (e["ts"].as_f64().unwrap(), e["dur"].as_f64().unwrap());
        by_tid
            .entry(e["tid"].to_string())
            .or_default()
            .push((ts, ts + dur, e["name"].to_string()));
    }
    for (tid, mut v) in by_tid {
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
        let mut open: Vec<(f64, f64, String)> = Vec::new();
        for s in v {
            while open.last().is_some_and(|o| o.1 <= s.0) {
                open.pop();
            }
            if let Some(o) = open.last() {
                assert!(
                    s.1 <= o.1,
                    "thread {tid}: {} [{}, {}] overlaps the end of {} [{}, {}]",
                    s.2,
                    s.0,
                    s.1,
                    o.2,
                    o.0,
                    o.1
                );
            }
            open.push(s);
        }
    }
}

#[test]
fn trace_spans_nest_exactly_through_many_transitions() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(1000).start().unwrap();
    let t = std::time::Instant::now();
    while t.elapsed().as_millis() < 300 {
        profile!("outer", {
            profile!("a", { spin_us(700) });
            profile!("b", { spin_us(1300) });
        });
    }
    let report = session.finish().unwrap().report();
    let v: Value = serde_json::from_str(&exported(&report, Format::Trace)).unwrap();
    let spans: Vec<&Value> = v["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ph"] == "X")
        .collect();
    assert!(spans.len() > 20, "{} spans", spans.len());
    assert_nested(&spans);
}

fn spin_us(us: u128) {
    let t = std::time::Instant::now();
    while t.elapsed().as_micros() < us {}
}
