"""Optimizers and their options in the compiled plan: Adadelta, Adamax, Nadam,
AdamW / weight_decay (with exclusions), clipnorm, clipvalue, learning-rate
schedules and the Keras 2 decay give bit-identical weights and history to the
layer-by-layer path; global_clipnorm and callable rates fall back."""
import warnings

import numpy as np
import pytest

from nnlite import optimizers as O
from nnlite.callbacks import Callback
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.utils import set_random_seed


# The plan computes exactly what the layer path computes: weights are compared
# bit for bit (histories to rounding: the two paths sum the loss in other orders).
def _assert_close(a, b):
    np.testing.assert_array_equal(a, b)


def _assert_same_history(ha, hb):
    assert ha.keys() == hb.keys()
    for key in ha:
        np.testing.assert_array_equal(ha[key], hb[key])


def _data(n=200, d=12, k=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x, np.abs(x[:, :k]).argmax(axis=1).astype(np.int64)


def _model():
    return Sequential([Input(shape=(12,)), Dense(16, activation="relu"),
                       Dense(8, activation="tanh"), Dense(4, activation="softmax")])


def _excluding_bias():
    opt = O.AdamW(0.01, weight_decay=0.2)
    opt.exclude_from_weight_decay(var_names=["bias"])
    return opt


def _train(allow, make_optimizer, callbacks=None, epochs=3):
    set_random_seed(5)
    model = _model()
    model._allow_plans = allow
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)    # the Keras 2 decay= warns
        opt = make_optimizer()
    model.compile(opt, "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _data()
    history = model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, validation_split=0.2,
                        callbacks=callbacks)
    return model, history.history


CASES = {
    "adadelta": lambda: O.Adadelta(1.0),
    "adamax": lambda: O.Adamax(0.01),
    "nadam": lambda: O.Nadam(0.01),
    "adamw": lambda: O.AdamW(0.01, weight_decay=0.1),
    "adamw-exclude-bias": _excluding_bias,
    "sgd-weight-decay": lambda: O.SGD(0.1, momentum=0.5, weight_decay=0.05),
    "adam-clipnorm": lambda: O.Adam(0.01, clipnorm=0.05),
    "rmsprop-clipvalue": lambda: O.RMSprop(0.01, clipvalue=0.01),
    "adagrad-clipvalue": lambda: O.Adagrad(0.1, clipvalue=0.02),
    "adam-exponential-decay": lambda: O.Adam(O.schedules.ExponentialDecay(0.01, 3, 0.5)),
    "nadam-cosine-decay": lambda: O.Nadam(O.schedules.CosineDecay(0.01, 20)),
    "sgd-keras2-decay": lambda: O.SGD(0.1, decay=0.01),
    "adamax-piecewise": lambda: O.Adamax(O.schedules.PiecewiseConstantDecay([5, 10],
                                                                            [0.02, 0.01, 0.005])),
}


@pytest.mark.parametrize("name", list(CASES))
def test_plan_is_identical_to_the_layer_path(name):
    a, ha = _train(True, CASES[name])
    b, hb = _train(False, CASES[name])
    assert "train" in a._plan_cache and "train" not in b._plan_cache
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        _assert_close(wa, wb)
    for va, vb in zip(a.optimizer.variables, b.optimizer.variables):
        _assert_close(va.value, vb.value)       # slots, iterations, u_product
    _assert_same_history(ha, hb)


class _EveryBatch(Callback):
    def __init__(self):
        super().__init__()
        self.lrs = []

    def on_train_batch_end(self, batch, logs=None):
        self.lrs.append(float(self.model.optimizer.learning_rate))


def test_schedule_batch_by_batch_is_identical():
    make = CASES["nadam-cosine-decay"]
    cb_a, cb_b = _EveryBatch(), _EveryBatch()
    a, ha = _train(True, make, [cb_a], epochs=2)
    b, hb = _train(False, make, [cb_b], epochs=2)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        _assert_close(wa, wb)
    assert cb_a.lrs == cb_b.lrs
    _assert_same_history(ha, hb)


def test_weight_decay_changes_the_result_in_the_plan():
    a, _ = _train(True, lambda: O.AdamW(0.01, weight_decay=0.5), epochs=1)
    b, _ = _train(True, lambda: O.Adam(0.01), epochs=1)
    assert not np.allclose(a.get_weights()[0], b.get_weights()[0])


def test_options_changed_between_fits_reach_the_plan():
    results = []
    for allow in (True, False):
        set_random_seed(5)
        model = _model()
        model._allow_plans = allow
        model.compile(O.AdamW(0.01, weight_decay=0.1), "sparse_categorical_crossentropy")
        x, y = _data()
        model.fit(x, y, epochs=1, verbose=0)
        model.optimizer.clipnorm = 0.01
        model.optimizer.exclude_from_weight_decay(var_names=["kernel"])
        model.fit(x, y, epochs=1, verbose=0)
        results.append(model.get_weights())
    for wa, wb in zip(*results):
        _assert_close(wa, wb)


@pytest.mark.parametrize("make", [lambda: O.Adam(0.01, global_clipnorm=1.0),
                                  lambda: O.SGD(lambda: 0.01)],
                         ids=["global_clipnorm", "callable-rate"])
def test_options_the_plan_lacks_fall_back(make):
    model, _ = _train(True, make, epochs=1)
    assert "train" not in model._plan_cache
