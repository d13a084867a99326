"""GEMM speed: nnlite's C core against numpy.matmul, measured in the same run.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_gemm.py

Prints GFLOP/s (best of N) and the ratio nnlite / NumPy for square sizes and
the shapes of an MLP's forward and backward passes (float32).
"""
import os
import time

import numpy as np

from nnlite import _core

SHAPES = [  # (label, m, n, k, trans_a, trans_b)
    ("square 64", 64, 64, 64, False, False),
    ("square 256", 256, 256, 256, False, False),
    ("square 512", 512, 512, 512, False, False),
    ("square 1024", 1024, 1024, 1024, False, False),
    ("fwd 32x784 @ 784x128", 32, 128, 784, False, False),
    ("dW X.T @ dY (784x32 @ 32x128)", 784, 128, 32, True, False),
    ("dX dY @ W.T (32x128 @ 128x784)", 32, 784, 128, False, True),
    ("fwd 256x784 @ 784x128", 256, 128, 784, False, False),
]


def _best(fn, min_time=0.2, repeat=5):
    fn()
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - t > min_time / repeat:
            break
        n *= 2
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t) / n)
    return best


def main():
    rng = np.random.default_rng(0)
    print("OPENBLAS_NUM_THREADS=%s" % os.environ.get("OPENBLAS_NUM_THREADS", "(unset)"))
    print("%-34s %10s %10s %7s" % ("shape (float32)", "nnlite", "numpy", "ratio"))
    for label, m, n, k, ta, tb in SHAPES:
        a = rng.standard_normal((k, m) if ta else (m, k)).astype(np.float32)
        b = rng.standard_normal((n, k) if tb else (k, n)).astype(np.float32)
        c = np.empty((m, n), np.float32)
        opa, opb = (a.T if ta else a), (b.T if tb else b)
        t_nl = _best(lambda: _core.gemm(a, b, c, trans_a=ta, trans_b=tb))
        t_np = _best(lambda: np.matmul(opa, opb, out=c))
        flops = 2.0 * m * n * k
        print("%-34s %10.1f %10.1f %7.2f" % (label, flops / t_nl / 1e9, flops / t_np / 1e9,
                                             t_np / t_nl))


if __name__ == "__main__":
    main()
