//! The tour page's charts, as inline SVG (nothing loaded from elsewhere):
//! per comparison, each variant's median time on a log scale with the
//! min-max of its runs and its speedup written on it; per dtype pair, time,
//! bytes allocated and peak bytes side by side. Hand-written (rectangles,
//! lines and text): a plotting crate would add a font stack for this much.

use super::rows::{time, Row};
use crate::alloc::human_bytes;
use crate::report::html::escape;
use std::fmt::Write as _;

const WIDTH: f64 = 1200.0;
const LABEL_W: f64 = 330.0;
const BAR_H: f64 = 20.0;
const ROW_H: f64 = 30.0;

/// The variants of one comparison as horizontal bars, log time scale.
pub(crate) fn time_bars(group: &str, rows: &[&Row]) -> String {
    let lo = rows
        .iter()
        .map(|r| r.time_min_ns.min(r.time_ns))
        .filter(|t| *t > 0.0)
        .fold(f64::INFINITY, f64::min);
    let hi = rows
        .iter()
        .map(|r| r.time_max_ns.max(r.time_ns))
        .fold(0.0, f64::max);
    if rows.is_empty() || !lo.is_finite() || hi <= 0.0 {
        return String::new();
    }
    let (l0, l1) = ((lo / 2.0).log10(), (hi * 2.0).log10());
    let plot_w = WIDTH - LABEL_W - 300.0;
    let x = |t: f64| LABEL_W + (t.max(lo / 2.0).log10() - l0) / (l1 - l0).max(1e-9) * plot_w;
    let height = 40.0 + ROW_H * rows.len() as f64 + 30.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" \
         font-family=\"Verdana, sans-serif\" font-size=\"12\" role=\"img\">\
         <title>{}</title>\
         <text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>\
         <text x=\"{:.0}\" y=\"18\" fill=\"#555\">median wall time per run (log scale), whiskers: fastest-slowest run; speedup over the slowest median</text>",
        escape(group),
        escape(group),
        LABEL_W
    );
    // Decade grid lines.
    let mut d = l0.ceil() as i32;
    while f64::from(d) <= l1 {
        let t = 10f64.powi(d);
        let xx = x(t);
        let _ = write!(
            s,
            "<line x1=\"{xx:.1}\" y1=\"28\" x2=\"{xx:.1}\" y2=\"{:.1}\" stroke=\"#e6e6e6\"/>\
             <text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#777\" font-size=\"10\">{}</text>",
            height - 24.0,
            height - 10.0,
            escape(&time(t))
        );
        d += 1;
    }
    for (i, r) in rows.iter().enumerate() {
        let y = 34.0 + ROW_H * i as f64;
        let (x0, xm) = (LABEL_W, x(r.time_ns));
        let fill = if r.fit.is_some() {
            "#bdbdbd"
        } else {
            "#6baed6"
        };
        let mark = match (r.fit.is_some(), r.noisy) {
            (true, _) => " (extrapolated)",
            (false, true) => " (noisy runs)",
            _ => "",
        };
        let _ = write!(
            s,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{BAR_H}\" fill=\"{fill}\"><title>{}</title></rect>",
            LABEL_W - 8.0,
            y + 14.0,
            escape(&r.variant),
            (xm - x0).max(1.0),
            escape(&format!(
                "{}: median {}, runs {}-{} ({} runs){mark}",
                r.variant,
                time(r.time_ns),
                time(r.time_min_ns),
                time(r.time_max_ns),
                r.runs
            ))
        );
        let (xa, xb, ym) = (x(r.time_min_ns), x(r.time_max_ns), y + BAR_H / 2.0);
        let _ = write!(
            s,
            "<line x1=\"{xa:.1}\" y1=\"{ym:.1}\" x2=\"{xb:.1}\" y2=\"{ym:.1}\" stroke=\"#08306b\"/>\
             <line x1=\"{xa:.1}\" y1=\"{:.1}\" x2=\"{xa:.1}\" y2=\"{:.1}\" stroke=\"#08306b\"/>\
             <line x1=\"{xb:.1}\" y1=\"{:.1}\" x2=\"{xb:.1}\" y2=\"{:.1}\" stroke=\"#08306b\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            ym - 5.0,
            ym + 5.0,
            ym - 5.0,
            ym + 5.0,
            xb.max(xm) + 8.0,
            y + 14.0,
            escape(&format!(
                "{}  {:.1}x ({:.1}-{:.1}x){mark}",
                time(r.time_ns),
                r.speedup,
                r.speedup_min,
                r.speedup_max
            ))
        );
    }
    s.push_str("</svg>\n");
    s
}

/// A panel of the dtype chart: its title, the value of a row, its format.
type Panel<'a> = (
    &'static str,
    Box<dyn Fn(&Row) -> f64 + 'a>,
    fn(f64) -> String,
);

/// One dtype comparison (rows named `... <dtype>`): median time, bytes
/// allocated per run and peak bytes (`peaks`, by dtype) as paired bars.
pub(crate) fn dtype_bars(group: &str, rows: &[&Row], peaks: &[(String, u64)]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let dtype = |r: &Row| r.variant.rsplit(' ').next().unwrap_or("").to_string();
    let metrics: [Panel<'_>; 3] = [
        ("median time per run", Box::new(|r: &Row| r.time_ns), |v| {
            time(v)
        }),
        (
            "bytes allocated per run",
            Box::new(|r: &Row| r.bytes as f64),
            |v| human_bytes(v as u64),
        ),
        (
            "peak bytes (exact)",
            Box::new(|r: &Row| {
                let d = r.variant.rsplit(' ').next().unwrap_or("");
                peaks
                    .iter()
                    .find(|(p, _)| p == d)
                    .map_or(0.0, |(_, b)| *b as f64)
            }),
            |v| human_bytes(v as u64),
        ),
    ];
    let panel_w = (WIDTH - 20.0) / 3.0;
    let height = 50.0 + ROW_H * rows.len() as f64 + 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" \
         font-family=\"Verdana, sans-serif\" font-size=\"12\" role=\"img\"><title>{}</title>\
         <text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        escape(group),
        escape(group)
    );
    let colours = ["#6baed6", "#fd8d3c", "#74c476", "#9e9ac8"];
    for (k, (title, value, fmt)) in metrics.iter().enumerate() {
        let x0 = 10.0 + panel_w * k as f64;
        let max = rows.iter().map(|r| value(r)).fold(0.0, f64::max).max(1.0);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"40\" fill=\"#555\">{}</text>",
            x0,
            escape(title)
        );
        for (i, r) in rows.iter().enumerate() {
            let y = 48.0 + ROW_H * i as f64;
            let v = value(r);
            let w = (v / max) * (panel_w - 170.0);
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>\
                 <rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{BAR_H}\" fill=\"{}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x0,
                y + 14.0,
                escape(&dtype(r)),
                x0 + 60.0,
                w.max(1.0),
                colours[i % colours.len()],
                x0 + 66.0 + w,
                y + 14.0,
                escape(&fmt(v))
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Live heap bytes over time of several runs on one plot (the dtype runs
/// of one program): each run's timer samples as a line, time from its
/// session's start, labelled with its name and exact peak.
pub(crate) fn heap_overlay(title: &str, runs: &[(&str, &crate::report::Report)]) -> String {
    let runs: Vec<&(&str, &crate::report::Report)> = runs
        .iter()
        .filter(|(_, r)| !r.timeline.is_empty())
        .collect();
    if runs.is_empty() {
        return String::new();
    }
    let t_max = runs
        .iter()
        .flat_map(|(_, r)| r.timeline.iter().map(|p| p.t_ns))
        .fold(1.0, f64::max);
    let b_max = runs
        .iter()
        .flat_map(|(_, r)| {
            r.timeline
                .iter()
                .map(|p| p.live_bytes)
                .chain([r.heap.peak_bytes])
        })
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (left, top, plot_w, plot_h) = (100.0, 40.0, WIDTH - 130.0, 220.0);
    let x = |t: f64| left + t / t_max * plot_w;
    let y = |b: f64| top + plot_h - b / b_max * plot_h;
    let height = top + plot_h + 40.0 + 18.0 * runs.len() as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" \
         font-family=\"Verdana, sans-serif\" font-size=\"12\" role=\"img\"><title>{t}</title>\
         <text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{t}</text>\
         <text x=\"{left}\" y=\"32\" fill=\"#555\">live heap bytes at each timer sample (sampled), time from each run's start</text>",
        t = escape(title)
    );
    for k in 0..=4 {
        let b = b_max * f64::from(k) / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#e6e6e6\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"10\">{}</text>",
            left + plot_w,
            left - 6.0,
            y(b) + 4.0,
            escape(&human_bytes(b as u64)),
            yy = y(b)
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"10\">{}</text>",
        left + plot_w,
        top + plot_h + 14.0,
        escape(&time(t_max))
    );
    let colours = ["#2171b5", "#e6550d", "#31a354", "#756bb1"];
    for (i, (name, r)) in runs.iter().enumerate() {
        let c = colours[i % colours.len()];
        let mut pts = format!("{:.1},{:.1}", x(0.0), y(0.0));
        let mut prev = y(0.0);
        for p in &r.timeline {
            let (xx, yy) = (x(p.t_ns), y(p.live_bytes as f64));
            let _ = write!(pts, " {xx:.1},{prev:.1} {xx:.1},{yy:.1}");
            prev = yy;
        }
        let ly = top + plot_h + 32.0 + 18.0 * i as f64;
        let _ = write!(
            s,
            "<polyline points=\"{pts}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"1.5\"/>\
             <rect x=\"{left}\" y=\"{:.1}\" width=\"14\" height=\"10\" fill=\"{c}\"/>\
             <text x=\"{:.1}\" y=\"{ly:.1}\">{}</text>",
            ly - 9.0,
            left + 20.0,
            escape(&format!(
                "{name}: exact peak {}, {} samples",
                human_bytes(r.heap.peak_bytes),
                r.timeline.len()
            ))
        );
    }
    s.push_str("</svg>\n");
    s
}
