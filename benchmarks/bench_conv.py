"""Forward + backward of the keras.io mnist_convnet convolution stack through
the C kernels (nnlite._core), single thread by default.

    python benchmarks/bench_conv.py [--threads N] [--repeat R] [--dtype float32]

Batch 128 of 28x28x1 -> Conv 32 3x3 relu -> MaxPool 2 -> Conv 64 3x3 relu ->
MaxPool 2 (the Dense head is not convolution and is left out). The backward
computes every gradient a training step needs (no input gradient for the first
layer). Prints a table: median milliseconds per step and GFLOP/s of each
convolution kernel and of the whole step (FLOPs = 2 x multiply-adds of the
convolutions; pooling and activations count as none). Compare with the peak
of `benchmarks/fma_peak.c`.
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
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--dtype", default="float32")
    args = ap.parse_args()
    _core.set_num_threads(args.threads)
    dt = np.dtype(args.dtype)
    rng = np.random.default_rng(0)
    n = args.batch
    x = rng.random((n, 28, 28, 1)).astype(dt)
    k1, b1 = (rng.standard_normal((3, 3, 1, 32)) * 0.3).astype(dt), np.zeros(32, dt)
    k2, b2 = (rng.standard_normal((3, 3, 32, 64)) * 0.06).astype(dt), np.zeros(64, dt)

    def forward():
        z1, y1 = _core.conv2d_forward(x, k1, b1, activation="relu")
        p1 = _core.max_pool2d_forward(y1, 2)
        z2, y2 = _core.conv2d_forward(p1, k2, b2, activation="relu")
        p2 = _core.max_pool2d_forward(y2, 2)
        return z1, y1, p1, z2, y2, p2

    z1, y1, p1, z2, y2, p2 = forward()
    dp2 = rng.standard_normal(p2.shape).astype(dt)

    def backward():
        dy2 = _core.max_pool2d_backward(y2, dp2, 2)
        dz2 = _core.activation_backward("relu", z2, y2, dy2)
        dk2, db2 = _core.conv2d_backward_weight(p1, k2.shape, dz2)
        dp1 = _core.conv2d_backward_input(p1.shape, k2, dz2)
        dy1 = _core.max_pool2d_backward(y1, dp1, 2)
        dz1 = _core.activation_backward("relu", z1, y1, dy1)
        dk1, db1 = _core.conv2d_backward_weight(x, k1.shape, dz1)
        return dk1, dk2

    dz2 = np.ascontiguousarray(rng.standard_normal(z2.shape).astype(dt))
    dz1 = np.ascontiguousarray(rng.standard_normal(z1.shape).astype(dt))
    f1 = 2.0 * n * 26 * 26 * 9 * 32
    f2 = 2.0 * n * 11 * 11 * 288 * 64
    rows = [
        ("conv1 forward (c=1)", lambda: _core.conv2d_forward(x, k1, b1, activation="relu"), f1),
        ("conv1 weight grad", lambda: _core.conv2d_backward_weight(x, k1.shape, dz1), f1),
        ("conv2 forward", lambda: _core.conv2d_forward(p1, k2, b2, activation="relu"), f2),
        ("conv2 input grad", lambda: _core.conv2d_backward_input(p1.shape, k2, dz2), f2),
        ("conv2 weight grad", lambda: _core.conv2d_backward_weight(p1, k2.shape, dz2), f2),
        ("maxpool1 forward", lambda: _core.max_pool2d_forward(y1, 2), 0.0),
        ("maxpool1 backward", lambda: _core.max_pool2d_backward(y1, p1, 2), 0.0),
        ("whole step (fwd+bwd)", lambda: (forward(), backward()), 2 * f1 + 3 * f2),
    ]
    print("mnist_convnet conv stack, batch %d, %s, %d thread(s), ISA %s"
          % (n, dt, args.threads, _core.isa()))
    print("| %-22s | %9s | %8s |" % ("kernel", "ms", "GFLOP/s"))
    print("|%s|%s|%s|" % ("-" * 24, "-" * 11, "-" * 10))
    for name, fn, flops in rows:
        ms = _median_ms(fn, args.repeat)
        gf = "%8.1f" % (flops / ms / 1e6) if flops else "%8s" % "-"
        print("| %-22s | %9.2f | %s |" % (name, ms, gf))


if __name__ == "__main__":
    main()
