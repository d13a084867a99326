"""The float32 exp, tanh and sigmoid of the C core (csrc/vmath.h: inlined
polynomials the compiler vectorizes) against float64 NumPy, in ulps, over the
whole float range and its special values."""
import numpy as np
import pytest

from nnlite import _core

SPECIAL = [0.0, -0.0, 1e-30, -1e-30, 1e-8, 0.625, -0.625, np.nextafter(0.625, 0), 1.0, -1.0,
           20.0, -20.0, 88.72, 88.73, 89.5, -87.3, -103.97, -104.0, -200.0, 1e30, -1e30]


def sample():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-110, 95, 300_000), rng.uniform(-2, 2, 200_000),
                        rng.normal(scale=1e-3, size=20_000), SPECIAL])
    return x.astype(np.float32)


def ulp_error(got, ref):
    """|got - ref| in units of the float32 spacing at the float32-rounded ref."""
    with np.errstate(over="ignore"):
        ref32 = ref.astype(np.float32)
    spacing = np.spacing(np.abs(ref32)).astype(np.float64)
    return np.abs(got.astype(np.float64) - ref) / spacing


def reference(name, x):
    x = x.astype(np.float64)
    with np.errstate(over="ignore"):
        if name == "exponential":
            return np.exp(x)
        if name == "tanh":
            return np.tanh(x)
        return 1.0 / (1.0 + np.exp(-x))


@pytest.mark.parametrize("name, max_ulp", [("exponential", 2), ("tanh", 2), ("sigmoid", 3)])
def test_within_a_few_ulps_of_float64(name, max_ulp):
    x = sample()
    got = _core.activation_forward(name, x.reshape(-1, 1).copy()).ravel()
    ref = reference(name, x)
    with np.errstate(over="ignore"):
        ref32 = ref.astype(np.float32)
    finite = np.isfinite(ref32)
    assert ulp_error(got[finite], ref[finite]).max() <= max_ulp
    np.testing.assert_array_equal(got[~finite], ref32[~finite])


@pytest.mark.parametrize("name", ["exponential", "tanh", "sigmoid"])
def test_infinities_and_nan(name):
    x = np.array([[np.inf, -np.inf, np.nan]], dtype=np.float32)
    got = _core.activation_forward(name, x)[0]
    want = {"exponential": [np.inf, 0.0], "tanh": [1.0, -1.0], "sigmoid": [1.0, 0.0]}[name]
    np.testing.assert_array_equal(got[:2], want)
    assert np.isnan(got[2])


def test_exp_reaches_the_subnormals():
    x = np.array([[-88.0, -95.0, -103.0]], dtype=np.float32)
    got = _core.activation_forward("exponential", x)[0]
    assert np.all(got > 0) and np.all(got < np.finfo(np.float32).tiny)
    assert ulp_error(got, np.exp(x[0].astype(np.float64))).max() <= 1


def test_softmax_of_a_wide_row_is_a_distribution():
    x = sample()[:4096].reshape(4, 1024).copy()
    x = np.clip(x, -50, 50)
    got = _core.activation_forward("softmax", x).astype(np.float64)
    xd = x.astype(np.float64)
    ref = np.exp(xd - xd.max(1, keepdims=True))
    ref /= ref.sum(1, keepdims=True)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-30)
