"""Property-based tests of the activations (nnlite.activations on arrays and
nnlite.ops on tensors) against NumPy float64 formulas."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from fuzz_strategies import FAST, FLOATS, QUICK, close, elements, shapes, viewed
from nnlite import activations, ops

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
_erf = np.vectorize(math.erf, otypes=[np.float64])


def _sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))),
                    np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


# name: (float64 reference, infinities in the domain, kwargs for nnlite.activations,
#        the nnlite.ops name and kwargs, or None when ops has no such function)
REF = {
    "relu": (lambda x: np.maximum(x, 0), True, {}, ("relu", {})),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.2 * x), True, {},
                   ("leaky_relu", {"negative_slope": 0.2})),
    "sigmoid": (_sigmoid, True, {}, ("sigmoid", {})),
    "tanh": (np.tanh, True, {}, ("tanh", {})),
    "elu": (_elu, True, {}, ("elu", {})),
    "selu": (lambda x: SELU_SCALE * _elu(x, SELU_ALPHA), True, {}, ("selu", {})),
    "softplus": (lambda x: np.logaddexp(0.0, x), True, {}, ("softplus", {})),
    "softsign": (lambda x: x / (1 + np.abs(x)), False, {}, ("softsign", {})),
    "silu": (lambda x: x * _sigmoid(x), False, {}, ("silu", {})),
    "gelu_exact": (lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))), False,
                   {"approximate": False}, ("gelu", {"approximate": False})),
    "gelu_tanh": (_gelu_tanh, False, {"approximate": True}, ("gelu", {"approximate": True})),
    "hard_sigmoid": (lambda x: np.clip(x / 6 + 0.5, 0, 1), True, {}, ("hard_sigmoid", {})),
    "exponential": (np.exp, True, {}, None),
    "relu6": (lambda x: np.clip(x, 0, 6), True, None, ("relu6", {})),
    "celu": (lambda x: np.maximum(x, 0) + np.minimum(0, np.expm1(np.minimum(x, 0))), True,
             None, ("celu", {})),
    "log_sigmoid": (lambda x: -np.logaddexp(0.0, -x), True, None, ("log_sigmoid", {})),
    "hard_silu": (lambda x: x * np.clip(x / 6 + 0.5, 0, 1), False, None, ("hard_silu", {})),
    "linear": (lambda x: x, True, {}, None),
}


def _nnlite(name):
    return getattr(activations, name.split("_")[0] if name.startswith("gelu") else name)


def _tols(name, dtype):
    if name.startswith("gelu"):     # erf/tanh polynomial approximations
        return (2e-5, 2e-6) if dtype == np.float32 else (1e-12, 1e-14)
    return (1e-5, 1e-6) if dtype == np.float32 else (1e-12, 1e-14)


def _expected(name, x, dtype):
    with np.errstate(all="ignore"):
        return np.asarray(REF[name][0](np.asarray(x, np.float64))).astype(dtype)


@pytest.mark.parametrize("name", sorted(n for n in REF if REF[n][2] is not None))
@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes())
def test_activation_matches_numpy(name, data, dtype, shape):
    _, inf, kwargs, _ = REF[name]
    x = data.draw(viewed(shape, dtype, elements(dtype, -1e4, 1e4, inf=inf)
                         | elements(dtype, -20, 20)), label="x")
    y = np.asarray(_nnlite(name)(x, **kwargs))
    assert y.dtype == dtype and y.shape == x.shape
    rtol, atol = _tols(name, dtype)
    close(y, _expected(name, x, dtype), dtype, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(n for n in REF if REF[n][3]))
@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes())
def test_ops_activation_matches_numpy(name, data, dtype, shape):
    _, inf, _, (op, kwargs) = REF[name]
    x = data.draw(viewed(shape, dtype, elements(dtype, -1e4, 1e4, inf=inf)
                         | elements(dtype, -20, 20)), label="x")
    y = np.asarray(getattr(ops, op)(x, **kwargs))
    assert y.dtype == dtype and y.shape == x.shape
    rtol, atol = _tols(name, dtype)
    close(y, _expected(name, x, dtype), dtype, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(REF))
@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes(min_dims=1, min_side=1))
def test_activation_propagates_nan(name, data, dtype, shape):
    x = np.array(data.draw(viewed(shape, dtype, elements(dtype, -50, 50)), label="x"))
    nan = np.zeros(shape, bool)
    nan[tuple(data.draw(st.integers(0, s - 1)) for s in shape)] = True
    x[nan] = np.nan
    if REF[name][2] is None:     # only in nnlite.ops
        op, kwargs = REF[name][3]
        y = np.asarray(getattr(ops, op)(x, **kwargs))
    else:
        y = np.asarray(_nnlite(name)(x, **REF[name][2]))
    np.testing.assert_array_equal(np.isnan(y), nan)


@QUICK
@given(data=st.data(), shape=shapes())
def test_activation_of_int32_is_floatx(data, shape):
    x = data.draw(viewed(shape, np.int32), label="x")
    for name in ("relu", "sigmoid", "tanh", "elu"):
        y = np.asarray(getattr(activations, name)(x))
        assert y.dtype == np.float32
        close(y, _expected(name, x, np.float32), np.float32)


def _ref_relu(x, negative_slope, max_value, threshold):
    """max(x, 0) generalized as Keras: x above the threshold (else 0), clipped to
    max_value, minus negative_slope * relu(threshold - x); NaN stays NaN."""
    y = np.where(x > threshold, x, 0.0)
    if max_value is not None:
        y = np.clip(y, 0.0, max_value)
    y = y - negative_slope * np.maximum(threshold - x, 0.0)
    return np.where(np.isnan(x), np.nan, y)


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes(),
       negative_slope=st.sampled_from([0.0, 0.1, 0.5]),
       max_value=st.sampled_from([None, 1.0, 6.0]),
       threshold=st.sampled_from([0.0, 0.5, -1.0]))
def test_relu_options_match_numpy_and_keep_nan(data, dtype, shape, negative_slope, max_value,
                                               threshold):
    x = data.draw(viewed(shape, dtype, elements(dtype, -1e3, 1e3, nan=True)), label="x")
    y = activations.relu(x, negative_slope=negative_slope, max_value=max_value,
                         threshold=threshold)
    expected = _ref_relu(np.asarray(x, np.float64), negative_slope, max_value, threshold)
    close(y, expected.astype(dtype), dtype, rtol=1e-5 if dtype == np.float32 else 1e-12)


@FAST
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes(min_dims=1, min_side=1))
def test_softmax_activation_matches_numpy(data, dtype, shape):
    x = data.draw(viewed(shape, dtype, elements(dtype, -1e4, 1e4) | elements(dtype, -20, 20)),
                  label="x")
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x64 = np.asarray(x, np.float64)
    e = np.exp(x64 - x64.max(axis=axis, keepdims=True))
    expected = e / e.sum(axis=axis, keepdims=True)
    close(activations.softmax(x, axis=axis), expected.astype(dtype), dtype, rtol=1e-5,
          atol=1e-6 if dtype == np.float32 else 1e-14)


@QUICK
@given(data=st.data(), dtype=st.sampled_from(FLOATS), shape=shapes(min_dims=1, min_side=1),
       negative_slope=st.sampled_from([0.0, 0.1]), max_value=st.sampled_from([None, 1.0]),
       threshold=st.sampled_from([0.0, 0.5, -1.0]))
def test_relu_options_propagate_nan(data, dtype, shape, negative_slope, max_value, threshold):
    x = np.array(data.draw(viewed(shape, dtype, elements(dtype, -50, 50)), label="x"))
    nan = np.zeros(shape, bool)
    nan[tuple(data.draw(st.integers(0, s - 1)) for s in shape)] = True
    x[nan] = np.nan
    y = activations.relu(x, negative_slope=negative_slope, max_value=max_value,
                         threshold=threshold)
    np.testing.assert_array_equal(np.isnan(y), nan)
