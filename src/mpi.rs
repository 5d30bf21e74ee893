//! Profiling every MPI rank (feature `mpi`, over the system's MPI through
//! the `mpi` crate): a session started on a communicator labels its run
//! with the rank and size; [`MpiSession::finish`] gathers every rank's
//! report to rank 0 over MPI (no shared file system assumed), and rank 0
//! writes one folder: the merged `report.json` with the imbalance across
//! ranks ([`report::ranks`](crate::report::ranks)) and the
//! `rank-imbalance` advice, every other output of a run, `ranks/rank-N.json`
//! (each rank's own report, with its `"rank"`), and an `index.html` with
//! time per rank per top-level scope.
//!
//! The helpers [`barrier`], [`allreduce_sum`], [`send`], [`receive`] and
//! [`send_receive`] are recorded as ops of class
//! [`Communication`](crate::trace::OpClass::Communication)
//! (`allreduce[float64]`, bytes sent as read and received as written), so
//! a rank's wait shows up where it happens.
//!
//! ```no_run
//! use ndprof::{mpi as ndmpi, profile, Array, DType, Session};
//! # fn main() -> ndprof::Result<()> {
//! let universe = mpi::initialize().expect("MPI");
//! let world = universe.world();
//! let session = Session::builder().mpi(&world).start()?;
//! profile!("step", {
//!     let local = Array::ones(&[1000], DType::Float64)?;
//!     let total = ndmpi::allreduce_sum(&world, &local)?;
//! });
//! if let Some(run) = session.finish("profiles/my_run")? {
//!     println!("gathered {} ranks in {:.2} ms", run.ranks, run.gather_ns / 1e6);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Gathering is one message per rank to rank 0 (its report as JSON),
//! received in rank order: linear in ranks and report size at rank 0.

use crate::array::Array;
use crate::dtype::DType;
use crate::error::{Error, ErrorKind, Result};
use crate::profiler::{Session, SessionBuilder};
use crate::report::{advise, ranks, AdviceOptions, Report};
use crate::trace::{self, OpClass};
use mpi::collective::SystemOperation;
use mpi::traits::{Communicator, CommunicatorCollectives, Destination, Source};
use std::path::{Path, PathBuf};
use std::time::Instant;

impl SessionBuilder {
    /// A session on every rank of `comm`: labels the run `rank` and `size`;
    /// [`MpiSession::finish`] gathers the ranks' reports to rank 0. Call it
    /// on every rank.
    pub fn mpi<C: Communicator>(self, comm: &C) -> MpiSessionBuilder<'_, C> {
        MpiSessionBuilder {
            builder: self,
            comm,
        }
    }
}

/// A [`SessionBuilder`] bound to a communicator; see [`SessionBuilder::mpi`].
pub struct MpiSessionBuilder<'c, C: Communicator> {
    builder: SessionBuilder,
    comm: &'c C,
}

impl<'c, C: Communicator> MpiSessionBuilder<'c, C> {
    /// Starts recording on this rank.
    ///
    /// # Errors
    /// As [`SessionBuilder::start`].
    pub fn start(self) -> Result<MpiSession<'c, C>> {
        let (rank, size) = (self.comm.rank(), self.comm.size());
        let session = self
            .builder
            .label("rank", rank.to_string())
            .label("ranks", size.to_string())
            .start()?;
        Ok(MpiSession {
            session,
            comm: self.comm,
        })
    }
}

/// A session on one rank of a communicator.
pub struct MpiSession<'c, C: Communicator> {
    session: Session,
    comm: &'c C,
}

/// What rank 0 wrote after gathering.
#[derive(Debug)]
pub struct MpiRun {
    /// The merged report (with `imbalance` and advice).
    pub report: Report,
    /// How many ranks reported.
    pub ranks: usize,
    /// Wall time of the gather on rank 0 (finish its own session, receive
    /// every other rank's report, parse them), nanoseconds.
    pub gather_ns: f64,
    /// Bytes of JSON received from the other ranks.
    pub gathered_bytes: u64,
    /// The folder written.
    pub dir: PathBuf,
}

impl<C: Communicator> MpiSession<'_, C> {
    /// Stops recording on this rank and gathers every rank's report to rank
    /// 0, which writes the merged run into `dir`. Call it on every rank (it
    /// is collective). Returns the merged run on rank 0, `None` elsewhere.
    ///
    /// # Errors
    /// On rank 0: a rank's report that did not arrive whole (naming the
    /// rank), or writing `dir`. On any rank: finishing its own session.
    pub fn finish(self, dir: impl AsRef<Path>) -> Result<Option<MpiRun>> {
        let (rank, size) = (self.comm.rank(), self.comm.size());
        let t = Instant::now();
        let own = self.session.finish().map(|p| {
            let mut r = p.report();
            r.rank = u32::try_from(rank).ok();
            r
        });
        // Every rank sends something, even on failure, so rank 0 never waits forever.
        let json = match &own {
            Ok(r) => serde_json::to_vec(r).unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        if rank != 0 {
            self.comm.process_at_rank(0).send(&json[..]);
            return own.map(|_| None);
        }
        // Rank 0 receives every rank's message before giving up on its own
        // failure: an unreceived send could leave another rank blocked.
        let mut reports = Vec::with_capacity(usize::try_from(size).unwrap_or(1));
        let mut gathered_bytes = 0u64;
        let mut failed = None;
        for r in 1..size {
            let (bytes, _) = self.comm.process_at_rank(r).receive_vec::<u8>();
            gathered_bytes = gathered_bytes.saturating_add(bytes.len() as u64);
            let parsed = std::str::from_utf8(&bytes)
                .map_err(|e| e.to_string())
                .and_then(|s| Report::from_json(s).map_err(|e| e.to_string()));
            match parsed {
                Ok(mut report) => {
                    report.rank = u32::try_from(r).ok();
                    reports.push(report);
                }
                Err(e) if failed.is_none() => {
                    failed = Some(format!(
                        "rank {r} sent no readable report ({} bytes): {e}",
                        bytes.len()
                    ))
                }
                Err(_) => {}
            }
        }
        let own = own?;
        if let Some(e) = failed {
            return Err(Error::new(ErrorKind::Format, e));
        }
        reports.insert(0, own);
        let gather_ns = t.elapsed().as_nanos() as f64;
        let mut merged = ranks::merge_ranks(&reports)?;
        merged.advice = advise(&merged, &AdviceOptions::default());
        let dir = dir.as_ref().to_path_buf();
        write_run(&merged, &reports, &dir)?;
        Ok(Some(MpiRun {
            report: merged,
            ranks: reports.len(),
            gather_ns,
            gathered_bytes,
            dir,
        }))
    }
}

/// Writes the merged run's files, each rank's report and the index page.
fn write_run(merged: &Report, reports: &[Report], dir: &Path) -> Result<()> {
    crate::report::export::export_all(merged, dir)?;
    let ranks_dir = dir.join("ranks");
    std::fs::create_dir_all(&ranks_dir).map_err(|e| Error::io(&ranks_dir, e))?;
    for r in reports {
        let path = ranks_dir.join(format!("rank-{}.json", r.rank.unwrap_or(0)));
        crate::io::atomic_write(&path, |w| crate::report::json::write_json(r, w))?;
    }
    let mut page = crate::report::html::Page::new(&format!(
        "ndprof: {} MPI ranks ({})",
        reports.len(),
        merged.meta.session_name()
    ));
    let chart = ranks::rank_chart(merged);
    if !chart.is_empty() {
        page.heading("Time per rank");
        page.figure("time per rank per top-level scope", &chart);
    }
    if !merged.advice.is_empty() {
        page.heading("Advice");
        page.advice_cards(&merged.advice);
    }
    page.heading("Imbalance across ranks");
    page.text(&ranks::imbalance_text(merged, 30));
    page.heading("All ranks together");
    page.text(&format!("{}\n{}", merged.table(), merged.summary()));
    crate::report::write_text(&dir.join("index.html"), &page.finish())
}

fn check_rank<C: Communicator>(comm: &C, rank: i32, what: &str) -> Result<()> {
    if (0..comm.size()).contains(&rank) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{what} rank {rank} is not in this communicator of {} ranks",
            comm.size()
        )))
    }
}

/// Starts recording communication op `name` moving `a` (`sent`: its bytes
/// count as read, `received`: as written).
#[track_caller]
fn comm_op(name: &'static str, a: &Array, sent: bool, received: bool) -> trace::OpGuard {
    let bytes = a.len().saturating_mul(a.dtype().size());
    trace::op(
        name,
        OpClass::Communication,
        a.dtype().name(),
        a.len(),
        if sent { bytes } else { 0 },
        if received { bytes } else { 0 },
    )
}

/// The array's elements as one contiguous vector of `T`.
fn elements<T: crate::dtype::Element>(a: &Array) -> Result<Vec<T>> {
    a.to_vec::<T>()
}

/// Waits for every rank (`MPI_Barrier`), recorded as op `barrier[none]`.
#[track_caller]
pub fn barrier<C: Communicator>(comm: &C) {
    let _g = trace::op("barrier", OpClass::Communication, "none", 0, 0, 0);
    comm.barrier();
}

macro_rules! with_mpi_dtype {
    ($dt:expr, $T:ident => $body:expr) => {
        match $dt {
            DType::Bool => {
                type $T = bool;
                $body
            }
            DType::Int8 => {
                type $T = i8;
                $body
            }
            DType::Int16 => {
                type $T = i16;
                $body
            }
            DType::Int32 => {
                type $T = i32;
                $body
            }
            DType::Int64 => {
                type $T = i64;
                $body
            }
            DType::UInt8 => {
                type $T = u8;
                $body
            }
            DType::UInt16 => {
                type $T = u16;
                $body
            }
            DType::UInt32 => {
                type $T = u32;
                $body
            }
            DType::UInt64 => {
                type $T = u64;
                $body
            }
            DType::Float32 => {
                type $T = f32;
                $body
            }
            DType::Float64 => {
                type $T = f64;
                $body
            }
        }
    };
}

/// The elementwise sum of `a` over every rank (`MPI_Allreduce`), on every
/// rank; recorded as op `allreduce[dtype]`. Every rank must pass an array
/// of the same dtype and size (MPI cannot check this).
///
/// # Errors
/// [`DTypeMismatch`](ErrorKind::DTypeMismatch) for bool (no sum).
#[track_caller]
pub fn allreduce_sum<C: Communicator>(comm: &C, a: &Array) -> Result<Array> {
    if a.dtype() == DType::Bool {
        return Err(Error::dtype("allreduce_sum of a bool array (no sum)"));
    }
    let _g = comm_op("allreduce", a, true, true);
    with_mpi_dtype!(a.dtype(), T => {
        let send = elements::<T>(a)?;
        let mut out = send.clone();
        comm.all_reduce_into(&send[..], &mut out[..], SystemOperation::sum());
        Array::from_vec(out)?.reshape(a.shape())
    })
}

/// Sends `a`'s elements to rank `dest` (`MPI_Send`, blocking); recorded as
/// op `send[dtype]`.
///
/// # Errors
/// [`InvalidArgument`](ErrorKind::InvalidArgument) for a rank outside the communicator.
#[track_caller]
pub fn send<C: Communicator>(comm: &C, a: &Array, dest: i32) -> Result<()> {
    check_rank(comm, dest, "destination")?;
    let _g = comm_op("send", a, true, false);
    with_mpi_dtype!(a.dtype(), T => {
        let data = elements::<T>(a)?;
        comm.process_at_rank(dest).send(&data[..]);
    });
    Ok(())
}

/// Receives an array of `dtype` and `shape` from rank `source` (`MPI_Recv`,
/// blocking); recorded as op `receive[dtype]`.
///
/// # Errors
/// [`InvalidArgument`](ErrorKind::InvalidArgument) for a rank outside the
/// communicator; [`ShapeMismatch`](ErrorKind::ShapeMismatch) when the
/// message holds another number of elements than `shape`.
#[track_caller]
pub fn receive<C: Communicator>(
    comm: &C,
    source: i32,
    dtype: DType,
    shape: &[usize],
) -> Result<Array> {
    check_rank(comm, source, "source")?;
    let n = crate::array::checked_size(shape)?;
    let _g = trace::op(
        "receive",
        OpClass::Communication,
        dtype.name(),
        n,
        0,
        n.saturating_mul(dtype.size()),
    );
    with_mpi_dtype!(dtype, T => {
        let (data, _) = comm.process_at_rank(source).receive_vec::<T>();
        if data.len() != n {
            return Err(Error::shape(format!(
                "received {} elements of {dtype} from rank {source}, expected shape {:?} ({n} elements)",
                data.len(),
                shape
            )));
        }
        Array::from_vec(data)?.reshape(shape)
    })
}

/// Sends `a` to `dest` and receives an array of the same dtype and shape
/// from `source` at once (`MPI_Sendrecv`: a halo exchange without
/// deadlock); recorded as op `sendrecv[dtype]`.
///
/// # Errors
/// [`InvalidArgument`](ErrorKind::InvalidArgument) for a rank outside the
/// communicator; [`ShapeMismatch`](ErrorKind::ShapeMismatch) when the
/// message received has another number of elements.
#[track_caller]
pub fn send_receive<C: Communicator>(comm: &C, a: &Array, dest: i32, source: i32) -> Result<Array> {
    check_rank(comm, dest, "destination")?;
    check_rank(comm, source, "source")?;
    let _g = comm_op("sendrecv", a, true, true);
    with_mpi_dtype!(a.dtype(), T => {
        let data = elements::<T>(a)?;
        let mut got = data.clone();
        mpi::point_to_point::send_receive_into(
            &data[..],
            &comm.process_at_rank(dest),
            &mut got[..],
            &comm.process_at_rank(source),
        );
        Array::from_vec(got)?.reshape(a.shape())
    })
}
