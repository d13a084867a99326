"""Tests for nnlite.activations: name resolution and values.

References are NumPy float64 formulas written here, and the worked examples in
Keras 3's `keras/src/activations/activations.py` docstrings (`relu`).
"""
import math

import numpy as np
import pytest

from nnlite import activations

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


# name -> float64 reference formula
REFERENCES = {
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": _sigmoid,
    "tanh": lambda x: (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)),
    "softmax": _softmax,
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1.0),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1.0)),
    "softplus": lambda x: np.log(np.exp(x) + 1.0),
    "softsign": lambda x: x / (np.abs(x) + 1.0),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0))),
    "linear": lambda x: x,
    "hard_sigmoid": lambda x: np.minimum(np.maximum(x + 3.0, 0.0), 6.0) / 6.0,
    "exponential": np.exp,
}

NAMES = sorted(REFERENCES)


@pytest.fixture
def x64():
    rng = np.random.default_rng(0)
    x = rng.uniform(-5.0, 5.0, size=(6, 7))
    # exact break points of the piecewise functions
    x[0, :5] = [-3.0, 0.0, 3.0, -1e-3, 1e-3]
    return x


# --------------------------------------------------------------------------
# get()

@pytest.mark.parametrize("name", NAMES)
def test_get_returns_a_callable_for_every_keras_name(name):
    assert callable(activations.get(name))


def test_get_none_returns_linear():
    assert activations.get(None) is activations.linear


def test_get_none_is_the_identity_on_values():
    x = np.array([-2.0, 0.0, 3.5])
    np.testing.assert_array_equal(activations.get(None)(x), x)


def test_get_silu_and_swish_compute_the_same_function(x64):
    np.testing.assert_array_equal(activations.get("silu")(x64), activations.get("swish")(x64))


def test_get_passes_a_callable_through():
    def custom(x):
        return x * 2

    assert activations.get(custom) is custom


def test_get_unknown_name_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="no_such_activation"):
        activations.get("no_such_activation")


# --------------------------------------------------------------------------
# values vs NumPy float64 formulas

@pytest.mark.parametrize("name", NAMES)
def test_activation_by_name_matches_numpy_formula_in_float64(name, x64):
    y = activations.get(name)(x64)
    assert y.dtype == np.float64
    assert y.shape == x64.shape
    np.testing.assert_allclose(y, REFERENCES[name](x64), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_activation_by_name_matches_numpy_formula_in_float32(name, x64):
    x32 = x64.astype(np.float32)
    y = activations.get(name)(x32)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, REFERENCES[name](x32.astype(np.float64)),
                               rtol=2e-6, atol=2e-6)


def test_leaky_relu_default_slope_is_0_2():
    y = activations.leaky_relu(np.array([-10.0, -1.0, 0.0, 2.0]))
    np.testing.assert_allclose(y, [-2.0, -0.2, 0.0, 2.0])


def test_leaky_relu_custom_slope():
    y = activations.leaky_relu(np.array([-10.0, 4.0]), negative_slope=0.01)
    np.testing.assert_allclose(y, [-0.1, 4.0])


def test_elu_custom_alpha():
    x = np.array([-2.0, -0.5, 0.0, 1.5])
    np.testing.assert_allclose(activations.elu(x, alpha=0.5),
                               np.where(x > 0, x, 0.5 * (np.exp(x) - 1.0)), rtol=1e-12)


def test_gelu_approximate_matches_tanh_formula(x64):
    ref = 0.5 * x64 * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x64 + 0.044715 * x64 ** 3)))
    np.testing.assert_allclose(activations.gelu(x64, approximate=True), ref,
                               rtol=1e-10, atol=1e-12)


def test_hard_sigmoid_is_relu6_of_x_plus_3_over_6_at_break_points():
    x = np.array([-4.0, -3.0, -1.5, 0.0, 1.5, 3.0, 4.0])
    np.testing.assert_allclose(activations.hard_sigmoid(x),
                               [0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0], atol=1e-15)


def test_sigmoid_saturates_without_overflow_for_large_inputs():
    with np.errstate(over="raise"):
        y = activations.sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(y, [0.0, 1.0], atol=1e-300)


def test_softplus_is_finite_and_linear_for_large_inputs():
    y = activations.softplus(np.array([800.0, -800.0]))
    np.testing.assert_allclose(y, [800.0, 0.0], atol=1e-300)


def test_softmax_rows_sum_to_one_for_large_logits():
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -1000.0]])
    y = activations.softmax(x)
    np.testing.assert_allclose(y, _softmax(x), rtol=1e-12)
    np.testing.assert_allclose(y.sum(axis=-1), [1.0, 1.0], rtol=1e-12)


def test_softmax_axis_0_normalises_columns(x64):
    y = activations.softmax(x64, axis=0)
    np.testing.assert_allclose(y, _softmax(x64, axis=0), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(y.sum(axis=0), np.ones(x64.shape[1]), rtol=1e-12)


def test_softmax_middle_axis_of_3d_input():
    x = np.random.default_rng(1).normal(size=(2, 3, 4))
    np.testing.assert_allclose(activations.softmax(x, axis=1), _softmax(x, axis=1),
                               rtol=1e-10, atol=1e-15)


# --------------------------------------------------------------------------
# relu's non-default arguments, against Keras's ReLU.static_call

def keras_relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """NumPy transcription of Keras 3 `ReLU.static_call` (float64)."""
    x = np.asarray(x, dtype=np.float64)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return np.where(x >= 0, x, negative_slope * x)
        negative_part = np.maximum(threshold - x, 0.0)
    if threshold != 0:
        y = x * (x > threshold)
    else:
        y = np.maximum(x, 0.0)
    if max_value is not None:
        y = np.clip(y, 0.0, max_value)
    if negative_slope != 0.0:
        y = y - negative_slope * negative_part
    return y


KERAS_DOC_X = [-10.0, -5.0, 0.0, 5.0, 10.0]


@pytest.mark.parametrize("kwargs, expected", [
    ({}, [0.0, 0.0, 0.0, 5.0, 10.0]),
    ({"negative_slope": 0.5}, [-5.0, -2.5, 0.0, 5.0, 10.0]),
    ({"max_value": 5.0}, [0.0, 0.0, 0.0, 5.0, 5.0]),
    ({"threshold": 5.0}, [0.0, 0.0, 0.0, 0.0, 10.0]),
])
def test_relu_matches_keras_docstring_examples(kwargs, expected):
    np.testing.assert_allclose(activations.relu(np.array(KERAS_DOC_X), **kwargs), expected)


@pytest.mark.parametrize("kwargs", [
    {"negative_slope": 0.1},
    {"max_value": 6.0},
    {"max_value": 2.5},
    {"threshold": 1.0},
    {"threshold": -1.0},
    {"negative_slope": 0.1, "max_value": 3.0},
    {"negative_slope": 0.3, "threshold": 1.5},
    {"max_value": 2.0, "threshold": 0.5},
    {"negative_slope": 0.2, "max_value": 4.0, "threshold": -0.5},
])
def test_relu_non_default_forms_match_keras_static_call(kwargs, x64):
    np.testing.assert_allclose(activations.relu(x64, **kwargs), keras_relu(x64, **kwargs),
                               rtol=1e-12, atol=1e-12)


def test_relu_non_default_form_keeps_float32():
    x = np.linspace(-3, 3, 13, dtype=np.float32)
    y = activations.relu(x, negative_slope=0.1, max_value=2.0, threshold=0.5)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, keras_relu(x, 0.1, 2.0, 0.5), rtol=1e-6, atol=1e-6)


# --------------------------------------------------------------------------
# dtypes

@pytest.mark.parametrize("name", [n for n in NAMES if n != "linear"])
def test_integer_input_becomes_float32(name):
    y = activations.get(name)(np.array([[-2, 0, 1, 3]], dtype=np.int64))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, REFERENCES[name](np.array([[-2.0, 0.0, 1.0, 3.0]])),
                               rtol=2e-6, atol=1e-7)


def test_python_list_input_becomes_float32():
    y = activations.relu([-1, 2])
    assert isinstance(y, np.ndarray) and y.dtype == np.float32
    np.testing.assert_array_equal(y, [0.0, 2.0])


def test_output_has_input_shape_for_3d_input():
    x = np.zeros((2, 3, 4), dtype=np.float32)
    assert activations.tanh(x).shape == (2, 3, 4)


def test_relu_propagates_nan_as_numpy():
    x = np.array([np.nan, -1.0, 2.0], dtype=np.float32)
    y = activations.relu(x)
    assert np.isnan(y[0]) and y[1] == 0 and y[2] == 2


def test_relu_with_max_value_propagates_nan():
    y = activations.relu(np.array([np.nan, 7.0]), max_value=6.0)
    assert np.isnan(y[0]) and y[1] == 6
