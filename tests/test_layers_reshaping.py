"""Flatten and Reshape: shapes, data order and gradients passed back unchanged."""
import numpy as np
import pytest

from layer_gradcheck import call_with_grad
from nnlite.backend.naming import clear_session
from nnlite.layers import Flatten, Reshape


def test_flatten_folds_all_but_batch_axis_in_c_order():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(Flatten()(x), x.reshape(2, 12))
    assert Flatten().compute_output_shape((None, 3, 4)) == (None, 12)
    assert Flatten().compute_output_shape((None, None, 4)) == (None, None)


def test_flatten_channels_first_moves_channels_last():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(Flatten(data_format="channels_first")(x),
                                  np.transpose(x, (0, 2, 1)).reshape(2, 12))


@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
def test_flatten_backward_restores_the_input_layout(fmt):
    x = np.arange(24, dtype="float64").reshape(2, 3, 4)
    layer = Flatten(data_format=fmt, dtype="float64")
    y = np.asarray(layer(x))
    # the gradient of sum(y * r) w.r.t. x puts each r value where its x came from
    r = np.random.default_rng(0).normal(size=y.shape)
    _, dx = call_with_grad(layer, x, r)
    assert dx.shape == x.shape
    np.testing.assert_allclose(np.sum(dx * x), np.sum(r * y))
    np.testing.assert_allclose(np.sum(call_with_grad(layer, x + 1, r)[1] * (x + 1)),
                               np.sum(r * (y + 1)))


def test_reshape_with_minus_one_infers_the_size():
    x = np.arange(30, dtype="float32").reshape(5, 6)
    layer = Reshape((2, -1))
    np.testing.assert_array_equal(layer(x), x.reshape(5, 2, 3))
    assert layer.compute_output_shape((None, 6)) == (None, 2, 3)


def test_reshape_backward_returns_input_shape():
    layer = Reshape((3, 2), dtype="float64")
    x = np.random.default_rng(1).normal(size=(4, 6))
    dy = np.random.default_rng(2).normal(size=(4, 3, 2))
    np.testing.assert_array_equal(call_with_grad(layer, x, dy)[1], dy.reshape(4, 6))


def test_reshape_rejects_wrong_size_and_two_unknowns():
    with pytest.raises(ValueError, match="total size"):
        Reshape((4,))(np.zeros((2, 6)))
    with pytest.raises(ValueError, match="at most one"):
        Reshape((-1, -1))


def test_reshaping_names_and_configs():
    clear_session()
    f, r = Flatten(), Reshape([2, -1])
    assert (f.name, r.name) == ("flatten", "reshape")
    assert f.get_config()["data_format"] == "channels_last"
    assert r.get_config()["target_shape"] == (2, -1)
    assert f.count_params() == 0 and r.count_params() == 0
    assert Reshape.from_config(r.get_config()).target_shape == (2, -1)
