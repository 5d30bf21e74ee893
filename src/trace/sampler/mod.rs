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

mod hold;
mod timer;

pub(crate) use hold::holding_signal;
pub(crate) use timer::{arm_this_thread, SampleClock};

use super::state;
use super::tree::ROOT;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::OnceLock;
use timer::{elapsed_ns, rearm, ACTIVE_EPOCH, OWNER, PERIOD_NS, TID, TIMER, TIMERS};

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
static HANDLER: OnceLock<bool> = OnceLock::new();

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
