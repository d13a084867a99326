"""fit/evaluate/predict options: class_weight, sample_weight,
validation_freq, steps_per_epoch, generators, steps, initial_epoch.

Weighted losses are checked against NumPy float64 formulas: Keras 3 reduces
with "sum_over_batch_size", i.e. sum(w_i * loss_i) / batch_size (not divided
by the weight sum), and compile `metrics` ignore sample weights
(`keras/src/trainers/compile_utils.py`, CompileMetrics.update_state).

Loss numbers of the steps_per_epoch and generator tests were observed in
Keras 3.15.1 (/work/kerasenv, November 2026) on the same model: y = 1 * x,
no bias, SGD(0.0), MSE, x = 0..99, y = 0, so a batch's loss is mean(x^2).
"""
import warnings

import numpy as np
import pytest

from nnlite.callbacks import Callback
from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import SGD


# -- weighted losses against NumPy -------------------------------------------

def sigmoid_model(w, b, lr=0.5):
    model = Sequential([Input(shape=(3,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=SGD(lr), loss="binary_crossentropy", metrics=["accuracy"])
    model.set_weights([w, b])
    return model


def numpy_bce_step(x, y, w, b, sw, lr):
    """float64 loss of one full batch, and the weights after one SGD step."""
    x, y, w, b = (a.astype(np.float64) for a in (x, y, w, b))
    p = 1 / (1 + np.exp(-(x @ w + b)))
    eps = 1e-7
    pc = np.clip(p, eps, 1 - eps)
    per = -(y * np.log(pc) + (1 - y) * np.log(1 - pc))[:, 0]
    n = len(x)
    loss = np.sum(per * sw) / n
    dz = (p - y) * sw[:, None] / n
    return loss, w - lr * x.T @ dz, b - lr * dz.sum(0)


@pytest.fixture
def weighted_data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(16, 3)).astype(np.float32)
    y = (rng.random((16, 1)) > 0.4).astype(np.float32)
    w = rng.normal(size=(3, 1)).astype(np.float32) * 0.5
    b = np.array([0.1], np.float32)
    return x, y, w, b


def test_sample_weight_loss_and_step_match_numpy(weighted_data):
    x, y, w, b = weighted_data
    sw = np.linspace(0.0, 3.0, 16).astype(np.float32)
    model = sigmoid_model(w, b)
    history = model.fit(x, y, sample_weight=sw, batch_size=16, epochs=1, shuffle=False,
                        verbose=0)
    loss, w1, b1 = numpy_bce_step(x, y, w, b, sw.astype(np.float64), 0.5)
    assert history.history["loss"][0] == pytest.approx(loss, rel=1e-5)
    np.testing.assert_allclose(model.get_weights()[0], w1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.get_weights()[1], b1, rtol=1e-5, atol=1e-6)


def test_class_weight_loss_and_step_match_numpy(weighted_data):
    x, y, w, b = weighted_data
    model = sigmoid_model(w, b)
    history = model.fit(x, y, class_weight={0: 0.25, 1: 3.0}, batch_size=16, epochs=1,
                        shuffle=False, verbose=0)
    sw = np.where(y[:, 0] == 1, 3.0, 0.25)
    loss, w1, b1 = numpy_bce_step(x, y, w, b, sw, 0.5)
    assert history.history["loss"][0] == pytest.approx(loss, rel=1e-5)
    np.testing.assert_allclose(model.get_weights()[0], w1, rtol=1e-5, atol=1e-6)


def test_metrics_ignore_sample_weights(weighted_data):
    x, y, w, b = weighted_data
    sw = np.linspace(0.0, 3.0, 16).astype(np.float32)
    model = sigmoid_model(w, b)
    history = model.fit(x, y, sample_weight=sw, batch_size=16, epochs=1, shuffle=False,
                        verbose=0)
    p = 1 / (1 + np.exp(-(x.astype(np.float64) @ w + b)))
    assert history.history["accuracy"][0] == pytest.approx(np.mean((p > 0.5) == (y > 0.5)))


def test_class_weight_missing_class_weighs_one_and_onehot_uses_argmax():
    from nnlite.models.data import class_weights_to_sample_weights
    y = np.eye(3)[[0, 2, 1, 2]]
    np.testing.assert_array_equal(class_weights_to_sample_weights(y, {2: 5.0}),
                                  [1.0, 5.0, 1.0, 5.0])
    np.testing.assert_array_equal(
        class_weights_to_sample_weights(np.array([[0.2], [0.9]]), {1: 4.0}), [1.0, 4.0])


def test_class_weight_and_sample_weight_together_are_rejected(weighted_data):
    x, y, w, b = weighted_data
    with pytest.raises(ValueError, match="You cannot `class_weight` and `sample_weight` at "
                                         "the same time."):
        sigmoid_model(w, b).fit(x, y, class_weight={0: 1.0}, sample_weight=np.ones(16),
                                verbose=0)


def test_class_weight_does_not_weight_the_validation_loss(weighted_data):
    x, y, w, b = weighted_data
    model = sigmoid_model(w, b, lr=0.0)
    history = model.fit(x, y, class_weight={0: 10.0, 1: 10.0}, validation_data=(x, y),
                        batch_size=16, epochs=1, verbose=0)
    loss, _, _ = numpy_bce_step(x, y, w, b, np.ones(16), 0.0)
    assert history.history["val_loss"][0] == pytest.approx(loss, rel=1e-5)
    assert history.history["loss"][0] == pytest.approx(10 * loss, rel=1e-5)


def test_validation_data_with_sample_weights(weighted_data):
    x, y, w, b = weighted_data
    sw = np.linspace(0.5, 2.0, 16)
    model = sigmoid_model(w, b, lr=0.0)
    history = model.fit(x, y, validation_data=(x, y, sw), batch_size=16, epochs=1, verbose=0)
    loss, _, _ = numpy_bce_step(x, y, w, b, sw, 0.0)
    assert history.history["val_loss"][0] == pytest.approx(loss, rel=1e-5)


# -- validation_freq, initial_epoch ------------------------------------------

def small_model():
    model = Sequential([Input(shape=(1,)), Dense(1, use_bias=False,
                                                  kernel_initializer="ones")])
    model.compile(optimizer=SGD(0.0), loss="mse")
    return model


X = np.arange(100, dtype=np.float32).reshape(100, 1)
Y = np.zeros((100, 1), np.float32)


def batch_loss(lo, hi):
    return float(np.mean(X[lo:hi, 0].astype(np.float64) ** 2))


class EpochCount(Callback):
    def __init__(self):
        super().__init__()
        self.val_epochs = []

    def on_epoch_end(self, epoch, logs=None):
        if "val_loss" in logs:
            self.val_epochs.append(epoch)


@pytest.mark.parametrize("freq,expected", [(2, [1, 3]), ([1, 3], [0, 2]), (1, [0, 1, 2, 3])])
def test_validation_freq_int_and_list(freq, expected):
    cb = EpochCount()
    history = small_model().fit(X, Y, epochs=4, validation_data=(X, Y), validation_freq=freq,
                                verbose=0, callbacks=[cb])
    assert cb.val_epochs == expected
    assert len(history.history["val_loss"]) == len(expected)


def test_bad_validation_freq_is_rejected():
    with pytest.raises(ValueError, match="validation_freq"):
        small_model().fit(X, Y, validation_freq=0, verbose=0)


def test_initial_epoch_starts_counting_there():
    # Keras 3.15.1: fit(epochs=4, initial_epoch=2) -> history.epoch [2, 3]
    history = small_model().fit(X, Y, epochs=4, initial_epoch=2, verbose=0)
    assert history.epoch == [2, 3]
    assert history.params == {"verbose": 0, "epochs": 4, "steps": 4}


# -- steps_per_epoch with arrays ---------------------------------------------

class BatchLosses(Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append([])

    def on_train_batch_end(self, batch, logs=None):
        self.epochs[-1].append(logs["loss"])


@pytest.mark.parametrize("spe,expected,warns", [
    # observed in Keras 3.15.1: batch losses per epoch (batch 32, shuffle=False)
    (2, [[325.5, 1333.5], [6405.5, 6750.16650390625], [325.5, 1333.5]], 0),
    (3, [[325.5, 1333.5, 3024.166748046875], [9507.5], [325.5, 1333.5, 3024.166748046875]],
     1),
])
def test_steps_per_epoch_with_arrays_carries_on_across_epochs(spe, expected, warns):
    cb = BatchLosses()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = small_model().fit(X, Y, batch_size=32, epochs=3, steps_per_epoch=spe,
                                    shuffle=False, verbose=0, callbacks=[cb])
    assert history.params["steps"] == spe
    for got, want in zip(cb.epochs, expected):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert len(cb.epochs) == 3
    assert sum("ran out of data" in str(w.message) for w in caught) == warns


def test_steps_per_epoch_larger_than_data_runs_one_pass_and_warns():
    cb = BatchLosses()
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        small_model().fit(X, Y, batch_size=32, epochs=2, steps_per_epoch=6, shuffle=False,
                          verbose=0, callbacks=[cb])
    assert [len(e) for e in cb.epochs] == [4, 4]


def test_evaluate_and_predict_with_steps_on_arrays():
    model = small_model()
    assert model.evaluate(X, Y, batch_size=32, steps=2, verbose=0) == pytest.approx(
        (batch_loss(0, 32) * 32 + batch_loss(32, 64) * 32) / 64)
    assert model.predict(X, batch_size=32, steps=2, verbose=0).shape == (64, 1)
    with pytest.warns(UserWarning, match="ran out of data"):
        # Keras 3.15.1 gives 3283.5 (all 100 rows) for steps=6
        assert model.evaluate(X, Y, batch_size=32, steps=6, verbose=0) == pytest.approx(3283.5)


def test_validation_steps_limits_validation_batches():
    history = small_model().fit(X, Y, epochs=1, batch_size=32, validation_data=(X, Y),
                                validation_steps=1, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(batch_loss(0, 32))


def test_evaluate_return_dict():
    model = small_model()
    assert model.evaluate(X, Y, verbose=0, return_dict=True) == {
        "loss": pytest.approx(batch_loss(0, 100))}


# -- generators --------------------------------------------------------------

def gen(n_batches=None, bs=10, weight=None):
    i = 0
    while n_batches is None or i < n_batches:
        lo = (i * bs) % 100
        if weight is None:
            yield X[lo:lo + bs], Y[lo:lo + bs]
        else:
            yield X[lo:lo + bs], Y[lo:lo + bs], np.full(bs, weight, np.float32)
        i += 1


def fit_gen(generator, **kwargs):
    cb = BatchLosses()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = small_model().fit(generator, verbose=0, callbacks=[cb], **kwargs)
    return history, cb.epochs, [str(w.message) for w in caught]


def test_generator_with_steps_per_epoch_continues_across_epochs():
    history, epochs, _ = fit_gen(gen(), steps_per_epoch=3, epochs=2)
    # Keras 3.15.1: epoch losses 285.1666564941406 and 2055.166748046875
    np.testing.assert_allclose(history.history["loss"], [285.1666564941406, 2055.166748046875],
                               rtol=1e-6)
    assert history.params["steps"] == 3


def test_exhausted_generator_replays_its_first_two_batches_as_keras():
    # Keras peeks two batches and replays them on every new pass:
    # fit(gen of 5 batches, epochs=2) gave losses [808.5, 123.5]
    history, epochs, messages = fit_gen(gen(5), epochs=2)
    assert history.history["loss"] == pytest.approx([808.5, 123.5])
    assert history.params["steps"] is None
    assert [len(e) for e in epochs] == [5, 2]
    assert sum("ran out of data" in m for m in messages) == 2
    assert any("`shuffle=True` was passed, but will be ignored" in m for m in messages)


def test_finite_generator_with_steps_per_epoch():
    # Keras 3.15.1: [285.1666564941406, 1593.5, 123.5]
    history, _, _ = fit_gen(gen(5), steps_per_epoch=3, epochs=3)
    np.testing.assert_allclose(history.history["loss"], [285.1666564941406, 1593.5, 123.5],
                               rtol=1e-6)


def test_generator_sample_weights():
    history, _, _ = fit_gen(gen(weight=2.0), steps_per_epoch=2, epochs=1)
    assert history.history["loss"] == pytest.approx([2 * batch_loss(0, 20)])


def test_validation_generator_replays_the_same_batches_each_epoch():
    history, _, _ = fit_gen(gen(), steps_per_epoch=2, epochs=2, validation_data=gen(),
                            validation_steps=2)
    # Keras 3.15.1: {'loss': [123.5, 903.5], 'val_loss': [123.5, 123.5]}
    assert history.history == {"loss": pytest.approx([123.5, 903.5]),
                               "val_loss": pytest.approx([123.5, 123.5])}


def test_evaluate_and_predict_on_generators():
    model = small_model()
    assert model.evaluate(gen(), steps=2, verbose=0) == pytest.approx(123.5)
    assert model.predict(gen(), steps=2, verbose=0).shape == (20, 1)
    with pytest.warns(UserWarning, match="ran out of data"):
        np.testing.assert_array_equal(model.predict(gen(3), verbose=0), X[:30])


@pytest.mark.parametrize("kwargs,match", [
    (dict(y=Y), "`y` should not be passed"),
    (dict(sample_weight=np.ones(10)), "`sample_weights` should not be passed"),
    (dict(class_weight={0: 1.0}), "`class_weight` is not supported for Python generator"),
    (dict(validation_split=0.2), "`validation_split` is only supported"),
])
def test_generator_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        small_model().fit(gen(), steps_per_epoch=1, verbose=0, **kwargs)


def test_generator_of_bare_arrays_is_rejected():
    def bare():
        while True:
            yield X[:10]
    with pytest.raises(ValueError, match="must return a tuple"):
        small_model().predict(bare(), steps=1, verbose=0)


def test_plain_fit_still_uses_the_compiled_plan():
    model = small_model()
    model.fit(X, Y, epochs=1, verbose=0)
    assert "train" in model._plan_cache
