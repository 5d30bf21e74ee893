//! One case alone (what the single-case examples run): its outputs go
//! straight into the chosen folder, with an index about that case.

use ndprof::tour::{self, Size, TourConfig};

#[test]
fn one_case_writes_flat_into_its_folder_with_its_own_index() {
    let _l = ndprof::testing::lock();
    let root = std::env::temp_dir().join(format!("ndprof-case-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let out = root.join("vectorize");
    let cfg = TourConfig {
        size: Size::Quick,
        out: out.clone(),
    };
    let result = tour::run_case(&cfg, "vectorize", &mut |_, _, _| {}).unwrap();
    for f in [
        "report.json",
        "time.svg",
        "ops.txt",
        "index.html",
        "summary.txt",
        "tour.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing in {}", out.display());
    }
    assert!(
        !out.join("vectorize").exists(),
        "no case folder inside the case's folder"
    );
    // Nothing above the folder.
    let above: Vec<_> = std::fs::read_dir(&root).unwrap().collect();
    assert_eq!(above.len(), 1);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("ndprof tour: vectorize (quick)"), "title");
    assert!(!result.rows.is_empty());
    let e = tour::run_case(&cfg, "no-such-case", &mut |_, _, _| {}).unwrap_err();
    assert!(e.to_string().contains("no-such-case"), "{e}");
    std::fs::remove_dir_all(&root).unwrap();
}
