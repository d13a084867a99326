"""Subclassed models: layers made in __init__, any `call`, trained by compile/fit."""
import numpy as np
import pytest

import nnlite
from layer_gradcheck import model_finite_differences, model_tape_gradients
from nnlite import layers


class Residual(nnlite.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(units, activation="tanh")
        self.outer = layers.Dense(2)
        self.drop = layers.Dropout(0.5, seed=1)

    def call(self, x, training=False):
        h = self.inner(x)
        h = h + x                      # a skip connection, through Tensor operators
        if training:
            h = self.drop(h)
        return self.outer(h)


@pytest.fixture
def float64():
    nnlite.config.set_floatx("float64")
    yield
    nnlite.config.set_floatx("float32")


def _data(n=16, d=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(n, 2))


def test_output_equals_numpy_forward_pass_from_get_weights(float64):
    x, _ = _data()
    model = Residual()
    out = np.asarray(model(x))
    k1, b1, k2, b2 = model.get_weights()
    expected = (np.tanh(x @ k1 + b1) + x) @ k2 + b2
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_weights_are_tracked_in_attribute_order():
    model = Residual()
    model(np.zeros((1, 4)))
    assert [w.path for w in model.trainable_weights] == [
        model.inner.name + "/kernel", model.inner.name + "/bias",
        model.outer.name + "/kernel", model.outer.name + "/bias"]
    assert model.layers == [model.inner, model.outer, model.drop]


def test_gradients_match_finite_differences(float64):
    x, y = _data(n=6)
    model = Residual()
    model.compile(optimizer="sgd", loss="mse")
    # in training the dropout mask changes per call: compare with dropout off
    model.drop.rate = 0.0
    grads, _ = model_tape_gradients(model, x, y)
    expected = model_finite_differences(model, x, y)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-8)


def test_fit_lowers_the_loss_and_predict_returns_arrays():
    nnlite.utils.set_random_seed(3)
    x, y = _data(n=64)
    model = Residual()
    model.compile(optimizer="adam", loss="mse")
    before = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert len(history.history["loss"]) == 30
    assert model.evaluate(x, y, verbose=0) < 0.8 * before
    assert isinstance(model.predict(x, verbose=0), np.ndarray)


def test_training_flag_reaches_call():
    x, _ = _data()
    model = Residual()
    model.drop.rate = 0.9
    a = np.asarray(model(x, training=False))
    b = np.asarray(model(x, training=True))
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(a, np.asarray(model(x)))


def test_custom_layer_with_add_weight_and_add_loss_trains():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, inputs):
            self.add_loss(0.1 * nnlite.ops.sum(nnlite.ops.square(self.w)))
            return inputs * self.w

    layer = Scale()
    x = np.ones((3, 2))
    np.testing.assert_allclose(np.asarray(layer(x)), x)
    assert float(layer.losses[0]) == pytest.approx(0.2)
    model = nnlite.Sequential([nnlite.Input((2,)), layer])
    model.compile(optimizer=nnlite.optimizers.SGD(0.1), loss="mse")
    model.fit(x, np.zeros((3, 2)), epochs=1, batch_size=3, verbose=0)
    # d/dw [mean((w x)^2) + 0.1 w^2] at w = 1, x = 1: 2/2 * ... per element = 1 + 0.2
    np.testing.assert_allclose(layer.w.numpy(), 1 - 0.1 * (2 * 1 / 2 + 0.2), rtol=1e-6)


def test_call_without_training_argument_is_called_without_it():
    class Plain(layers.Layer):
        def call(self, inputs):
            return inputs * 2

    out = Plain()(np.ones((2, 2)), training=True)
    np.testing.assert_allclose(np.asarray(out), 2 * np.ones((2, 2)))


@nnlite.saving.register_keras_serializable(package="nnlite_tests")
class Registered(nnlite.Model):
    """A registered subclass with get_config: `model.save` saves it whole."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = layers.Dense(units, activation="tanh")
        self.outer = layers.Dense(2)

    def call(self, x):
        return self.outer(self.inner(x) + x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_a_registered_subclass_saves_and_loads_itself(tmp_path):
    x, y = _data()
    model = Registered(units=4, name="reg")
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, verbose=0)
    path = str(tmp_path / "sub.keras")
    model.save(path)
    loaded = nnlite.saving.load_model(path)
    assert type(loaded) is Registered and loaded.units == 4 and loaded.name == "reg"
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    # the optimizer state came back too: one more step agrees
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_weights_of_an_unregistered_subclass_round_trip(tmp_path):
    x, y = _data()
    model = Residual()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    path = str(tmp_path / "sub.weights.h5")
    model.save_weights(path)
    other = Residual()
    other(x[:1])
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
