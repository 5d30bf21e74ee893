//! [`Mode`]: how a session measures time.

/// How a session measures time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// The default: no clock reads per event. Scopes and ops keep exact
    /// counts (calls, elements, bytes, allocations; scalar `get`/`set`
    /// counts past each thread's first 4096 are estimated 1-in-1024 and
    /// marked) and the thread's current call-tree node; a per-thread
    /// wall-clock timer samples which node each thread is in (helpers, such
    /// as rayon's workers, on their CPU clock: no signals while idle). Times
    /// are the wall time of the thread that opened each scope or op (CPU
    /// time for scopes opened on such helpers): each sample stands for the
    /// time since its thread's previous signal (about one period), reported
    /// with their statistical uncertainty (`time_err_ns`);
    /// threads working for a scope (`Context::run`, ndprof's parallel
    /// kernels) show in the `cpu.*` stacks. Needs `cpu_hz > 0` (Linux);
    /// with `cpu_hz(0)` times are not measured (0).
    #[default]
    Sampled,
    /// Exact per-event wall time: two clock reads per scope and op (~20 ns
    /// here), per-element ops timed 1-in-N (`scalar_time_every`; the calls
    /// in between are counted exactly in a per-thread batch, ~2-3 ns a call
    /// with the timed ones' share at N = 64). The
    /// session calibrates its own per-event cost when it starts and reports
    /// times with that cost subtracted (`total_ns`, `self_ns`) and raw
    /// (`total_raw_ns`, `self_raw_ns`), as cProfile's calibration does.
    Instrumented,
}
