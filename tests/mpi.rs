//! Many ranks (feature `mpi`; needs OpenMPI's `mpirun`): `examples/mpi_heat`
//! launched on 2 and 4 ranks over loopback. Rank 0's folder holds the merged
//! report with every rank, each rank's own report with its counts, and (in
//! the skewed run) `rank-imbalance` naming the skewed rank.
#![cfg(feature = "mpi")]

use ndprof::report::Report;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROWS: usize = 600;
// Wide enough that the skewed rank's double share outweighs the scheduling of 4
// ranks on 2 cores (at 256 columns rank 0 once read slowest).
const COLS: usize = 1024;
const STEPS: usize = 300;

fn heat() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/examples/mpi_heat");
    assert!(
        bin.is_file(),
        "build the example first: cargo build --release --features mpi --example mpi_heat"
    );
    bin
}

/// Runs the example on `ranks` ranks into a fresh folder.
fn launch(ranks: usize, skew: bool, name: &str) -> PathBuf {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&out);
    let mut cmd = Command::new("timeout");
    cmd.args(["300", "mpirun", "-n", &ranks.to_string(), "--oversubscribe"])
        .args(["--mca", "btl_tcp_if_include", "lo"]);
    // As root (CI), OpenMPI refuses to start without being told.
    if std::env::var("USER").as_deref() == Ok("root") || is_root() {
        cmd.arg("--allow-run-as-root");
    }
    cmd.arg(heat()).args([
        "--rows",
        &ROWS.to_string(),
        "--cols",
        &COLS.to_string(),
        "--steps",
        &STEPS.to_string(),
        "--out",
    ]);
    cmd.arg(&out);
    if skew {
        cmd.arg("--skew");
    }
    let o = cmd.output().expect("mpirun (OpenMPI's openmpi-bin) runs");
    assert!(
        o.status.success(),
        "mpirun failed: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The example's split: equal shares, rank 1 weighing 2 when skewed.
fn rows_of(size: usize, rank: usize, skew: bool) -> usize {
    let weight = |r: usize| if skew && r == 1 { 2 } else { 1 };
    let all: usize = (0..size).map(weight).sum();
    let before: usize = (0..rank).map(weight).sum();
    ROWS * (before + weight(rank)) / all - ROWS * before / all
}

fn add_of(r: &Report) -> (u64, u64) {
    let add = r
        .record(&["step", "compute", "add[float64]"])
        .expect("step;compute;add[float64]");
    (add.calls, add.elements)
}

fn check_run(dir: &Path, ranks: usize, skew: bool) -> Report {
    let merged = Report::load(dir.join("report.json")).unwrap();
    assert_eq!(merged.meta.labels.get("ranks"), Some(&ranks.to_string()));
    assert!(merged.rank.is_none());
    assert!(!merged.imbalance.is_empty());
    assert!(merged
        .imbalance
        .iter()
        .all(|i| i.per_rank_ns.len() == ranks));
    let (mut calls, mut elements) = (0, 0);
    for rank in 0..ranks {
        let r = Report::load(dir.join(format!("ranks/rank-{rank}.json"))).unwrap();
        assert_eq!(r.rank, Some(rank as u32));
        let rows = rows_of(ranks, rank, skew);
        assert_eq!(r.meta.labels.get("rows"), Some(&rows.to_string()));
        // Four adds a step, each over the interior of the rank's block.
        let (c, e) = add_of(&r);
        assert_eq!(c, 4 * STEPS as u64, "rank {rank}");
        assert_eq!(e, (4 * STEPS * rows * (COLS - 2)) as u64, "rank {rank}");
        let halo = r
            .record(&["step", "halo"])
            .expect("a halo scope on every rank");
        assert_eq!(halo.calls, STEPS as u64);
        calls += c;
        elements += e;
    }
    // The merged report sums the ranks.
    assert_eq!(add_of(&merged), (calls, elements));
    assert!(dir.join("index.html").is_file());
    merged
}

#[test]
fn two_and_four_ranks_gather_to_rank_zero_and_name_the_skewed_rank() {
    let dir = launch(2, false, "mpi-2");
    check_run(&dir, 2, false);

    let dir = launch(4, true, "mpi-4-skew");
    let merged = check_run(&dir, 4, true);
    let imbalance: Vec<_> = merged
        .advice
        .iter()
        .filter(|a| a.rule == "rank-imbalance")
        .collect();
    assert!(
        !imbalance.is_empty(),
        "no rank-imbalance advice: {:#?}",
        merged.imbalance
    );
    assert!(imbalance[0].message.contains("rank 1 "), "{}", imbalance[0]);
    let compute = merged
        .imbalance
        .iter()
        .find(|i| i.path == ["step", "compute"])
        .unwrap();
    assert_eq!(compute.slowest_rank, 1);
    assert!(compute.max_over_mean > 1.2, "{compute:?}");
    // `ndprof report` on the folder prints the imbalance table.
    let o = Command::new(env!("CARGO_BIN_EXE_ndprof"))
        .arg("report")
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("time across 4 ranks per path"), "{text}");
    assert!(text.contains("advice[rank-imbalance]: "), "{text}");
}
