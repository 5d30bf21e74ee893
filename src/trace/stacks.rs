//! Native stacks for the sampler's signal handler: the interrupted
//! thread's return addresses, walked with libgcc's unwinder
//! (`backtrace::trace_unsynchronized`, as pprof-rs does by default), and
//! never from inside libc, libgcc, libpthread, libm, the dynamic loader or
//! the vDSO, where unwinding from a signal could deadlock. A leaf module.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::OnceLock;

/// Address ranges where the handler must not unwind.
static BLOCKED: OnceLock<Vec<(usize, usize)>> = OnceLock::new();

/// Finds the blocked libraries' address ranges (at session start, not in
/// the handler: this allocates).
pub(crate) fn prepare() {
    BLOCKED.get_or_init(blocked_ranges);
}

/// Writes up to `max` return addresses of the thread interrupted at
/// `ctx` (a signal handler's ucontext), innermost first, to `out`; returns
/// how many (0 where the thread stopped in a blocked library, before
/// [`prepare`], or where the interrupted pc is unknown). Async-signal-safe
/// outside the blocked libraries.
pub(crate) fn capture(ctx: *mut libc::c_void, out: *const AtomicUsize, max: usize) -> usize {
    let pc = interrupted_pc(ctx);
    if pc == 0 || is_blocked(pc) {
        return 0;
    }
    walk(pc, out, max)
}

/// Writes the interrupted thread's return addresses, innermost first
/// (starting at the interrupted instruction `pc`), to `out`; returns how many.
fn walk(pc: usize, out: *const AtomicUsize, max: usize) -> usize {
    let mut n = 0;
    let mut seen_pc = false;
    // SAFETY: called from the signal handler of the thread itself, outside
    // the blocked libraries (see `capture`); the closure only stores.
    unsafe {
        backtrace::trace_unsynchronized(|frame| {
            let ip = frame.ip() as usize;
            if !seen_pc {
                // Skip the handler's own frames and the signal trampoline.
                if ip != pc {
                    return true;
                }
                seen_pc = true;
            }
            (*out.add(n)).store(ip, Relaxed);
            n += 1;
            n < max
        });
    }
    n
}

#[cfg(all(target_arch = "x86_64", target_env = "gnu"))]
fn interrupted_pc(ctx: *mut libc::c_void) -> usize {
    if ctx.is_null() {
        return 0;
    }
    // SAFETY: with SA_SIGINFO the third argument is the interrupted ucontext_t.
    let uc = unsafe { &*(ctx as *const libc::ucontext_t) };
    uc.uc_mcontext.gregs[libc::REG_RIP as usize] as usize
}

#[cfg(not(all(target_arch = "x86_64", target_env = "gnu")))]
fn interrupted_pc(_ctx: *mut libc::c_void) -> usize {
    0 // no stacks where the interrupted pc is not known
}

fn is_blocked(pc: usize) -> bool {
    BLOCKED
        .get()
        .is_none_or(|r| r.iter().any(|&(lo, hi)| lo <= pc && pc < hi))
}

/// The loaded address ranges of the libraries the handler must not unwind from.
fn blocked_ranges() -> Vec<(usize, usize)> {
    const NAMES: [&str; 6] = ["libc.", "libgcc", "pthread", "ld-linux", "vdso", "libm."];
    unsafe extern "C" fn each(
        info: *mut libc::dl_phdr_info,
        _size: libc::size_t,
        data: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: dl_iterate_phdr passes a valid info; `data` is our Vec.
        unsafe {
            let info = &*info;
            let out = &mut *(data as *mut Vec<(usize, usize)>);
            if info.dlpi_name.is_null() {
                return 0;
            }
            let name = std::ffi::CStr::from_ptr(info.dlpi_name).to_string_lossy();
            if !NAMES.iter().any(|n| name.contains(n)) {
                return 0;
            }
            for k in 0..info.dlpi_phnum as usize {
                let ph = &*info.dlpi_phdr.add(k);
                if ph.p_type == libc::PT_LOAD {
                    let lo = info.dlpi_addr as usize + ph.p_vaddr as usize;
                    out.push((lo, lo + ph.p_memsz as usize));
                }
            }
        }
        0
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    // SAFETY: the callback matches dl_iterate_phdr's contract and `out` outlives the call.
    unsafe { libc::dl_iterate_phdr(Some(each), &mut out as *mut _ as *mut libc::c_void) };
    out
}
