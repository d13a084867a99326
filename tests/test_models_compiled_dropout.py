"""Dropout in the compiled plan: the same masks, hence bit-identical weights and
history, as the layer-by-layer path; layouts the plan cannot run fall back."""
import numpy as np
import pytest

from nnlite.callbacks import Callback
from nnlite.layers import Dense, Dropout, Input
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


def _data(n=230, d=12, k=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x, np.abs(x[:, :k]).argmax(axis=1).astype(np.int64)


def _mlp(seeds=(None, None), rates=(0.3, 0.5)):
    return Sequential([Input(shape=(12,)), Dense(16, activation="relu"),
                       Dropout(rates[0], seed=seeds[0]), Dense(8, activation="tanh"),
                       Dropout(rates[1], seed=seeds[1]), Dense(4, activation="softmax")])


class _EveryBatch(Callback):
    def __init__(self):
        super().__init__()
        self.losses = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(logs["loss"])


def _train(allow, build, callbacks=None, **fit_kwargs):
    set_random_seed(11)
    model = build()
    model._allow_plans = allow
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _data()
    history = model.fit(x, y, verbose=0, callbacks=callbacks, **fit_kwargs)
    assert ("train" in model._plan_cache) == allow
    return model, history.history


def _assert_identical(build, callbacks=(None, None), **fit_kwargs):
    a, ha = _train(True, build, callbacks[0], **fit_kwargs)
    b, hb = _train(False, build, callbacks[1], **fit_kwargs)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        _assert_close(wa, wb)
    _assert_same_history(ha, hb)


@pytest.mark.parametrize("seeds", [(None, None), (3, 4), (3, None)],
                         ids=["global", "seeded", "mixed"])
def test_plan_with_dropout_is_identical_to_the_layer_path(seeds):
    _assert_identical(lambda: _mlp(seeds), epochs=3, batch_size=32, shuffle=True)


def test_plan_with_dropout_and_validation_is_identical():
    _assert_identical(lambda: _mlp(), epochs=2, batch_size=16, validation_split=0.25)


def test_plan_with_dropout_batch_by_batch_is_identical():
    cb_plan, cb_layers = _EveryBatch(), _EveryBatch()
    _assert_identical(lambda: _mlp((5, None)), callbacks=([cb_plan], [cb_layers]), epochs=2,
                      batch_size=32)
    assert cb_plan.losses == cb_layers.losses and len(cb_plan.losses) == 16


def test_plan_with_a_shared_generator_is_identical():
    def build():
        rng = np.random.default_rng(9)
        return _mlp((rng, rng))
    _assert_identical(build, epochs=2, batch_size=32)


def test_plan_with_rate_zero_and_rate_one_is_identical():
    _assert_identical(lambda: _mlp(rates=(0.0, 1.0)), epochs=2, batch_size=32)


def test_dropout_changes_training_in_the_plan():
    # the masks are applied: without dropout the weights come out different
    a, _ = _train(True, lambda: _mlp(rates=(0.5, 0.5)), epochs=1, batch_size=32)
    b, _ = _train(True, lambda: _mlp(rates=(0.0, 0.0)), epochs=1, batch_size=32)
    assert not np.allclose(a.get_weights()[0], b.get_weights()[0])


def test_evaluate_and_predict_ignore_dropout():
    set_random_seed(2)
    model = _mlp()
    model.compile("adam", "sparse_categorical_crossentropy")
    x, y = _data(50)
    h = x
    for layer in model.layers:                 # the inference reference: Dense layers only
        if isinstance(layer, Dense):
            h = layer(h)
    np.testing.assert_allclose(model.predict(x, verbose=0), h, rtol=1e-6, atol=1e-7)
    ref = -np.mean(np.log(np.asarray(h, np.float64)[np.arange(50), y]))
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), ref, rtol=1e-5)


@pytest.mark.parametrize("layers", [
    lambda: [Dropout(0.2), Dense(4, activation="softmax")],                  # on the inputs
    lambda: [Dense(4, activation="softmax"), Dropout(0.2)],                  # on the output
    lambda: [Dense(8), Dropout(0.2), Dropout(0.2), Dense(4, activation="softmax")],
    lambda: [Dense(8), Dropout(0.2, noise_shape=(None, 1)), Dense(4, activation="softmax")],
], ids=["input", "output", "twice", "noise-shape"])
def test_dropout_layouts_the_plan_cannot_run_fall_back(layers):
    set_random_seed(0)
    model = Sequential([Input(shape=(12,))] + layers())
    model.compile("adam", "sparse_categorical_crossentropy")
    x, y = _data(64)
    model.fit(x, y, epochs=1, verbose=0)
    assert "train" not in model._plan_cache
