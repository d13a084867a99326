"""The compiled plan (whole training steps in C) gives the same results as
the layer-by-layer path it replaces."""
import re

import numpy as np
import pytest

from nnlite.callbacks import Callback
from nnlite.layers import Activation, Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import SGD, Adam, RMSprop
from nnlite.utils import set_random_seed, to_categorical


def _data(n=200, d=12, k=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    labels = (np.abs(x[:, :k]).argmax(axis=1)).astype(np.int64)
    return x, labels


def _model(hidden="relu", out="softmax", k=4, d=12, fold=False):
    layers = [Input(shape=(d,)), Dense(16, activation=hidden), Dense(8, activation="tanh")]
    if fold:
        layers += [Dense(k), Activation(out)]
    else:
        layers += [Dense(k, activation=out)]
    return Sequential(layers)


def _train_both(build, compile_kwargs, x, y, fit_kwargs):
    """Trains the same model from the same weights through both paths."""
    results = []
    for allow in (True, False):
        set_random_seed(7)
        model = build()
        model._allow_plans = allow
        model.compile(**compile_kwargs())
        history = model.fit(x, y, verbose=0, **fit_kwargs)
        assert ("train" in model._plan_cache) == allow
        results.append((model, history))
    return results


def _assert_same(results):
    """The same weights and the same History, bit for bit."""
    (a, ha), (b, hb) = results
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert ha.history.keys() == hb.history.keys()
    for key in ha.history:
        np.testing.assert_array_equal(ha.history[key], hb.history[key])


@pytest.mark.parametrize("optimizer", [
    lambda: SGD(learning_rate=0.05),
    lambda: SGD(learning_rate=0.02, momentum=0.9, nesterov=True),
    lambda: RMSprop(learning_rate=0.002, momentum=0.5, centered=True),
    lambda: Adam(learning_rate=0.003),
    lambda: Adam(learning_rate=0.003, amsgrad=True),
], ids=["sgd", "nesterov", "rmsprop-centered-momentum", "adam", "amsgrad"])
def test_plan_matches_layer_path_for_each_optimizer(optimizer):
    x, labels = _data()
    results = _train_both(_model, lambda: dict(optimizer=optimizer(),
                                               loss="sparse_categorical_crossentropy",
                                               metrics=["accuracy"]),
                          x, labels, dict(epochs=2, batch_size=24, validation_split=0.2))
    _assert_same(results)


@pytest.mark.parametrize("loss,out,target", [
    ("categorical_crossentropy", "softmax", "onehot"),
    ("sparse_categorical_crossentropy", "softmax", "labels"),
    ("binary_crossentropy", "sigmoid", "binary"),
    ("mse", "linear", "onehot"),
    ("mae", "linear", "onehot"),
    ("mse", "sigmoid", "onehot"),
])
def test_plan_matches_layer_path_for_each_loss(loss, out, target):
    x, labels = _data()
    y = {"onehot": to_categorical(labels, 4).astype(np.float32), "labels": labels,
         "binary": (labels[:, None] == np.arange(4)).astype(np.float32)}[target]
    results = _train_both(lambda: _model(out=out),
                          lambda: dict(optimizer="adam", loss=loss, metrics=["accuracy"]),
                          x, y, dict(epochs=2, batch_size=32))
    _assert_same(results)


def test_activation_layer_after_linear_dense_is_folded_into_the_plan():
    x, labels = _data()
    results = _train_both(lambda: _model(fold=True),
                          lambda: dict(optimizer="adam", loss="sparse_categorical_crossentropy"),
                          x, labels, dict(epochs=2))
    _assert_same(results)


def test_frozen_layer_stays_frozen_in_the_plan():
    x, labels = _data()

    def build():
        model = _model()
        model.layers[0].trainable = False
        return model

    results = _train_both(build, lambda: dict(optimizer="adam",
                                              loss="sparse_categorical_crossentropy"),
                          x, labels, dict(epochs=1))
    _assert_same(results)
    set_random_seed(7)
    np.testing.assert_array_equal(results[0][0].layers[0].get_weights()[0],
                                  _model().layers[0].get_weights()[0])


def test_per_batch_callbacks_see_every_batch_with_the_plan():
    class Counter(Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append((batch, round(logs["loss"], 6)))

    x, labels = _data(n=100)
    counters = []
    for allow in (True, False):
        set_random_seed(3)
        model = _model()
        model._allow_plans = allow
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        counter = Counter()
        model.fit(x, labels, batch_size=10, verbose=0, callbacks=[counter])
        counters.append(counter.seen)
    assert [b for b, _ in counters[0]] == list(range(10))
    np.testing.assert_allclose([v for _, v in counters[0]], [v for _, v in counters[1]],
                               rtol=1e-4)


def test_compiled_predict_and_evaluate_match_the_layer_path():
    x, labels = _data(n=300)
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    fast_pred = model.predict(x, verbose=0)
    fast_eval = model.evaluate(x, labels, verbose=0)
    model._allow_plans = False
    np.testing.assert_allclose(fast_pred, model.predict(x, verbose=0), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(fast_eval, model.evaluate(x, labels, verbose=0), rtol=1e-5)


def test_one_sample_predict_uses_the_plan():
    model = _model()
    x = np.ones((1, 12), np.float32)
    out = model.predict(x, verbose=0)
    assert out.shape == (1, 4)
    assert any(isinstance(k, tuple) and k[0] == "predict" for k in model._plan_cache)


def test_labels_out_of_range_fail_before_any_update():
    x, labels = _data(n=50)
    labels[-1] = 9
    model = _model()
    before = model.get_weights()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        model.fit(x, labels, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_optimizer_iterations_advance_by_the_number_of_steps():
    x, labels = _data(n=100)
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, labels, batch_size=30, epochs=3, verbose=0)
    assert int(model.optimizer.iterations.value) == 3 * 4


def test_progress_bar_reaches_the_last_step_with_the_plan(capsys):
    x, labels = _data(n=640)
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["acc"])
    model.fit(x, labels, epochs=2, verbose=1)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    assert plain.count("20/20 ") == 2
    assert re.search(r"acc: \d\.\d{4} - loss: \d\.\d{4}", plain)
