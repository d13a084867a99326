"""Functional graphs of Dense, Add and Concatenate on the compiled executor (issue 10,
"Must stay true"): lowered to one C plan, and equal to the eager executor bit for bit."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.trainers import compiled


def _skip(nnlite_seed=0):
    nnlite.utils.set_random_seed(nnlite_seed)
    x = nnlite.Input((6,))
    h = layers.Dense(8, activation="relu")(x)
    h2 = layers.Dense(8)(h)
    h2 = layers.Activation("tanh")(h2)
    s = layers.Add()([h, h2])
    return nnlite.Model(x, layers.Dense(3, activation="softmax")(s))


def _branches(nnlite_seed=0):
    nnlite.utils.set_random_seed(nnlite_seed)
    x = nnlite.Input((6,))
    a = layers.Dense(5, activation="relu")(x)
    a = layers.Dropout(0.3, seed=1)(a)
    b = layers.Dense(4, activation="sigmoid")(x)
    c = layers.Concatenate()([a, b])
    return nnlite.Model(x, layers.Dense(3, activation="softmax")(c))


def _input_skip(nnlite_seed=0):
    nnlite.utils.set_random_seed(nnlite_seed)
    x = nnlite.Input((6,))
    h = layers.Dense(6, activation="elu")(x)
    s = layers.add([x, h])
    c = layers.concatenate([s, x])
    return nnlite.Model(x, layers.Dense(3)(c))


BUILDERS = {"skip": _skip, "branches": _branches, "input_skip": _input_skip}


def _data(n=50):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(n, 6)).astype("float32")
    return x, rng.integers(0, 3, size=n)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_graph_lowers_to_one_plan(name):
    model = BUILDERS[name]()
    lowered = compiled.lower(model)
    assert lowered is not None
    kinds = [k for k, _ in lowered[1]]
    assert kinds.count("dense") == len(lowered[0])


def _fit(name, allow, optimizer="adam", loss="sparse_categorical_crossentropy"):
    model = BUILDERS[name]()
    model._allow_plans = allow
    if name == "input_skip":
        loss = nnlite.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    x, y = _data()
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=True)
    return model, history


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_compiled_fit_equals_eager_bit_for_bit(name):
    a, ha = _fit(name, True)
    b, hb = _fit(name, False)
    assert "train" in a._plan_cache and "train" not in b._plan_cache   # one ran on the plan
    assert ha.history == hb.history
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_compiled_predict_equals_eager(name):
    model, _ = _fit(name, True, optimizer="sgd")
    x, y = _data(300)
    fast = model.predict(x, verbose=0)
    model._allow_plans = False
    np.testing.assert_array_equal(fast, model.predict(x, verbose=0))


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_compiled_evaluate_equals_eager(name):
    model, _ = _fit(name, True, optimizer="rmsprop")
    x, y = _data(90)
    fast = model.evaluate(x, y, verbose=0)
    model._allow_plans = False
    assert fast == model.evaluate(x, y, verbose=0)


def test_dense_read_twice_does_not_fold_its_activation():
    x = nnlite.Input((4,))
    h = layers.Dense(4)(x)
    out = layers.Dense(2)(layers.Add()([layers.Activation("relu")(h), h]))
    assert compiled.lower(nnlite.Model(x, out)) is None


def test_graph_with_unlowerable_layer_stays_eager():
    x = nnlite.Input((4,))
    h = layers.LayerNormalization()(layers.Dense(4)(x))
    assert compiled.lower(nnlite.Model(x, layers.Dense(2)(h))) is None


def test_two_input_model_stays_eager():
    a, b = nnlite.Input((3,)), nnlite.Input((3,))
    out = layers.Dense(1)(layers.Add()([layers.Dense(3)(a), b]))
    assert compiled.lower(nnlite.Model([a, b], out)) is None
