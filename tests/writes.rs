//! Output writes: only regular files are replaced, symlinks are followed to
//! their target, temporary names are unique and short, concurrent writers
//! never tear a file, stale temporary files of dead runs go away.

use ndprof::io::atomic_write;
use ndprof::ErrorKind;
use std::path::{Path, PathBuf};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ndprof-writes-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(path: &Path, text: &str) -> ndprof::Result<()> {
    atomic_write(path, |w| {
        w.write_all(text.as_bytes())
            .map_err(|e| ndprof::Error::io(path, e))
    })
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect()
}

#[cfg(unix)]
#[test]
fn fifos_sockets_and_directories_are_refused_and_left_alone() {
    use std::os::unix::fs::FileTypeExt;
    let d = tmp("special");
    let fifo = d.join("fifo");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    if status.is_ok_and(|s| s.success()) {
        let e = write(&fifo, "x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.to_string().contains("FIFO"), "{e}");
        assert!(std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo());
    }
    let sock_path = d.join("sock");
    let _sock = std::os::unix::net::UnixListener::bind(&sock_path).unwrap();
    let e = write(&sock_path, "x").unwrap_err();
    assert!(e.to_string().contains("socket"), "{e}");
    assert!(std::fs::symlink_metadata(&sock_path)
        .unwrap()
        .file_type()
        .is_socket());
    let sub = d.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let e = write(&sub, "x").unwrap_err();
    assert!(e.to_string().contains("directory"), "{e}");
    assert!(sub.is_dir());
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[cfg(unix)]
#[test]
fn a_character_device_is_refused() {
    // /dev/null itself: refused before anything is created beside it.
    let e = write(Path::new("/dev/null"), "x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("character device"), "{e}");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[cfg(unix)]
#[test]
fn symlinks_are_followed_and_stay_links() {
    let d = tmp("links");
    let target = d.join("real.json");
    std::fs::write(&target, "old").unwrap();
    let link = d.join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    write(&link, "new").unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    // A link to a device or a dangling link is refused.
    let dev = d.join("dev");
    std::os::unix::fs::symlink("/dev/null", &dev).unwrap();
    assert!(write(&dev, "x")
        .unwrap_err()
        .to_string()
        .contains("character device"));
    let dangling = d.join("dangling");
    std::os::unix::fs::symlink(d.join("missing/nowhere"), &dangling).unwrap();
    assert!(write(&dangling, "x").is_err());
    assert!(std::fs::symlink_metadata(&dangling)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn the_longest_legal_name_works_and_errors_leave_nothing() {
    let d = tmp("long");
    let long = d.join("a".repeat(255));
    write(&long, "ok").unwrap();
    assert_eq!(std::fs::read_to_string(&long).unwrap(), "ok");
    let failing = d.join("failing.json");
    let e = atomic_write(&failing, |_| {
        Err(ndprof::Error::new(ErrorKind::InvalidArgument, "boom"))
    })
    .unwrap_err();
    assert!(e.to_string().contains("boom"));
    assert!(!failing.exists());
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[test]
fn concurrent_writers_never_tear_a_file() {
    let d = tmp("race");
    let path = d.join("report.json");
    let a = "a".repeat(100_000);
    let b = "b".repeat(100_000);
    for _ in 0..50 {
        std::thread::scope(|s| {
            let h1 = s.spawn(|| write(&path, &a));
            let h2 = s.spawn(|| write(&path, &b));
            h1.join().unwrap().unwrap();
            h2.join().unwrap().unwrap();
        });
        let got = std::fs::read_to_string(&path).unwrap();
        assert!(got == a || got == b, "torn file");
    }
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[test]
fn temp_files_of_dead_processes_are_removed_on_the_next_write() {
    let d = tmp("stale");
    // No process has pid 4194304 + 1 (above Linux's pid_max limit).
    let stale = d.join(".ndprof-4194305-0.tmp");
    std::fs::write(&stale, "half").unwrap();
    let mine = d.join(format!(".ndprof-{}-999999.tmp", std::process::id()));
    std::fs::write(&mine, "a live writer's").unwrap();
    let unrelated = d.join(".other.tmp");
    std::fs::write(&unrelated, "keep").unwrap();
    write(&d.join("out.json"), "{}").unwrap();
    assert!(!stale.exists());
    assert!(mine.exists() && unrelated.exists());
}
