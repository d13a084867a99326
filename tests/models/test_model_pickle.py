"""Models pickle by way of the `.keras` format, as in Keras 3: config, weights
and compiled state (optimizer and its slots) survive."""
import copy
import pickle

import numpy as np

from nnlite.layers import Dense, Input
from nnlite.models import Model, Sequential


def fitted():
    model = Sequential([Input((3,)), Dense(4, activation="relu"), Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    model.fit(x, x[:, :1], epochs=2, batch_size=8, verbose=0)
    return model, x


def test_pickled_model_predicts_identically():
    model, x = fitted()
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_pickled_model_keeps_compile_config_and_optimizer_state():
    model, x = fitted()
    again = pickle.loads(pickle.dumps(model))
    assert again.compiled and again.get_compile_config() == model.get_compile_config()
    for a, b in zip(model.optimizer.variables, again.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_pickled_model_continues_training_like_the_original():
    model, x = fitted()
    again = pickle.loads(pickle.dumps(model))
    model.fit(x, x[:, :1], epochs=1, batch_size=16, shuffle=False, verbose=0)
    again.fit(x, x[:, :1], epochs=1, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_deepcopy_of_functional_model_is_independent():
    inp = Input((2,))
    model = Model(inp, Dense(1)(inp))
    twin = copy.deepcopy(model)
    assert twin is not model and twin.layers[-1].kernel is not model.layers[-1].kernel
    np.testing.assert_array_equal(twin.get_weights()[0], model.get_weights()[0])


def test_pickled_model_carries_the_registered_layer_it_uses_only():
    from nnlite.layers import Layer
    from nnlite.saving import get_custom_objects, register_keras_serializable

    @register_keras_serializable(package="PickleTest")
    class Twice(Layer):
        def call(self, x):
            return x * 2.0

    class Unpicklable:                       # a local class: pickle refuses it
        pass
    get_custom_objects()["PickleTest>Unpicklable"] = Unpicklable
    try:
        model = Sequential([Input((2,)), Twice()])
        x = np.ones((1, 2), "float32")
        reduced = model.__reduce__()
        assert set(reduced[1][1]) == {"PickleTest>Twice"}
        again = reduced[0](*reduced[1])
        np.testing.assert_array_equal(again.predict(x, verbose=0), [[2.0, 2.0]])
    finally:
        get_custom_objects().pop("PickleTest>Unpicklable", None)
        get_custom_objects().pop("PickleTest>Twice", None)
