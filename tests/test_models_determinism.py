"""Identical fits in one process give bit-identical weights, whatever memory
NumPy hands out. (Built with implicit FMA contraction, the elementwise C loops
rounded differently in their vector body and their scalar remainder, so the
result of an update depended on where the arrays lay: AdamW on the layer path
below differed in 3 of 4 repeated runs.)"""
import numpy as np
import pytest

import nnlite
from nnlite.layers import Dense, Input

RNG = np.random.default_rng(0)
X = RNG.normal(size=(2048, 200)).astype(np.float32)
Y = RNG.integers(0, 10, 2048)


def _model():
    return nnlite.Sequential([Input((200,)), Dense(256, activation="relu"),
                              Dense(128, activation="relu"), Dense(10, activation="softmax")])


@pytest.mark.parametrize("plans", [False, True], ids=["layers", "plan"])
@pytest.mark.parametrize("make_optimizer", [
    lambda: nnlite.optimizers.AdamW(),
    lambda: nnlite.optimizers.Nadam(),
    lambda: nnlite.optimizers.RMSprop(clipvalue=0.1),
], ids=["adamw", "nadam", "rmsprop_clipvalue"])
def test_repeated_fits_are_bit_identical(make_optimizer, plans):
    nnlite.utils.set_random_seed(1)
    initial = _model().get_weights()
    results = []
    for _ in range(4):
        model = _model()
        model.set_weights(initial)
        model._allow_plans = plans
        model.compile(make_optimizer(), "sparse_categorical_crossentropy")
        model.fit(X, Y, epochs=2, batch_size=64, shuffle=False, verbose=0)
        results.append(model.get_weights())
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)
