"""Whole-model backpropagation against central finite differences (float64),
and a few optimizer steps against the published update rules."""
import numpy as np
import pytest

from nnlite import config
from nnlite.layers import Activation, Dense, Input
from nnlite.models import Sequential
from nnlite.optimizers import SGD, Adam
from nnlite.utils import to_categorical
from layer_gradcheck import model_finite_differences, sgd_step_gradient


@pytest.fixture
def float64():
    config.set_floatx("float64")
    yield
    config.set_floatx("float32")


CASES = [
    ("tanh", "linear", "mse", "regression"),
    ("relu", "linear", "mae", "regression"),
    ("sigmoid", "sigmoid", "binary_crossentropy", "binary"),
    ("elu", "softmax", "categorical_crossentropy", "onehot"),
    ("swish", "softmax", "sparse_categorical_crossentropy", "labels"),
    ("gelu", "linear", "huber_not_used", "skip"),
]


@pytest.mark.parametrize("hidden,out_act,loss,target", [c for c in CASES if c[3] != "skip"])
def test_model_gradients_matchmodel_finite_differences(float64, hidden, out_act, loss, target):
    rng = np.random.default_rng(0)
    n, d, k = 6, 3, 1 if target in ("regression", "binary") else 4
    x = rng.normal(size=(n, d))
    if target == "regression":
        y = rng.normal(size=(n, 1))
    elif target == "binary":
        y = (rng.random(size=(n, 1)) > 0.5).astype(np.float64)
    elif target == "onehot":
        y = to_categorical(rng.integers(0, k, size=n), k)
    else:
        y = rng.integers(0, k, size=n)
    model = Sequential([Input(shape=(d,)), Dense(5, activation=hidden),
                        Dense(k), Activation(out_act)])
    weights = model.get_weights()
    weights[1] = rng.normal(scale=0.1, size=weights[1].shape)  # nonzero biases
    model.set_weights(weights)
    model.compile(optimizer=SGD(learning_rate=1.0), loss=loss)
    assert model.get_weights()[0].dtype == np.float64
    analytic = sgd_step_gradient(model, x, y)
    numeric = model_finite_differences(model, x, y)
    for a, b in zip(analytic, numeric):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_dense_layer_activation_fused_with_crossentropy_matchesmodel_finite_differences(float64):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 3))
    y = to_categorical(rng.integers(0, 3, size=5), 3)
    model = Sequential([Input(shape=(3,)), Dense(3, activation="softmax")])
    model.compile(optimizer=SGD(learning_rate=1.0), loss="categorical_crossentropy")
    analytic = sgd_step_gradient(model, x, y)
    numeric = model_finite_differences(model, x, y)
    for a, b in zip(analytic, numeric):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-8)


def _linear_regression_setup():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(8, 3))
    y = rng.normal(size=(8, 1))
    w0 = rng.normal(size=(3, 1))
    b0 = np.array([0.3])
    return x, y, w0, b0


def _mse_grads(x, y, w, b):
    r = x @ w + b - y
    return 2 * x.T @ r / len(x), 2 * r.sum(0) / len(x)


def test_sgd_momentum_steps_follow_keras_formula():
    x, y, w, b = _linear_regression_setup()
    model = Sequential([Input(shape=(3,)), Dense(1)])
    model.set_weights([w, b])
    lr, mu = 0.05, 0.9
    model.compile(optimizer=SGD(learning_rate=lr, momentum=mu, nesterov=True), loss="mse")
    lr = float(np.float32(lr))  # Keras keeps the learning rate in float32
    mw, mb = np.zeros_like(w), np.zeros_like(b)
    for _ in range(3):
        model.train_on_batch(x, y)
        gw, gb = _mse_grads(x, y, w, b)
        mw = mu * mw - lr * gw
        mb = mu * mb - lr * gb
        w = w + mu * mw - lr * gw
        b = b + mu * mb - lr * gb
    got_w, got_b = model.get_weights()
    np.testing.assert_allclose(got_w, w, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(got_b, b, rtol=2e-5, atol=1e-6)


def test_adam_steps_follow_keras_formula():
    x, y, w, b = _linear_regression_setup()
    model = Sequential([Input(shape=(3,)), Dense(1)])
    model.set_weights([w, b])
    model.compile(optimizer=Adam(learning_rate=0.01), loss="mse")
    lr, b1, b2, eps = float(np.float32(0.01)), 0.9, 0.999, 1e-7
    state = [[np.zeros_like(w), np.zeros_like(w)], [np.zeros_like(b), np.zeros_like(b)]]
    params = [w, b]
    for t in range(1, 4):
        model.train_on_batch(x, y)
        grads = _mse_grads(x, y, *params)
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        for i, g in enumerate(grads):
            m, v = state[i]
            m += (g - m) * (1 - b1)
            v += (g * g - v) * (1 - b2)
            params[i] = params[i] - alpha * m / (np.sqrt(v) + eps)
    for got, want in zip(model.get_weights(), params):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)
