//! Merging reports of many processes (simulation ranks, repeated runs) into
//! one: records summed by path, heap totals summed, peaks added (the
//! processes are taken to run at the same time, so the merged peak is what
//! they held together at worst). Linear in the records.

use super::model::{Contributor, Report, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::profiler::Record;
use std::collections::{BTreeMap, HashMap};

impl Report {
    /// Merges `reports`: counters merge by their rules (sums saturate
    /// instead of wrapping) and times add, per path (paths in first-seen
    /// order); `wall_ns` is the longest run, labels keep the values all
    /// inputs agree on plus `merged` = the number of inputs. Like any
    /// report, the result holds no advice until a pass runs
    /// ([`advise`](super::advice::advise)).
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
    /// assert_eq!(merged.record(&["step"]).map(|r| r.calls), Some(2));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::error::ErrorKind::InvalidArgument) for no reports.
    pub fn merge(reports: &[Report]) -> Result<Report> {
        let Some(first) = reports.first() else {
            return Err(Error::invalid("merge needs at least one report"));
        };
        let mut merged = Report {
            schema_version: SCHEMA_VERSION,
            meta: first.meta.clone(),
            records: Vec::new(),
            heap: first.heap.clone(),
            advice: Vec::new(),
            repeats: Vec::new(),
            timeline: Vec::new(),
            rank: None,
            imbalance: Vec::new(),
        };
        merged.heap.peak_contributors.clear();
        let mut index: HashMap<(Option<usize>, String), usize> = HashMap::new();
        let mut holders: BTreeMap<Option<usize>, (u64, u64)> = BTreeMap::new();
        for (k, r) in reports.iter().enumerate() {
            let mut to_merged: Vec<usize> = Vec::with_capacity(r.records.len());
            for (i, rec) in r.records.iter().enumerate() {
                let parent = rec
                    .parent
                    .filter(|&p| p < i)
                    .and_then(|p| to_merged.get(p).copied());
                let key = (parent, format!("{:?}:{}", rec.kind, rec.frame()));
                let at = match index.get(&key) {
                    Some(&at) => {
                        merged.records[at].merge(rec);
                        at
                    }
                    None => {
                        let at = merged.records.len();
                        merged.records.push(Record {
                            parent,
                            ..rec.clone()
                        });
                        index.insert(key, at);
                        at
                    }
                };
                to_merged.push(at);
            }
            for c in &r.heap.peak_contributors {
                let at = c.record.and_then(|i| to_merged.get(i).copied());
                let h = holders.entry(at).or_insert((0, 0));
                h.0 = h.0.saturating_add(c.bytes);
                h.1 = h.1.saturating_add(c.blocks);
            }
            if k == 0 {
                continue;
            }
            let m = &mut merged.meta;
            m.wall_ns = m.wall_ns.max(r.meta.wall_ns);
            m.dropped_events = m.dropped_events.saturating_add(r.meta.dropped_events);
            let t = &mut m.timing;
            t.lost_sample_ns = t
                .lost_sample_ns
                .saturating_add(r.meta.timing.lost_sample_ns);
            if (t.mode.as_str(), t.sample_period_ns)
                != (r.meta.timing.mode.as_str(), r.meta.timing.sample_period_ns)
            {
                t.mode = "mixed".to_string();
            }
            m.labels.retain(|key, v| r.meta.labels.get(key) == Some(v));
            if m.machine != r.meta.machine {
                m.machine.hostname = "(several)".to_string();
            }
            let h = &mut merged.heap;
            if h.source != r.heap.source {
                h.source = "buffers".to_string();
            }
            h.peak_bytes = h.peak_bytes.saturating_add(r.heap.peak_bytes);
            h.total_bytes = h.total_bytes.saturating_add(r.heap.total_bytes);
            h.allocations = h.allocations.saturating_add(r.heap.allocations);
            h.frees = h.frees.saturating_add(r.heap.frees);
            h.reallocations = h.reallocations.saturating_add(r.heap.reallocations);
            h.copied_bytes = h.copied_bytes.saturating_add(r.heap.copied_bytes);
        }
        let mut holders: Vec<Contributor> = holders
            .into_iter()
            .map(|(record, (bytes, blocks))| Contributor {
                record,
                bytes,
                blocks,
            })
            .collect();
        holders.sort_by_key(|c| std::cmp::Reverse(c.bytes));
        merged.heap.peak_contributors = holders;
        merged
            .meta
            .labels
            .insert("merged".to_string(), reports.len().to_string());
        Ok(merged)
    }
}
