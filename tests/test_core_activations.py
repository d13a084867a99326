"""Activation kernels of the C core against independent NumPy float64 formulas.

Forward: every activation against its Keras 3 definition written out here in
float64 (float32 within float32 tolerance). Backward: against central finite
differences of the float64 reference, with inputs kept away from the kinks.
"""
import math

import numpy as np
import pytest

from nnlite import _core

DTYPES = [np.float32, np.float64]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _sigmoid(x):
    # exp of -|x| only: no overflow warnings for large |x|
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softmax(x):
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _ref(name, x, alpha):
    """Keras 3 activation `name` in float64 (alpha as the C core takes it)."""
    x = np.asarray(x, dtype=np.float64)
    if name == "linear":
        return x.copy()
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "sigmoid":
        return _sigmoid(x)
    if name == "tanh":
        return np.tanh(x)
    if name == "softmax":
        return _softmax(x)
    if name == "leaky_relu":
        return np.where(x > 0, x, alpha * x)
    if name == "elu":
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    if name == "selu":
        return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))
    if name == "softplus":
        return np.logaddexp(0.0, x)
    if name == "softsign":
        return x / (1.0 + np.abs(x))
    if name == "swish":
        return x * _sigmoid(x)
    if name == "gelu":
        if alpha != 0:
            c = math.sqrt(2.0 / math.pi)
            return 0.5 * x * (1.0 + np.tanh(c * (x + 0.044715 * x ** 3)))
        # erfc form (as TensorFlow): no cancellation in the negative tail
        return 0.5 * x * _erfc(-x / math.sqrt(2.0))
    if name == "hard_sigmoid":
        return np.clip(x / 6.0 + 0.5, 0.0, 1.0)
    if name == "exponential":
        return np.exp(x)
    raise AssertionError(name)


# (name, alpha) cases: alpha is the one parameter some activations take
CASES = [
    ("linear", 0.0), ("relu", 0.0), ("sigmoid", 0.0), ("tanh", 0.0), ("softmax", 0.0),
    ("leaky_relu", 0.2), ("leaky_relu", 0.3), ("elu", 1.0), ("elu", 0.7), ("selu", 0.0),
    ("softplus", 0.0), ("softsign", 0.0), ("swish", 0.0), ("gelu", 0.0), ("gelu", 1.0),
    ("hard_sigmoid", 0.0), ("exponential", 0.0),
]
CASE_IDS = ["%s-%g" % c for c in CASES]


def _tol(dtype):
    return dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)


def _inputs(shape=(5, 7), seed=0):
    """Values in [-5, 5] away from the kinks at 0 and +-3."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.15, 5.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    near3 = np.abs(np.abs(x) - 3.0) < 0.15
    x[near3] += 0.4 * np.sign(x[near3])
    return x


# --------------------------------------------------------------------------
# forward

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,alpha", CASES, ids=CASE_IDS)
def test_activation_forward_matches_numpy(name, alpha, dtype):
    x = _inputs()
    y = _core.activation_forward(name, x.astype(dtype), alpha=alpha)
    assert y.dtype == dtype and y.shape == x.shape
    np.testing.assert_allclose(y, _ref(name, x.astype(dtype), alpha), **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,alpha", CASES, ids=CASE_IDS)
def test_activation_forward_at_kinks_and_zero(name, alpha, dtype):
    x = np.array([[-3.0, -1e-3, 0.0, 1e-3, 3.0, -6.0, 6.0]])
    y = _core.activation_forward(name, x.astype(dtype), alpha=alpha)
    np.testing.assert_allclose(y, _ref(name, x, alpha), **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_rows_sum_to_one_and_are_stable_for_large_inputs(dtype):
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -1000.0],
                  [0.0, 1000.0, -1000.0]], dtype=dtype)
    y = _core.activation_forward("softmax", x)
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(y, _softmax(x.astype(np.float64)), **_tol(dtype))
    np.testing.assert_allclose(y[1], 1.0 / 3.0, rtol=1e-6)
    np.testing.assert_allclose(y[2], [0.0, 1.0, 0.0], atol=1e-30)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_runs_over_last_axis_of_3d_input(dtype):
    x = _inputs((2, 3, 4)).astype(dtype)
    y = _core.activation_forward("softmax", x)
    np.testing.assert_allclose(y, _softmax(x.astype(np.float64)), **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_of_single_column_is_one(dtype):
    y = _core.activation_forward("softmax", np.array([[-5.0], [7.0]], dtype=dtype))
    np.testing.assert_array_equal(y, [[1.0], [1.0]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_softplus_is_stable_for_large_magnitudes(dtype):
    x = np.array([-100.0, -30.0, 30.0, 100.0], dtype=dtype)
    y = _core.activation_forward("softplus", x)
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(y, np.logaddexp(0.0, x.astype(np.float64)), rtol=1e-6, atol=1e-30)
    assert y[3] == pytest.approx(100.0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["sigmoid", "swish", "tanh", "softsign"])
def test_saturating_activations_are_finite_for_large_magnitudes(name, dtype):
    x = np.array([-1000.0, -100.0, 100.0, 1000.0], dtype=dtype)
    y = _core.activation_forward(name, x)
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(y, _ref(name, x.astype(np.float64), 0.0), rtol=1e-6, atol=1e-30)


@pytest.mark.parametrize("dtype", DTYPES)
def test_hard_sigmoid_is_relu6_of_x_plus_3_over_6(dtype):
    # Keras 3: relu6(x + 3) / 6 (Keras 2 used 0.2 * x + 0.5 clipped at +-2.5)
    x = np.array([-4.0, -3.0, -1.5, 0.0, 1.5, 3.0, 4.0], dtype=dtype)
    y = _core.activation_forward("hard_sigmoid", x)
    np.testing.assert_allclose(y, [0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0], rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gelu_exact_and_tanh_approximation_differ(dtype):
    x = np.array([-2.0, -0.5, 0.5, 2.0], dtype=dtype)
    exact = _core.activation_forward("gelu", x, alpha=0.0)
    approx = _core.activation_forward("gelu", x, alpha=1.0)
    np.testing.assert_allclose(exact, _ref("gelu", x, 0.0), **_tol(dtype))
    np.testing.assert_allclose(approx, _ref("gelu", x, 1.0), **_tol(dtype))
    assert np.max(np.abs(exact - approx)) > 1e-5


@pytest.mark.parametrize("dtype", DTYPES)
def test_gelu_exact_is_accurate_in_negative_tail(dtype):
    # 0.5 x (1 + erf(x / sqrt 2)) cancels to 0 here; 0.5 x erfc(-x / sqrt 2) does not
    x = np.array([-5.0, -8.0, -10.0] + ([-20.0, -30.0] if dtype == np.float64 else []))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    cdf = 0.5 * _erfc(-x / math.sqrt(2.0))
    xd = x.astype(dtype)
    y = _core.activation_forward("gelu", xd)
    dx = _core.activation_backward("gelu", xd, y, np.ones_like(xd))
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y, x * cdf, rtol=rtol, atol=0)
    np.testing.assert_allclose(dx, cdf + x * pdf, rtol=rtol, atol=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gelu_tanh_backward_is_finite_for_huge_inputs(dtype):
    # x**2 overflows while the tanh has saturated: the derivative is 0 or 1, not NaN
    big = [1e20, 1e30] if dtype == np.float32 else [1e200, 1e300]
    x = np.array([-big[1], -big[0], big[0], big[1]], dtype=dtype)
    with np.errstate(over="ignore"):
        y = _core.activation_forward("gelu", x, alpha=1.0)
        dx = _core.activation_backward("gelu", x, y, np.ones_like(x), alpha=1.0)
    np.testing.assert_array_equal(dx, [0.0, 0.0, 1.0, 1.0])


# derivative used at the kink itself: TensorFlow's ReluGrad, LeakyReluGrad, EluGrad,
# SeluGrad and Relu6Grad (hard_sigmoid) kernels, since pre-activations of exactly 0
# are common (zero inputs with zero biases)
KINKS = [
    ("relu", 0.0, 0.0, 0.0), ("leaky_relu", 0.2, 0.0, 0.2), ("elu", 1.0, 0.0, 1.0),
    ("elu", 0.5, 0.0, 0.5), ("selu", 0.0, 0.0, SELU_SCALE),
    ("hard_sigmoid", 0.0, -3.0, 0.0), ("hard_sigmoid", 0.0, 3.0, 0.0),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,alpha,x0,slope", KINKS, ids=["%s-%g-at-%g" % k[:3] for k in KINKS])
def test_backward_at_kink_uses_tensorflow_derivative(name, alpha, x0, slope, dtype):
    x = np.array([x0], dtype=dtype)
    y = _core.activation_forward(name, x, alpha=alpha)
    dx = _core.activation_backward(name, x, y, np.ones_like(x), alpha=alpha)
    np.testing.assert_allclose(dx, [slope], rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_leaky_relu_uses_alpha_as_negative_slope(dtype):
    x = np.array([-2.0, -1.0, 1.0, 2.0], dtype=dtype)
    y = _core.activation_forward("leaky_relu", x, alpha=0.1)
    np.testing.assert_allclose(y, [-0.2, -0.1, 1.0, 2.0], rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,alpha", CASES, ids=CASE_IDS)
def test_activation_forward_in_place(name, alpha, dtype):
    x = _inputs().astype(dtype)
    expected = _ref(name, x, alpha)
    out = _core.activation_forward(name, x, alpha=alpha, out=x)
    assert out is x
    np.testing.assert_allclose(x, expected, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_activation_forward_writes_into_given_out(dtype):
    x = _inputs().astype(dtype)
    out = np.full_like(x, np.nan)
    res = _core.activation_forward("tanh", x, out=out)
    assert res is out
    np.testing.assert_allclose(out, np.tanh(x.astype(np.float64)), **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_activation_forward_accepts_empty_array(dtype):
    y = _core.activation_forward("softmax", np.empty((0, 4), dtype=dtype))
    assert y.shape == (0, 4)


# --------------------------------------------------------------------------
# backward

def _fd_grad(name, x, alpha, dy, h=1e-6):
    """d/dx of sum(dy * f(x)) by central differences of the float64 reference."""
    if name != "softmax":  # elementwise: all coordinates at once
        return dy * (_ref(name, x + h, alpha) - _ref(name, x - h, alpha)) / (2 * h)
    g = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        g[idx] = np.sum(dy * (_ref(name, xp, alpha) - _ref(name, xm, alpha))) / (2 * h)
    return g


def _backward_inputs(dtype, seed=1):
    x = _inputs(seed=seed)
    dy = np.random.default_rng(seed + 100).normal(size=x.shape)
    return x.astype(dtype), dy.astype(dtype)


@pytest.mark.parametrize("name,alpha", CASES, ids=CASE_IDS)
def test_activation_backward_matches_finite_differences_float64(name, alpha):
    x, dy = _backward_inputs(np.float64)
    y = _core.activation_forward(name, x, alpha=alpha)
    dx = _core.activation_backward(name, x, y, dy, alpha=alpha)
    np.testing.assert_allclose(dx, _fd_grad(name, x, alpha, dy), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name,alpha", CASES, ids=CASE_IDS)
def test_activation_backward_float32_matches_float64_reference(name, alpha):
    x, dy = _backward_inputs(np.float32)
    y = _core.activation_forward(name, x, alpha=alpha)
    dx = _core.activation_backward(name, x, y, dy, alpha=alpha)
    assert dx.dtype == np.float32
    ref = _fd_grad(name, x.astype(np.float64), alpha, dy.astype(np.float64))
    np.testing.assert_allclose(dx, ref, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,alpha", CASES, ids=CASE_IDS)
def test_activation_backward_in_place_over_dy(name, alpha, dtype):
    x, dy = _backward_inputs(dtype)
    y = _core.activation_forward(name, x, alpha=alpha)
    expected = _core.activation_backward(name, x, y, dy, alpha=alpha)
    out = _core.activation_backward(name, x, y, dy, alpha=alpha, out=dy)
    assert out is dy
    np.testing.assert_array_equal(dy, expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_backward_on_3d_input_matches_finite_differences(dtype):
    x = _inputs((2, 2, 3), seed=3)
    dy = np.random.default_rng(4).normal(size=x.shape)
    y = _core.activation_forward("softmax", x.astype(dtype))
    dx = _core.activation_backward("softmax", x.astype(dtype), y, dy.astype(dtype))
    tol = dict(rtol=2e-4, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dx, _fd_grad("softmax", x, 0.0, dy), **tol)


@pytest.mark.parametrize("dtype", DTYPES)
def test_hard_sigmoid_backward_is_zero_outside_minus3_3(dtype):
    x = np.array([-5.0, -3.5, -2.0, 0.0, 2.0, 3.5, 5.0], dtype=dtype)
    dy = np.ones_like(x)
    dx = _core.activation_backward("hard_sigmoid", x, _core.activation_forward("hard_sigmoid", x), dy)
    np.testing.assert_allclose(dx, [0, 0, 1 / 6, 1 / 6, 1 / 6, 0, 0], rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,alpha", [("relu", 0.0), ("leaky_relu", 0.25)])
def test_relu_family_backward_uses_slope_below_zero(name, alpha, dtype):
    x = np.array([-2.0, -0.5, 0.5, 2.0], dtype=dtype)
    dy = np.array([1.0, 2.0, 3.0, 4.0], dtype=dtype)
    dx = _core.activation_backward(name, x, _core.activation_forward(name, x, alpha=alpha), dy,
                                   alpha=alpha)
    np.testing.assert_allclose(dx, [alpha * 1.0, alpha * 2.0, 3.0, 4.0], rtol=1e-6)


# --------------------------------------------------------------------------
# bad input

def test_unknown_activation_raises_value_error():
    with pytest.raises(ValueError, match="mish"):
        _core.activation_forward("mish", np.zeros(3))
    with pytest.raises(ValueError, match="mish"):
        _core.activation_backward("mish", np.zeros(3), np.zeros(3), np.zeros(3))


def test_integer_input_raises_type_error_naming_x():
    with pytest.raises(TypeError, match=r"\bx\b"):
        _core.activation_forward("relu", np.arange(6).reshape(2, 3))


@pytest.mark.parametrize("bad", ["x", "y", "dy", "out"])
def test_backward_integer_array_raises_type_error_naming_it(bad):
    arrays = {k: np.zeros((2, 3)) for k in ("x", "y", "dy", "out")}
    arrays[bad] = np.zeros((2, 3), dtype=np.int32)
    with pytest.raises(TypeError, match=r"\b%s\b" % bad):
        _core.activation_backward("relu", arrays["x"], arrays["y"], arrays["dy"],
                                  out=arrays["out"])


def test_mixed_float_dtypes_raise_type_error():
    with pytest.raises(TypeError, match="out"):
        _core.activation_forward("relu", np.zeros(3), out=np.zeros(3, dtype=np.float32))


def test_forward_out_with_wrong_shape_raises_value_error():
    with pytest.raises(ValueError, match="out"):
        _core.activation_forward("relu", np.zeros((2, 3)), out=np.zeros((3, 2)))


@pytest.mark.parametrize("bad", ["y", "dy"])
def test_backward_with_mismatched_shape_raises_value_error(bad):
    arrays = {"x": np.zeros((2, 3)), "y": np.zeros((2, 3)), "dy": np.zeros((2, 3))}
    arrays[bad] = np.zeros((2, 4))
    with pytest.raises(ValueError, match=bad):
        _core.activation_backward("relu", arrays["x"], arrays["y"], arrays["dy"])


def test_non_contiguous_input_is_copied_not_refused():
    x = np.arange(-12.0, 12.0).reshape(4, 6)[:, ::2]
    np.testing.assert_array_equal(_core.activation_forward("relu", x), np.maximum(x, 0.0))
    np.testing.assert_array_equal(_core.activation_backward("relu", x, x, x),
                                  np.where(x > 0, x, 0.0))


def test_non_contiguous_output_raises_value_error():
    x = np.zeros((4, 3))
    with pytest.raises(ValueError, match="out must be C-contiguous"):
        _core.activation_forward("relu", x, out=np.zeros((4, 6))[:, ::2])


def test_read_only_out_raises_value_error():
    out = np.zeros(3)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        _core.activation_forward("relu", np.zeros(3), out=out)
