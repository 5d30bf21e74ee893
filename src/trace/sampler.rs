//! The time sampler of the default (sampled) mode: a per-thread POSIX timer
//! (delivered to the thread itself with `SIGEV_THREAD_ID`) sends each thread
//! that takes part in the session `SIGPROF` every period; the handler
//! records which call-tree node the thread was in (and the scalar op it was
//! inside, and with `stacks` its native return addresses) into a ring
//! allocated when the session starts. Time per node = the time its samples
//! stand for (each the interval since its thread's previous signal).
//!
//! Which clock ([`SampleClock`]): a thread that opens scopes and ops of its
//! own is sampled on the wall clock (`CLOCK_MONOTONIC`): its nodes' time is
//! the wall time of the thread that ran them, as instrumented mode measures
//! it. Measured here, a timer on the thread's CPU clock
//! (`CLOCK_THREAD_CPUTIME_ID`) is checked only at the kernel's tick (250 Hz
//! with `CONFIG_HZ=250`), and it misses the time a scope spends waiting: a
//! rayon-parallel op's caller sleeps while the pool works, so its CPU clock
//! showed a tenth of the op's wall time. Wall-clock timers are high-resolution
//! (1 kHz arrives as 1 kHz). Helpers (rayon's workers, threads that first
//! join the session through `Context::run`) are sampled on their CPU clock:
//! their samples show only in the native stacks, their idle time is no
//! scope's, and wall-clock signals to idle workers made every parallel op
//! slower (a 0.18 ms `mean` on 2 cores: +8% at 250 Hz, +17% at 1 kHz, even
//! with every sample dropped; +1% with the workers on their CPU clocks).
//! A thread on the wall clock that hands work to the pool and waits for it
//! holds its signal until the wait ends ([`holding_signal`]): a signal to
//! the waiting thread slowed the pool's work by 10-30% for whole sessions.
//! A CPU-clock sample weighs the CPU time the thread used since its previous
//! signal, read in the handler (the tick-checked timer fires up to a tick
//! late); a wall-clock sample weighs the wall time since the thread's
//! previous signal (or its arming), also read in the handler. A timer that
//! expires while its thread is preempted (or has `SIGPROF` blocked) is
//! delivered when the thread runs again, once: weighing the armed interval
//! lost the rest of that wall time (a 50 ms scope on a loaded machine read
//! 34 ms), the measured interval keeps it, on the scope the thread was in.
//!
//! Samples that find their thread outside every scope (idle pool workers,
//! code outside `profile!`) are dropped at once.
//! The timer is one-shot and re-armed by the handler with a random interval
//! (uniform in 0.5-1.5 periods; `timer_settime` is async-signal-safe), and
//! each sample weighs the interval that just ended: a fixed period locks
//! onto periodic work (scopes alternating 30 ms / 10 ms were reported
//! 70/30 every run at an exact 4 ms period), random intervals do not.
//!
//! Signal safety: the handler only reads const-initialized thread-locals
//! without destructors, bumps atomics, reads clocks (`clock_gettime` is
//! async-signal-safe) and writes into its claimed ring slot;
//! it takes no lock and allocates nothing. The native stack walk (`stacks`) uses
//! `backtrace::trace_unsynchronized` (libgcc's unwinder, as pprof-rs does by
//! default) and is skipped when the thread was interrupted inside libc,
//! libgcc, libpthread, the dynamic loader or the vDSO, where unwinding from a
//! signal could deadlock. Once installed the handler stays installed (a late
//! `SIGPROF` after a session must not hit the default action, which kills
//! the process); outside a session it returns at once.

use super::state;
use super::tree::ROOT;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::{Mutex, OnceLock};

/// The deepest native stack a sample keeps (innermost frames).
pub(crate) const MAX_FRAMES: usize = 64;

/// What a session asks of the sampler.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SamplerConfig {
    /// Samples per CPU-second asked for (per thread).
    pub hz: u32,
    /// Walk native stacks in the handler.
    pub stacks: bool,
    /// The most samples kept; later ones are counted as lost.
    pub capacity: usize,
}

/// One ring slot's fixed part.
#[repr(C)]
struct Header {
    /// 0 empty, 1 written, 2 written by a thread working for another's
    /// scope (`Context::run`).
    state: AtomicU32,
    node: AtomicU32,
    /// Nanoseconds the sample stands for.
    weight: AtomicU64,
    depth: AtomicU32,
    site: AtomicUsize,
    /// Clock ticks when the sample was taken.
    at: AtomicU64,
    /// The sampled thread's id (0: not known).
    tid: AtomicU32,
    /// Live heap bytes then (buffers and, with `alloc::Tracking`, the whole heap).
    live: AtomicU64,
}

struct Ring {
    base: *mut libc::c_void,
    bytes: usize,
    headers: *const Header,
    frames: *const AtomicUsize,
    capacity: usize,
    stacks: bool,
    next: AtomicUsize,
    lost: AtomicU64,
}

static RING: AtomicPtr<Ring> = AtomicPtr::new(std::ptr::null_mut());
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static ACTIVE_EPOCH: AtomicU64 = AtomicU64::new(0);
static PERIOD_NS: AtomicU64 = AtomicU64::new(0);
/// Every armed timer, with the session it was armed for.
static TIMERS: Mutex<Vec<(usize, u64)>> = Mutex::new(Vec::new());
static HANDLER: OnceLock<bool> = OnceLock::new();

/// Deletes a thread's timer when the thread exits (its id could be reused
/// by a new thread, which would then get the old timer's signals).
/// (timer plus one, session epoch): the kernel reuses ids of deleted timers.
struct TimerOwner(Cell<(usize, u64)>);

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
    static OWNER: TimerOwner = const { TimerOwner(Cell::new((0, 0))) };
    /// The session epoch this thread's timer was armed for.
    static ARMED: Cell<u64> = const { Cell::new(0) };
    /// This thread's timer (a `timer_t`) plus one (0: none; the kernel's
    /// first timer id is 0), re-armed by the handler.
    static TIMER: Cell<usize> = const { Cell::new(0) };
    /// The interval the timer was last armed with, in ns.
    static ARMED_NS: Cell<u64> = const { Cell::new(0) };
    /// This thread's CPU time (ns) at its previous signal, when its timer
    /// runs on its CPU clock (0: on the wall clock).
    static CPU_AT_SIGNAL: Cell<u64> = const { Cell::new(0) };
    /// `CLOCK_MONOTONIC` (ns) at this thread's previous signal or arming,
    /// when its timer runs on the wall clock (0: on its CPU clock).
    static WALL_AT_SIGNAL: Cell<u64> = const { Cell::new(0) };
    /// The handler's random state.
    static JITTER: Cell<u64> = const { Cell::new(0) };
    /// This thread's id, taken when its timer is armed.
    static TID: Cell<u32> = const { Cell::new(0) };
}

/// (node, scalar op mark or 0 (see `SiteTable`), innermost-first return addresses,
/// taken on a thread working for another's scope).
pub(crate) type StackKey = (u32, usize, Vec<usize>, bool);

/// One sample in time: (clock ticks, thread id, node, scalar op mark, live
/// bytes, taken on a thread working for another's scope).
pub(crate) type TimePoint = (u64, u32, u32, usize, u64, bool);

/// What the sampler collected: samples merged by (node, scalar op mark, stack).
#[derive(Debug, Default)]
pub(crate) struct Samples {
    /// Every sample in time order (the timeline and the heap over time).
    pub points: Vec<TimePoint>,
    /// Nanoseconds of wall time one period stands for.
    pub period_ns: u64,
    /// (signals, nanoseconds) per sample key.
    pub by_stack: HashMap<StackKey, (u64, u64)>,
    /// Nanoseconds of samples that found the ring full.
    pub lost_ns: u64,
}

/// Starts sampling for session `epoch` (arming the calling thread; other
/// threads arm on their first event). Cheap: the ring is an untouched
/// anonymous mapping until samples land in it.
pub(crate) fn start(epoch: u64, cfg: SamplerConfig) -> Result<(), String> {
    if cfg.hz == 0 {
        return Ok(());
    }
    install_handler()?;
    if cfg.stacks {
        super::stacks::prepare();
    }
    let frames = if cfg.stacks { MAX_FRAMES } else { 0 };
    let capacity = cfg.capacity.max(1);
    let hbytes = capacity * std::mem::size_of::<Header>();
    let bytes = hbytes + capacity * frames * std::mem::size_of::<usize>();
    // SAFETY: a fresh private anonymous mapping; no existing memory is touched.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return Err(format!("cannot map {bytes} bytes for the sample ring"));
    }
    // Zeroed pages are valid empty headers and frames (all-zero atomics).
    let ring = Box::new(Ring {
        base,
        bytes,
        headers: base as *const Header,
        // SAFETY: `hbytes` is inside the mapping of `bytes >= hbytes` bytes.
        frames: unsafe { (base as *const u8).add(hbytes) } as *const AtomicUsize,
        capacity,
        stacks: cfg.stacks,
        next: AtomicUsize::new(0),
        lost: AtomicU64::new(0),
    });
    PERIOD_NS.store(1_000_000_000 / u64::from(cfg.hz), Relaxed);
    RING.store(Box::into_raw(ring), SeqCst);
    ACTIVE_EPOCH.store(epoch, SeqCst);
    arm_this_thread(epoch, || SampleClock::Wall);
    Ok(())
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
    super::own::uncounted(|| arm_uncounted(epoch, clock));
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

/// Stops sampling: deletes every thread's timer, waits for handlers still
/// running, and returns what the ring holds (and unmaps it).
pub(crate) fn stop() -> Option<Samples> {
    ACTIVE_EPOCH.store(0, SeqCst);
    let _ = OWNER.try_with(|o| o.0.set((0, 0)));
    for (t, _) in TIMERS.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
        // SAFETY: each id came from a successful timer_create and is deleted once.
        unsafe { libc::timer_delete(t as libc::timer_t) };
    }
    let ring = RING.swap(std::ptr::null_mut(), SeqCst);
    if ring.is_null() {
        return None;
    }
    while IN_FLIGHT.load(SeqCst) != 0 {
        std::hint::spin_loop();
    }
    // SAFETY: `ring` came from Box::into_raw in `start`; no handler can see it any more.
    let ring = unsafe { Box::from_raw(ring) };
    let mut out = Samples {
        points: Vec::new(),
        period_ns: PERIOD_NS.load(Relaxed),
        by_stack: HashMap::new(),
        lost_ns: ring.lost.load(Relaxed),
    };
    let used = ring.next.load(Relaxed).min(ring.capacity);
    let frames = if ring.stacks { MAX_FRAMES } else { 0 };
    for i in 0..used {
        // SAFETY: `i < capacity`; headers and frames lie inside the mapping.
        let h = unsafe { &*ring.headers.add(i) };
        let state = h.state.load(Acquire);
        if state != 1 && state != 2 {
            continue;
        }
        let depth = (h.depth.load(Relaxed) as usize).min(frames);
        let stack: Vec<usize> = (0..depth)
            // SAFETY: as above; slot `i` has `frames` entries.
            .map(|k| unsafe { &*ring.frames.add(i * frames + k) }.load(Relaxed))
            .collect();
        out.points.push((
            h.at.load(Relaxed),
            h.tid.load(Relaxed),
            h.node.load(Relaxed),
            h.site.load(Relaxed),
            h.live.load(Relaxed),
            state == 2,
        ));
        let e = out
            .by_stack
            .entry((
                h.node.load(Relaxed),
                h.site.load(Relaxed),
                stack,
                state == 2,
            ))
            .or_insert((0, 0));
        e.0 += 1;
        e.1 += h.weight.load(Relaxed);
    }
    out.points.sort_by_key(|p| p.0);
    // SAFETY: the mapping made in `start`, no longer referenced.
    unsafe { libc::munmap(ring.base, ring.bytes) };
    Some(out)
}

fn install_handler() -> Result<(), String> {
    let ok = *HANDLER.get_or_init(|| {
        // SAFETY: `sigaction` is plain data; we fill the handler, flags and mask.
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        sa.sa_sigaction = on_sigprof as *const () as usize;
        sa.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
        // SAFETY: valid pointers; the handler is async-signal-safe (module doc).
        unsafe {
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(libc::SIGPROF, &sa, std::ptr::null_mut()) == 0
        }
    });
    if ok {
        Ok(())
    } else {
        Err("cannot install the SIGPROF handler".into())
    }
}

/// Arms `timer` once, for a random interval of 0.5-1.5 `period`s, and
/// remembers the interval. Async-signal-safe.
fn rearm(timer: usize, period: u64) {
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

extern "C" fn on_sigprof(_sig: libc::c_int, _info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: errno is thread-local; saved and restored around calls that may set it.
    let errno = unsafe { *libc::__errno_location() };
    IN_FLIGHT.fetch_add(1, SeqCst);
    let ring = RING.load(SeqCst);
    if !ring.is_null() {
        let elapsed = elapsed_ns();
        let timer = TIMER.try_with(Cell::get).unwrap_or(0);
        if timer != 0 {
            rearm(timer - 1, PERIOD_NS.load(Relaxed));
        }
        // SAFETY: the ring stays mapped while IN_FLIGHT > 0 (see `stop`).
        record(unsafe { &*ring }, ctx, elapsed);
    }
    IN_FLIGHT.fetch_sub(1, SeqCst);
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = errno };
}

/// The time the signal now handled stands for: the wall time (wall-clock
/// timer) or the CPU time (CPU-clock timer, checked at the kernel's tick)
/// since the thread's previous signal or its arming; the armed interval if
/// neither clock could be read. Async-signal-safe.
fn elapsed_ns() -> u64 {
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
fn clock_ns(clock: libc::clockid_t) -> u64 {
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

/// Records one sample of the calling thread, as the timer's signal would
/// (without a native stack), weighing `periods`: for tests of attribution.
#[doc(hidden)]
pub fn inject_sample(periods: u32) {
    IN_FLIGHT.fetch_add(1, SeqCst);
    let ring = RING.load(SeqCst);
    if !ring.is_null() {
        let ns = u64::from(periods) * PERIOD_NS.load(Relaxed);
        // SAFETY: as in `on_sigprof`.
        record(unsafe { &*ring }, std::ptr::null_mut(), ns);
    }
    IN_FLIGHT.fetch_sub(1, SeqCst);
}

/// Writes one sample standing for `weight` nanoseconds.
fn record(ring: &Ring, ctx: *mut libc::c_void, weight: u64) {
    let (node, site) = (state::current(), state::scalar_site());
    if node == ROOT && site == 0 {
        return; // outside every scope: nothing to attribute
    }
    let i = ring.next.fetch_add(1, Relaxed);
    if i >= ring.capacity {
        ring.lost.fetch_add(weight, Relaxed);
        return;
    }
    // SAFETY: `i < capacity`: slot `i` is ours alone (claimed above).
    let h = unsafe { &*ring.headers.add(i) };
    let mut depth = 0;
    if ring.stacks && !ctx.is_null() {
        // SAFETY: slot `i` owns MAX_FRAMES entries after the headers.
        let out = unsafe { ring.frames.add(i * MAX_FRAMES) };
        depth = super::stacks::capture(ctx, out, MAX_FRAMES);
    }
    h.node.store(node, Relaxed);
    h.site.store(site, Relaxed);
    h.at.store(super::clock::now_ticks(), Relaxed);
    h.tid.store(TID.try_with(Cell::get).unwrap_or(0), Relaxed);
    h.live.store(super::live::now(), Relaxed);
    h.weight.store(weight, Relaxed);
    h.depth.store(depth as u32, Relaxed);
    h.state
        .store(if state::borrowed() { 2 } else { 1 }, Release);
}

#[cfg(test)]
mod tests {
    use crate::trace::sampler::{clock_ns, holding_signal, SampleClock};

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
