//! The `ndprof` binary: the quick tour, `compare`, `report`, `flamegraph`,
//! `merge`, their output and exit codes, and one clear line for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn ndprof(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ndprof"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the ndprof binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ndprof-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// One quick tour per test process, shared by the tests that need reports.
fn tour_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = tmp("tour");
        let o = ndprof(&["tour", "--quick", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let stdout = text(&o.stdout);
        assert!(
            stdout.contains("speedup") && stdout.contains("advice["),
            "{stdout}"
        );
        // Not a terminal: no progress bar, nothing on stderr.
        assert!(text(&o.stderr).is_empty(), "{}", text(&o.stderr));
        out
    })
}

fn path(rel: &str) -> String {
    tour_dir().join(rel).to_string_lossy().into_owned()
}

/// A failure: exit status 1 and exactly one line on stderr, no panic.
fn fails_with_one_line(o: &Output, needle: &str) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line expected: {err}");
    assert!(err.starts_with("ndprof: ") && err.contains(needle), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

#[test]
fn help_documents_every_command() {
    let o = ndprof(&["--help"]);
    assert!(o.status.success());
    let help = text(&o.stdout);
    for cmd in ["tour", "compare", "report", "flamegraph", "merge"] {
        assert!(help.contains(cmd), "{cmd} missing from\n{help}");
    }
    let o = ndprof(&["tour", "--help"]);
    assert!(text(&o.stdout).contains("--quick") && text(&o.stdout).contains("--out"));
}

#[test]
fn compare_prints_totals_and_paths_with_ratios_and_writes_a_diff_svg() {
    let out = tmp("compare");
    let svg = out.join("diff.svg");
    let o = ndprof(&[
        "compare",
        &path("heap-int64.json"),
        &path("heap-int32.json"),
        "--svg",
        svg.to_str().unwrap(),
        "--metric",
        "bytes",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    for needle in [
        "peak bytes",
        "bytes allocated",
        "reallocations",
        "copied bytes",
        "B/A",
    ] {
        assert!(s.contains(needle), "{needle} missing from\n{s}");
    }
    // The int32 run allocates half the bytes of the int64 one.
    let line = s
        .lines()
        .find(|l| l.starts_with("bytes allocated"))
        .unwrap();
    let ratio: f64 = line
        .split_whitespace()
        .last()
        .unwrap()
        .trim_end_matches('x')
        .parse()
        .unwrap();
    assert!((0.45..0.55).contains(&ratio), "{line}");
    assert!(s.contains("particles;hop;add[int64|int32]"), "{s}");
    let svg_text = std::fs::read_to_string(&svg).unwrap();
    assert!(svg_text.contains("<svg") && svg_text.contains("particles"));
}

#[test]
fn report_and_flamegraph_and_merge_work_on_tour_reports() {
    let o = ndprof(&["report", &path("heap-int64.json")]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    assert!(
        s.contains("sorted by self time") && s.contains("heap (global)"),
        "{s}"
    );
    assert!(
        s.lines().any(|l| l.starts_with("advice[dtype-downsize]: ")),
        "{s}"
    );

    let o = ndprof(&["report", "--precision", &path("heap-float64.json")]);
    assert!(text(&o.stdout).contains("use float32 instead of float64"));

    let out = tmp("tools");
    let svg = out.join("bytes.svg");
    let o = ndprof(&[
        "flamegraph",
        &path("simulation/report.json"),
        "--metric",
        "bytes",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::read_to_string(&svg)
        .unwrap()
        .contains("vectorized (temporaries)"));

    let merged = out.join("merged.json");
    let a = path("heap-int32.json");
    let o = ndprof(&["merge", &a, &a, &a, "-o", merged.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let one = ndprof::report::Report::load(&a).unwrap();
    let three = ndprof::report::Report::load(&merged).unwrap();
    assert_eq!(
        three.meta.labels.get("merged").map(String::as_str),
        Some("3")
    );
    assert_eq!(three.heap.allocations, 3 * one.heap.allocations);
    assert_eq!(three.heap.peak_bytes, 3 * one.heap.peak_bytes);
    assert_eq!(three.records.len(), one.records.len());
    assert_eq!(three.records[0].calls, 3 * one.records[0].calls);
}

#[test]
fn bad_input_gets_one_clear_line_and_a_nonzero_exit() {
    let out = tmp("bad");
    let missing = out.join("missing.json");
    let o = ndprof(&["report", missing.to_str().unwrap()]);
    fails_with_one_line(&o, "missing.json");

    let not_json = out.join("notes.txt");
    std::fs::write(&not_json, "hello").unwrap();
    let o = ndprof(&[
        "compare",
        not_json.to_str().unwrap(),
        not_json.to_str().unwrap(),
    ]);
    fails_with_one_line(&o, "not JSON");

    let not_report = out.join("other.json");
    std::fs::write(&not_report, "{\"cases\": []}").unwrap();
    let o = ndprof(&["report", not_report.to_str().unwrap()]);
    fails_with_one_line(&o, "schema_version");

    let newer = out.join("newer.json");
    let text_in = std::fs::read_to_string(path("heap-int32.json")).unwrap();
    std::fs::write(
        &newer,
        text_in.replacen("\"schema_version\": 3", "\"schema_version\": 99", 1),
    )
    .unwrap();
    let o = ndprof(&["flamegraph", newer.to_str().unwrap(), "-o", "x.svg"]);
    fails_with_one_line(&o, "newer");

    // An output path under a regular file cannot be written.
    let blocked = not_json.join("out.svg");
    let o = ndprof(&[
        "flamegraph",
        &path("heap-int32.json"),
        "-o",
        blocked.to_str().unwrap(),
    ]);
    fails_with_one_line(&o, "notes.txt/out.svg");
    let o = ndprof(&[
        "merge",
        &path("heap-int32.json"),
        "-o",
        blocked.to_str().unwrap(),
    ]);
    fails_with_one_line(&o, "out.svg");
    let o = ndprof(&["tour", "--quick", "--out", not_json.to_str().unwrap()]);
    fails_with_one_line(&o, "notes.txt");

    // Usage errors are clap's: exit status 2 with usage.
    let o = ndprof(&[
        "flamegraph",
        &path("heap-int32.json"),
        "--metric",
        "watts",
        "-o",
        "x.svg",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("unknown metric 'watts'"),
        "{}",
        text(&o.stderr)
    );
    let o = ndprof(&["merge"]);
    assert_eq!(o.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_quietly_and_a_full_one_is_an_error() {
    use std::process::Stdio;
    let report = path("heap-int64.json");
    for args in [
        vec!["report", report.as_str()],
        vec!["compare", report.as_str(), report.as_str()],
    ] {
        // `| head -c 0`: the reader is gone before the first write (the
        // report takes milliseconds to load).
        let mut child = Command::new(env!("CARGO_BIN_EXE_ndprof"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = text(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        // `> /dev/full`: no space left is an error, not a panic.
        if Path::new("/dev/full").exists() {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            let o = Command::new(env!("CARGO_BIN_EXE_ndprof"))
                .args(&args)
                .stdout(full)
                .output()
                .unwrap();
            fails_with_one_line(&o, "stdout");
        }
    }
}

#[cfg(unix)]
#[test]
fn outputs_never_replace_a_device_node() {
    let o = ndprof(&["flamegraph", &path("heap-int64.json"), "-o", "/dev/null"]);
    fails_with_one_line(&o, "character device");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}
