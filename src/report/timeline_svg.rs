//! `heap-timeline.svg`: live heap bytes over the session, from the timer
//! samples ([`Report::timeline`]), with the top-level scope each sample was
//! in drawn as a band under the plot and the exact peak marked with who
//! held it. A small hand-written SVG (a line, bands, two axes): a plotting
//! crate would bring a font stack and more code than the picture needs.
//!
//! ```
//! let session = ndprof::Session::builder().cpu_hz(1000).start()?;
//! ndprof::profile!("hold", {
//!     let _a = ndprof::Array::zeros(&[1 << 20], ndprof::DType::Float64)?;
//!     let t = std::time::Instant::now();
//!     while t.elapsed().as_millis() < 30 {}
//! });
//! let report = session.finish()?.report();
//! let mut out = Vec::new();
//! ndprof::report::timeline_svg::write_heap_timeline(&report, &mut out)?;
//! let svg = String::from_utf8(out).unwrap();
//! assert!(svg.contains("<polyline") && svg.contains("hold"));
//! # Ok::<(), ndprof::Error>(())
//! ```

use super::model::Report;
use super::svg::empty_svg;
use crate::alloc::human_bytes;
use crate::error::{Error, ErrorKind, Result};
use std::fmt::Write as _;
use std::io::Write;

const WIDTH: f64 = 1200.0;
const HEIGHT: f64 = 420.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 50.0;
const PLOT_H: f64 = 260.0;
const BAND_H: f64 = 22.0;

/// Writes `report`'s heap over time as an SVG.
///
/// # Errors
/// [`Io`](ErrorKind::Io) from `w`.
pub fn write_heap_timeline(report: &Report, w: &mut dyn Write) -> Result<()> {
    w.write_all(heap_timeline(report).as_bytes())
        .map_err(|e| Error::new(ErrorKind::Io, format!("writing heap-timeline.svg: {e}")))
}

fn esc(s: &str) -> String {
    super::html::escape(s)
}

/// A colour per name, stable across runs.
fn colour(name: &str) -> String {
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("hsl({}, 55%, 62%)", h % 360)
}

/// The heap over time as SVG text.
pub fn heap_timeline(report: &Report) -> String {
    let title = "ndprof: live heap bytes over time";
    let points = &report.timeline;
    if points.is_empty() {
        return empty_svg(
            title,
            "no timer samples in this report (the sampler off, or a merged report)",
        );
    }
    let t_max = points.iter().map(|p| p.t_ns).fold(0.0, f64::max).max(1.0);
    let sampled_max = points.iter().map(|p| p.live_bytes).max().unwrap_or(0);
    let y_max = sampled_max.max(report.heap.peak_bytes).max(1) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let x = |t: f64| LEFT + t / t_max * plot_w;
    let y = |b: f64| TOP + PLOT_H - b / y_max * PLOT_H;
    let mut s = String::new();
    let _ = write!(
        s,
        "<?xml version=\"1.0\" standalone=\"no\"?>\n<svg version=\"1.1\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"Verdana, sans-serif\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"17\">{}</text>\n",
        WIDTH / 2.0,
        esc(title)
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"42\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555\">{}</text>",
        WIDTH / 2.0,
        esc(&format!(
            "{} source; the line: live bytes at each of {} timer samples (sampled); the exact peak: {}",
            report.heap.source,
            points.len(),
            human_bytes(report.heap.peak_bytes)
        ))
    );
    // Axes and grid.
    for k in 0..=4 {
        let b = y_max * f64::from(k) / 4.0;
        let yy = y(b);
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#e4e4e4\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\">{}</text>",
            LEFT + plot_w,
            LEFT - 6.0,
            yy + 4.0,
            esc(&human_bytes(b as u64))
        );
    }
    for k in 0..=5 {
        let t = t_max * f64::from(k) / 5.0;
        let xx = x(t);
        let label = if t_max >= 2e9 {
            format!("{:.1} s", t / 1e9)
        } else {
            format!("{:.0} ms", t / 1e6)
        };
        let _ = writeln!(
            s,
            "<line x1=\"{xx:.1}\" y1=\"{TOP}\" x2=\"{xx:.1}\" y2=\"{:.1}\" stroke=\"#f0f0f0\"/>\
             <text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{label}</text>",
            TOP + PLOT_H,
            TOP + PLOT_H + BAND_H + 40.0
        );
    }
    // The line and the area under it (a step per sample).
    let mut line = format!("{:.1},{:.1}", x(0.0), y(0.0));
    let mut prev = y(0.0);
    for p in points {
        let (xx, yy) = (x(p.t_ns), y(p.live_bytes as f64));
        let _ = write!(line, " {xx:.1},{prev:.1} {xx:.1},{yy:.1}");
        prev = yy;
    }
    let _ = write!(line, " {:.1},{prev:.1}", x(t_max));
    let _ = writeln!(
        s,
        "<polygon points=\"{line} {:.1},{:.1}\" fill=\"#9ecae1\" fill-opacity=\"0.5\"/>\n\
         <polyline points=\"{line}\" fill=\"none\" stroke=\"#2171b5\" stroke-width=\"1.5\"/>",
        x(t_max),
        y(0.0)
    );
    // The top-level scope of each sample, as bands under the plot.
    let top_of = |r: Option<usize>| -> Option<usize> {
        let mut at = r.filter(|&i| i < report.records.len())?;
        let mut hops = 0;
        while let Some(p) = report.records[at].parent.filter(|&p| p < at) {
            at = p;
            hops += 1;
            if hops > report.records.len() {
                break;
            }
        }
        Some(at)
    };
    let band_y = TOP + PLOT_H + 8.0;
    let mut run: Option<(Option<usize>, f64)> = None;
    let mut bands: Vec<(usize, f64, f64)> = Vec::new();
    for p in points {
        let top = top_of(p.record);
        match run {
            Some((cur, _)) if cur == top => {}
            Some((Some(cur), start)) => {
                bands.push((cur, start, p.t_ns));
                run = Some((top, p.t_ns));
            }
            _ => run = Some((top, p.t_ns)),
        }
    }
    if let Some((Some(cur), start)) = run {
        bands.push((cur, start, t_max));
    }
    for (rec, a, b) in &bands {
        let name = &report.records[*rec].name;
        let (xa, xb) = (x(*a), x(*b));
        let _ = writeln!(
            s,
            "<rect x=\"{xa:.1}\" y=\"{band_y:.1}\" width=\"{:.1}\" height=\"{BAND_H}\" fill=\"{}\"><title>{}</title></rect>",
            (xb - xa).max(0.5),
            colour(name),
            esc(name)
        );
        if xb - xa > 7.0 * name.chars().count().min(40) as f64 {
            let label: String = name.chars().take(40).collect();
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
                xa + 3.0,
                band_y + 15.0,
                esc(&label)
            );
        }
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\">scope</text>",
        LEFT - 6.0,
        band_y + 15.0
    );
    // The sampled high-water mark, and the exact peak with who held it.
    if let Some(hw) = points.iter().max_by_key(|p| p.live_bytes) {
        let holder = report
            .heap
            .peak_contributors
            .first()
            .map(|c| {
                let path = report.contributor_path(c);
                if path.is_empty() {
                    "top level".to_string()
                } else {
                    path.join(";")
                }
            })
            .unwrap_or_else(|| "-".to_string());
        let (xx, yy) = (x(hw.t_ns), y(report.heap.peak_bytes as f64));
        let anchor = if xx > WIDTH * 0.6 { "end" } else { "start" };
        let dx = if anchor == "end" { -8.0 } else { 8.0 };
        let _ = writeln!(
            s,
            "<circle cx=\"{xx:.1}\" cy=\"{yy:.1}\" r=\"5\" fill=\"#cb181d\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-size=\"12\" fill=\"#cb181d\">{}</text>",
            xx + dx,
            yy + 4.0,
            esc(&format!(
                "peak {} (exact), held most by {}; drawn at the sampled high-water mark",
                human_bytes(report.heap.peak_bytes),
                holder
            ))
        );
    }
    s.push_str("</svg>\n");
    s
}
