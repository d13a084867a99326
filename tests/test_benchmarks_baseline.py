"""The NumPy baseline of benchmarks/ does the same work as nnlite: one Adam
step of each gives the same weights (so the speed comparison is fair)."""
import os
import sys

import numpy as np
import pytest

from nnlite.layers import Dense, Input
from nnlite.models import Sequential

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks")
pytestmark = pytest.mark.skipif(not os.path.exists(os.path.join(BENCH, "baseline_numpy.py")),
                                reason="needs the source tree's benchmarks/")


@pytest.fixture(scope="module")
def baseline():
    sys.path.insert(0, BENCH)
    try:
        import baseline_numpy
    finally:
        sys.path.remove(BENCH)
    return baseline_numpy


@pytest.mark.parametrize("output,loss", [("softmax", "sparse_categorical_crossentropy"),
                                         ("linear", "mse")])
def test_baseline_steps_match_nnlite(baseline, output, loss):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 20)).astype(np.float32)
    y = rng.integers(0, 5, 64) if output == "softmax" else rng.standard_normal(64).astype(np.float32)
    units = 5 if output == "softmax" else 1
    model = Sequential([Input(shape=(20,)), Dense(16, activation="relu"),
                        Dense(12, activation="relu"), Dense(units, activation=output)])
    model.compile(optimizer="adam", loss=loss)
    base = baseline.NumpyMLP(model.get_weights(), output=output)
    for lo in range(0, 64, 16):
        base.train_step(x[lo:lo + 16], y[lo:lo + 16])
    model.fit(x, y, batch_size=16, shuffle=False, verbose=0)
    for got, want in zip(model.get_weights(), base.params):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
