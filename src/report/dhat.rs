//! `dhat-heap.json`: a report's allocation sites in the file format of
//! DHAT (Valgrind's heap profiler) as dhat-rs writes it, so that DHAT's
//! viewer (`dh_view.html`, shipped with Valgrind) shows ndprof's heap
//! profile as its per-site tree.
//!
//! Each record that allocated is one program point (`pps`), its frames the
//! record's scope/op path, innermost first, as indices into `ftbl` (whose
//! first entry is DHAT's `[root]`). Per point: total bytes (`tb`) and blocks
//! (`tbk`), exact: heap allocations through `alloc::Tracking` plus array
//! buffers (allocations and growth). ndprof keeps no per-block lifetimes, so
//! the file says so the way DHAT's format does: `bklt: false` (no
//! lifetimes, per-site maxima or t-gmax/t-end values), `bkacc: false` (no
//! access counts). The peak and who held it are in `report.json` and
//! `ops.txt`.
//!
//! ```
//! use ndprof::report::dhat;
//! let session = ndprof::Session::builder().start()?;
//! let _a = ndprof::profile!("setup", { ndprof::Array::zeros(&[1000], ndprof::DType::Float64)? });
//! let report = session.finish()?.report();
//! let mut out = Vec::new();
//! dhat::write_dhat(&report, &mut out)?;
//! let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! assert_eq!(v["dhatFileVersion"], 2);
//! assert_eq!(v["ftbl"][0], "[root]");
//! // `setup` allocated the 8000-byte buffer (through `zeros[float64]`).
//! assert!(v["pps"].as_array().unwrap().iter().any(|p| p["tb"] == 8000));
//! # Ok::<(), ndprof::Error>(())
//! ```

use super::model::Report;
use crate::error::{Error, ErrorKind, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

/// The file, field for field as DHAT's viewer reads it.
#[derive(Serialize)]
#[allow(non_snake_case)]
struct DhatFile {
    dhatFileVersion: u32,
    mode: &'static str,
    verb: &'static str,
    bklt: bool,
    bkacc: bool,
    tu: &'static str,
    Mtu: &'static str,
    cmd: String,
    pid: u32,
    te: u64,
    pps: Vec<ProgramPoint>,
    ftbl: Vec<String>,
}

/// One allocation site.
#[derive(Serialize)]
struct ProgramPoint {
    tb: u64,
    tbk: u64,
    fs: Vec<usize>,
}

/// Writes `report`'s allocation sites as DHAT's JSON.
///
/// # Errors
/// [`Io`](ErrorKind::Io) from `w`.
pub fn write_dhat(report: &Report, w: &mut dyn Write) -> Result<()> {
    let file = dhat_file(report);
    serde_json::to_writer(&mut *w, &file)
        .map_err(|e| Error::new(ErrorKind::Io, format!("writing dhat-heap.json: {e}")))?;
    w.write_all(b"\n")
        .map_err(|e| Error::new(ErrorKind::Io, format!("writing dhat-heap.json: {e}")))
}

fn dhat_file(report: &Report) -> DhatFile {
    let mut ftbl = vec!["[root]".to_string()];
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut frame_of = |name: String| -> usize {
        *index.entry(name.clone()).or_insert_with(|| {
            ftbl.push(name);
            ftbl.len() - 1
        })
    };
    let records = &report.records;
    let mut pps = Vec::new();
    for r in records {
        let tb = r.heap_bytes.saturating_add(r.bytes_allocated);
        let tbk = r
            .heap_allocations
            .saturating_add(r.allocations)
            .saturating_add(r.reallocations);
        if tb == 0 && tbk == 0 {
            continue;
        }
        // Innermost first, as a backtrace lists frames.
        let mut fs = vec![frame_of(r.frame())];
        let mut parent = r.parent;
        let mut hops = 0;
        while let Some(p) = parent.filter(|&p| p < records.len() && hops < records.len()) {
            fs.push(frame_of(records[p].frame()));
            parent = records[p].parent;
            hops += 1;
        }
        pps.push(ProgramPoint { tb, tbk, fs });
    }
    DhatFile {
        dhatFileVersion: 2,
        mode: "ndprof-heap",
        verb: "Allocated",
        bklt: false,
        bkacc: false,
        tu: "µs",
        Mtu: "s",
        cmd: report.meta.session_name(),
        pid: 0,
        te: (report.meta.wall_ns.max(0.0) / 1e3) as u64,
        pps,
        ftbl,
    }
}
