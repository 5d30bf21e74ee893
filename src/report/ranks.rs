//! Many ranks, one picture: the reports of an MPI run's ranks merged into
//! one, with how each scope/op path's time spread across the ranks (min,
//! median, max, max/mean, the slowest rank, and the time the others wait
//! for it at the next collective), a text table and an SVG chart of time
//! per rank per top-level scope. Plain data, no MPI: `ndprof::mpi` gathers
//! the reports, this module reads them.
//!
//! ```
//! use ndprof::report::{ranks, Report};
//! # fn main() -> ndprof::Result<()> {
//! # let _lock = ndprof::testing::lock();
//! let mut per_rank = Vec::new();
//! for rank in 0..3u32 {
//!     let session = ndprof::Session::builder().mode(ndprof::Mode::Instrumented).start()?;
//!     ndprof::profile!("step", {
//!         let t = std::time::Instant::now();
//!         while t.elapsed().as_millis() < if rank == 2 { 20 } else { 5 } {}
//!     });
//!     let mut r = session.finish()?.report();
//!     r.rank = Some(rank);
//!     per_rank.push(r);
//! }
//! let merged = ranks::merge_ranks(&per_rank)?;
//! let step = merged.imbalance.iter().find(|i| i.path == ["step"]).unwrap();
//! assert_eq!(step.slowest_rank, 2);
//! assert!(step.max_over_mean > 1.5);
//! # Ok(())
//! # }
//! ```

pub use super::model::PathImbalance;
use super::model::{human_time, Report};
use crate::error::{Error, Result};
use crate::trace::{LabelKind, OpClass};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The ranks' reports merged into one (counts and times summed, as
/// [`Report::merge`]), labelled with the number of ranks, with
/// [`Report::imbalance`] filled: every path that took time on some rank,
/// the most waited-for first. Ranks are ordered by their `rank` (reports
/// without one take their position).
///
/// # Errors
/// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for no
/// reports or two reports of the same rank.
pub fn merge_ranks(reports: &[Report]) -> Result<Report> {
    let mut merged = Report::merge(reports)?;
    merged.imbalance = imbalance(reports)?;
    merged.rank = None;
    merged.meta.labels.remove("rank");
    merged
        .meta
        .labels
        .insert("ranks".to_string(), reports.len().to_string());
    Ok(merged)
}

/// Time inside each record's communication ops (MPI helpers), children
/// included: waiting for other ranks, not work of this one.
fn communication_below(r: &Report) -> Vec<f64> {
    let mut below = vec![0.0; r.records.len()];
    for k in (0..r.records.len()).rev() {
        let rec = &r.records[k];
        let own = if rec.is_op(|c| c == OpClass::Communication) && rec.total_ns.is_finite() {
            rec.total_ns.max(0.0)
        } else {
            below[k]
        };
        if let Some(p) = rec.parent.filter(|&p| p < k) {
            below[p] += own;
        }
    }
    below
}

/// Each path's spread of time across `reports` (one per rank): a scope's
/// time less what its communication ops took (waiting for other ranks is
/// not this rank's work, and would make the fastest rank look slowest);
/// a communication op's own time (its wait).
///
/// # Errors
/// As [`merge_ranks`].
pub fn imbalance(reports: &[Report]) -> Result<Vec<PathImbalance>> {
    if reports.is_empty() {
        return Err(Error::invalid("imbalance needs at least one rank's report"));
    }
    let mut ranks: Vec<u32> = Vec::with_capacity(reports.len());
    for (i, r) in reports.iter().enumerate() {
        let rank = r.rank.unwrap_or(i as u32);
        if ranks.contains(&rank) {
            return Err(Error::invalid(format!(
                "two reports are from rank {rank}; each rank's report must come once"
            )));
        }
        ranks.push(rank);
    }
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by_key(|&i| ranks[i]);
    let n = reports.len();
    // Path -> (kind, time per rank position).
    let mut paths: BTreeMap<Vec<String>, (LabelKind, Vec<f64>)> = BTreeMap::new();
    for (pos, &i) in order.iter().enumerate() {
        let r = &reports[i];
        let waits = communication_below(r);
        for (k, rec) in r.records.iter().enumerate() {
            let entry = paths
                .entry(r.path(k))
                .or_insert_with(|| (rec.kind, vec![0.0; n]));
            let work = if rec.is_op(|c| c == OpClass::Communication) {
                rec.total_ns
            } else {
                rec.total_ns - waits[k]
            };
            if work.is_finite() && work > 0.0 {
                entry.1[pos] += work;
            }
        }
    }
    let mut out: Vec<PathImbalance> = paths
        .into_iter()
        .filter(|(_, (_, t))| t.iter().any(|&x| x > 0.0))
        .map(|(path, (kind, t))| {
            let mut sorted = t.clone();
            sorted.sort_by(f64::total_cmp);
            let (min, max) = (sorted[0], sorted[n - 1]);
            let median = if n % 2 == 1 {
                sorted[n / 2]
            } else {
                (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
            };
            let mean = t.iter().sum::<f64>() / n as f64;
            let slowest = t
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(pos, _)| pos);
            PathImbalance {
                path,
                kind,
                min_ns: min,
                median_ns: median,
                max_ns: max,
                mean_ns: mean,
                max_over_mean: if mean > 0.0 { max / mean } else { 1.0 },
                slowest_rank: ranks[order[slowest]],
                wait_ns: t.iter().map(|&x| max - x).sum(),
                per_rank_ns: t,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.wait_ns
            .total_cmp(&a.wait_ns)
            .then_with(|| a.path.cmp(&b.path))
    });
    Ok(out)
}

/// The imbalance table: one row per path (at most `limit`), most
/// waited-for first; empty for a report that is not merged from ranks.
pub fn imbalance_text(report: &Report, limit: usize) -> String {
    if report.imbalance.is_empty() {
        return String::new();
    }
    let mut rows = vec![[
        "min",
        "median",
        "max",
        "max/mean",
        "slowest",
        "others wait",
        "path",
    ]
    .map(String::from)
    .to_vec()];
    for i in report.imbalance.iter().take(limit) {
        rows.push(vec![
            human_time(i.min_ns),
            human_time(i.median_ns),
            human_time(i.max_ns),
            format!("{:.2}", i.max_over_mean),
            format!("rank {}", i.slowest_rank),
            human_time(i.wait_ns),
            i.path.join(";"),
        ]);
    }
    format!(
        "time across {} ranks per path (as each rank measured it; others wait = sum over ranks of \
         the slowest's time minus theirs)\n{}",
        report.imbalance[0].per_rank_ns.len(),
        super::columns::aligned(&rows)
    )
}

/// An SVG chart of time per rank for each top-level scope: one bar per
/// rank, the slowest in red; empty when there is nothing to draw.
pub fn rank_chart(report: &Report) -> String {
    let top: Vec<&PathImbalance> = report
        .imbalance
        .iter()
        .filter(|i| i.path.len() == 1 && i.kind == LabelKind::Scope)
        .collect();
    let Some(n) = top.first().map(|i| i.per_rank_ns.len()) else {
        return String::new();
    };
    let max = top.iter().map(|i| i.max_ns).fold(0.0, f64::max);
    if max <= 0.0 {
        return String::new();
    }
    let (width, label_w, bar_h) = (900.0, 200.0, 14.0);
    let group_h = bar_h * n as f64 + 16.0;
    let height = 52.0 + group_h * top.len() as f64;
    let plot_w = width - label_w - 120.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         font-family=\"Verdana, sans-serif\" font-size=\"11\" role=\"img\">\
         <title>time per rank per top-level scope</title>\
         <text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">time per rank per top-level scope</text>\
         <text x=\"10\" y=\"36\" fill=\"#555\">each rank's time as it measured it, less its communication ops (waiting for the others); red: the slowest rank</text>"
    );
    for (g, i) in top.iter().enumerate() {
        let y0 = 46.0 + g as f64 * group_h;
        let _ = write!(
            s,
            "<text x=\"10\" y=\"{:.1}\" font-weight=\"bold\">{}</text>",
            y0 + 12.0,
            super::html::escape(&i.path.join(";"))
        );
        for (rank, &t) in i.per_rank_ns.iter().enumerate() {
            let y = y0 + rank as f64 * bar_h;
            let w = (t / max * plot_w).max(1.0);
            let fill = if rank as u32 == i.slowest_rank {
                "#d62728"
            } else {
                "#4c78a8"
            };
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">rank {rank}</text>\
                 <rect x=\"{label_w}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                label_w - 6.0,
                y + bar_h - 3.0,
                y + 1.0,
                bar_h - 2.0,
                label_w + w + 4.0,
                y + bar_h - 3.0,
                super::html::escape(&human_time(t))
            );
        }
    }
    s.push_str("</svg>\n");
    s
}
