"""Dot: batch dot products against einsum, normalize (cosine), shapes, errors."""
import numpy as np
import pytest

import nnlite
from nnlite import layers
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor

RNG = np.random.default_rng(1)


def test_dot_axes_2_2_matches_einsum():
    x, y = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 5, 4))
    out = np.asarray(layers.Dot(axes=(2, 2), dtype="float64")([x, y]))
    assert out.shape == (2, 3, 5)
    np.testing.assert_allclose(out, np.einsum("bik,bjk->bij", x, y), rtol=1e-12)


def test_dot_axes_1_2_as_keras_doc_example():
    x = np.arange(10.0).reshape(1, 5, 2)
    y = np.arange(10.0, 20.0).reshape(1, 2, 5)
    out = np.asarray(layers.Dot(axes=(1, 2), dtype="float64")([x, y]))
    np.testing.assert_allclose(out, np.einsum("bki,bjk->bij", x, y))
    np.testing.assert_allclose(out, [[[260, 360], [320, 445]]])


def test_dot_of_vectors_gives_batch_by_one():
    x, y = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    out = np.asarray(layers.dot([x, y], axes=1, dtype="float64"))
    assert out.shape == (4, 1)
    np.testing.assert_allclose(out[:, 0], np.sum(x * y, axis=1), rtol=1e-12)


def test_normalize_gives_cosine_similarity():
    x, y = np.array([[1.0, 2.0, 2.0]]), np.array([[2.0, 0.0, 1.0]])
    out = np.asarray(layers.Dot(axes=1, normalize=True)([x, y]))
    np.testing.assert_allclose(out, [[4 / (3 * np.sqrt(5))]], rtol=1e-6)
    np.testing.assert_allclose(out, [[0.5963]], atol=1e-4)


def test_symbolic_and_computed_shapes():
    a, b = nnlite.Input((3, 4)), nnlite.Input((5, 4))
    assert layers.Dot(axes=(2, 2))([a, b]).shape == (None, 3, 5)
    assert layers.Dot(axes=-1).compute_output_shape([(None, 3), (None, 3)]) == (None, 1)


def test_mismatched_axis_sizes_raise():
    with pytest.raises(ValueError, match=r"Incompatible input shapes: axis values 3 \(at axis "
                                         r"1\) != 4 \(at axis 1\)"):
        layers.Dot(axes=1).build([(None, 3), (None, 4)])


def test_bad_axes_arguments_raise():
    with pytest.raises(TypeError, match="axes"):
        layers.Dot(axes="1")
    with pytest.raises(ValueError, match="two elements"):
        layers.Dot(axes=(1, 2, 3))
    with pytest.raises(ValueError, match="a list of 2 inputs"):
        layers.Dot(axes=1).build([(None, 3)] * 3)


def test_config_round_trip():
    config = layers.Dot(axes=(1, 2), normalize=True, name="d").get_config()
    assert config["axes"] == [1, 2] and config["normalize"] is True
    layer = layers.Dot.from_config(config)
    assert tuple(layer.axes) == (1, 2) and layer.normalize


def test_gradients_match_finite_differences():
    x, y = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 5, 4))
    r = RNG.normal(size=(2, 3, 5))
    layer = layers.Dot(axes=(2, 2), normalize=True, dtype="float64")
    xt, yt = Tensor(x.copy()), Tensor(y.copy())
    with Tape() as tape:
        tape.watch([xt, yt])
        out = layer([xt, yt])
    gx, gy = tape.gradient(out, [xt, yt], output_gradients=r)

    def f(a, b):
        return float(np.sum(np.asarray(layer([a, b])) * r))
    for arr, g, idx in ((x, gx, 0), (y, gy, 1)):
        num = np.zeros_like(arr)
        for i in range(arr.size):
            p, m = arr.copy().reshape(-1), arr.copy().reshape(-1)
            p[i] += 1e-6
            m[i] -= 1e-6
            args_p = [p.reshape(arr.shape), y] if idx == 0 else [x, p.reshape(arr.shape)]
            args_m = [m.reshape(arr.shape), y] if idx == 0 else [x, m.reshape(arr.shape)]
            num.reshape(-1)[i] = (f(*args_p) - f(*args_m)) / 2e-6
        np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-7)
