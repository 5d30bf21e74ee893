//! Flamegraph SVGs rendered by inferno 0.12 from folded stacks, and
//! differential flamegraphs of two folded inputs. A graph with no data is a
//! small valid SVG that says so (inferno itself refuses empty input).

use super::folded::{folded_for_svg, Metric};
use super::model::Report;
use crate::error::{Error, Result};
use inferno::flamegraph::{self, Options};
use std::io::{BufReader, Write};

/// The title of a report's flamegraph of `metric`.
pub fn title(metric: Metric) -> &'static str {
    match metric {
        Metric::Time => "ndprof: wall time by scope and op",
        Metric::Bytes => "ndprof: bytes allocated by scope and op",
        Metric::Allocations => "ndprof: allocations by scope and op",
    }
}

/// Writes a report's flamegraph of `metric` (a valid "no data" SVG when
/// nothing was counted).
///
/// # Errors
/// [`Format`](crate::error::ErrorKind::Format) if inferno fails, [`Io`](crate::error::ErrorKind::Io) from `w`.
pub fn write_flamegraph(report: &Report, metric: Metric, w: &mut dyn Write) -> Result<()> {
    let svg = flamegraph(
        &folded_for_svg(report, metric),
        title(metric),
        metric.unit(),
    )?;
    w.write_all(svg.as_bytes()).map_err(|e| {
        Error::new(
            crate::error::ErrorKind::Io,
            format!("writing flamegraph: {e}"),
        )
    })
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A valid SVG holding only `title` and `message`.
pub fn empty_svg(title: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" standalone=\"no\"?>\n\
         <svg version=\"1.1\" width=\"1200\" height=\"80\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <text x=\"600\" y=\"24\" text-anchor=\"middle\" font-size=\"17\">{}</text>\n\
         <text x=\"600\" y=\"56\" text-anchor=\"middle\" font-size=\"13\">{}</text>\n\
         </svg>\n",
        escape_xml(title),
        escape_xml(message)
    )
}

/// The largest total count handed to inferno: it sums counts in `usize`
/// and lays frames out in `f64`.
const MAX_TOTAL: u128 = 1 << 52;

/// Folded inputs whose summed counts (per input) fit [`MAX_TOTAL`]: when
/// one does not, every count of every input is divided by the same factor
/// (rounding up, so nothing counted vanishes), returned with the factor
/// (1: unchanged).
fn fit_counts(inputs: &[&str]) -> (Vec<String>, u64) {
    let count_of = |line: &str| {
        line.rsplit_once(' ')
            .and_then(|(_, c)| c.trim().parse::<u64>().ok())
    };
    let largest: u128 = inputs
        .iter()
        .map(|f| f.lines().filter_map(count_of).map(u128::from).sum::<u128>())
        .max()
        .unwrap_or(0);
    if largest <= MAX_TOTAL {
        return (inputs.iter().map(|f| f.to_string()).collect(), 1);
    }
    let factor = largest.div_ceil(MAX_TOTAL);
    let scaled = inputs
        .iter()
        .map(|f| {
            let mut out = String::with_capacity(f.len());
            for line in f.lines() {
                match (line.rsplit_once(' '), count_of(line)) {
                    (Some((path, _)), Some(c)) => {
                        let c = u128::from(c).div_ceil(factor);
                        out.push_str(&format!("{path} {c}\n"));
                    }
                    _ => {
                        out.push_str(line);
                        out.push('\n');
                    }
                }
            }
            out
        })
        .collect();
    (scaled, u64::try_from(factor).unwrap_or(u64::MAX))
}

/// The count name, saying by how much counts were divided to fit.
fn scaled_name(count_name: &str, factor: u64) -> String {
    if factor == 1 {
        count_name.to_string()
    } else {
        format!("{count_name} / {factor} (divided to fit)")
    }
}

/// Renders folded lines (`a;b;c count`) as a flamegraph titled `title`,
/// counting `count_name` (`ns`, `bytes`, `allocations`, `samples`).
///
/// # Errors
/// [`Format`](crate::error::ErrorKind::Format) if inferno rejects the input.
pub fn flamegraph(folded: &str, title: &str, count_name: &str) -> Result<String> {
    if folded.lines().all(|l| l.trim().is_empty()) {
        return Ok(empty_svg(
            title,
            &format!("no data: nothing was counted in {count_name}"),
        ));
    }
    let (fitted, factor) = fit_counts(&[folded]);
    let mut opt = Options::default();
    opt.title = title.to_string();
    opt.count_name = scaled_name(count_name, factor);
    let mut out = Vec::new();
    flamegraph::from_lines(&mut opt, fitted[0].lines(), &mut out)
        .map_err(|e| Error::format(format!("rendering flamegraph '{title}': {e}")))?;
    String::from_utf8(out)
        .map_err(|e| Error::format(format!("flamegraph '{title}' is not UTF-8: {e}")))
}

/// A differential flamegraph: the shape of `after`, colored by the change
/// from `before` (red grew, blue shrank). Paths only in `before` are kept
/// (as zero-width negative differences would vanish otherwise).
///
/// # Errors
/// As [`flamegraph()`].
pub fn differential(before: &str, after: &str, title: &str, count_name: &str) -> Result<String> {
    let (fitted, factor) = fit_counts(&[before, after]);
    let count_name = &scaled_name(count_name, factor);
    let mut diff = Vec::new();
    inferno::differential::from_readers(
        inferno::differential::Options::default(),
        BufReader::new(fitted[0].as_bytes()),
        BufReader::new(fitted[1].as_bytes()),
        &mut diff,
    )
    .map_err(|e| Error::format(format!("differencing '{title}': {e}")))?;
    let diff = String::from_utf8_lossy(&diff).into_owned();
    if diff.lines().all(|l| l.trim().is_empty()) {
        return Ok(empty_svg(title, "no data in either input"));
    }
    let mut opt = Options::default();
    opt.title = title.to_string();
    // inferno colours `after - before` (the second column minus the first):
    // red where `after` has more, blue where it has less, as the percentages read.
    opt.count_name = count_name.to_string();
    let mut out = Vec::new();
    flamegraph::from_lines(&mut opt, diff.lines(), &mut out)
        .map_err(|e| Error::format(format!("rendering differential flamegraph '{title}': {e}")))?;
    String::from_utf8(out)
        .map_err(|e| Error::format(format!("flamegraph '{title}' is not UTF-8: {e}")))
}
