"""A model trained in a parent process predicts and trains in forked children."""
import multiprocessing

import numpy as np

from nnlite.layers import Dense, Input
from nnlite.models import Sequential

_MODEL = None


def _child_work(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 5)).astype(np.float32)
    out = _MODEL.predict(x, verbose=0)
    _MODEL.fit(x, 2 * out, epochs=1, verbose=0)
    return seed, out


def test_forked_children_predict_what_the_parent_predicts():
    global _MODEL
    rng = np.random.default_rng(0)
    _MODEL = Sequential([Input((5,)), Dense(16, activation="relu"), Dense(3)])
    _MODEL.compile(optimizer="adam", loss="mse")
    x = rng.normal(size=(256, 5)).astype(np.float32)
    _MODEL.fit(x, rng.normal(size=(256, 3)).astype(np.float32), epochs=2, verbose=0)
    with multiprocessing.get_context("fork").Pool(2, maxtasksperchild=1) as pool:
        results = pool.map(_child_work, range(4))
    for seed, out in results:
        xs = np.random.default_rng(seed).normal(size=(64, 5)).astype(np.float32)
        np.testing.assert_array_equal(out, _MODEL.predict(xs, verbose=0))
