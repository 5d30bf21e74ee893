//! `trace.json`: a report's timeline in the Chrome trace event format, which
//! Perfetto (ui.perfetto.dev), `chrome://tracing` and speedscope open.
//!
//! Drawn from the timer samples ([`Report::timeline`]): on each thread a
//! scope or op is a complete event (`"ph": "X"`) from the first sample that
//! finds the thread inside it to the first that finds it outside (the last
//! one ends a sample period after the thread's last sample). Spans are
//! therefore sampled: their edges are good to one period (4 ms at 250 Hz),
//! and a scope shorter than that may not show at all; `otherData` says so.
//! Times are whole microseconds, so events on a thread nest exactly (as
//! speedscope requires). The live heap bytes are a counter track (`"ph": "C"`). Bounded: at most
//! [`MAX_TRACE_EVENTS`] complete events (the rest are counted in
//! `otherData.dropped_spans`).
//!
//! ```
//! let session = ndprof::Session::builder().cpu_hz(1000).start()?;
//! ndprof::profile!("spin", { let t = std::time::Instant::now(); while t.elapsed().as_millis() < 30 {} });
//! let report = session.finish()?.report();
//! let mut out = Vec::new();
//! ndprof::report::trace::write_trace(&report, &mut out)?;
//! let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! let spans: Vec<_> = v["traceEvents"].as_array().unwrap().iter().filter(|e| e["ph"] == "X").collect();
//! assert!(spans.iter().any(|e| e["name"] == "spin" && e["dur"].as_f64().unwrap() > 0.0));
//! # Ok::<(), ndprof::Error>(())
//! ```

use super::model::Report;
use crate::error::{Error, ErrorKind, Result};
use crate::trace::LabelKind;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;

/// The most complete events a trace holds.
pub const MAX_TRACE_EVENTS: usize = 200_000;

/// Writes `report`'s timeline as Chrome trace JSON.
///
/// # Errors
/// [`Io`](ErrorKind::Io) from `w`.
pub fn write_trace(report: &Report, w: &mut dyn Write) -> Result<()> {
    let io =
        |e: std::fmt::Arguments<'_>| Error::new(ErrorKind::Io, format!("writing trace.json: {e}"));
    serde_json::to_writer(&mut *w, &trace(report)).map_err(|e| io(format_args!("{e}")))?;
    w.write_all(b"\n").map_err(|e| io(format_args!("{e}")))
}

/// The ancestors of record `i`, top level first (stops at a bad link).
fn path_of(report: &Report, i: usize) -> Vec<usize> {
    let mut path = Vec::new();
    let mut at = Some(i);
    while let Some(k) =
        at.filter(|&k| k < report.records.len() && path.len() <= report.records.len())
    {
        path.push(k);
        at = report.records[k].parent.filter(|&p| p < k);
    }
    path.reverse();
    path
}

fn trace(report: &Report) -> Value {
    let period_us = report.meta.timing.sample_period_ns as f64 / 1e3;
    // Whole microseconds (spans are good to a sample period anyway): a
    // child's ts + dur then equals its sibling's ts exactly in a viewer's
    // floating point, so spans nest without overlapping by a rounding error.
    let us = |ns: f64| (ns / 1e3).round().max(0.0) as u64;
    let mut events: Vec<Value> = Vec::new();
    let mut dropped = 0u64;
    let name = report.meta.session_name();
    events.push(
        json!({"name": "process_name", "ph": "M", "pid": 1, "tid": 0, "args": {"name": name}}),
    );
    let mut by_thread: BTreeMap<u32, Vec<(f64, Option<usize>)>> = BTreeMap::new();
    for p in &report.timeline {
        by_thread.entry(p.tid).or_default().push((p.t_ns, p.record));
    }
    let mut spans = 0usize;
    for (tid, points) in &by_thread {
        events.push(
            json!({"name": "thread_name", "ph": "M", "pid": 1, "tid": tid,
            "args": {"name": format!("thread {tid}")}}),
        );
        let mut open: Vec<(usize, f64)> = Vec::new();
        let mut close =
            |open: &mut Vec<(usize, f64)>, keep: usize, end: f64, events: &mut Vec<Value>| {
                while open.len() > keep {
                    let Some((rec, start)) = open.pop() else {
                        break;
                    };
                    if spans >= MAX_TRACE_EVENTS {
                        dropped += 1;
                        continue;
                    }
                    spans += 1;
                    let r = &report.records[rec];
                    let cat = match r.kind {
                        LabelKind::Scope => "scope",
                        LabelKind::Op => "op",
                    };
                    let frame = match r.kind {
                        LabelKind::Scope => r.name.clone(),
                        LabelKind::Op => format!("{}[{}]", r.name, r.dtype),
                    };
                    events.push(
                        json!({"name": frame, "cat": cat, "ph": "X", "pid": 1, "tid": tid,
                    "ts": us(start), "dur": us(end).saturating_sub(us(start))}),
                    );
                }
            };
        for &(t, record) in points {
            let path = record.map_or_else(Vec::new, |r| path_of(report, r));
            let common = open
                .iter()
                .zip(&path)
                .take_while(|((a, _), b)| a == *b)
                .count();
            close(&mut open, common, t, &mut events);
            for &rec in &path[common..] {
                open.push((rec, t));
            }
        }
        let end = points.last().map_or(0.0, |p| p.0) + period_us * 1e3;
        close(&mut open, 0, end, &mut events);
    }
    for p in &report.timeline {
        events.push(
            json!({"name": "live heap bytes", "ph": "C", "pid": 1, "tid": 0,
            "ts": us(p.t_ns), "args": {"bytes": p.live_bytes}}),
        );
    }
    json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {
            "source": format!("ndprof {}", report.meta.ndprof_version),
            "timing": if report.timeline.is_empty() {
                "no timer samples in this report (the sampler off, or a merged report): no spans".to_string()
            } else {
                format!("sampled: spans run from the first timer sample inside a scope or op to the first outside, every {:.3} ms on average; shorter spans may not show", period_us / 1e3)
            },
            "samples": report.timeline.len(),
            "spans": spans,
            "dropped_spans": dropped,
        }
    })
}
