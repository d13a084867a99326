"""The worked numbers of the course material, computed through nnlite's layers.

Course diagrams write W·x with one row per node; Keras kernels are
(inputs, units), i.e. the transpose, so each test passes `W.T`.
"""
import numpy as np
import pytest

from nnlite import _core
from nnlite.layers import Dense, Input
from nnlite.models import Sequential


def _dense(rows, activation):
    w = np.array(rows, dtype=np.float32)
    layer = Dense(w.shape[0], activation=activation, use_bias=False)
    layer.build((None, w.shape[1]))
    layer.set_weights([w.T])
    return layer


def test_two_inputs_weighted_sums_are_1_05_and_0_6():
    layer = _dense([[0.9, 0.3], [0.2, 0.8]], None)
    out = layer(np.array([[1.0, 0.5]]))
    np.testing.assert_allclose(out, [[1.05, 0.6]], rtol=1e-6)


def test_two_inputs_sigmoid_outputs_are_0_7408_and_0_6457():
    layer = _dense([[0.9, 0.3], [0.2, 0.8]], "sigmoid")
    out = layer(np.array([[1.0, 0.5]]))
    np.testing.assert_allclose(out, [[0.7408, 0.6457]], atol=5e-5)


def test_three_layer_sigmoid_network_matches_worked_example():
    hidden = _dense([[0.9, 0.3, 0.4], [0.2, 0.8, 0.2], [0.1, 0.5, 0.6]], "sigmoid")
    output = _dense([[0.3, 0.7, 0.5], [0.6, 0.5, 0.2], [0.8, 0.1, 0.9]], "sigmoid")
    x = np.array([[0.9, 0.1, 0.8]])
    h = hidden(x)
    # the material prints three decimals, truncated (0.7086 appears as 0.708)
    np.testing.assert_allclose(h, [[0.761, 0.603, 0.650]], atol=1e-3)
    np.testing.assert_allclose(output(h), [[0.726, 0.708, 0.778]], atol=1e-3)


def test_linear_network_gives_hidden_5_1_and_output_9():
    model = Sequential([Input(shape=(2,)),
                        Dense(2, use_bias=False), Dense(1, use_bias=False)])
    model.set_weights([np.array([[1.0, -1.0], [1.0, 1.0]]), np.array([[2.0], [-1.0]])])
    x = np.array([[2.0, 3.0]])
    np.testing.assert_array_equal(model.layers[0](x), [[5.0, 1.0]])
    np.testing.assert_array_equal(model.predict(x, verbose=0), [[9.0]])


def test_tanh_hidden_linear_output_follows_from_its_inputs():
    # The slide prints 1.2382242525694254, which its own inputs do not give:
    # 2*tanh(3) - tanh(9) = 0.99010953783342.
    model = Sequential([Input(shape=(2,)),
                        Dense(2, activation="tanh", use_bias=False),
                        Dense(1, use_bias=False)])
    model.set_weights([np.array([[3.0, 1.0], [3.0, 5.0]]), np.array([[2.0], [-1.0]])])
    out = model.predict(np.array([[-1.0, 2.0]]), verbose=0)
    expected = 2 * np.tanh(3.0) - np.tanh(9.0)
    assert expected == pytest.approx(0.99010953783342, abs=1e-13)
    np.testing.assert_allclose(out, [[expected]], rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matrix_product_of_course_example(dtype):
    a = np.array([[1, 2], [3, 4]], dtype=dtype)
    b = np.array([[5, 6], [7, 8]], dtype=dtype)
    np.testing.assert_array_equal(_core.gemm(a, b), [[19, 22], [43, 50]])
