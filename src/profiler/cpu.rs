//! Native CPU stacks sampled by pprof-rs (`ProfilerGuard`). Its signal
//! handler sees only native frames, so `cpu.*` outputs are native stacks;
//! scope and op attribution comes from the instrumentation. Samples here
//! top out near 240 per CPU-second whatever the rate asked for (FACTS.md),
//! so the default is 99 Hz.

use super::record::escape_frame;
use crate::error::{Error, ErrorKind, Result};
use pprof::protos::Message;
use std::collections::BTreeMap;

/// Frames from these libraries are skipped while unwinding: unwinding
/// through them from a signal handler can deadlock.
const BLOCKLIST: [&str; 4] = ["libc", "libgcc", "pthread", "vdso"];

/// What the CPU sampler collected.
#[derive(Clone, Debug)]
pub struct CpuProfile {
    /// The sampling rate asked for.
    pub hz: u32,
    /// Samples taken (all threads).
    pub samples: u64,
    /// Native stacks folded root-first, all threads merged (rayon workers'
    /// towers combine), `frame;frame count`.
    pub folded: String,
    /// pprof-rs's own `profile.proto` encoding (`cpu.pb`).
    pub pprof: Vec<u8>,
}

pub(crate) struct CpuSampler {
    guard: pprof::ProfilerGuard<'static>,
    hz: u32,
}

fn cpu_error(what: &str, e: pprof::Error) -> Error {
    Error::new(ErrorKind::Session, format!("CPU sampling: {what}: {e}"))
}

impl CpuSampler {
    pub(crate) fn start(hz: u32) -> Result<CpuSampler> {
        let guard = pprof::ProfilerGuardBuilder::default()
            .frequency(hz as i32)
            .blocklist(&BLOCKLIST)
            .build()
            .map_err(|e| cpu_error("cannot start the sampler", e))?;
        Ok(CpuSampler { guard, hz })
    }

    pub(crate) fn finish(self) -> Result<CpuProfile> {
        let report = self
            .guard
            .report()
            .build()
            .map_err(|e| cpu_error("cannot build the report", e))?;
        let mut merged: BTreeMap<String, u64> = BTreeMap::new();
        let mut samples = 0u64;
        for (frames, &count) in &report.data {
            let count = count.max(0) as u64;
            samples += count;
            let stack: Vec<String> = frames
                .frames
                .iter()
                .rev()
                .flat_map(|frame| frame.iter().rev().map(|sym| escape_frame(&sym.name())))
                .collect();
            let stack = if stack.is_empty() {
                "(unknown)".to_string()
            } else {
                stack.join(";")
            };
            *merged.entry(stack).or_insert(0) += count;
        }
        let folded = merged.iter().map(|(s, c)| format!("{s} {c}\n")).collect();
        let profile = report
            .pprof()
            .map_err(|e| cpu_error("cannot encode cpu.pb", e))?;
        let mut pprof = Vec::new();
        profile.encode(&mut pprof).map_err(|e| {
            Error::new(
                ErrorKind::Format,
                format!("CPU sampling: encoding cpu.pb: {e}"),
            )
        })?;
        Ok(CpuProfile {
            hz: self.hz,
            samples,
            folded,
            pprof,
        })
    }
}
