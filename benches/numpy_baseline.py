#!/usr/bin/env python3
"""NumPy's time for the same cases as the criterion benches, for side-by-side ratios.

Run with a NumPy in a virtual environment (never a test dependency):

    python3 -m venv /tmp/npvenv && /tmp/npvenv/bin/pip install numpy
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /tmp/npvenv/bin/python benches/numpy_baseline.py

Prints the median of repeated timings per case, in milliseconds.
"""
import statistics
import sys
import time

import numpy as np


def median_ms(fn, repeats=15, min_time=0.05):
    fn()  # warm up
    times = []
    for _ in range(repeats):
        n = 1
        while True:
            t = time.perf_counter()
            for _ in range(n):
                fn()
            dt = time.perf_counter() - t
            if dt >= min_time or n >= 1 << 16:
                break
            n *= 2
        times.append(dt / n)
    return statistics.median(times) * 1e3


def main():
    rng = np.random.default_rng(1)
    rows = []
    for n in (10**6, 10**7):
        for dt in (np.float32, np.float64):
            a = rng.random(n).astype(dt)
            b = rng.random(n).astype(dt)
            out = np.empty_like(a)
            name = np.dtype(dt).name
            rows += [
                (f"elementwise/add/{name}/{n}", median_ms(lambda: a + b)),
                (f"elementwise/mul/{name}/{n}", median_ms(lambda: a * b)),
                (f"elementwise/add_out/{name}/{n}", median_ms(lambda: np.add(a, b, out=out))),
                (f"elementwise/square/{name}/{n}", median_ms(lambda: np.square(a))),
                (f"elementwise/sqrt/{name}/{n}", median_ms(lambda: np.sqrt(a))),
                (f"elementwise/sqrt_out/{name}/{n}", median_ms(lambda: np.sqrt(a, out=out))),
                (f"reduce/sum/{name}/{n}", median_ms(lambda: a.sum())),
                (f"reduce/mean/{name}/{n}", median_ms(lambda: a.mean())),
            ]
    for dt in (np.float32, np.float64):
        a = rng.random((1000, 500)).astype(dt)
        b = rng.random((500, 1000)).astype(dt)
        rows.append((f"dot_1000x500x1000/{np.dtype(dt).name}", median_ms(lambda: a @ b)))

    def append_loop(n):
        x = np.empty(0)
        for i in range(n):
            x = np.append(x, 1.0)
        return x

    rows.append(("append_loop_f64/10000", median_ms(lambda: append_loop(10_000), repeats=5)))
    rows.append(("append_loop_f64/100000", median_ms(lambda: append_loop(100_000), repeats=3, min_time=0)))

    def list_then_array(n):
        xs = []
        for i in range(n):
            xs.append(float(i))
        return np.array(xs)

    def zeros_fill(n):
        x = np.zeros(n)
        for i in range(n):
            x[i] = i
        return x

    rows.append(("build_1e5_f64/list_append_then_array", median_ms(lambda: list_then_array(100_000), repeats=5)))
    rows.append(("build_1e5_f64/zeros_fill_loop", median_ms(lambda: zeros_fill(100_000), repeats=5)))
    rows.append(("build_1e5_f64/arange", median_ms(lambda: np.arange(100_000, dtype=np.float64))))
    print(f"numpy {np.__version__}", file=sys.stderr)
    for name, ms in rows:
        print(f"{name:48s} {ms:10.4f} ms")


if __name__ == "__main__":
    main()
