"""The eager executor's overhead per op: a 20-op custom layer on a batch of 32.

    python benchmarks/bench_eager_ops.py

The layer runs 20 elementwise ops (written with nnlite.ops, as a custom
layer would) on a (32, 64) float32 batch, forward and backward on the tape.
The same arithmetic in plain NumPy (no tape, no backward) is the floor; the
difference divided by the op count is what each op costs in Python.
"""
import os
import statistics
import time

os.environ.setdefault("NNLITE_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import nnlite  # noqa: E402
from nnlite import ops  # noqa: E402
from nnlite.backend.tape import Tape  # noqa: E402

N_OPS = 20


class TwentyOps(nnlite.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        h = x * self.w                                  # 1
        for _ in range(3):                              # 3 x 6 = 18
            h = ops.tanh(h) + 0.5
            h = ops.square(h) * 0.1
            h = ops.maximum(h, 0.01)
        return ops.sum(h)                               # 20


def numpy_floor(x, w):
    h = x * w
    for _ in range(3):
        h = np.tanh(h) + 0.5
        h = np.square(h) * 0.1
        h = np.maximum(h, 0.01)
    return h.sum()


def median_us(fn, repeats=2000, rounds=7):
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(repeats):
            fn()
        out.append((time.perf_counter() - t0) / repeats * 1e6)
    return statistics.median(out)


def main():
    x = np.random.default_rng(0).normal(size=(32, 64)).astype("float32")
    layer = TwentyOps()
    layer(x)

    def eager_forward():
        layer(x)

    def eager_step():
        with Tape() as tape:
            loss = layer(x)
        tape.gradient(loss, layer.trainable_weights)

    w = np.ones(64, "float32")
    floor = median_us(lambda: numpy_floor(x, w))
    fwd = median_us(eager_forward)
    step = median_us(eager_step)
    print("20-op custom layer, batch (32, 64) float32, one thread (median of 7 x 2000 calls)")
    print("  NumPy, same arithmetic, forward only : %7.1f us" % floor)
    print("  nnlite eager forward (no tape)       : %7.1f us  (%.1f us/op over NumPy)"
          % (fwd, (fwd - floor) / N_OPS))
    print("  nnlite forward + backward on tape    : %7.1f us  (%.1f us/op)"
          % (step, step / N_OPS))


if __name__ == "__main__":
    main()
