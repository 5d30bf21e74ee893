//! Reports of many ranks merged (no MPI needed: the reports are made here):
//! the imbalance per path (min, median, max, max/mean, slowest rank, wait),
//! communication ops' waits kept out of a scope's work, `rank-imbalance`
//! naming the slow rank only when it matters, and the fields surviving
//! `report.json`.

use ndprof::report::{advise, ranks, AdviceOptions, Report};
use ndprof::trace::{op, OpClass};
use ndprof::{profile, Mode, Session};

fn spin_ms(ms: u64) {
    let t = std::time::Instant::now();
    while t.elapsed().as_millis() < ms as u128 {}
}

/// One rank's run: `work` ms of compute, then `wait` ms inside a
/// communication op, both under scope "step".
fn rank_report(rank: u32, work: u64, wait: u64) -> Report {
    let session = Session::builder()
        .mode(Mode::Instrumented)
        .cpu_hz(0)
        .start()
        .unwrap();
    profile!("step", {
        profile!("compute", { spin_ms(work) });
        let _g = op("allreduce", OpClass::Communication, "float64", 8, 64, 64);
        spin_ms(wait);
    });
    let mut r = session.finish().unwrap().report();
    r.rank = Some(rank);
    r
}

#[test]
fn imbalance_names_the_slow_rank_and_keeps_waits_out_of_work() {
    let _l = ndprof::testing::lock();
    // Rank 2 computes 60 ms, the others 15; the others then wait ~45 ms in
    // the allreduce (as they would for rank 2).
    let reports: Vec<Report> = (0..4)
        .map(|r| {
            if r == 2 {
                rank_report(r, 60, 1)
            } else {
                rank_report(r, 15, 45)
            }
        })
        .collect();
    let mut merged = ranks::merge_ranks(&reports).unwrap();
    assert_eq!(merged.meta.labels.get("ranks"), Some(&"4".to_string()));
    let find = |path: &[&str]| {
        merged
            .imbalance
            .iter()
            .find(|i| i.path == path)
            .unwrap_or_else(|| panic!("no {path:?}"))
            .clone()
    };
    let compute = find(&["step", "compute"]);
    assert_eq!(compute.slowest_rank, 2);
    assert_eq!(compute.per_rank_ns.len(), 4);
    assert!(compute.min_ns <= compute.median_ns && compute.median_ns <= compute.max_ns);
    assert!(compute.max_ns >= 60e6 && compute.min_ns >= 15e6);
    let mean = compute.per_rank_ns.iter().sum::<f64>() / 4.0;
    assert!((compute.mean_ns - mean).abs() < 1.0);
    assert!((compute.max_over_mean - compute.max_ns / mean).abs() < 1e-9);
    let wait: f64 = compute.per_rank_ns.iter().map(|t| compute.max_ns - t).sum();
    assert!((compute.wait_ns - wait).abs() < 1.0);
    // "step" holds the wait too, but its work (less the allreduce) is
    // still rank 2's; the allreduce's own slowest is a waiting rank.
    assert_eq!(find(&["step"]).slowest_rank, 2);
    assert_ne!(find(&["step", "allreduce[float64]"]).slowest_rank, 2);

    merged.advice = advise(&merged, &AdviceOptions::default());
    let adv: Vec<_> = merged
        .advice
        .iter()
        .filter(|a| a.rule == "rank-imbalance")
        .collect();
    assert_eq!(adv.len(), 1, "{adv:#?}");
    assert_eq!(adv[0].path, ["step", "compute"]);
    assert!(adv[0].message.contains("rank 2 "));
    assert!(adv[0].saving_ns.unwrap() > 80e6);

    // Written and read back, the merged report keeps its imbalance; each
    // rank's report its rank.
    let mut json = Vec::new();
    ndprof::report::json::write_json(&merged, &mut json).unwrap();
    let back = Report::from_json(std::str::from_utf8(&json).unwrap()).unwrap();
    assert_eq!(back.imbalance, merged.imbalance);
    let mut json = Vec::new();
    ndprof::report::json::write_json(&reports[3], &mut json).unwrap();
    let text = String::from_utf8(json).unwrap();
    assert!(text.contains("\"rank\": 3"), "{text}");
    assert_eq!(Report::from_json(&text).unwrap().rank, Some(3));
    assert!(ranks::imbalance_text(&back, 10).contains("rank 2"));
    assert!(ranks::rank_chart(&back).contains("<rect"));

    // A tampered imbalance (a rank's time missing, a negative time) is refused.
    let mut bad: serde_json::Value = serde_json::from_slice(&{
        let mut v = Vec::new();
        ndprof::report::json::write_json(&merged, &mut v).unwrap();
        v
    })
    .unwrap();
    bad["imbalance"][0]["per_rank_ns"]
        .as_array_mut()
        .unwrap()
        .pop();
    let e = Report::from_json(&bad.to_string()).unwrap_err();
    assert!(e.to_string().contains("imbalance of"), "{e}");

    // `ndprof merge` of the ranks' files (each with its rank) finds the same.
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ranks-merge");
    std::fs::create_dir_all(&dir).unwrap();
    let mut args = vec!["merge".to_string()];
    for r in &reports {
        let path = dir.join(format!("rank-{}.json", r.rank.unwrap()));
        std::fs::write(&path, r.to_json().unwrap()).unwrap();
        args.push(path.display().to_string());
    }
    let out = dir.join("merged.json");
    args.extend(["-o".to_string(), out.display().to_string()]);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ndprof"))
        .args(&args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cli = Report::load(&out).unwrap();
    assert_eq!(cli.imbalance.len(), merged.imbalance.len());
    assert!(cli.advice.iter().any(|a| a.rule == "rank-imbalance"));
}

#[test]
fn balanced_ranks_get_no_advice_and_duplicate_ranks_are_refused() {
    let _l = ndprof::testing::lock();
    let reports: Vec<Report> = (0..3).map(|r| rank_report(r, 30, 1)).collect();
    let mut merged = ranks::merge_ranks(&reports).unwrap();
    merged.advice = advise(&merged, &AdviceOptions::default());
    assert!(
        merged.advice.iter().all(|a| a.rule != "rank-imbalance"),
        "{:#?}",
        merged.advice
    );
    let mut twice = reports.clone();
    twice[2].rank = Some(0);
    let e = ranks::merge_ranks(&twice).unwrap_err();
    assert!(e.to_string().contains("rank 0"), "{e}");
    assert!(ranks::merge_ranks(&[]).is_err());
}
