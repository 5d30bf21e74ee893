//! Each sampled thread's own POSIX timer: which clock it runs on
//! ([`SampleClock`]), arming it on the thread's first event of a session,
//! re-arming it from the signal handler at a random interval, the time each
//! signal stands for, and deleting it when the thread exits. The module doc
//! of `sampler` says why each choice was made.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering::*};
use std::sync::Mutex;

/// The session being sampled (0: none): a thread arms for it alone.
pub(super) static ACTIVE_EPOCH: AtomicU64 = AtomicU64::new(0);
/// The mean interval between a thread's signals, in ns.
pub(super) static PERIOD_NS: AtomicU64 = AtomicU64::new(0);
/// Every armed timer, with the session it was armed for.
pub(super) static TIMERS: Mutex<Vec<(usize, u64)>> = Mutex::new(Vec::new());

/// Deletes a thread's timer when the thread exits (its id could be reused
/// by a new thread, which would then get the old timer's signals).
/// (timer plus one, session epoch): the kernel reuses ids of deleted timers.
pub(super) struct TimerOwner(pub(super) Cell<(usize, u64)>);

impl Drop for TimerOwner {
    fn drop(&mut self) {
        let (t, epoch) = self.0.get();
        if t == 0 {
            return;
        }
        let t = t - 1;
        let _ = TIMER.try_with(|c| c.set(0));
        let mut timers = TIMERS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = timers.iter().position(|&x| x == (t, epoch)) {
            timers.swap_remove(i);
            // SAFETY: the id came from timer_create and is deleted once (it
            // left the list, which `stop` deletes from, under its lock).
            unsafe { libc::timer_delete(t as libc::timer_t) };
        }
    }
}

thread_local! {
    /// The timer this thread owns, deleted when it exits.
    pub(super) static OWNER: TimerOwner = const { TimerOwner(Cell::new((0, 0))) };
    /// The session epoch this thread's timer was armed for.
    pub(super) static ARMED: Cell<u64> = const { Cell::new(0) };
    /// This thread's timer (a `timer_t`) plus one (0: none; the kernel's
    /// first timer id is 0), re-armed by the handler.
    pub(super) static TIMER: Cell<usize> = const { Cell::new(0) };
    /// The interval the timer was last armed with, in ns.
    pub(super) static ARMED_NS: Cell<u64> = const { Cell::new(0) };
    /// This thread's CPU time (ns) at its previous signal, when its timer
    /// runs on its CPU clock (0: on the wall clock).
    pub(super) static CPU_AT_SIGNAL: Cell<u64> = const { Cell::new(0) };
    /// `CLOCK_MONOTONIC` (ns) at this thread's previous signal or arming,
    /// when its timer runs on the wall clock (0: on its CPU clock).
    pub(super) static WALL_AT_SIGNAL: Cell<u64> = const { Cell::new(0) };
    /// The handler's random state.
    pub(super) static JITTER: Cell<u64> = const { Cell::new(0) };
    /// This thread's id, taken when its timer is armed.
    pub(super) static TID: Cell<u32> = const { Cell::new(0) };
}

/// The clock a thread's timer runs on (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SampleClock {
    /// `CLOCK_MONOTONIC`: the thread's scopes' wall time, waits included.
    Wall,
    /// `CLOCK_THREAD_CPUTIME_ID`: a helper's working time; no signals
    /// while it sleeps.
    Cpu,
}

impl SampleClock {
    /// The clock for a thread arming on its own first event: its CPU clock
    /// on a rayon worker (a helper, idle between tasks), else the wall clock.
    pub(crate) fn for_this_thread() -> SampleClock {
        if rayon::current_thread_index().is_some() {
            SampleClock::Cpu
        } else {
            SampleClock::Wall
        }
    }
}

/// Arms this thread's timer for session `epoch` on `clock` (a closure, as
/// the choice costs a thread-local lookup) if sampling and not yet armed.
#[inline]
pub(crate) fn arm_this_thread(epoch: u64, clock: impl FnOnce() -> SampleClock) {
    if ARMED.try_with(Cell::get).unwrap_or(epoch) == epoch {
        return;
    }
    if ACTIVE_EPOCH.load(Relaxed) != epoch {
        return;
    }
    arm_slow(epoch, clock());
}

/// Arms this thread's timer; what it allocates (the timer list) is the
/// profiler's own (uncounted).
#[cold]
fn arm_slow(epoch: u64, clock: SampleClock) {
    crate::trace::own::uncounted(|| arm_uncounted(epoch, clock));
}

fn arm_uncounted(epoch: u64, clock: SampleClock) {
    let _ = ARMED.try_with(|a| a.set(epoch));
    // SAFETY: gettid has no preconditions.
    let _ = TID.try_with(|t| t.set(unsafe { libc::gettid() } as u32));
    let period = PERIOD_NS.load(Relaxed).max(1);
    // SAFETY: `sigevent` is plain data; all-zero is a valid value to fill in.
    let mut sev: libc::sigevent = unsafe { std::mem::zeroed() };
    sev.sigev_notify = libc::SIGEV_THREAD_ID;
    sev.sigev_signo = libc::SIGPROF;
    // SAFETY: gettid has no preconditions.
    sev.sigev_notify_thread_id = unsafe { libc::gettid() };
    let mut timer: libc::timer_t = std::ptr::null_mut();
    let clock_id = match clock {
        SampleClock::Wall => libc::CLOCK_MONOTONIC,
        SampleClock::Cpu => libc::CLOCK_THREAD_CPUTIME_ID,
    };
    // SAFETY: valid pointers to a filled sigevent and an out-parameter.
    if unsafe { libc::timer_create(clock_id, &mut sev, &mut timer) } != 0 {
        return; // this thread goes unsampled; its counts stay exact
    }
    let (cpu_at, wall_at) = match clock {
        SampleClock::Wall => (0, clock_ns(libc::CLOCK_MONOTONIC).max(1)),
        SampleClock::Cpu => (clock_ns(libc::CLOCK_THREAD_CPUTIME_ID).max(1), 0),
    };
    let _ = CPU_AT_SIGNAL.try_with(|c| c.set(cpu_at));
    let _ = WALL_AT_SIGNAL.try_with(|c| c.set(wall_at));
    let _ = TIMER.try_with(|t| t.set(timer as usize + 1));
    let _ = OWNER.try_with(|o| o.0.set((timer as usize + 1, epoch)));
    let _ = JITTER.try_with(|j| j.set((timer as u64) ^ period ^ 0x9e37_79b9_7f4a_7c15));
    rearm(timer as usize, period);
    TIMERS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((timer as usize, epoch));
}

/// Arms `timer` once, for a random interval of 0.5-1.5 `period`s, and
/// remembers the interval. Async-signal-safe.
pub(super) fn rearm(timer: usize, period: u64) {
    let mut x = JITTER.try_with(Cell::get).unwrap_or(1) | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    let _ = JITTER.try_with(|j| j.set(x));
    let ns = (period / 2 + x % period.max(1)).max(1);
    let _ = ARMED_NS.try_with(|a| a.set(ns));
    let spec = libc::itimerspec {
        it_interval: libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        },
        it_value: libc::timespec {
            tv_sec: (ns / 1_000_000_000) as libc::time_t,
            tv_nsec: (ns % 1_000_000_000) as libc::c_long,
        },
    };
    // SAFETY: `timer` came from timer_create (a deleted one returns EINVAL);
    // timer_settime is async-signal-safe.
    unsafe { libc::timer_settime(timer as libc::timer_t, 0, &spec, std::ptr::null_mut()) };
}

/// The time the signal now handled stands for: the wall time (wall-clock
/// timer) or the CPU time (CPU-clock timer, checked at the kernel's tick)
/// since the thread's previous signal or its arming; the armed interval if
/// neither clock could be read. Async-signal-safe.
pub(super) fn elapsed_ns() -> u64 {
    let armed = || ARMED_NS.try_with(Cell::get).unwrap_or(0);
    let (at, clock) = match CPU_AT_SIGNAL.try_with(Cell::get).unwrap_or(0) {
        0 => (&WALL_AT_SIGNAL, libc::CLOCK_MONOTONIC),
        _ => (&CPU_AT_SIGNAL, libc::CLOCK_THREAD_CPUTIME_ID),
    };
    let before = at.try_with(Cell::get).unwrap_or(0);
    let now = clock_ns(clock);
    if before == 0 || now == 0 {
        return armed();
    }
    let now = now.max(before);
    let _ = at.try_with(|c| c.set(now));
    now - before
}

/// `clock`'s time in nanoseconds (0 if unreadable). Async-signal-safe.
pub(super) fn clock_ns(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer; clock_gettime is async-signal-safe.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return 0;
    }
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

#[cfg(test)]
mod tests {
    use crate::trace::sampler::timer::{clock_ns, SampleClock};

    fn thread_cpu_ns() -> u64 {
        clock_ns(libc::CLOCK_THREAD_CPUTIME_ID)
    }

    #[test]
    fn rayon_workers_are_sampled_on_their_cpu_clock_other_threads_on_the_wall_clock() {
        assert_eq!(SampleClock::for_this_thread(), SampleClock::Wall);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build();
        let on_worker = pool.map(|p| p.install(SampleClock::for_this_thread));
        assert_eq!(on_worker.ok(), Some(SampleClock::Cpu));
    }

    #[test]
    fn the_thread_cpu_clock_reads_and_advances() {
        let before = thread_cpu_ns();
        assert!(before > 0, "a thread that ran has used CPU time");
        let mut x = 0u64;
        while thread_cpu_ns() < before + 2_000_000 {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        assert!(x > 0);
    }
}
