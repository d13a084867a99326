"""Add, Subtract, Multiply, Average, Maximum, Minimum: values against NumPy,
Keras's broadcasting rules, shape errors, configs and gradients."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor

RNG = np.random.default_rng(0)

CASES = [
    (layers.Add, layers.add, lambda xs: xs[0] + xs[1] + xs[2]),
    (layers.Multiply, layers.multiply, lambda xs: xs[0] * xs[1] * xs[2]),
    (layers.Average, layers.average, lambda xs: (xs[0] + xs[1] + xs[2]) / 3),
    (layers.Maximum, layers.maximum, lambda xs: np.maximum(np.maximum(xs[0], xs[1]), xs[2])),
    (layers.Minimum, layers.minimum, lambda xs: np.minimum(np.minimum(xs[0], xs[1]), xs[2])),
]


@pytest.mark.parametrize("cls,fn,ref", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_elementwise_merge_matches_numpy(cls, fn, ref):
    xs = [RNG.normal(size=(4, 3)) for _ in range(3)]
    np.testing.assert_allclose(np.asarray(cls(dtype="float64")(xs)), ref(xs), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(fn(xs, dtype="float64")), ref(xs), rtol=1e-12)


def test_subtract_matches_numpy():
    a, b = RNG.normal(size=(2, 5)), RNG.normal(size=(2, 5))
    np.testing.assert_allclose(np.asarray(layers.Subtract(dtype="float64")([a, b])), a - b)
    np.testing.assert_allclose(np.asarray(layers.subtract([a, b], dtype="float64")), a - b)


def test_non_batch_dims_broadcast():
    a, b = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 1))
    out = np.asarray(layers.Add(dtype="float64")([a, b]))
    np.testing.assert_allclose(out, a + b)
    assert layers.Add().compute_output_shape([(2, 3), (2, 1)]) == (2, 3)


def test_lower_rank_input_gains_axes_after_the_batch_axis():
    a, b = RNG.normal(size=(2, 4, 3)), RNG.normal(size=(2, 3))
    out = np.asarray(layers.Multiply(dtype="float64")([a, b]))
    np.testing.assert_allclose(out, a * b[:, None, :])
    assert layers.Multiply().compute_output_shape([(2, 4, 3), (2, 3)]) == (2, 4, 3)


def test_symbolic_output_shape_keeps_none_batch():
    a, b = nnlite.Input((4, 3)), nnlite.Input((3,))
    assert layers.add([a, b]).shape == (None, 4, 3)


def test_incompatible_shapes_raise_with_both_shapes():
    with pytest.raises(ValueError, match=r"Inputs have incompatible shapes. "
                                         r"Received shapes \(3,\) and \(4,\)"):
        layers.Add().compute_output_shape([(None, 3), (None, 4)])


def test_incompatible_symbolic_inputs_name_the_layer():
    a, b = nnlite.Input((3,)), nnlite.Input((4,))
    with pytest.raises(ValueError, match=r"my_add.*incompatible shapes"):
        layers.Add(name="my_add")([a, b])


def test_different_batch_sizes_raise():
    with pytest.raises(ValueError, match="Cannot merge tensors with different batch sizes"):
        layers.Add().build([(2, 3), (5, 3)])


def test_single_input_is_refused():
    with pytest.raises(ValueError, match="at least 2 inputs"):
        layers.Add()([np.ones((2, 3))])


def test_not_a_list_is_refused():
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Maximum().build((2, 3))


def test_subtract_takes_exactly_two_inputs():
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([np.ones((2, 3))] * 3)


@pytest.mark.parametrize("cls", [layers.Add, layers.Subtract, layers.Multiply, layers.Average,
                                 layers.Maximum, layers.Minimum])
def test_config_round_trip(cls):
    layer = cls(name="m")
    config = layer.get_config()
    assert config == {"name": "m", "trainable": True,
                      "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                "config": {"name": "float32"}, "registered_name": None}}
    assert type(cls.from_config(config)) is cls
    assert nnlite.saving.serialize_keras_object(layer)["module"] == "keras.layers"


def _check_grads(layer, xs, ref_grads):
    ts = [Tensor(x.copy()) for x in xs]
    with Tape() as tape:
        tape.watch(ts)
        y = layer(ts)
    grads = tape.gradient(y, ts)
    for g, ref in zip(grads, ref_grads):
        np.testing.assert_allclose(g, ref, rtol=1e-12)


def test_add_gradient_sums_over_broadcast_axes():
    a, b = RNG.normal(size=(2, 4, 3)), RNG.normal(size=(2, 3))
    _check_grads(layers.Add(dtype="float64"), [a, b], [np.ones_like(a), 4 * np.ones_like(b)])


def test_multiply_and_subtract_gradients():
    a, b = RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))
    _check_grads(layers.Multiply(dtype="float64"), [a, b], [b, a])
    _check_grads(layers.Subtract(dtype="float64"), [a, b], [np.ones_like(a), -np.ones_like(b)])


def test_maximum_gradient_goes_to_the_larger_input():
    a = np.array([[1.0, 5.0]])
    b = np.array([[2.0, 3.0]])
    _check_grads(layers.Maximum(dtype="float64"), [a, b], [[[0.0, 1.0]], [[1.0, 0.0]]])
