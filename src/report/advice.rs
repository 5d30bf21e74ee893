//! Advice: deterministic rules over a [`Report`], each naming the code path,
//! the evidence, and the measured or estimated saving.
//!
//! | rule | fires on | suggests |
//! |---|---|---|
//! | `scalar-loop` | a scope doing many scalar `get`/`set` calls, writing at least one element per 16 read | the vectorized op |
//! | `manual-reduction` | a scope reading elements one at a time, more than 16 per element written | `sum`/`mean`/`dot` |
//! | `append-growth` | growth whose copied bytes dwarf the final array | preallocate (`zeros`, `with_capacity`) |
//! | `dtype-downsize` | integer values that fit a smaller dtype (needs `SessionBuilder::value_ranges`); float64 only with [`AdviceOptions::precision`] | the smaller dtype |
//! | `temporaries` | a scope allocating and freeing 16+ buffers (1 MiB+) | `*_into(.., &mut out)` or in-place ops |
//!
//! Each piece of advice prints as one line starting `advice[RULE]: `.
//!
//! ```
//! use ndprof::{profile, Array, DType, Session};
//! # fn main() -> ndprof::Result<()> {
//! # let _lock = ndprof::testing::lock();
//! let session = Session::builder().cpu_hz(0).start()?;
//! let x = Array::random_uniform(&[5_000], 0.0, 1.0, 1, DType::Float64)?;
//! let mut y = Array::zeros(&[5_000], DType::Float64)?;
//! profile!("square by hand", {
//!     for i in 0..5_000 {
//!         let v = x.get(&[i])?;
//!         y.set(&[i], v * v)?;
//!     }
//! });
//! let advice = session.finish()?.report().advice;
//! assert_eq!(advice[0].rule, "scalar-loop");
//! assert!(advice[0].to_string().starts_with("advice[scalar-loop]: "));
//! # Ok(())
//! # }
//! ```

use super::json::{JsonRecord, Report};
use crate::alloc::human_bytes;
use crate::dtype::{DType, Kind};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The rules, by id.
pub const RULES: [&str; 5] = [
    "scalar-loop",
    "manual-reduction",
    "append-growth",
    "dtype-downsize",
    "temporaries",
];

/// One piece of advice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    /// One of [`RULES`].
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
            write!(f, "; saves {}", human_bytes(b))?;
        }
        f.write_str(")")
    }
}

/// Thresholds and opt-ins of the rules.
#[derive(Clone, Debug)]
pub struct AdviceOptions {
    /// Also suggest float32 for float64 work (changes results: ~7 significant
    /// digits instead of ~16). Default off.
    pub precision: bool,
    /// Fewest scalar `get`/`set` calls in one scope that count as a loop.
    pub min_scalar_calls: u64,
    /// A scalar loop reading more than this many elements per element it
    /// writes is a reduction or mul-add loop (`manual-reduction`); fewer
    /// (a map, a stencil) is `scalar-loop`.
    pub reads_per_write: u64,
    /// Fewest buffers allocated and freed inside one scope that count as
    /// temporaries.
    pub min_temporaries: u64,
    /// Fewest bytes those temporaries must allocate for the advice to matter.
    pub min_temporary_bytes: u64,
    /// Growth is wasteful when its copied bytes exceed the final array's
    /// size this many times.
    pub growth_factor: f64,
    /// Bandwidth assumed for a vectorized pass when estimating savings, in
    /// bytes per nanosecond (GB/s).
    pub vector_gbps: f64,
}

impl Default for AdviceOptions {
    fn default() -> Self {
        AdviceOptions {
            precision: false,
            min_scalar_calls: 1000,
            reads_per_write: 16,
            min_temporaries: 16,
            min_temporary_bytes: 1 << 20,
            growth_factor: 4.0,
            vector_gbps: 10.0,
        }
    }
}

/// Runs every rule over `report`, in rule order, then by path.
pub fn advise(report: &Report, opts: &AdviceOptions) -> Vec<Advice> {
    let mut out = scalar_loops(report, opts);
    out.extend(append_growth(report, opts));
    out.extend(dtype_downsize(report, opts));
    out.extend(temporaries(report, opts));
    out
}

fn human_time(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} us", ns / 1e3)
    }
}

fn dtype_of(r: &JsonRecord) -> Option<DType> {
    r.dtype.parse().ok()
}

fn is_child(parent: &[String], r: &JsonRecord) -> bool {
    r.path.len() == parent.len() + 1 && r.path.starts_with(parent)
}

fn in_subtree(root: &[String], r: &JsonRecord) -> bool {
    r.path.starts_with(root)
}

/// `scalar-loop` and `manual-reduction`: scalar get/set directly in a scope.
fn scalar_loops(report: &Report, opts: &AdviceOptions) -> Vec<Advice> {
    let mut out = Vec::new();
    for scope in report.records.iter().filter(|r| r.kind == "scope") {
        let ops: Vec<&JsonRecord> = report
            .records
            .iter()
            .filter(|r| r.kind == "op" && (r.name == "get" || r.name == "set"))
            .filter(|r| is_child(&scope.path, r))
            .collect();
        let count =
            |name: &str| -> u64 { ops.iter().filter(|r| r.name == name).map(|r| r.calls).sum() };
        let (gets, sets) = (count("get"), count("set"));
        if gets + sets < opts.min_scalar_calls {
            continue;
        }
        let n = ops.iter().map(|r| r.max_elements).max().unwrap_or(0);
        let loop_ns = scope.self_ns + ops.iter().map(|r| r.total_ns).sum::<f64>();
        let moved: u64 = ops.iter().map(|r| r.bytes_read + r.bytes_written).sum();
        let vector_ns = moved as f64 / opts.vector_gbps;
        let sampled = if ops.iter().any(|r| r.time_sampled) {
            ", times sampled"
        } else {
            ""
        };
        let per_element = if n > 0 {
            format!(
                " on arrays of up to {n} elements ({:.1} calls per element)",
                (gets + sets) as f64 / n as f64
            )
        } else {
            String::new()
        };
        let evidence = format!(
            "{gets} scalar get and {sets} set calls{per_element}, {} in the loop{sampled}",
            human_time(loop_ns)
        );
        let saving_ns = Some((loop_ns - vector_ns).max(0.0));
        if sets.saturating_mul(opts.reads_per_write) >= gets {
            out.push(Advice {
                rule: "scalar-loop".into(),
                path: scope.path.clone(),
                message:
                    "per-element loop: use the vectorized op (e.g. `a.square()`, `a.add(&b)`), \
                          or a typed slice loop (`as_slice`) for custom kernels"
                        .into(),
                evidence,
                saving_ns,
                saving_bytes: None,
            });
        } else {
            let what = if sets == 0 {
                "a reduction loop: use `sum`/`mean` (or `min`/`max`)".to_string()
            } else {
                format!(
                    "a mul-add loop reading {:.0} elements per element written: use `dot`/`matmul` \
                     (or `sum`/`mean` for reductions)",
                    gets as f64 / sets as f64
                )
            };
            out.push(Advice {
                rule: "manual-reduction".into(),
                path: scope.path.clone(),
                message: what,
                evidence,
                saving_ns,
                saving_bytes: None,
            });
        }
    }
    out
}

/// `append-growth`: copying appends or reallocations that move many times
/// the final array's bytes.
fn append_growth(report: &Report, opts: &AdviceOptions) -> Vec<Advice> {
    let mut out = Vec::new();
    for r in report.records.iter().filter(|r| r.kind == "op") {
        let copying = matches!(r.name.as_str(), "append" | "concatenate");
        let moved = r.bytes_copied + if copying { r.bytes_read } else { 0 };
        let Some(dt) = dtype_of(r) else { continue };
        let final_bytes = r.max_elements * dt.size() as u64;
        if moved == 0
            || final_bytes == 0
            || (moved as f64) < opts.growth_factor * final_bytes as f64
        {
            continue;
        }
        let allocations = r.allocations + r.reallocations;
        let vector_ns = final_bytes as f64 / opts.vector_gbps;
        out.push(Advice {
            rule: "append-growth".into(),
            path: r.path.clone(),
            message: "growth copies the array again and again: preallocate (`zeros(n)` then \
                      fill, or `with_capacity(n)` + `push`)"
                .into(),
            evidence: format!(
                "{} calls copied {} and made {allocations} allocations ({} allocated) to build \
                 {} ({:.0}x the final size), {}",
                r.calls,
                human_bytes(moved),
                human_bytes(r.bytes_allocated),
                human_bytes(final_bytes),
                moved as f64 / final_bytes as f64,
                human_time(r.total_ns)
            ),
            saving_ns: Some((r.total_ns - vector_ns).max(0.0)),
            saving_bytes: Some(moved.saturating_sub(final_bytes)),
        });
    }
    out
}

/// The smallest integer dtype of `kind` strictly smaller than `dt` that holds `lo..=hi`.
fn smaller_int(dt: DType, lo: i64, hi: i64) -> Option<DType> {
    let family: &[DType] = match dt.kind() {
        Kind::Signed => &[DType::Int8, DType::Int16, DType::Int32],
        Kind::Unsigned => &[DType::UInt8, DType::UInt16, DType::UInt32],
        _ => return None,
    };
    family.iter().copied().find(|d| {
        d.size() < dt.size() && {
            let bits = 8 * d.size() as u32;
            let (min, max) = if d.kind() == Kind::Signed {
                (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
            } else {
                (0, (1i128 << bits) - 1)
            };
            (lo as i128) >= min && (hi as i128) <= max
        }
    })
}

/// `dtype-downsize`: per dtype over the whole run.
fn dtype_downsize(report: &Report, opts: &AdviceOptions) -> Vec<Advice> {
    let mut out = Vec::new();
    for dt in DType::ALL {
        let tag = format!("[{}]", dt.name());
        let ops: Vec<&JsonRecord> = report
            .records
            .iter()
            .filter(|r| r.kind == "op" && r.dtype == dt.name())
            .collect();
        if ops.is_empty() {
            continue;
        }
        let allocated: u64 = ops.iter().map(|r| r.bytes_allocated).sum();
        let at_peak: u64 = report
            .heap
            .peak_contributors
            .iter()
            .filter(|c| c.path.last().is_some_and(|f| f.ends_with(&tag)))
            .map(|c| c.bytes)
            .sum();
        let (target, evidence) = if dt.is_integer() {
            let ranged: Vec<(i64, i64)> = ops
                .iter()
                .filter_map(|r| Some((r.value_min?, r.value_max?)))
                .collect();
            let Some(lo) = ranged.iter().map(|r| r.0).min() else {
                continue;
            };
            let hi = ranged.iter().map(|r| r.1).max().unwrap_or(lo);
            let Some(target) = smaller_int(dt, lo, hi) else {
                continue;
            };
            (
                target,
                format!(
                    "{} {dt} op paths produced values in [{lo}, {hi}], which {target} holds",
                    ranged.len()
                ),
            )
        } else if dt == DType::Float64 && opts.precision {
            (
                DType::Float32,
                format!(
                    "{} float64 op paths; float32 keeps ~7 significant digits (opted in with \
                     precision advice)",
                    ops.len()
                ),
            )
        } else {
            continue;
        };
        if allocated == 0 && at_peak == 0 {
            continue;
        }
        let keep = target.size() as f64 / dt.size() as f64;
        let saved = |b: u64| (b as f64 * (1.0 - keep)) as u64;
        out.push(Advice {
            rule: "dtype-downsize".into(),
            path: Vec::new(),
            message: format!(
                "use {target} instead of {dt}: {:.0}% less memory and bandwidth for those arrays",
                (1.0 - keep) * 100.0
            ),
            evidence: format!(
                "{evidence}; {dt} ops allocated {} and held {} at the peak; the peak would drop by ~{}",
                human_bytes(allocated),
                human_bytes(at_peak),
                human_bytes(saved(at_peak))
            ),
            saving_ns: None,
            saving_bytes: Some(saved(allocated)),
        });
    }
    out
}

/// `temporaries`: scopes where many buffers are allocated and freed inside,
/// deepest first; a parent is only reported for temporaries its reported
/// children do not explain.
fn temporaries(report: &Report, opts: &AdviceOptions) -> Vec<Advice> {
    let growth = |r: &JsonRecord| matches!(r.name.as_str(), "append" | "concatenate" | "push");
    let mut scopes: Vec<&JsonRecord> = report
        .records
        .iter()
        .filter(|r| r.kind == "scope")
        .collect();
    scopes.sort_by_key(|s| std::cmp::Reverse(s.path.len()));
    let mut reported: Vec<(&[String], u64)> = Vec::new();
    let mut out = Vec::new();
    for scope in scopes {
        let inside: Vec<&JsonRecord> = report
            .records
            .iter()
            .filter(|r| in_subtree(&scope.path, r) && !growth(r))
            .collect();
        let allocs: u64 = inside.iter().map(|r| r.allocations).sum();
        let frees: u64 = inside.iter().map(|r| r.frees).sum();
        let explained: u64 = reported
            .iter()
            .filter(|(p, _)| p.starts_with(&scope.path))
            .map(|(_, a)| a)
            .sum();
        let temps = allocs.min(frees).saturating_sub(explained);
        if temps < opts.min_temporaries || (frees as f64) < 0.8 * allocs as f64 {
            continue;
        }
        let bytes: u64 = inside.iter().map(|r| r.bytes_allocated).sum();
        if bytes < opts.min_temporary_bytes {
            continue;
        }
        let mut makers: Vec<&&JsonRecord> = inside
            .iter()
            .filter(|r| r.kind == "op" && r.allocations > 0)
            .collect();
        makers.sort_by_key(|r| std::cmp::Reverse(r.allocations));
        let names: Vec<String> = makers
            .iter()
            .take(3)
            .map(|r| {
                format!(
                    "{} x{}",
                    r.path.last().map_or("", String::as_str),
                    r.allocations
                )
            })
            .collect();
        let alloc_ns: f64 = makers.iter().map(|r| r.total_ns).sum();
        out.push(Advice {
            rule: "temporaries".into(),
            path: scope.path.clone(),
            message: "temporary arrays allocated and freed over and over: write into \
                      preallocated outputs (`binary_into(.., &mut out)`, `unary_into`) or \
                      update in place (`binary_inplace`, `a += &b`)"
                .into(),
            evidence: format!(
                "{allocs} buffer allocations and {frees} frees inside ({} allocated; most by {}); \
                 the allocating ops took {}",
                human_bytes(bytes),
                names.join(", "),
                human_time(alloc_ns)
            ),
            saving_ns: None,
            saving_bytes: Some(bytes),
        });
        reported.push((&scope.path, allocs.min(frees)));
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}
