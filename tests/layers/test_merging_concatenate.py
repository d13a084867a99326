"""Concatenate: values, shapes, errors and config."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor


def test_concatenate_last_axis_matches_numpy():
    a, b = np.arange(6.0).reshape(2, 3), np.arange(10.0).reshape(2, 5)
    out = np.asarray(layers.Concatenate(dtype="float64")([a, b]))
    np.testing.assert_array_equal(out, np.concatenate([a, b], axis=-1))
    out = np.asarray(layers.concatenate([a, b], dtype="float64"))
    np.testing.assert_array_equal(out, np.concatenate([a, b], axis=-1))


def test_concatenate_axis_1_as_keras_doc_example():
    x = np.arange(20.0).reshape(2, 2, 5)
    y = np.arange(20.0, 30.0).reshape(2, 1, 5)
    out = np.asarray(layers.Concatenate(axis=1, dtype="float64")([x, y]))
    assert out.shape == (2, 3, 5)
    np.testing.assert_array_equal(out, np.concatenate([x, y], axis=1))


def test_symbolic_shape():
    a, b = nnlite.Input((3,)), nnlite.Input((5,))
    assert layers.concatenate([a, b]).shape == (None, 8)
    c, d = nnlite.Input((None, 4)), nnlite.Input((2, 4))
    assert layers.Concatenate(axis=1)([c, d]).shape == (None, None, 4)


def test_compute_output_shape():
    assert layers.Concatenate().compute_output_shape([(None, 3), (None, 5)]) == (None, 8)
    assert layers.Concatenate(axis=1).compute_output_shape([(2, 3, 4), (2, 1, 4)]) == (2, 4, 4)


def test_mismatched_shapes_raise():
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate().build([(None, 3, 2), (None, 4, 2)])
    with pytest.raises(ValueError, match="matching shapes"):
        layers.Concatenate().build([(None, 3), (None, 4, 2)])


def test_mismatched_symbolic_inputs_name_the_layer():
    a, b = nnlite.Input((3, 2)), nnlite.Input((4, 2))
    with pytest.raises(ValueError, match="cat.*matching shapes"):
        layers.Concatenate(name="cat")([a, b])


def test_config():
    config = layers.Concatenate(axis=1, name="c").get_config()
    assert config["axis"] == 1 and config["name"] == "c"
    assert layers.Concatenate.from_config(config).axis == 1


def test_gradient_splits_back():
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((2, 2)))
    r = np.arange(10.0).reshape(2, 5)
    with Tape() as tape:
        tape.watch([a, b])
        y = layers.Concatenate(dtype="float64")([a, b])
    ga, gb = tape.gradient(y, [a, b], output_gradients=r)
    np.testing.assert_array_equal(ga, r[:, :3])
    np.testing.assert_array_equal(gb, r[:, 3:])
