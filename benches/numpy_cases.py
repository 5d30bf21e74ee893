"""NumPy's side of `benches/numpy_compare`: a tiny server the Rust bench
drives over stdin/stdout, so both sides run alternately in one invocation.

Commands, one per line:
    setup CASE      build the inputs of CASE (replies "ok")
    run CASE K W    run CASE W times untimed (warm caches, pages, threads and
                    the clock), then K times (replies the seconds those K took)
    version         replies NumPy's version and BLAS
    quit
Errors reply "error: ..." on one line.
"""
import sys
import time

import numpy as np

N6, N7 = 10**6, 10**7
state = {}


def f64(n, seed):
    return np.random.default_rng(seed).random(n)


def setup(case):
    s = {}
    if case == "square_1e6":
        s["a"] = f64(N6, 1)
    elif case in ("add_1e7", "mul_1e7", "add_out_1e7"):
        s["a"], s["b"] = f64(N7, 1), f64(N7, 2)
        s["out"] = np.empty(N7)
    elif case in ("sqrt_1e7", "sqrt_out_1e7", "sum_1e7", "mean_1e7"):
        s["a"] = f64(N7, 1)
        s["out"] = np.empty(N7)
    elif case == "sum_1e6":
        s["a"] = f64(N6, 1)
    elif case in ("dot_f64", "dot_f32"):
        dt = np.float64 if case == "dot_f64" else np.float32
        s["a"] = np.random.default_rng(1).random((1000, 500)).astype(dt)
        s["b"] = np.random.default_rng(2).random((500, 1000)).astype(dt)
    elif case in ("affine_i32_1e7", "affine_i64_1e7"):
        dt = np.int32 if "i32" in case else np.int64
        s["a"] = np.arange(N7, dtype=dt)
    elif case in ("append_1e5", "zeros_fill_1e6", "arange_i32_1e6", "arange_i64_1e6"):
        pass
    else:
        raise ValueError(f"unknown case {case}")
    state.clear()
    state.update(s)


def append_loop(n):
    x = np.empty(0)
    for i in range(n):
        x = np.append(x, float(i))
    return x


def zeros_fill(n):
    x = np.zeros(n)
    x.fill(1.0)
    return x


def body(case):
    s = state
    return {
        "square_1e6": lambda: np.square(s["a"]),
        "add_1e7": lambda: s["a"] + s["b"],
        "mul_1e7": lambda: s["a"] * s["b"],
        "sqrt_1e7": lambda: np.sqrt(s["a"]),
        "add_out_1e7": lambda: np.add(s["a"], s["b"], out=s["out"]),
        "sqrt_out_1e7": lambda: np.sqrt(s["a"], out=s["out"]),
        "sum_1e6": lambda: s["a"].sum(),
        "sum_1e7": lambda: s["a"].sum(),
        "mean_1e7": lambda: s["a"].mean(),
        "dot_f64": lambda: s["a"] @ s["b"],
        "dot_f32": lambda: s["a"] @ s["b"],
        "append_1e5": lambda: append_loop(10**5),
        "zeros_fill_1e6": lambda: zeros_fill(N6),
        "arange_i32_1e6": lambda: np.arange(N6, dtype=np.int32),
        "arange_i64_1e6": lambda: np.arange(N6, dtype=np.int64),
        "affine_i32_1e7": lambda: s["a"] * 2 + 1,
        "affine_i64_1e7": lambda: s["a"] * 2 + 1,
    }[case]


def main():
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "quit":
                return
            if words[0] == "version":
                blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
                reply = f"numpy {np.__version__} {blas.get('name', '?')} {blas.get('version', '')}"
            elif words[0] == "setup":
                setup(words[1])
                reply = "ok"
            elif words[0] == "run":
                fn, k, w = body(words[1]), int(words[2]), int(words[3])
                for _ in range(w):
                    fn()
                t = time.perf_counter()
                for _ in range(k):
                    r = fn()
                dt = time.perf_counter() - t
                del r
                reply = repr(dt)
            else:
                reply = f"error: unknown command {words[0]}"
        except Exception as e:  # one line back, never a traceback on the pipe
            reply = f"error: {type(e).__name__}: {e}"
        sys.stdout.write(reply + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
