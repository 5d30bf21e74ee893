//! The sampler's attribution, with samples injected on the calling thread
//! (as the timer's signal would record them) in a session whose own timer
//! fires once a second, after the test is done: scope and nested totals,
//! their Poisson uncertainty, and samples outside every scope dropped. Then
//! one real sampled run: its native stacks hang under their scope path.
//! Sessions are process-wide: each test holds the profiler test lock.

use ndprof::trace::inject_sample;
use ndprof::{profile, Session};

const PERIOD_NS: f64 = 1e9; // cpu_hz(1)

#[test]
fn injected_samples_land_on_the_scope_they_were_taken_in() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(1).start().unwrap();
    inject_sample(1); // top level: outside every scope, dropped
    profile!("three", {
        for _ in 0..3 {
            inject_sample(1);
        }
    });
    profile!("one", { inject_sample(1) });
    profile!("outer", {
        inject_sample(1);
        profile!("inner", { inject_sample(2) });
    });
    let p = session.finish().unwrap();
    let r = |path: &[&str]| p.record(path).unwrap().clone();
    let (three, one) = (r(&["three"]), r(&["one"]));
    assert_eq!((three.samples, three.total_ns), (3, 3.0 * PERIOD_NS));
    assert_eq!((one.samples, one.total_ns), (1, PERIOD_NS));
    assert_eq!(three.total_ns / (three.total_ns + one.total_ns), 0.75);
    assert!((three.time_err_ns - 3.0 * PERIOD_NS / 3f64.sqrt()).abs() < 1.0);
    assert!(three.time_sampled);
    let (outer, inner) = (r(&["outer"]), r(&["outer", "inner"]));
    // Two signals: one in outer itself, one weighing two periods in inner.
    assert_eq!(
        (outer.total_ns, outer.self_ns),
        (3.0 * PERIOD_NS, PERIOD_NS)
    );
    assert_eq!((inner.samples, inner.total_ns), (1, 2.0 * PERIOD_NS));
    let timing = p.timing();
    assert_eq!(timing.sample_period_ns, PERIOD_NS as u64);
    assert_eq!(timing.lost_sample_ns, 0);
    let table = p.table();
    assert!(table.contains("times: sampled wall time, 1 Hz"), "{table}");
}

#[test]
fn helper_threads_show_in_stacks_but_not_in_the_scopes_time() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(1).start().unwrap();
    profile!("outer", {
        inject_sample(1);
        let ctx = ndprof::trace::Context::capture();
        std::thread::scope(|s| {
            s.spawn(|| ctx.run(|| inject_sample(3)));
        });
    });
    let p = session.finish().unwrap();
    let outer = p.record(&["outer"]).unwrap();
    // The opening thread's wall time only, as instrumented mode measures it.
    assert_eq!((outer.samples, outer.total_ns), (1, PERIOD_NS));
    #[cfg(feature = "cpu")]
    {
        let cpu = p.cpu().expect("stacks");
        assert_eq!(cpu.samples, 2, "{}", cpu.folded);
        assert_eq!(cpu.sampled_ns, 4 * PERIOD_NS as u64);
    }
}

#[test]
fn a_full_sample_ring_counts_what_it_loses() {
    let _l = ndprof::testing::lock();
    let session = Session::builder()
        .cpu_hz(1)
        .sample_capacity(2)
        .start()
        .unwrap();
    profile!("busy", {
        for _ in 0..5 {
            inject_sample(1);
        }
    });
    let p = session.finish().unwrap();
    assert_eq!(p.record(&["busy"]).unwrap().samples, 2);
    assert_eq!(p.timing().lost_sample_ns, 3 * PERIOD_NS as u64);
    assert!(p.table().contains("samples lost"));
}

#[inline(never)]
fn spin_in_a_named_function(ms: u64) -> u64 {
    let t = std::time::Instant::now();
    let mut x = 0u64;
    while t.elapsed().as_millis() < u128::from(ms) {
        x = std::hint::black_box(x.wrapping_add(1));
    }
    x
}

#[cfg(feature = "cpu")]
#[test]
fn native_stacks_hang_under_their_scope_path() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(250).start().unwrap();
    profile!("outer", {
        profile!("spinning", { spin_in_a_named_function(300) });
    });
    let p = session.finish().unwrap();
    let cpu = p.cpu().expect("native stacks");
    assert!(cpu.samples > 0);
    let under: Vec<&str> = cpu
        .folded
        .lines()
        .filter(|l| l.starts_with("outer;spinning;"))
        .collect();
    assert!(!under.is_empty(), "{}", cpu.folded);
    assert!(
        under.iter().any(|l| l.contains("spin_in_a_named_function")),
        "{}",
        cpu.folded
    );
    // The runtime's plumbing is trimmed.
    assert!(!cpu.folded.contains("std::rt::"), "{}", cpu.folded);
    assert!(!cpu.folded.contains("__rust_begin_short_backtrace"));
    // Samples and the time they stand for add up to what the records got.
    let spinning = p.record(&["outer", "spinning"]).unwrap();
    assert!(spinning.samples > 0 && spinning.total_ns > 0.0);
}

#[cfg(feature = "cpu")]
#[test]
fn a_helper_working_for_a_scope_is_sampled_on_its_cpu_clock() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(250).start().unwrap();
    profile!("waits", {
        let ctx = ndprof::trace::Context::capture();
        std::thread::scope(|s| {
            s.spawn(|| ctx.run(|| spin_in_a_named_function(300)));
        });
    });
    let p = session.finish().unwrap();
    let cpu = p.cpu().expect("native stacks");
    // Only the helper ran the spin: its CPU-clock samples hang under the
    // scope it worked for.
    assert!(
        cpu.folded
            .lines()
            .any(|l| l.starts_with("waits;") && l.contains("spin_in_a_named_function")),
        "{}",
        cpu.folded
    );
    // The scope's time is the waiting thread's (wall clock).
    assert!(p.record(&["waits"]).unwrap().samples > 0);
}

/// A timer that expires while its thread cannot take the signal (here:
/// `SIGPROF` blocked; on a loaded machine: preempted) is delivered once,
/// when the thread can take it again. That sample weighs the wall time since
/// the thread's previous signal, so the scope keeps the time it took
/// (weighing the armed interval, it read one period of the 60 ms).
#[cfg(target_os = "linux")]
#[test]
fn a_late_signal_weighs_the_wall_time_since_the_previous_one() {
    let _l = ndprof::testing::lock();
    let session = Session::builder().cpu_hz(250).start().unwrap();
    let took_ms = profile!("blocked", {
        let t = std::time::Instant::now();
        with_sigprof_blocked(|| spin_in_a_named_function(60));
        spin_in_a_named_function(1);
        t.elapsed().as_secs_f64() * 1e3
    });
    let p = session.finish().unwrap();
    let got_ms = p.record(&["blocked"]).unwrap().total_ns / 1e6;
    // Only the interval that crosses the scope's opening edge (at most 1.5
    // periods, 6 ms) may land outside it.
    assert!(
        got_ms >= took_ms - 8.0 && got_ms <= took_ms + 8.0,
        "sampled {got_ms:.2} ms of a scope that took {took_ms:.2} ms"
    );
}

#[cfg(target_os = "linux")]
fn with_sigprof_blocked(f: impl FnOnce() -> u64) -> u64 {
    // SAFETY: sigset_t is plain data, filled by sigemptyset/sigaddset;
    // pthread_sigmask changes only this thread's mask, restored below.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPROF);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        let out = f();
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        out
    }
}
