//! Merging reports of many processes (simulation ranks, repeated runs) into
//! one: records summed by path, heap totals summed, peaks added (the
//! processes are taken to run at the same time, so the merged peak is what
//! they held together at worst).

use super::advice::{advise, AdviceOptions};
use super::json::{Contributor, Report, SCHEMA_VERSION};
use crate::error::{Error, Result};
use std::collections::BTreeMap;

impl Report {
    /// Merges `reports`: counts, times and bytes are summed per path (paths
    /// in first-seen order), `wall_ns` is the longest run, labels keep the
    /// values all inputs agree on plus `merged` = the number of inputs, and
    /// the advice is recomputed over the merged records.
    ///
    /// ```
    /// # fn main() -> ndprof::Result<()> {
    /// # let _lock = ndprof::testing::lock();
    /// use ndprof::{profile, report::Report, Array, DType, Session};
    /// let rank = || -> ndprof::Result<Report> {
    ///     let session = Session::builder().cpu_hz(0).start()?;
    ///     profile!("step", { Array::ones(&[100], DType::Float64)?.sum()? });
    ///     Ok(session.finish()?.report())
    /// };
    /// let merged = Report::merge(&[rank()?, rank()?])?;
    /// let step = merged.records.iter().find(|r| r.path == ["step"]).map(|r| r.calls);
    /// assert_eq!(step, Some(2));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::ErrorKind::InvalidArgument) for no reports.
    pub fn merge(reports: &[Report]) -> Result<Report> {
        let Some(first) = reports.first() else {
            return Err(Error::invalid("merge needs at least one report"));
        };
        let mut merged = first.clone();
        merged.schema_version = SCHEMA_VERSION;
        for r in &reports[1..] {
            merged.meta.wall_ns = merged.meta.wall_ns.max(r.meta.wall_ns);
            merged
                .meta
                .labels
                .retain(|k, v| r.meta.labels.get(k) == Some(v));
            if merged.meta.machine != r.meta.machine {
                merged.meta.machine.hostname = "(several)".to_string();
            }
            for rec in &r.records {
                match merged.records.iter_mut().find(|m| m.path == rec.path) {
                    Some(m) => add_record(m, rec),
                    None => merged.records.push(rec.clone()),
                }
            }
            let h = &mut merged.heap;
            if h.source != r.heap.source {
                h.source = "buffers".to_string();
            }
            h.peak_bytes += r.heap.peak_bytes;
            h.total_bytes += r.heap.total_bytes;
            h.allocations += r.heap.allocations;
            h.frees += r.heap.frees;
            h.reallocations += r.heap.reallocations;
            h.copied_bytes += r.heap.copied_bytes;
        }
        let mut holders: BTreeMap<Vec<String>, u64> = BTreeMap::new();
        for r in reports {
            for c in &r.heap.peak_contributors {
                *holders.entry(c.path.clone()).or_insert(0) += c.bytes;
            }
        }
        let mut holders: Vec<Contributor> = holders
            .into_iter()
            .map(|(path, bytes)| Contributor { path, bytes })
            .collect();
        holders.sort_by_key(|c| std::cmp::Reverse(c.bytes));
        merged.heap.peak_contributors = holders;
        merged
            .meta
            .labels
            .insert("merged".to_string(), reports.len().to_string());
        merged.advice = advise(&merged, &AdviceOptions::default());
        Ok(merged)
    }
}

fn add_record(m: &mut super::json::JsonRecord, r: &super::json::JsonRecord) {
    m.calls += r.calls;
    m.total_ns += r.total_ns;
    m.self_ns += r.self_ns;
    m.time_sampled |= r.time_sampled;
    m.elements += r.elements;
    m.bytes_read += r.bytes_read;
    m.bytes_written += r.bytes_written;
    m.allocations += r.allocations;
    m.frees += r.frees;
    m.reallocations += r.reallocations;
    m.bytes_allocated += r.bytes_allocated;
    m.bytes_freed += r.bytes_freed;
    m.bytes_copied += r.bytes_copied;
    m.heap_allocations += r.heap_allocations;
    m.heap_bytes += r.heap_bytes;
    m.heap_frees += r.heap_frees;
    m.heap_bytes_freed += r.heap_bytes_freed;
    m.max_elements = m.max_elements.max(r.max_elements);
    m.value_min = either_or_both(m.value_min, r.value_min, i64::min);
    m.value_max = either_or_both(m.value_max, r.value_max, i64::max);
}

/// `f(a, b)` when both are set, else whichever is.
fn either_or_both(a: Option<i64>, b: Option<i64>, f: fn(i64, i64) -> i64) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(f(a, b)),
        (a, b) => a.or(b),
    }
}
