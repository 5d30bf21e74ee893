//! The sampler's samples as native stacks joined to scopes: each sample's
//! `profile!` scopes and op (from the call-tree node the thread was in when
//! the sampler's signal came) above the native frames it interrupted, with
//! the runtime's plumbing frames (`std::rt`, `catch_unwind`, rayon's job and
//! join machinery, thread start) left out. Written as folded lines
//! (`cpu.folded`, `cpu.svg`) and as a pprof `profile.proto` built with
//! pprof-rs's protobuf types (`cpu.pb`).

use super::record::escape_frame;
use crate::trace::recording::StackSample;
use pprof::protos::{self, Message};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// What the sampler collected, as stacks (`cpu.*` files).
#[derive(Clone, Debug)]
pub struct CpuProfile {
    /// The sampling rate asked for.
    pub hz: u32,
    /// Signals taken (all threads).
    pub samples: u64,
    /// Wall time they stand for (threads inside scopes), in nanoseconds.
    pub sampled_ns: u64,
    /// Stacks folded root-first, all threads merged: scope and op frames,
    /// then native frames; `frame;frame count` with the count in samples.
    pub folded: String,
    /// The same stacks as a pprof `profile.proto` (`cpu.pb`): sample types
    /// `samples`/`count` and `wall`/`nanoseconds`.
    pub pprof: Vec<u8>,
}

/// Frames at or below which (toward the root) every frame is the runtime
/// starting the program or a thread: cut there.
const ROOT_MARKERS: [&str; 4] = [
    "__rust_begin_short_backtrace",
    "rayon_core::registry::main_loop",
    "rayon_core::registry::WorkerThread::wait_until",
    "wait_until_cold",
];

/// Native frames that are the runtime's plumbing, not the program's work
/// (prefixes of demangled names; inlined frames come without their path).
const PLUMBING: [&str; 22] = [
    "std::rt::",
    "std::panicking::",
    "std::panic::catch_unwind",
    "std::sys::",
    "<std::sys::",
    "std::thread::",
    "<std::thread::",
    "core::ops::function::",
    "<alloc::boxed::Box<dyn core::ops::function::FnOnce",
    "<&dyn core::ops::function::Fn",
    "<core::panic::unwind_safe::AssertUnwindSafe",
    "rayon_core::registry::",
    "rayon_core::job::",
    "<rayon_core::job::",
    "rayon_core::unwind::",
    "__rust_try",
    "__libc_start",
    "0x",
    "call_once",
    "do_call",
    "catch_unwind",
    "lang_start",
];

/// Drops the runtime's frames from a root-first native stack.
fn trim(frames: Vec<String>) -> Vec<String> {
    let start = frames
        .iter()
        .rposition(|f| ROOT_MARKERS.iter().any(|m| f.contains(m)))
        .map_or(0, |i| i + 1);
    frames
        .into_iter()
        .skip(start)
        .filter(|f| {
            !(PLUMBING.iter().any(|p| f.starts_with(p))
                || ["main", "_start", "start_thread", "clone3", "clone"].contains(&f.as_str()))
        })
        .collect()
}

/// The functions at one address, outermost first (inlined frames expand).
fn symbolize(ip: usize, innermost: bool) -> Vec<String> {
    // A return address points after the call: look up the call itself.
    let addr = if innermost { ip } else { ip.saturating_sub(1) };
    let mut names = Vec::new();
    backtrace::resolve(addr as *mut std::ffi::c_void, |sym| {
        if let Some(n) = sym.name() {
            names.push(format!("{n:#}"));
        }
    });
    if names.is_empty() {
        names.push(format!("{addr:#x}"));
    }
    names.reverse();
    names
}

/// The samples of a finished session, symbolized and folded when first
/// asked for (`Profile::cpu`): `finish()` stays cheap, and a program that
/// never writes `cpu.*` files never pays for symbolization.
#[derive(Debug)]
pub(crate) struct PendingCpu {
    hz: u32,
    wall_ns: f64,
    /// (scope path, innermost-first return addresses, samples, ns).
    stacks: Vec<(Vec<String>, Vec<usize>, u64, u64)>,
    done: OnceLock<CpuProfile>,
}

impl PendingCpu {
    /// Joins the sampler's stacks to their scope paths (`path_of` a
    /// call-tree node; empty outside every record).
    pub(crate) fn new(
        hz: u32,
        wall_ns: f64,
        path_of: impl Fn(u32) -> Vec<String>,
        stacks: Vec<StackSample>,
    ) -> PendingCpu {
        let mut paths: HashMap<u32, Vec<String>> = HashMap::new();
        let stacks = stacks
            .into_iter()
            .map(|s| {
                let path = paths
                    .entry(s.node)
                    .or_insert_with(|| path_of(s.node))
                    .clone();
                (path, s.frames, s.samples, s.ns)
            })
            .collect();
        PendingCpu {
            hz,
            wall_ns,
            stacks,
            done: OnceLock::new(),
        }
    }

    /// The folded stacks and `cpu.pb`, built on first use.
    pub(crate) fn get(&self) -> &CpuProfile {
        self.done.get_or_init(|| self.build())
    }

    fn build(&self) -> CpuProfile {
        let mut names: HashMap<(usize, bool), Vec<String>> = HashMap::new();
        let mut merged: BTreeMap<Vec<String>, (u64, u64)> = BTreeMap::new();
        let (mut samples, mut sampled_ns) = (0u64, 0u64);
        for (path, frames, count, ns) in &self.stacks {
            samples += count;
            sampled_ns += ns;
            let mut stack = path.clone();
            let mut native = Vec::new();
            for (k, &ip) in frames.iter().enumerate().rev() {
                let innermost = k == 0;
                let fs = names
                    .entry((ip, innermost))
                    .or_insert_with(|| symbolize(ip, innermost));
                native.extend(fs.iter().cloned());
            }
            let mut native: Vec<String> = trim(native).iter().map(|n| escape_frame(n)).collect();
            if native.is_empty() && stack.is_empty() {
                native.push("(unknown)".to_string());
            }
            stack.extend(native);
            let e = merged.entry(stack).or_insert((0, 0));
            e.0 += count;
            e.1 += ns;
        }
        let folded = merged
            .iter()
            .map(|(s, (c, _))| format!("{} {c}\n", s.join(";")))
            .collect();
        let period_ns = if self.hz == 0 {
            0
        } else {
            1_000_000_000 / i64::from(self.hz)
        };
        let pprof = encode(&merged, period_ns, self.wall_ns as i64);
        CpuProfile {
            hz: self.hz,
            samples,
            sampled_ns,
            folded,
            pprof,
        }
    }
}

/// The stacks as an encoded pprof `Profile`.
fn encode(stacks: &BTreeMap<Vec<String>, (u64, u64)>, period_ns: i64, wall_ns: i64) -> Vec<u8> {
    let mut strings: Vec<String> = vec![String::new()];
    let mut string_ids: HashMap<String, i64> = HashMap::new();
    let mut sid = |s: &str| -> i64 {
        if let Some(&i) = string_ids.get(s) {
            return i;
        }
        strings.push(s.to_string());
        let i = strings.len() as i64 - 1;
        string_ids.insert(s.to_string(), i);
        i
    };
    let mut p = protos::Profile {
        sample_type: vec![
            protos::ValueType {
                ty: sid("samples"),
                unit: sid("count"),
            },
            protos::ValueType {
                ty: sid("wall"),
                unit: sid("nanoseconds"),
            },
        ],
        period_type: Some(protos::ValueType {
            ty: sid("wall"),
            unit: sid("nanoseconds"),
        }),
        period: period_ns,
        duration_nanos: wall_ns,
        default_sample_type: sid("wall"),
        ..Default::default()
    };
    let mut function_ids: HashMap<String, u64> = HashMap::new();
    for (stack, &(count, ns)) in stacks {
        let mut locations = Vec::with_capacity(stack.len());
        for frame in stack.iter().rev() {
            let id = match function_ids.get(frame) {
                Some(&id) => id,
                None => {
                    let id = function_ids.len() as u64 + 1;
                    function_ids.insert(frame.clone(), id);
                    let name = sid(frame);
                    p.function.push(protos::Function {
                        id,
                        name,
                        system_name: name,
                        ..Default::default()
                    });
                    p.location.push(protos::Location {
                        id,
                        line: vec![protos::Line {
                            function_id: id,
                            line: 0,
                        }],
                        ..Default::default()
                    });
                    id
                }
            };
            locations.push(id);
        }
        p.sample.push(protos::Sample {
            location_id: locations,
            value: vec![count as i64, ns as i64],
            label: Vec::new(),
        });
    }
    p.string_table = strings;
    p.encode_to_vec()
}

#[cfg(test)]
mod tests {
    use crate::profiler::cpu::trim;

    #[test]
    fn trim_drops_the_runtime_frames() {
        let stack: Vec<String> = [
            "0x0",
            "__libc_start_main_impl",
            "main",
            "std::rt::lang_start_internal",
            "__rust_begin_short_backtrace<fn(), ()>",
            "call_once<fn(), ()>",
            "ndprof::main",
            "core::ops::function::FnOnce::call_once",
            "ndprof::tour::run",
            "rayon_core::job::StackJob::execute",
            "ndprof::ops::kernels::map1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            trim(stack),
            [
                "ndprof::main",
                "ndprof::tour::run",
                "ndprof::ops::kernels::map1"
            ]
        );
    }
}
