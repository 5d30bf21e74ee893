//! The tour's heat diffusion split into row blocks across MPI ranks, with a
//! halo exchange each step and a global residual every 10 steps, profiled
//! on every rank and gathered to rank 0 (feature `mpi`):
//!
//! ```text
//! cargo build --release --features mpi --example mpi_heat
//! mpirun -n 4 --oversubscribe target/release/examples/mpi_heat [--skew]
//! ndprof report profiles/mpi_heat        # the imbalance table
//! ```
//!
//! (add `--allow-run-as-root` to `mpirun` as root). `--skew` gives rank 1
//! twice the rows of the others, so `rank-imbalance` names it. Options:
//! `--rows R --cols C --steps N --out DIR`, and `--records N` (N extra
//! scopes, to measure the gather of a large report).

use mpi::traits::Communicator;
use ndprof::array::Slice;
use ndprof::mpi as ndmpi;
use ndprof::{profile, Array, DType, Result, Session};

const ALPHA: f64 = 0.1;

struct Args {
    rows: usize,
    cols: usize,
    steps: usize,
    skew: bool,
    records: usize,
    out: String,
}

fn args() -> Args {
    let mut a = Args {
        rows: 768,
        cols: 512,
        steps: 400,
        skew: false,
        records: 0,
        out: "profiles/mpi_heat".to_string(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut num = |name: &str| -> usize {
            match it.next().and_then(|v| v.parse().ok()) {
                Some(v) => v,
                None => fail(&format!("{name} needs a number")),
            }
        };
        match flag.as_str() {
            "--skew" => a.skew = true,
            "--rows" => a.rows = num("--rows"),
            "--cols" => a.cols = num("--cols").max(3),
            "--steps" => a.steps = num("--steps"),
            "--records" => a.records = num("--records"),
            "--out" => match it.next() {
                Some(v) => a.out = v,
                None => fail("--out needs a folder"),
            },
            other => fail(&format!("unknown argument {other}")),
        }
    }
    a
}

fn fail(msg: &str) -> ! {
    eprintln!("mpi_heat: {msg}");
    std::process::exit(2)
}

/// Rank `rank`'s rows of `total`: equal shares, or (skewed) rank 1 weighs 2.
fn rows_of(total: usize, size: usize, rank: usize, skew: bool) -> usize {
    let weight = |r: usize| if skew && r == 1 { 2 } else { 1 };
    let all: usize = (0..size).map(weight).sum();
    let before: usize = (0..rank).map(weight).sum();
    let start = total * before / all;
    let end = total * (before + weight(rank)) / all;
    end - start
}

fn s(a: isize, b: isize) -> Slice {
    Slice::new(Some(a), if b == 0 { None } else { Some(b) }, 1)
}

fn row(i: isize) -> [Slice; 2] {
    [
        Slice::new(Some(i), Some(i + 1), 1),
        Slice::new(None, None, 1),
    ]
}

/// Exchanges the edge rows with the neighbours into the halo rows (0 and
/// rows + 1).
fn exchange<C: Communicator>(world: &C, u: &mut Array, rows: usize) -> Result<()> {
    let (rank, size) = (world.rank(), world.size());
    let up = (rank > 0).then(|| rank - 1);
    let down = (rank + 1 < size).then(|| rank + 1);
    let last = rows as isize;
    // My last row goes to `down`'s top halo, then my first to `up`'s bottom one.
    shift(world, u, last, down, 0, up)?;
    shift(world, u, 1, up, last + 1, down)
}

/// Sends row `send` of `u` to rank `to` and receives row `recv` from rank
/// `from` (either may be absent at the domain's edge).
fn shift<C: Communicator>(
    world: &C,
    u: &mut Array,
    send: isize,
    to: Option<i32>,
    recv: isize,
    from: Option<i32>,
) -> Result<()> {
    // A copy, so that no view of `u` is alive when its halo is written.
    let edge = u.slice(&row(send))?.to_contiguous()?;
    let got = match (to, from) {
        (Some(to), Some(from)) => Some(ndmpi::send_receive(world, &edge, to, from)?),
        (Some(to), None) => {
            ndmpi::send(world, &edge, to)?;
            None
        }
        (None, Some(from)) => Some(ndmpi::receive(world, from, DType::Float64, edge.shape())?),
        (None, None) => None,
    };
    match got {
        Some(g) => u.set_slice(&row(recv), &g),
        None => Ok(()),
    }
}

/// One explicit step on the interior (rows 1..=rows, columns 1..cols-1).
fn step(u: &mut Array) -> Result<()> {
    let new = {
        let up = u.slice(&[s(0, -2), s(1, -1)])?;
        let down = u.slice(&[s(2, 0), s(1, -1)])?;
        let left = u.slice(&[s(1, -1), s(0, -2)])?;
        let right = u.slice(&[s(1, -1), s(2, 0)])?;
        let c = u.slice(&[s(1, -1), s(1, -1)])?;
        let lap = up.add(&down)?.add(&left)?.add(&right)?;
        let lap = lap.sub(&c.mul_scalar(4.0)?)?;
        c.add(&lap.mul_scalar(ALPHA)?)?
    };
    u.set_slice(&[s(1, -1), s(1, -1)], &new)
}

fn main() -> Result<()> {
    let a = args();
    let universe = mpi::initialize().unwrap_or_else(|| fail("MPI could not start"));
    let world = universe.world();
    let (rank, size) = (world.rank() as usize, world.size() as usize);
    let rows = rows_of(a.rows, size, rank, a.skew);
    let session = Session::builder()
        .label("example", "mpi_heat")
        .label("rows", rows.to_string())
        .label("skew", a.skew.to_string())
        .mpi(&world)
        .start()?;
    let mut u = profile!("setup", {
        let mut u = Array::zeros(&[rows + 2, a.cols], DType::Float64)?;
        // A hot stripe on rank 0's first rows.
        if rank == 0 {
            let hot = Array::full(&[rows.min(8), a.cols], 100.0f64)?;
            u.set_slice(&[s(1, rows.min(8) as isize + 1), s(0, 0)], &hot)?;
        }
        u
    });
    let mut residual = 0.0;
    for k in 0..a.steps {
        profile!("step", {
            profile!("halo", { exchange(&world, &mut u, rows)? });
            profile!("compute", { step(&mut u)? });
            if k % 10 == 0 {
                profile!("residual", {
                    let local = Array::from_vec(vec![u.sum()?.item()?.to_f64()])?;
                    residual = ndmpi::allreduce_sum(&world, &local)?.item()?.to_f64();
                });
            }
        });
    }
    for i in 0..a.records {
        let _s = ndprof::trace::enter_dynamic_scope(&format!("extra scope {i}"));
    }
    ndmpi::barrier(&world);
    if let Some(run) = session.finish(&a.out)? {
        println!(
            "mpi_heat: {} ranks, {} rows x {} cols, {} steps{}; heat left {residual:.1}",
            run.ranks,
            a.rows,
            a.cols,
            a.steps,
            if a.skew { ", rank 1 skewed" } else { "" }
        );
        println!(
            "gathered {} ranks' reports ({} records merged, {} bytes of JSON) in {:.2} ms",
            run.ranks,
            run.report.records.len(),
            run.gathered_bytes,
            run.gather_ns / 1e6
        );
        for adv in run
            .report
            .advice
            .iter()
            .filter(|x| x.rule == "rank-imbalance")
        {
            println!("{adv}");
        }
        println!("wrote {}/", run.dir.display());
    }
    Ok(())
}
