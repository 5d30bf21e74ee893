//! [`Report`]: a profile as plain data, the one model every output format
//! writes from and `report.json` stores.

use crate::alloc::default_allocator;
use crate::profiler::{find_path, path_of, EventCost, Mode, Profile, Record, TimelinePoint};
use crate::trace::LabelKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The schema version this build writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = 3;

/// A profile as stored in `report.json`. Plain data: building, loading or
/// merging a report runs no rules; [`advise`](super::advice::advise) is the
/// explicit pass that fills [`advice`](Report::advice).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The format version ([`SCHEMA_VERSION`] when written by this build).
    pub schema_version: u32,
    /// About the run.
    pub meta: Meta,
    /// Every scope and op path as a tree: each record's `parent` is the
    /// index of an earlier record (`None`: top level).
    pub records: Vec<Record>,
    /// The heap summary.
    pub heap: Heap,
    /// What the advice rules found, when a pass was run.
    #[serde(default)]
    pub advice: Vec<Advice>,
    /// Scopes run repeatedly and timed around each run by the wall clock
    /// (the tour's variants): median, min-max and spread of the runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeats: Vec<Repeat>,
    /// The timer samples in time (the sampler on, either mode): thread, record and live
    /// heap bytes at each, at most `MAX_TIMELINE_POINTS` (decimated keeping
    /// each slice's high-water mark); what `heap-timeline.svg` and
    /// `trace.json` are drawn from. Empty without the sampler (`cpu_hz(0)`)
    /// and after merging.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelinePoint>,
    /// The MPI rank this report is from (a session on a communicator;
    /// `None` otherwise and in merged reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// A report merged from MPI ranks: how each path's time spread across
    /// the ranks (see [`ranks`](super::ranks)), most waited-for first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imbalance: Vec<PathImbalance>,
}

/// How one path's time spread across MPI ranks (see [`ranks`](super::ranks)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathImbalance {
    /// The scope/op path (frame names).
    pub path: Vec<String>,
    /// Whether the path ends in a scope or an op.
    pub kind: LabelKind,
    /// Time inside the path on the fastest rank (a rank that never entered
    /// it counts as 0), nanoseconds, as each rank's report measured it;
    /// for a scope, less the time of the communication ops inside it.
    pub min_ns: f64,
    /// The median over ranks.
    pub median_ns: f64,
    /// The slowest rank's time.
    pub max_ns: f64,
    /// The mean over ranks.
    pub mean_ns: f64,
    /// `max_ns / mean_ns`: 1 is perfectly balanced.
    pub max_over_mean: f64,
    /// The rank with `max_ns`.
    pub slowest_rank: u32,
    /// What the other ranks wait for the slowest at the next collective,
    /// summed over ranks: the sum of `max_ns - t` (rank-nanoseconds).
    pub wait_ns: f64,
    /// Each rank's time, by rank.
    pub per_rank_ns: Vec<f64>,
}

/// A scope run repeatedly, each run timed by the wall clock around it (exact
/// readings, no profiler estimate).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Repeat {
    /// The scope's path (frame names).
    pub path: Vec<String>,
    /// Timed runs (a warm-up run before them is not counted).
    pub runs: usize,
    /// The median run, in nanoseconds.
    pub median_ns: f64,
    /// The fastest run.
    pub min_ns: f64,
    /// The slowest run.
    pub max_ns: f64,
    /// `(p90 - p10) / median` of the runs.
    pub spread: f64,
    /// The spread exceeds the tour's noise threshold (25%).
    pub noisy: bool,
}

/// About the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The ndprof version that wrote the report.
    pub ndprof_version: String,
    /// Labels given to the session (`dtype`, `case`, ...).
    pub labels: BTreeMap<String, String>,
    /// The default buffer allocator's name.
    pub allocator: String,
    /// Where the run happened.
    pub machine: Machine,
    /// Wall time of the session.
    pub wall_ns: f64,
    /// Events dropped because the call tree was full (more than
    /// `trace::MAX_NODES` distinct paths); 0 in a complete profile.
    #[serde(default)]
    pub dropped_events: u64,
    /// How the times were measured.
    #[serde(default)]
    pub timing: TimingMeta,
}

impl Meta {
    /// The session's labels as `key=value` pairs joined by `sep`.
    pub fn labels_joined(&self, sep: &str) -> String {
        let l: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        l.join(sep)
    }

    /// `ndprof session (key=value, ...)`: what other tools show as the
    /// command or process name.
    pub fn session_name(&self) -> String {
        if self.labels.is_empty() {
            "ndprof session".to_string()
        } else {
            format!("ndprof session ({})", self.labels_joined(", "))
        }
    }
}

/// How a report's times were measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimingMeta {
    /// `sampled` or `instrumented` (`mixed` after merging both; empty: a
    /// report from before this field).
    pub mode: String,
    /// Sampled: wall time one sample stands for (0: no sampler, no times).
    #[serde(default)]
    pub sample_period_ns: u64,
    /// Sampled: time of samples that found the sample buffer full.
    #[serde(default)]
    pub lost_sample_ns: u64,
    /// Instrumented: the calibrated per-event costs subtracted from the times.
    #[serde(default)]
    pub event_cost: EventCost,
}

impl TimingMeta {
    /// One line on how the times were measured, for text reports.
    pub fn describe(&self) -> String {
        match self.mode.as_str() {
            "sampled" if self.sample_period_ns == 0 => {
                "times: not measured (sampled mode with the sampler off); counts exact".to_string()
            }
            "sampled" => {
                let mut s = format!(
                    "times: sampled wall time, {:.0} Hz ({:.3} ms a sample), +- one standard \
                     deviation; counts exact, scalar get/set counts marked (est.) are estimated",
                    1e9 / self.sample_period_ns as f64,
                    self.sample_period_ns as f64 / 1e6
                );
                if self.lost_sample_ns > 0 {
                    s += &format!(
                        "; warning: {:.3} ms of samples lost (sample buffer full)",
                        self.lost_sample_ns as f64 / 1e6
                    );
                }
                s
            }
            "instrumented" => format!(
                "times: wall clock per event, less the calibrated profiler cost ({:.1} ns a \
                 scope or op, {:.1} ns a per-element read, {:.1} ns a per-element write, seen \
                 from the parent); counts exact",
                self.event_cost.outer_ns,
                self.event_cost.scalar_outer_ns,
                self.event_cost.scalar_write_outer_ns
            ),
            "mixed" => {
                "times: merged from reports measured in different modes or rates".to_string()
            }
            _ => "times: wall clock per event (report from an earlier ndprof)".to_string(),
        }
    }
}

/// Where the run happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// `linux`, ...
    pub os: String,
    /// `x86_64`, ...
    pub arch: String,
    /// Logical CPUs available to the process.
    pub cpus: usize,
    /// The host's name.
    pub hostname: String,
}

/// The heap summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Heap {
    /// What was counted: `buffers` (ndprof's array buffers only) or `global`
    /// (every heap allocation, through `alloc::Tracking`).
    pub source: String,
    /// The most bytes live at once.
    pub peak_bytes: u64,
    /// Bytes allocated in all.
    pub total_bytes: u64,
    /// Allocations.
    pub allocations: u64,
    /// Frees.
    pub frees: u64,
    /// Reallocations (growth).
    pub reallocations: u64,
    /// Bytes moved by growth.
    pub copied_bytes: u64,
    /// Who had allocated the bytes live at the peak, largest first.
    pub peak_contributors: Vec<Contributor>,
}

/// A record's share of the peak.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contributor {
    /// The index of the record that allocated the bytes (`None`: top level).
    pub record: Option<usize>,
    /// Bytes live at the peak.
    pub bytes: u64,
    /// Blocks (buffers, and heap blocks with `alloc::Tracking`) live at the peak.
    #[serde(default)]
    pub blocks: u64,
}

/// One piece of advice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    /// One of [`RULES`](super::advice::RULES).
    pub rule: String,
    /// The scope or op path it is about (empty: the whole run).
    pub path: Vec<String>,
    /// What to do.
    pub message: String,
    /// The measurements behind it.
    pub evidence: String,
    /// Estimated wall time saved, in nanoseconds.
    pub saving_ns: Option<f64>,
    /// Bytes of allocation (or copying) saved.
    pub saving_bytes: Option<u64>,
}

impl fmt::Display for Advice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() {
            "run".to_string()
        } else {
            self.path.join(";")
        };
        write!(
            f,
            "advice[{}]: {at}: {} ({}",
            self.rule, self.message, self.evidence
        )?;
        if let Some(ns) = self.saving_ns {
            write!(f, "; saves ~{}", human_time(ns))?;
        }
        if let Some(b) = self.saving_bytes {
            write!(f, "; saves {}", crate::alloc::human_bytes(b))?;
        }
        f.write_str(")")
    }
}

/// `12.3 us`, `4.56 ms`, `1.23 s`.
pub fn human_time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} us", ns / 1e3)
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Sums `f` over records without wrapping.
fn total(records: &[Record], f: impl Fn(&Record) -> u64) -> u64 {
    records.iter().fold(0u64, |a, r| a.saturating_add(f(r)))
}

impl Heap {
    /// The totals of `records`, with `peak_bytes` and contributors given.
    pub fn of_records(
        source: &str,
        records: &[Record],
        peak_bytes: u64,
        peak_contributors: Vec<Contributor>,
    ) -> Heap {
        Heap {
            source: source.to_string(),
            peak_bytes,
            total_bytes: total(records, |r| r.all_bytes()),
            allocations: total(records, |r| {
                r.allocations.saturating_add(r.heap_allocations)
            }),
            frees: total(records, |r| r.frees.saturating_add(r.heap_frees)),
            reallocations: total(records, |r| r.reallocations),
            copied_bytes: total(records, |r| r.bytes_copied),
            peak_contributors,
        }
    }
}

impl Report {
    /// The report of a profile (no advice yet: see [`advise`](super::advice::advise)).
    pub fn from_profile(p: &Profile) -> Report {
        let records = p.records().to_vec();
        let contributors = p
            .peak_holders()
            .iter()
            .map(|&(record, bytes, blocks)| Contributor {
                record,
                bytes,
                blocks,
            })
            .collect();
        let heap = Heap::of_records(
            p.heap_source().map_or("buffers", |h| h.name()),
            &records,
            p.peak_bytes(),
            contributors,
        );
        Report {
            schema_version: SCHEMA_VERSION,
            meta: Meta {
                ndprof_version: env!("CARGO_PKG_VERSION").to_string(),
                labels: p.labels().iter().cloned().collect(),
                allocator: default_allocator().name().to_string(),
                machine: Machine {
                    os: std::env::consts::OS.to_string(),
                    arch: std::env::consts::ARCH.to_string(),
                    cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
                    hostname: hostname(),
                },
                wall_ns: p.wall_ns(),
                dropped_events: p.dropped_events(),
                timing: {
                    let t = p.timing();
                    TimingMeta {
                        mode: match t.mode {
                            Mode::Sampled => "sampled",
                            Mode::Instrumented => "instrumented",
                        }
                        .to_string(),
                        sample_period_ns: t.sample_period_ns,
                        lost_sample_ns: t.lost_sample_ns,
                        event_cost: t.event_cost,
                    }
                },
            },
            records,
            heap,
            advice: Vec::new(),
            repeats: Vec::new(),
            timeline: p.timeline().to_vec(),
            rank: None,
            imbalance: Vec::new(),
        }
    }

    /// The frames from the top level down to record `i`.
    pub fn path(&self, i: usize) -> Vec<String> {
        path_of(&self.records, i)
    }

    /// The record at `path` (frame names, ops as `name[dtype]`).
    pub fn record<S: AsRef<str>>(&self, path: &[S]) -> Option<&Record> {
        find_path(&self.records, path).map(|i| &self.records[i])
    }

    /// The path of a peak contributor (empty: top level).
    pub fn contributor_path(&self, c: &Contributor) -> Vec<String> {
        c.record.map_or_else(Vec::new, |i| self.path(i))
    }
}
