//! Holding a sampled thread's signal while it waits on rayon's pool.

use super::timer::{ACTIVE_EPOCH, ARMED, CPU_AT_SIGNAL};
use std::cell::Cell;
use std::sync::atomic::Ordering::Relaxed;

/// Runs `f`, work this thread hands to rayon's pool and then waits for,
/// with this thread's wall-clock signal held until `f` returns: a timer
/// that expires meanwhile is delivered once, at the end, and its sample
/// weighs the whole interval on the node the thread is still in. A signal
/// to a thread blocked on the pool's latch slowed the pool's own work: a
/// 0.08 ms parallel `dot` on the 2-vCPU dev VM ran 10-30% slower for whole
/// sessions (2,500 runs each) with the caller sampled, 1.01-1.02x with the
/// signal held (`benches/RESULTS.md`, run N). Two `pthread_sigmask` calls
/// on a thread sampled on the wall clock; nothing on others (rayon's
/// workers, on their CPU clocks, take part in the work).
pub(crate) fn holding_signal<R>(f: impl FnOnce() -> R) -> R {
    let armed = ARMED.try_with(Cell::get).unwrap_or(0);
    let on_wall_clock = CPU_AT_SIGNAL.try_with(Cell::get).unwrap_or(1) == 0;
    if armed == 0 || !on_wall_clock || armed != ACTIVE_EPOCH.load(Relaxed) {
        return f();
    }
    let _held = HeldSignal::block();
    f()
}

/// `SIGPROF` blocked on this thread until dropped (if it was not already).
struct HeldSignal(bool);

impl HeldSignal {
    fn block() -> HeldSignal {
        // SAFETY: `sigset_t` is plain data, initialized by `sigemptyset`
        // before use; `pthread_sigmask` gets valid pointers.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGPROF);
            let blocked = libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old) == 0;
            HeldSignal(blocked && libc::sigismember(&old, libc::SIGPROF) == 0)
        }
    }
}

impl Drop for HeldSignal {
    fn drop(&mut self) {
        if !self.0 {
            return;
        }
        // SAFETY: as in `block`.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGPROF);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::trace::sampler::hold::holding_signal;

    fn sigprof_blocked() -> bool {
        // SAFETY: a query of this thread's mask into a zeroed set.
        unsafe {
            let mut now: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut now);
            libc::sigismember(&now, libc::SIGPROF) == 1
        }
    }

    #[test]
    fn a_wall_sampled_thread_holds_its_signal_while_it_waits_on_the_pool() -> crate::Result<()> {
        let _l = crate::testing::lock();
        assert!(!holding_signal(sigprof_blocked), "no session: nothing held");
        let session = crate::Session::builder().cpu_hz(250).start()?;
        assert!(holding_signal(sigprof_blocked), "held while waiting");
        assert!(!sigprof_blocked(), "released after");
        let on_worker = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .map(|p| {
                p.install(|| crate::profile!("on a worker", { holding_signal(sigprof_blocked) }))
            });
        assert_eq!(on_worker.ok(), Some(false), "a worker takes part: not held");
        session.finish()?;
        assert!(
            !holding_signal(sigprof_blocked),
            "after the session: nothing held"
        );
        Ok(())
    }
}
