"""clone_model: same structure and names, fresh weights, compiled clones."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.backend.naming import clear_session
from nnlite.layers import Dense, Input
from nnlite.models import Functional, Model, Sequential, clone_model


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()


def test_sequential_clone_has_same_config_and_new_weights():
    model = Sequential([Input((3,)), Dense(4, activation="relu"), Dense(1)], name="s")
    clone = clone_model(model)
    assert isinstance(clone, Sequential) and clone is not model
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert clone.get_config() == model.get_config()
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])
    clone.set_weights(model.get_weights())
    x = np.random.rand(2, 3).astype("float32")
    np.testing.assert_array_equal(np.asarray(clone(x)), np.asarray(model(x)))


def test_functional_clone_keeps_graph_and_sharing():
    a, b = Input((3,), name="a"), Input((3,), name="b")
    shared = Dense(2, name="shared")
    out = layers.add([shared(a), shared(b)], name="sum")
    model = Model([a, b], out, name="f")
    clone = clone_model(model)
    assert isinstance(clone, Functional)
    assert [l.name for l in clone.layers] == ["a", "b", "shared", "sum"]
    assert len(clone.weights) == 2
    assert all(w is not v for w, v in zip(clone.weights, model.weights))
    assert clone.get_config() == model.get_config()


def test_clone_function_is_applied_to_each_layer():
    x = Input((3,))
    model = Model(x, Dense(1, name="d2")(Dense(4, name="d1")(x)))
    seen = []

    def fn(layer):
        seen.append(layer.name)
        config = layer.get_config()
        config["name"] = "c_" + config["name"]
        return layer.__class__.from_config(config)
    clone = clone_model(model, clone_function=fn)
    assert seen == ["d1", "d2"]
    assert [l.name for l in clone.layers][1:] == ["c_d1", "c_d2"]


def test_clone_function_returning_the_layer_shares_weights():
    x = Input((3,))
    model = Model(x, Dense(2)(x))
    clone = clone_model(model, clone_function=lambda layer: layer)
    assert clone.weights[0] is model.weights[0]


def test_clone_on_given_input_tensors():
    x = Input((3,), name="x")
    model = Model(x, Dense(2)(x))
    new_in = Input((3,), name="new")
    clone = clone_model(model, input_tensors=new_in)
    assert clone.inputs == [new_in]


def test_compiled_model_clone_is_compiled_with_a_new_optimizer():
    model = Sequential([Input((3,)), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    clone = clone_model(model)
    assert clone.compiled and clone.optimizer is not model.optimizer
    assert type(clone.optimizer) is type(model.optimizer)
    clone.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)


def test_non_model_is_refused():
    with pytest.raises(ValueError, match="Sequential models or Functional models"):
        clone_model(Dense(2))


class _Subclassed(nnlite.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = nnlite.layers.Dense(units, activation="relu")
        self.out = nnlite.layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))

    def get_config(self):
        return {"units": self.units, **super().get_config()}


def test_a_subclassed_model_is_cloned_through_its_config_with_new_weights():
    model = _Subclassed(5)
    model(np.ones((2, 3), np.float32))
    clone = nnlite.models.clone_model(model)
    clone(np.ones((2, 3), np.float32))
    assert type(clone) is _Subclassed and clone.units == 5
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    assert not np.array_equal(clone.get_weights()[0], model.get_weights()[0])


def test_a_subclassed_model_refuses_clone_function():
    model = _Subclassed()
    with pytest.raises(ValueError, match="only supported for Sequential models or Functional"):
        nnlite.models.clone_model(model, clone_function=lambda layer: layer)
