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
//! | `rank-imbalance` | a report merged from MPI ranks where a scope's slowest rank takes 1.2x the mean or more (communication excluded) and the others' wait is 5%+ of the run's rank-time | move work off the slowest rank |
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
//! let report = session.finish()?.report();
//! let advice = ndprof::report::advise(&report, &ndprof::report::AdviceOptions::default());
//! assert_eq!(advice[0].rule, "scalar-loop");
//! assert!(advice[0].to_string().starts_with("advice[scalar-loop]: "));
//! # Ok(())
//! # }
//! ```

use super::model::{human_time, Advice, Report};
use super::ranks::PathImbalance;
use crate::alloc::human_bytes;
use crate::dtype::{DType, Kind};
use crate::profiler::{Children, Record};
use crate::trace::{LabelKind, OpClass};

/// The rules, by id.
pub const RULES: [&str; 6] = [
    "scalar-loop",
    "manual-reduction",
    "append-growth",
    "dtype-downsize",
    "temporaries",
    "rank-imbalance",
];

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
    /// A scope is imbalanced across MPI ranks when its slowest rank takes
    /// this many times the mean (`rank-imbalance`).
    pub imbalance_ratio: f64,
    /// ... and the other ranks wait at least this long for it, summed ...
    pub min_wait_ns: f64,
    /// ... and at least this share of the run's rank-time (wall time x ranks).
    pub min_wait_share: f64,
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
            imbalance_ratio: 1.2,
            min_wait_ns: 1e6,
            min_wait_share: 0.05,
        }
    }
}

/// Runs every rule over `report`, in rule order, then by path. Linear in
/// the number of records (plus the paths of what it reports).
pub fn advise(report: &Report, opts: &AdviceOptions) -> Vec<Advice> {
    let children = Children::of(&report.records);
    let mut out = scalar_loops(report, &children, opts);
    out.extend(append_growth(report, opts));
    out.extend(dtype_downsize(report, opts));
    out.extend(temporaries(report, &children, opts));
    out.extend(rank_imbalance(report, opts));
    out
}

/// Scopes whose slowest rank keeps the others waiting (reports merged from
/// MPI ranks): the three most waited-for, skipping a scope inside one
/// already reported for the same rank.
fn rank_imbalance(report: &Report, opts: &AdviceOptions) -> Vec<Advice> {
    // The most waited-for scopes; a scope inside one already chosen for the
    // same rank replaces it when it holds most of that wait (the more
    // precise place to act), else is skipped.
    let mut chosen: Vec<&PathImbalance> = Vec::new();
    for i in &report.imbalance {
        let rank_time = report.meta.wall_ns * i.per_rank_ns.len() as f64;
        if i.kind != LabelKind::Scope
            || i.max_over_mean < opts.imbalance_ratio
            || i.wait_ns < opts.min_wait_ns
            || i.wait_ns < opts.min_wait_share * rank_time
        {
            continue;
        }
        if chosen
            .iter()
            .any(|c| c.slowest_rank == i.slowest_rank && c.path.starts_with(&i.path))
        {
            continue; // a scope inside this one already says it
        }
        let outer = chosen
            .iter()
            .position(|c| c.slowest_rank == i.slowest_rank && i.path.starts_with(&c.path));
        match outer {
            Some(at) if i.wait_ns >= 0.8 * chosen[at].wait_ns => chosen[at] = i,
            Some(_) => {}
            None if chosen.len() < 3 => chosen.push(i),
            None => {}
        }
    }
    chosen
        .into_iter()
        .map(|i| Advice {
            rule: "rank-imbalance".into(),
            path: i.path.clone(),
            message: format!(
                "rank {} is the slowest here and the other ranks wait for it at the next \
                 collective: move work off rank {} (fewer rows or cells), or balance the \
                 decomposition by measured cost",
                i.slowest_rank, i.slowest_rank
            ),
            evidence: format!(
                "over {} ranks, time less communication: max {} on rank {}, mean {}, median {}, \
                 min {} (max/mean {:.2})",
                i.per_rank_ns.len(),
                human_time(i.max_ns),
                i.slowest_rank,
                human_time(i.mean_ns),
                human_time(i.median_ns),
                human_time(i.min_ns),
                i.max_over_mean
            ),
            saving_ns: Some(i.wait_ns),
            saving_bytes: None,
        })
        .collect()
}

/// Sums `f` over records without wrapping.
fn sum<'a>(rs: impl IntoIterator<Item = &'a Record>, f: impl Fn(&Record) -> u64) -> u64 {
    rs.into_iter().fold(0u64, |a, r| a.saturating_add(f(r)))
}

fn dtype_of(r: &Record) -> Option<DType> {
    r.dtype.parse().ok()
}

/// `scalar-loop` and `manual-reduction`: scalar get/set directly in a scope.
fn scalar_loops(report: &Report, children: &Children, opts: &AdviceOptions) -> Vec<Advice> {
    let mut out = Vec::new();
    for (i, scope) in report.records.iter().enumerate() {
        if scope.kind != LabelKind::Scope {
            continue;
        }
        let ops: Vec<&Record> = children.of[i]
            .iter()
            .map(|&c| &report.records[c])
            .filter(|r| r.is_op(OpClass::is_scalar_access))
            .collect();
        let calls = |class: OpClass| {
            sum(
                ops.iter().copied().filter(|r| r.class == Some(class)),
                |r| r.calls,
            )
        };
        let (gets, sets) = (calls(OpClass::ScalarRead), calls(OpClass::ScalarWrite));
        if gets.saturating_add(sets) < opts.min_scalar_calls {
            continue;
        }
        let n = ops.iter().map(|r| r.max_elements).max().unwrap_or(0);
        let loop_ns = scope.self_ns + ops.iter().map(|r| r.total_ns).sum::<f64>();
        let moved = sum(ops.iter().copied(), |r| {
            r.bytes_read.saturating_add(r.bytes_written)
        });
        let vector_ns = moved as f64 / opts.vector_gbps;
        let sampled = if ops.iter().any(|r| r.time_sampled) {
            ", times sampled"
        } else {
            ""
        };
        let per_element = if n > 0 {
            format!(
                " on arrays of up to {n} elements ({:.1} calls per element)",
                (gets as f64 + sets as f64) / n as f64
            )
        } else {
            String::new()
        };
        let evidence = format!(
            "{gets} scalar get and {sets} set calls{per_element}, {} in the loop{sampled}",
            human_time(loop_ns)
        );
        let saving_ns = Some((loop_ns - vector_ns).max(0.0));
        let (rule, message) = if sets.saturating_mul(opts.reads_per_write) >= gets {
            (
                "scalar-loop",
                "per-element loop: use the vectorized op (e.g. `a.square()`, `a.add(&b)`), \
                 or a typed slice loop (`as_slice`) for custom kernels"
                    .to_string(),
            )
        } else if sets == 0 {
            (
                "manual-reduction",
                "a reduction loop: use `sum`/`mean` (or `min`/`max`)".to_string(),
            )
        } else {
            (
                "manual-reduction",
                format!(
                    "a mul-add loop reading {:.0} elements per element written: use `dot`/`matmul` \
                     (or `sum`/`mean` for reductions)",
                    gets as f64 / sets as f64
                ),
            )
        };
        out.push(Advice {
            rule: rule.into(),
            path: report.path(i),
            message,
            evidence,
            saving_ns,
            saving_bytes: None,
        });
    }
    out
}

/// `append-growth`: copying appends or reallocations that move many times
/// the final array's bytes.
fn append_growth(report: &Report, opts: &AdviceOptions) -> Vec<Advice> {
    let mut out = Vec::new();
    for (i, r) in report.records.iter().enumerate() {
        if r.kind != LabelKind::Op {
            continue;
        }
        let copying = r.class == Some(OpClass::CopyingGrowth);
        let moved = r
            .bytes_copied
            .saturating_add(if copying { r.bytes_read } else { 0 });
        let Some(dt) = dtype_of(r) else { continue };
        let final_bytes = r.max_elements.saturating_mul(dt.size() as u64);
        if moved == 0
            || final_bytes == 0
            || (moved as f64) < opts.growth_factor * final_bytes as f64
        {
            continue;
        }
        let allocations = r.allocations.saturating_add(r.reallocations);
        let vector_ns = final_bytes as f64 / opts.vector_gbps;
        out.push(Advice {
            rule: "append-growth".into(),
            path: report.path(i),
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
        let ops: Vec<&Record> = report
            .records
            .iter()
            .filter(|r| r.kind == LabelKind::Op && r.dtype == dt.name())
            .collect();
        if ops.is_empty() {
            continue;
        }
        let allocated = sum(ops.iter().copied(), |r| r.bytes_allocated);
        let at_peak = report
            .heap
            .peak_contributors
            .iter()
            .filter_map(|c| Some((report.records.get(c.record?)?, c.bytes)))
            .filter(|(r, _)| r.kind == LabelKind::Op && r.dtype == dt.name())
            .fold(0u64, |a, (_, b)| a.saturating_add(b));
        let (target, evidence) = if dt.is_integer() {
            let ranged: Vec<(i64, i64)> = ops.iter().filter_map(|r| r.value_range()).collect();
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

/// Buffer traffic of a subtree, growth ops left out, and its top allocating ops.
#[derive(Clone, Default)]
struct Subtree {
    allocs: u64,
    frees: u64,
    bytes: u64,
    /// Total time of the ops that allocated.
    alloc_ns: f64,
    /// Whether any of that time is sampled, and its variance (ns^2).
    alloc_sampled: bool,
    alloc_var: f64,
    /// The three ops that allocated most: (allocations, record).
    makers: Vec<(u64, usize)>,
    /// Temporaries already reported in scopes below.
    explained: u64,
}

impl Subtree {
    fn add(&mut self, o: &Subtree) {
        self.allocs = self.allocs.saturating_add(o.allocs);
        self.frees = self.frees.saturating_add(o.frees);
        self.bytes = self.bytes.saturating_add(o.bytes);
        self.alloc_ns += o.alloc_ns;
        self.alloc_sampled |= o.alloc_sampled;
        self.alloc_var += o.alloc_var;
        self.explained = self.explained.saturating_add(o.explained);
        self.makers.extend_from_slice(&o.makers);
        self.makers
            .sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.makers.truncate(3);
    }
}

/// `temporaries`: scopes where many buffers are allocated and freed inside,
/// deepest first; a parent is only reported for temporaries its reported
/// children do not explain. One pass from the leaves up.
fn temporaries(report: &Report, children: &Children, opts: &AdviceOptions) -> Vec<Advice> {
    let records = &report.records;
    let mut sub: Vec<Subtree> = vec![Subtree::default(); records.len()];
    let mut out = Vec::new();
    for i in (0..records.len()).rev() {
        let r = &records[i];
        let mut s = Subtree::default();
        if !r.is_op(OpClass::is_growth) {
            s.allocs = r.allocations;
            s.frees = r.frees;
            s.bytes = r.bytes_allocated;
            if r.kind == LabelKind::Op && r.allocations > 0 {
                s.alloc_ns = r.total_ns;
                s.alloc_sampled = r.time_sampled;
                s.alloc_var = r.time_err_ns * r.time_err_ns;
                s.makers.push((r.allocations, i));
            }
        }
        for &c in &children.of[i] {
            let child = std::mem::take(&mut sub[c]);
            s.add(&child);
        }
        if r.kind == LabelKind::Scope {
            let temps = s.allocs.min(s.frees).saturating_sub(s.explained);
            if temps >= opts.min_temporaries
                && (s.frees as f64) >= 0.8 * s.allocs as f64
                && s.bytes >= opts.min_temporary_bytes
            {
                out.push(temporaries_advice(report, i, &s));
                s.explained = s.explained.saturating_add(temps);
            }
        }
        sub[i] = s;
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The allocating ops' time, saying how it was measured: a sampled time
/// with its uncertainty, or that no sample fell in them.
fn alloc_time(s: &Subtree) -> String {
    match (s.alloc_sampled, s.alloc_ns > 0.0) {
        (false, _) => format!("the allocating ops took {}", human_time(s.alloc_ns)),
        (true, true) => format!(
            "the allocating ops took {} +- {} (sampled)",
            human_time(s.alloc_ns),
            human_time(s.alloc_var.sqrt())
        ),
        (true, false) => "no time sample fell in the allocating ops (too short to time)".into(),
    }
}

fn temporaries_advice(report: &Report, scope: usize, s: &Subtree) -> Advice {
    let names: Vec<String> = s
        .makers
        .iter()
        .map(|&(n, i)| format!("{} x{n}", report.records[i].frame()))
        .collect();
    Advice {
        rule: "temporaries".into(),
        path: report.path(scope),
        message: "temporary arrays allocated and freed over and over: write into \
                  preallocated outputs (`binary_into(.., &mut out)`, `unary_into`) or \
                  update in place (`binary_inplace`, `a += &b`)"
            .into(),
        evidence: format!(
            "{} buffer allocations and {} frees inside ({} allocated; most by {}); {}",
            s.allocs,
            s.frees,
            human_bytes(s.bytes),
            names.join(", "),
            alloc_time(s)
        ),
        saving_ns: None,
        saving_bytes: Some(s.bytes),
    }
}
