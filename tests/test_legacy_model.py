"""Keras 2 idioms on the model, accepted with a FutureWarning.

Keras 2 semantics (keras 2.x Sequential, from its source): predict_classes
is argmax over the last axis, or (p > 0.5).astype('int32') for a single
output; predict_proba is predict; fit_generator / evaluate_generator /
predict_generator take a generator and steps.
"""
import importlib
import sys

import numpy as np
import pytest

from nnlite.layers import Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import SGD

X = np.arange(40, dtype=np.float32).reshape(20, 2) / 40


def model_with(units, activation, w):
    model = Sequential([Input(shape=(2,)), Dense(units, activation=activation)])
    model.compile(optimizer=SGD(0.0), loss="mse")
    model.set_weights([w, np.zeros(units, np.float32)])
    return model


def test_predict_classes_multiclass_is_argmax():
    w = np.array([[1.0, -1.0, 0.5], [-2.0, 1.0, 0.5]], np.float32)
    model = model_with(3, "softmax", w)
    with pytest.warns(FutureWarning, match="predict_classes"):
        classes = model.predict_classes(X)
    np.testing.assert_array_equal(classes, np.argmax(X.astype(np.float64) @ w, axis=-1))


def test_predict_classes_single_sigmoid_is_threshold_int32():
    w = np.array([[4.0], [-2.0]], np.float32)
    model = model_with(1, "sigmoid", w)
    with pytest.warns(FutureWarning):
        classes = model.predict_classes(X)
    assert classes.dtype == np.int32 and classes.shape == (20, 1)
    np.testing.assert_array_equal(classes[:, 0], (X.astype(np.float64) @ w[:, 0] > 0))


def test_predict_proba_is_predict():
    w = np.array([[4.0], [-2.0]], np.float32)
    model = model_with(1, "sigmoid", w)
    with pytest.warns(FutureWarning, match="predict_proba"):
        proba = model.predict_proba(X)
    np.testing.assert_allclose(proba[:, 0], 1 / (1 + np.exp(-(X.astype(np.float64) @ w[:, 0]))),
                               rtol=1e-6)


def test_fit_nb_epoch_means_epochs():
    model = model_with(1, None, np.ones((2, 1), np.float32))
    with pytest.warns(FutureWarning, match="nb_epoch"):
        history = model.fit(X, X[:, :1], nb_epoch=3, verbose=0)
    assert history.epoch == [0, 1, 2]


def test_unknown_fit_keyword_is_a_type_error():
    model = model_with(1, None, np.ones((2, 1), np.float32))
    with pytest.raises(TypeError, match="nb_epochs"):
        model.fit(X, X[:, :1], nb_epochs=3, verbose=0)


def batches(bare=False):
    i = 0
    while True:
        lo = (i * 5) % 20
        yield X[lo:lo + 5] if bare else (X[lo:lo + 5], X[lo:lo + 5, :1])
        i += 1


def test_fit_generator_evaluate_generator_predict_generator():
    model = model_with(1, None, np.ones((2, 1), np.float32))
    with pytest.warns(FutureWarning, match="fit_generator"):
        history = model.fit_generator(batches(), steps_per_epoch=4, epochs=2, verbose=0,
                                      validation_data=batches(), validation_steps=2)
    expected = np.mean((X.astype(np.float64).sum(1) - X[:, 0]) ** 2)   # w = [1, 1], lr 0
    assert history.history["loss"] == pytest.approx([expected, expected], rel=1e-6)
    assert len(history.history["val_loss"]) == 2
    with pytest.warns(FutureWarning, match="evaluate_generator"):
        assert model.evaluate_generator(batches(), steps=4) == pytest.approx(expected, rel=1e-6)
    with pytest.warns(FutureWarning, match="predict_generator"):
        out = model.predict_generator(batches(bare=True), steps=4)
    np.testing.assert_allclose(out[:, 0], X.sum(1), rtol=1e-6)


def test_fit_generator_applies_class_weight_per_batch():
    model = model_with(1, None, np.ones((2, 1), np.float32))

    def labelled():
        while True:
            yield X[:4], np.array([[0.0], [1.0], [1.0], [0.0]], np.float32)
    with pytest.warns(FutureWarning):
        history = model.fit_generator(labelled(), steps_per_epoch=1, epochs=1, verbose=0,
                                      class_weight={0: 2.0, 1: 0.0})
    err = (X[:4].astype(np.float64).sum(1) - [0, 1, 1, 0]) ** 2
    assert history.history["loss"][0] == pytest.approx(np.sum(err * [2, 0, 0, 2]) / 4)


def test_np_utils_module_warns_on_import_and_reexports():
    sys.modules.pop("nnlite.utils.np_utils", None)
    with pytest.warns(FutureWarning, match="np_utils"):
        np_utils = importlib.import_module("nnlite.utils.np_utils")
    np.testing.assert_array_equal(np_utils.to_categorical([1, 0], 2), [[0, 1], [1, 0]])
    np.testing.assert_allclose(np_utils.normalize(np.array([[3.0, 4.0]])), [[0.6, 0.8]])
