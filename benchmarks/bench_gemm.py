"""GEMM speed: nnlite's C core against numpy.matmul, measured in the same run.

    python benchmarks/bench_gemm.py            # needs nnlite installed (or PYTHONPATH=.)

For 1 and 2 threads (each in a fresh process with OPENBLAS_NUM_THREADS and
NNLITE_NUM_THREADS set), prints float32 GFLOP/s (best of several timings) of
numpy.matmul and of every instruction-set path this CPU has, and the ratio
of nnlite's default path to NumPy.
"""
import os
import subprocess
import sys
import time

import numpy as np

SHAPES = [  # (label, m, n, k, trans_a, trans_b)
    ("32^3", 32, 32, 32, False, False),
    ("64^3", 64, 64, 64, False, False),
    ("128^3", 128, 128, 128, False, False),
    ("256^3", 256, 256, 256, False, False),
    ("512^3", 512, 512, 512, False, False),
    ("1024^3", 1024, 1024, 1024, False, False),
    ("2048^3", 2048, 2048, 2048, False, False),
    ("X@W 32x784 @ 784x128", 32, 128, 784, False, False),
    ("X.T@dY 784x32 @ 32x128", 784, 128, 32, True, False),
    ("dY@W.T 32x128 @ 128x784", 32, 784, 128, False, True),
    ("X@W 256x784 @ 784x128", 256, 128, 784, False, False),
    ("X.T@dY 784x256 @ 256x128", 784, 128, 256, True, False),
    ("dY@W.T 256x128 @ 128x784", 256, 784, 128, False, True),
]


def _best(fn, flops, budget=0.25, repeat=7):
    fn()
    reps = max(1, int(2e8 / flops))
    best = float("inf")
    end = time.perf_counter() + budget
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - t) / reps)
        if time.perf_counter() > end:
            break
    return flops / best / 1e9


def measure():
    from nnlite import _core
    isas = [name for name in _core.ISAS if _core.isa_supported(name)]
    default = _core.isa()
    rng = np.random.default_rng(0)
    rows = []
    for label, m, n, k, ta, tb in SHAPES:
        a = rng.standard_normal((k, m) if ta else (m, k)).astype(np.float32)
        b = rng.standard_normal((n, k) if tb else (k, n)).astype(np.float32)
        c = np.empty((m, n), np.float32)
        opa, opb = (a.T if ta else a), (b.T if tb else b)
        flops = 2.0 * m * n * k
        row = {"numpy": _best(lambda: np.matmul(opa, opb, out=c), flops)}
        for isa in isas:
            _core.set_isa(isa)
            row[isa] = _best(lambda: _core.gemm(a, b, c, trans_a=ta, trans_b=tb), flops)
        _core.set_isa(default)
        rows.append((label, row))
    return default, isas, rows


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        default, isas, rows = measure()
        print(repr((default, isas, rows)))
        return
    for threads in (1, 2):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                   NNLITE_NUM_THREADS=str(threads))
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child"], env=env,
                             capture_output=True, text=True, check=True).stdout
        default, isas, rows = eval(out.strip().splitlines()[-1])
        print("\n%d thread%s, float32 GFLOP/s (default path: %s)" % (
            threads, "" if threads == 1 else "s", default))
        head = "| %-26s | %7s |" % ("shape", "numpy") + "".join(" %7s |" % i for i in isas)
        print(head + " %s/numpy |" % default)
        print("|" + "---|" * (3 + len(isas)))
        for label, row in rows:
            print("| %-26s | %7.1f |" % (label, row["numpy"])
                  + "".join(" %7.1f |" % row[i] for i in isas)
                  + " %8.2f |" % (row[default] / row["numpy"]))


if __name__ == "__main__":
    main()
