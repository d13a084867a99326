"""Functional models train: a skip connection fits, its gradients match
finite differences, a multi-input model fits on a list of arrays."""
import os
import sys

import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.backend.naming import clear_session
from nnlite.layers import Dense, Input
from nnlite.models import Model

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from layer_gradcheck import check_layer  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()


def skip_model(dtype="float32"):
    inp = Input((4,), dtype=dtype)
    x = Dense(8, dtype=dtype)(inp)
    y = layers.add([x, Dense(8, activation="tanh", dtype=dtype)(x)], dtype=dtype)
    return Model(inp, Dense(1, dtype=dtype)(y))


def test_skip_connection_model_fits_and_loss_decreases():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = skip_model()
    model.compile(optimizer=nnlite.optimizers.Adam(learning_rate=0.01), loss="mse")
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    loss = history.history["loss"]
    assert len(loss) == 30 and loss[-1] < 0.2 * loss[0]
    assert model.evaluate(x, y, verbose=0) < 0.2 * loss[0]


def test_skip_connection_gradients_match_finite_differences():
    model = skip_model("float64")
    x = np.random.default_rng(1).normal(size=(3, 4))
    check_layer(model, x, rtol=1e-6, atol=1e-8)


def test_shared_layer_gradient_accumulates_both_uses():
    a, b = Input((3,), dtype="float64"), Input((3,), dtype="float64")
    shared = Dense(2, activation="tanh", dtype="float64")
    out = layers.multiply([shared(a), shared(b)], dtype="float64")
    model = Model([a, b], out)
    # wrap the two inputs as one, so check_layer can perturb them
    inp = Input((6,), dtype="float64")
    whole = Model(inp, model([inp[:, :3], inp[:, 3:]]))
    assert len(whole.trainable_weights) == 2
    check_layer(whole, np.random.default_rng(2).normal(size=(4, 6)), rtol=1e-6, atol=1e-8)


def test_sgd_step_matches_tape_gradient():
    from nnlite.backend.tape import Tape
    from nnlite.backend.tensor import Tensor
    model = skip_model("float64")
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(8, 4)), rng.normal(size=(8, 1))
    with Tape() as tape:
        pred = model(Tensor(x))
        loss = nnlite.ops.mean(nnlite.ops.square(pred - y))
    grads = tape.gradient(loss, model.trainable_weights)
    before = model.get_weights()
    model.compile(optimizer=nnlite.optimizers.SGD(learning_rate=1.0), loss="mse")
    model.train_on_batch(x, y)
    for w0, w1, g in zip(before, model.get_weights(), grads):
        np.testing.assert_allclose(w0 - w1, g, rtol=1e-6, atol=1e-10)


def test_multi_input_model_fits_on_a_list_of_arrays():
    a, b = Input((3,), name="a"), Input((2,), name="b")
    out = Dense(1)(layers.concatenate([Dense(4, activation="relu")(a), b]))
    model = Model([a, b], out)
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(4)
    xa, xb = rng.normal(size=(32, 3)), rng.normal(size=(32, 2))
    y = xa[:, :1] + xb[:, :1]
    history = model.fit([xa, xb], y, epochs=5, batch_size=8, verbose=0)
    assert len(history.history["loss"]) == 5
    assert model.predict([xa, xb], verbose=0).shape == (32, 1)
    assert model.predict({"a": xa, "b": xb}, verbose=0).shape == (32, 1)
