"""Layer.compute_output_shape: by default a symbolic run of `call` (Keras 3's
compute_output_spec), so custom layers work in Sequential and in summaries."""
import io

import numpy as np
import pytest

import nnlite
from nnlite import layers, ops
from nnlite.backend.tape import Tape


class MyDense(layers.Layer):
    """A custom layer that does not define compute_output_shape."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", name="b")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class SumOverTime(layers.Layer):
    def call(self, inputs):
        return ops.sum(inputs, axis=1)


class Pair(layers.Layer):
    def call(self, inputs):
        a, b = inputs
        return ops.concatenate([a, b], axis=-1)


def test_default_gives_the_shape_call_returns_with_an_unknown_batch():
    assert MyDense(16).compute_output_shape((None, 8)) == (None, 16)


def test_default_keeps_a_given_batch_size():
    assert MyDense(4).compute_output_shape((5, 3)) == (5, 4)


def test_default_builds_the_layer():
    layer = MyDense(4)
    layer.compute_output_shape((None, 3))
    assert layer.built and layer.w.shape == (3, 4)


def test_default_marks_sizes_that_follow_unknown_inputs_as_unknown():
    assert SumOverTime().compute_output_shape((None, None, 3)) == (None, 3)


def test_default_takes_a_list_of_input_shapes():
    assert Pair().compute_output_shape([(None, 2), (None, 5)]) == (None, 7)


class Normalized(layers.Layer):
    """A custom layer with state: an add_loss and a BatchNormalization."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bn = layers.BatchNormalization()

    def call(self, inputs, training=False):
        self.add_loss(ops.sum(inputs))
        return self.bn(inputs, training=training)


def _trained_normalized():
    layer = Normalized()
    layer(np.full((4, 3), 2.0), training=True)
    return layer


def test_default_records_nothing_on_the_tape():
    layer = _trained_normalized()
    with Tape() as tape:
        layer.compute_output_shape((None, 3))
    assert tape.records == []


def test_default_does_not_change_moving_statistics():
    layer = _trained_normalized()
    before = [w.numpy() for w in layer.bn.weights]
    with Tape():
        assert layer.compute_output_shape((None, 3)) == (None, 3)
    for w, b in zip(layer.bn.weights, before):
        np.testing.assert_array_equal(w.numpy(), b)


def test_default_keeps_the_losses_of_the_last_call():
    layer = _trained_normalized()
    layer.compute_output_shape((None, 3))
    assert [float(v) for v in layer.losses] == [24.0]


def test_an_explicit_override_is_used_instead_of_a_run():
    class Declared(layers.Layer):
        def call(self, inputs):
            raise AssertionError("call must not run")

        def compute_output_shape(self, input_shape):
            return input_shape[:-1] + (7,)

    assert Declared().compute_output_shape((None, 3)) == (None, 7)


def test_custom_layer_in_sequential_trains_and_matches_numpy():
    nnlite.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype("float32")
    y = rng.normal(size=(64, 1)).astype("float32")
    model = nnlite.Sequential([nnlite.Input((8,)), MyDense(16), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    assert len(history.history["loss"]) == 2
    w, b, k, c = [a.astype(np.float64) for a in model.get_weights()]
    expected = (x @ w + b) @ k + c
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-5)


def test_sequential_output_shape_uses_the_custom_layer():
    model = nnlite.Sequential([nnlite.Input((8,)), MyDense(16)])
    assert model.output_shape == (None, 16)


def test_sequential_summary_shows_the_custom_layer_output_shape():
    model = nnlite.Sequential([nnlite.Input((8,)), MyDense(16, name="mine"), layers.Dense(1)])
    out = io.StringIO()
    model.summary(print_fn=out.write, line_length=88)
    row = [line for line in out.getvalue().splitlines() if "mine (MyDense)" in line][0]
    assert "(None, 16)" in row and "144" in row


def test_functional_model_with_a_custom_layer_matches_numpy():
    inputs = nnlite.Input((3,))
    outputs = layers.Dense(2)(MyDense(5)(inputs))
    model = nnlite.Model(inputs, outputs)
    assert tuple(model.outputs[0].shape) == (None, 2)
    x = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    w, b, k, c = [a.astype(np.float64) for a in model.get_weights()]
    np.testing.assert_allclose(model.predict(x, verbose=0), (x @ w + b) @ k + c,
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("layer", [layers.Activation("relu"), layers.PReLU()])
def test_built_in_layers_without_a_formula_keep_their_input_shape(layer):
    assert layer.compute_output_shape((None, 6, 2)) == (None, 6, 2)
