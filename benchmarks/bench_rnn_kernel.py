"""Forward + backward of the fused recurrent kernels (nnlite._core.rnn_forward /
rnn_backward), single thread by default.

    python benchmarks/bench_rnn.py [--threads N] [--repeat R] [--dtype float32]
                                   [--batch 128] [--steps 200] [--features 128] [--units 64]

For each cell (lstm, gru with and without reset_after, simple) prints the
median milliseconds of the training forward (keep=True), the inference forward
(keep=False) and the backward (every gradient), with GFLOP/s counted as
forward = 2*B*T*(F+U)*G*U and backward = twice that (elementwise work counts
as none). The baseline is one GEMM of the forward's FLOPs ((B*T) x (F+U) times
(F+U) x G*U) measured in the same run: the ratio says how close the sequence
gets to a single large GEMM.
"""
import argparse
import time

import numpy as np

from nnlite import _core


def _median_ms(fn, repeat):
    fn()   # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * float(np.median(times))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--features", type=int, default=128)
    ap.add_argument("--units", type=int, default=64)
    args = ap.parse_args()
    _core.set_num_threads(args.threads)
    dt = np.dtype(args.dtype)
    b, t, f, u = args.batch, args.steps, args.features, args.units
    rng = np.random.default_rng(0)
    x = rng.standard_normal((b, t, f)).astype(dt)
    dy = rng.standard_normal((b, t, u)).astype(dt)
    print("B=%d T=%d F=%d U=%d %s, %d thread(s), isa %s" % (b, t, f, u, dt, args.threads,
                                                              _core.isa()))
    print("%-16s %9s %9s %9s %9s %9s %9s %7s" % ("cell", "fwd ms", "GF/s", "infer ms",
                                                 "bwd ms", "GF/s", "step GF/s", "vs GEMM"))
    for cell, gates, reset_after in (("lstm", 4, True), ("gru", 3, True),
                                     ("gru_before", 3, False), ("simple", 1, True)):
        name = "gru" if cell == "gru_before" else cell
        n = gates * u
        k = (rng.standard_normal((f, n)) * 0.1).astype(dt)
        r = (rng.standard_normal((u, n)) * 0.1).astype(dt)
        bias = np.zeros((2, n) if name == "gru" and reset_after else n, dt)
        kw = dict(reset_after=reset_after)
        saved = _core.rnn_forward(name, x, k, r, bias, **kw)[3]
        fwd = _median_ms(lambda: _core.rnn_forward(name, x, k, r, bias, **kw), args.repeat)
        inf = _median_ms(lambda: _core.rnn_forward(name, x, k, r, bias, keep=False, **kw),
                         args.repeat)
        bwd = _median_ms(lambda: _core.rnn_backward(name, x, k, r, saved, dy=dy, has_h0=False,
                                                    has_c0=False, **kw), args.repeat)
        a = rng.standard_normal((b * t, f + u)).astype(dt)
        w = rng.standard_normal((f + u, n)).astype(dt)
        base = _median_ms(lambda: _core.gemm(a, w), args.repeat)
        flops = 2.0 * b * t * (f + u) * n
        print("%-16s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %7.2f" % (
            cell, fwd, flops / fwd / 1e6, inf, bwd, 2 * flops / bwd / 1e6,
            3 * flops / (fwd + bwd) / 1e6, 3 * base / (fwd + bwd)))


if __name__ == "__main__":
    main()
