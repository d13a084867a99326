"""Bias kernels and in-place optimizer updates of the C core.

Bias against NumPy; optimizer steps against the Keras 3 update rules
(keras/src/optimizers/{sgd,rmsprop,adam}.py) written out in float64 below.
"""
import math
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest

import nnlite
from nnlite import _core

DTYPES = [np.float32, np.float64]
STEPS = 4


def _tol(dtype):
    return dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)


def _grads(shape=(3, 4), steps=STEPS, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for _ in range(steps)]


# --------------------------------------------------------------------------
# bias

@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_add_matches_numpy(dtype):
    rng = np.random.default_rng(0)
    y = rng.normal(size=(5, 3)).astype(dtype)
    b = rng.normal(size=3).astype(dtype)
    expected = y.astype(np.float64) + b
    res = _core.bias_add(y, b)
    assert res is y
    np.testing.assert_allclose(y, expected, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_add_broadcasts_over_leading_axes_of_3d(dtype):
    rng = np.random.default_rng(1)
    y = rng.normal(size=(2, 3, 4)).astype(dtype)
    b = rng.normal(size=4).astype(dtype)
    expected = y.astype(np.float64) + b
    _core.bias_add(y, b)
    np.testing.assert_allclose(y, expected, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_add_on_row_strided_view_leaves_other_columns_alone(dtype):
    rng = np.random.default_rng(2)
    wide = rng.normal(size=(4, 9)).astype(dtype)
    before = wide.copy()
    view = wide[:, 2:6]
    assert not view.flags.c_contiguous
    b = rng.normal(size=4).astype(dtype)
    _core.bias_add(view, b)
    np.testing.assert_allclose(wide[:, 2:6], before[:, 2:6].astype(np.float64) + b, **_tol(dtype))
    np.testing.assert_array_equal(wide[:, :2], before[:, :2])
    np.testing.assert_array_equal(wide[:, 6:], before[:, 6:])


@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_backward_sums_over_rows(dtype):
    rng = np.random.default_rng(3)
    dy = rng.normal(size=(6, 5)).astype(dtype)
    db = _core.bias_backward(dy)
    assert db.shape == (5,) and db.dtype == dtype
    np.testing.assert_allclose(db, dy.astype(np.float64).sum(axis=0), **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_backward_sums_over_leading_axes_of_3d(dtype):
    rng = np.random.default_rng(4)
    dy = rng.normal(size=(2, 3, 4)).astype(dtype)
    db = _core.bias_backward(dy)
    np.testing.assert_allclose(db, dy.astype(np.float64).sum(axis=(0, 1)), **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_backward_overwrites_db(dtype):
    dy = np.ones((3, 2), dtype=dtype)
    db = np.full(2, np.nan, dtype=dtype)
    res = _core.bias_backward(dy, db)
    assert res is db
    np.testing.assert_array_equal(db, [3.0, 3.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_backward_on_row_strided_view(dtype):
    rng = np.random.default_rng(5)
    wide = rng.normal(size=(5, 8)).astype(dtype)
    db = _core.bias_backward(wide[:, 1:4])
    np.testing.assert_allclose(db, wide[:, 1:4].astype(np.float64).sum(axis=0), **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_backward_of_empty_batch_is_zero(dtype):
    db = _core.bias_backward(np.empty((0, 3), dtype=dtype))
    np.testing.assert_array_equal(db, np.zeros(3))


def test_bias_add_integer_y_raises_type_error_naming_y():
    with pytest.raises(TypeError, match=r"\by\b"):
        _core.bias_add(np.zeros((2, 3), dtype=np.int64), np.zeros(3))


def test_bias_add_integer_b_raises_type_error_naming_b():
    with pytest.raises(TypeError, match=r"\bb\b"):
        _core.bias_add(np.zeros((2, 3)), np.zeros(3, dtype=np.int64))


def test_bias_add_with_wrong_bias_length_raises_value_error():
    with pytest.raises(ValueError, match=r"\bb\b"):
        _core.bias_add(np.zeros((2, 3)), np.zeros(4))


def test_bias_add_on_column_strided_view_raises_value_error():  # y is written in place
    with pytest.raises(ValueError, match="contiguous"):
        _core.bias_add(np.zeros((3, 8))[:, ::2], np.zeros(4))


def test_bias_backward_integer_dy_raises_type_error_naming_dy():
    with pytest.raises(TypeError, match=r"\bdy\b"):
        _core.bias_backward(np.zeros((2, 3), dtype=np.int32))


def test_bias_backward_with_wrong_db_shape_raises_value_error():
    with pytest.raises(ValueError, match=r"\bdb\b"):
        _core.bias_backward(np.zeros((2, 3)), np.zeros(4))


# --------------------------------------------------------------------------
# SGD: m = momentum*m - lr*g; w += m (nesterov: w += momentum*m - lr*g)

def _keras_sgd(w, grads, lr, momentum, nesterov):
    w = w.astype(np.float64).copy()
    m = np.zeros_like(w)
    for g in grads:
        if momentum == 0:
            w = w - lr * g
        else:
            m = momentum * m - lr * g
            w = w + (momentum * m - lr * g if nesterov else m)
    return w, m


SGD_CASES = [(0.0, False), (0.9, False), (0.9, True), (0.5, True)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("momentum,nesterov", SGD_CASES,
                         ids=["plain", "momentum", "nesterov", "nesterov-0.5"])
def test_sgd_steps_match_keras_update_rule(momentum, nesterov, dtype):
    grads = _grads()
    w0 = np.random.default_rng(9).normal(size=(3, 4))
    w = w0.astype(dtype)
    m = np.zeros_like(w) if momentum else None
    for g in grads:
        _core.sgd_update(w, g.astype(dtype), 0.01, momentum=momentum, nesterov=nesterov, m=m)
    ref_w, ref_m = _keras_sgd(w0.astype(dtype), [g.astype(dtype) for g in grads], 0.01,
                              momentum, nesterov)
    np.testing.assert_allclose(w, ref_w, **_tol(dtype))
    if momentum:
        np.testing.assert_allclose(m, ref_m, **_tol(dtype))


def test_sgd_without_momentum_ignores_state():
    w = np.ones(3)
    m = np.full(3, 7.0)
    _core.sgd_update(w, np.ones(3), 0.5, momentum=0.0, m=m)
    np.testing.assert_array_equal(w, [0.5, 0.5, 0.5])
    np.testing.assert_array_equal(m, [7.0, 7.0, 7.0])


def test_sgd_momentum_without_state_raises_value_error():
    with pytest.raises(ValueError, match="momentum"):
        _core.sgd_update(np.ones(3), np.ones(3), 0.1, momentum=0.9)


# --------------------------------------------------------------------------
# RMSprop: v = rho v + (1-rho) g^2; centered: mg = rho mg + (1-rho) g,
# den = v - mg^2 + eps (else v + eps); inc = lr g / sqrt(den);
# momentum > 0: m = momentum m + inc, w -= m; else w -= inc

def _keras_rmsprop(w, grads, lr, rho, momentum, eps, centered):
    w = w.astype(np.float64).copy()
    v = np.zeros_like(w)
    mg = np.zeros_like(w)
    m = np.zeros_like(w)
    for g in grads:
        v = rho * v + (1 - rho) * g * g
        if centered:
            mg = rho * mg + (1 - rho) * g
            den = v - mg * mg + eps
        else:
            den = v + eps
        inc = lr * g / np.sqrt(den)
        if momentum > 0:
            m = momentum * m + inc
            w = w - m
        else:
            w = w - inc
    return w, v, mg, m


RMS_CASES = [(0.0, False), (0.0, True), (0.9, False), (0.5, True)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("momentum,centered", RMS_CASES,
                         ids=["plain", "centered", "momentum", "centered-momentum"])
def test_rmsprop_steps_match_keras_update_rule(momentum, centered, dtype):
    grads = _grads(seed=1)
    w0 = np.random.default_rng(10).normal(size=(3, 4))
    w = w0.astype(dtype)
    v = np.zeros_like(w)
    mg = np.zeros_like(w) if centered else None
    m = np.zeros_like(w) if momentum else None
    for g in grads:
        _core.rmsprop_update(w, g.astype(dtype), 0.001, 0.9, momentum, 1e-7, centered, v, mg, m)
    ref_w, ref_v, ref_mg, ref_m = _keras_rmsprop(w0.astype(dtype), [g.astype(dtype) for g in grads],
                                                 0.001, 0.9, momentum, 1e-7, centered)
    np.testing.assert_allclose(w, ref_w, **_tol(dtype))
    np.testing.assert_allclose(v, ref_v, **_tol(dtype))
    if centered:
        np.testing.assert_allclose(mg, ref_mg, **_tol(dtype))
    if momentum:
        np.testing.assert_allclose(m, ref_m, **_tol(dtype))


def test_rmsprop_matches_keras_docstring_example():
    # keras.optimizers.RMSprop(learning_rate=0.1) on loss var**2 / 2 from 10.0 gives 9.683772
    w = np.array([10.0], dtype=np.float32)
    v = np.zeros(1, dtype=np.float32)
    _core.rmsprop_update(w, w.copy(), 0.1, 0.9, 0.0, 1e-7, False, v)
    assert w[0] == pytest.approx(9.683772, abs=1e-6)


def test_rmsprop_epsilon_is_inside_the_square_root():
    # one step from v = 0: v = (1-rho) g^2, w -= lr g / sqrt(v + eps)
    w = np.zeros(1)
    v = np.zeros(1)
    g = np.array([1e-3])
    _core.rmsprop_update(w, g, 1.0, 0.9, 0.0, 1e-4, False, v)
    np.testing.assert_allclose(w, -1e-3 / math.sqrt(0.1 * 1e-6 + 1e-4), rtol=1e-12)


def test_rmsprop_centered_without_state_raises_value_error():
    with pytest.raises(ValueError, match="centered"):
        _core.rmsprop_update(np.ones(3), np.ones(3), 0.1, 0.9, 0.0, 1e-7, True, np.zeros(3))


def test_rmsprop_momentum_without_state_raises_value_error():
    with pytest.raises(ValueError, match="momentum"):
        _core.rmsprop_update(np.ones(3), np.ones(3), 0.1, 0.9, 0.9, 1e-7, False, np.zeros(3))


# --------------------------------------------------------------------------
# Adam: m += (g-m)(1-b1); v += (g^2-v)(1-b2); amsgrad: vhat = max(vhat, v), v := vhat;
# alpha = lr sqrt(1-b2^t)/(1-b1^t); w -= alpha m / (sqrt(v) + eps)

def _keras_adam(w, grads, lr, b1, b2, eps, amsgrad):
    w = w.astype(np.float64).copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    vhat = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        vv = v
        if amsgrad:
            vhat = np.maximum(vhat, v)
            vv = vhat
        w = w - alpha * m / (np.sqrt(vv) + eps)
    return w, m, v, vhat


def _adam_grads(amsgrad, seed=2):
    grads = _grads(seed=seed, steps=6)
    if amsgrad:  # shrinking gradients make v fall below its running maximum
        grads = [g * 4.0 ** -k for k, g in enumerate(grads)]
    return grads


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("amsgrad", [False, True], ids=["plain", "amsgrad"])
def test_adam_steps_match_keras_update_rule(amsgrad, dtype):
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    grads = _adam_grads(amsgrad)
    w0 = np.random.default_rng(11).normal(size=(3, 4))
    w = w0.astype(dtype)
    m, v = np.zeros_like(w), np.zeros_like(w)
    vhat = np.zeros_like(w) if amsgrad else None
    for t, g in enumerate(grads, start=1):
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        _core.adam_update(w, g.astype(dtype), alpha, b1, b2, eps, m, v, vhat)
    ref_w, ref_m, ref_v, ref_vhat = _keras_adam(w0.astype(dtype), [g.astype(dtype) for g in grads],
                                                lr, b1, b2, eps, amsgrad)
    np.testing.assert_allclose(w, ref_w, **_tol(dtype))
    np.testing.assert_allclose(m, ref_m, **_tol(dtype))
    np.testing.assert_allclose(v, ref_v, **_tol(dtype))
    if amsgrad:
        np.testing.assert_allclose(vhat, ref_vhat, **_tol(dtype))


def test_amsgrad_differs_from_plain_adam_when_gradients_shrink():
    grads = _adam_grads(True)
    plain, _, v, _ = _keras_adam(np.zeros((3, 4)), grads, 0.01, 0.9, 0.999, 1e-7, False)
    ams, _, _, vhat = _keras_adam(np.zeros((3, 4)), grads, 0.01, 0.9, 0.999, 1e-7, True)
    assert np.any(vhat > v)  # the amsgrad test above exercises the max
    assert not np.allclose(plain, ams, rtol=1e-6)


def test_adam_first_step_moves_each_weight_by_about_lr():
    # with the bias correction folded into alpha, step 1 is lr * g / (|g| + eps_hat)
    w = np.zeros(3)
    g = np.array([0.5, -2.0, 0.1])
    m, v = np.zeros(3), np.zeros(3)
    lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-7
    alpha = lr * math.sqrt(1 - b2) / (1 - b1)
    _core.adam_update(w, g, alpha, b1, b2, eps, m, v)
    expected = -alpha * (1 - b1) * g / (np.sqrt(1 - b2) * np.abs(g) + eps)
    np.testing.assert_allclose(w, expected, rtol=1e-12)
    np.testing.assert_allclose(w, -lr * np.sign(g), rtol=1e-3)


# --------------------------------------------------------------------------
# optimizer bad input

@pytest.mark.parametrize("bad", ["variable", "gradient"])
def test_update_with_integer_array_raises_type_error_naming_it(bad):
    arrays = {"variable": np.zeros(4), "gradient": np.zeros(4)}
    arrays[bad] = np.zeros(4, dtype=np.int64)
    with pytest.raises(TypeError, match=bad):
        _core.sgd_update(arrays["variable"], arrays["gradient"], 0.1)


def test_update_with_integer_state_raises_type_error():
    with pytest.raises(TypeError, match="state"):
        _core.adam_update(np.zeros(4), np.zeros(4), 0.1, 0.9, 0.999, 1e-7,
                          np.zeros(4, dtype=np.int64), np.zeros(4))


def test_update_with_mixed_float_dtypes_raises_type_error():
    with pytest.raises(TypeError, match="gradient"):
        _core.sgd_update(np.zeros(4), np.zeros(4, dtype=np.float32), 0.1)


def test_update_with_mismatched_gradient_shape_raises_value_error():
    with pytest.raises(ValueError, match="shape"):
        _core.sgd_update(np.zeros((2, 3)), np.zeros((3, 2)), 0.1)


def test_update_with_mismatched_state_shape_raises_value_error():
    with pytest.raises(ValueError, match="shape"):
        _core.rmsprop_update(np.zeros(4), np.zeros(4), 0.1, 0.9, 0.0, 1e-7, False, np.zeros(5))
    with pytest.raises(ValueError, match="shape"):
        _core.adam_update(np.zeros(4), np.zeros(4), 0.1, 0.9, 0.999, 1e-7, np.zeros(4),
                          np.zeros(4), np.zeros(3))


def test_update_on_non_contiguous_variable_raises_value_error():
    w = np.zeros((4, 6))[:, ::2]
    with pytest.raises(ValueError, match="contiguous"):
        _core.sgd_update(w, np.zeros((4, 3)), 0.1)
    with pytest.raises(ValueError, match="contiguous"):
        _core.adam_update(np.zeros((4, 3)), np.zeros((4, 3)), 0.1, 0.9, 0.999, 1e-7,
                          w, np.zeros((4, 3)))


def _run_isolated(code):
    """Runs code in a fresh interpreter so that a crash cannot take pytest down."""
    # the child imports the same nnlite as this process, whatever the working directory
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(nnlite.__file__)))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=60,
                          cwd=tempfile.gettempdir(), env=env)


def test_rmsprop_without_velocity_raises_value_error():
    res = _run_isolated("""
        import numpy as np
        from nnlite import _core
        try:
            _core.rmsprop_update(np.ones(3), np.ones(3), 0.1, 0.9, 0.0, 1e-7, False, None)
        except ValueError:
            print("ValueError")
    """)
    assert res.returncode == 0 and "ValueError" in res.stdout


def test_adam_without_moments_raises_value_error():
    res = _run_isolated("""
        import numpy as np
        from nnlite import _core
        try:
            _core.adam_update(np.ones(3), np.ones(3), 0.1, 0.9, 0.999, 1e-7, None, None)
        except ValueError:
            print("ValueError")
    """)
    assert res.returncode == 0 and "ValueError" in res.stdout


# --------------------------------------------------------------------------
# Adagrad, Adadelta, Adamax, Nadam, weight decay
# (keras/src/optimizers/{adagrad,adadelta,adamax,nadam}.py and
# base_optimizer._apply_weight_decay, written out in float64 below)

def _with_zero_step(grads):
    """The gradients with step 2 all zeros (an edge every rule must survive)."""
    grads = [g.copy() for g in grads]
    grads[2][...] = 0.0
    return grads


def _keras_adagrad(w, grads, lr, init, eps):
    w, acc = w.astype(np.float64), np.full(w.shape, init, dtype=np.float64)
    for g in grads:
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc + eps)
    return w, acc


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("zero_step", [False, True], ids=["random", "zero_grad"])
def test_adagrad_steps_match_keras_update_rule(zero_step, dtype):
    grads = _grads(seed=21)
    grads = _with_zero_step(grads) if zero_step else grads
    w0 = np.random.default_rng(22).normal(size=(3, 4))
    w, acc = w0.astype(dtype), np.full((3, 4), 0.1, dtype=dtype)
    for g in grads:
        _core.adagrad_update(w, g.astype(dtype), 0.1, 1e-7, acc)
    ref_w, ref_acc = _keras_adagrad(w0.astype(dtype), [g.astype(dtype) for g in grads],
                                    0.1, 0.1, 1e-7)
    np.testing.assert_allclose(w, ref_w, **_tol(dtype))
    np.testing.assert_allclose(acc, ref_acc, **_tol(dtype))


def test_adagrad_zero_gradient_leaves_weights_and_accumulator():
    w, acc = np.array([1.0, -2.0]), np.array([0.1, 0.3])
    _core.adagrad_update(w, np.zeros(2), 0.5, 1e-7, acc)
    np.testing.assert_array_equal(w, [1.0, -2.0])
    np.testing.assert_array_equal(acc, [0.1, 0.3])


def _keras_adadelta(w, grads, lr, rho, eps):
    w = w.astype(np.float64)
    ag, ad = np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        ag = rho * ag + (1 - rho) * g * g
        delta = -(np.sqrt(ad + eps) * g) / np.sqrt(ag + eps)
        ad = rho * ad + (1 - rho) * delta * delta
        w = w + lr * delta
    return w, ag, ad


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("zero_step", [False, True], ids=["random", "zero_grad"])
def test_adadelta_steps_match_keras_update_rule(zero_step, dtype):
    grads = _grads(seed=23)
    grads = _with_zero_step(grads) if zero_step else grads
    w0 = np.random.default_rng(24).normal(size=(3, 4))
    w = w0.astype(dtype)
    ag, ad = np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        _core.adadelta_update(w, g.astype(dtype), 1.0, 0.95, 1e-6, ag, ad)
    ref = _keras_adadelta(w0.astype(dtype), [g.astype(dtype) for g in grads], 1.0, 0.95, 1e-6)
    for got, r in zip((w, ag, ad), ref):
        np.testing.assert_allclose(got, r, **_tol(dtype))


def test_adadelta_first_step_is_lr_times_sqrt_eps_over_rms_of_g():
    # acc_d is 0 before the first step, so delta = -sqrt(eps) g / sqrt((1-rho) g^2 + eps)
    w, g = np.zeros(2), np.array([2.0, -0.5])
    ag, ad = np.zeros(2), np.zeros(2)
    _core.adadelta_update(w, g, 1.0, 0.95, 1e-7, ag, ad)
    np.testing.assert_allclose(w, -np.sqrt(1e-7) * g / np.sqrt(0.05 * g * g + 1e-7),
                               rtol=1e-12)


def _keras_adamax(w, grads, lr, b1, b2, eps):
    w = w.astype(np.float64)
    m, u = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        m = m + (g - m) * (1 - b1)
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr * m / ((1 - b1 ** t) * (u + eps))
    return w, m, u


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("zero_step", [False, True], ids=["random", "zero_grad"])
def test_adamax_steps_match_keras_update_rule(zero_step, dtype):
    grads = _grads(seed=25)
    grads = _with_zero_step(grads) if zero_step else grads
    w0 = np.random.default_rng(26).normal(size=(3, 4))
    w = w0.astype(dtype)
    m, u = np.zeros_like(w), np.zeros_like(w)
    lr, b1, b2, eps = 0.02, 0.9, 0.999, 1e-7
    for t, g in enumerate(grads, start=1):
        _core.adamax_update(w, g.astype(dtype), lr, b1, b2, eps, 1 - b1 ** t, m, u)
    ref = _keras_adamax(w0.astype(dtype), [g.astype(dtype) for g in grads], lr, b1, b2, eps)
    for got, r in zip((w, m, u), ref):
        np.testing.assert_allclose(got, r, **_tol(dtype))


def _nadam_u(b1, t):
    return b1 * (1.0 - 0.5 * 0.96 ** t)


def _keras_nadam(w, grads, lr, b1, b2, eps):
    """Keras's Nadam: u_product is multiplied by u_t once per step, before the update."""
    w = w.astype(np.float64)
    m, v = np.zeros_like(w), np.zeros_like(w)
    u_product = 1.0
    for t, g in enumerate(grads, start=1):
        u_product = u_product * _nadam_u(b1, t)
        u_t, u_t_1 = _nadam_u(b1, t), _nadam_u(b1, t + 1)
        u_product_t_1 = u_product * u_t_1
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - b2 ** t)
        w = w - m_hat * lr / (np.sqrt(v_hat) + eps)
    return w, m, v


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("zero_step", [False, True], ids=["random", "zero_grad"])
def test_nadam_steps_match_keras_update_rule(zero_step, dtype):
    grads = _grads(seed=27)
    grads = _with_zero_step(grads) if zero_step else grads
    w0 = np.random.default_rng(28).normal(size=(3, 4))
    w = w0.astype(dtype)
    m, v = np.zeros_like(w), np.zeros_like(w)
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    prod = 1.0
    for t, g in enumerate(grads, start=1):
        prod *= _nadam_u(b1, t)
        cm = _nadam_u(b1, t + 1) / (1 - prod * _nadam_u(b1, t + 1))
        cg = (1 - _nadam_u(b1, t)) / (1 - prod)
        _core.nadam_update(w, g.astype(dtype), lr, b1, b2, eps, cm, cg, 1 - b2 ** t, m, v)
    ref = _keras_nadam(w0.astype(dtype), [g.astype(dtype) for g in grads], lr, b1, b2, eps)
    for got, r in zip((w, m, v), ref):
        np.testing.assert_allclose(got, r, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_weight_decay_matches_keras_rule(dtype):
    w0 = np.random.default_rng(29).normal(size=(5, 3))
    w = w0.astype(dtype)
    _core.weight_decay(w, 0.004, 0.01)
    np.testing.assert_allclose(w, w0.astype(dtype) - w0.astype(dtype) * 0.004 * 0.01,
                               **_tol(dtype))


@pytest.mark.parametrize("call", [
    lambda w: _core.adagrad_update(w, np.zeros(4), 0.1, 1e-7, None),
    lambda w: _core.adadelta_update(w, np.zeros(4), 0.1, 0.95, 1e-7, np.zeros(4), None),
    lambda w: _core.adamax_update(w, np.zeros(4), 0.1, 0.9, 0.999, 1e-7, 0.1, None, np.zeros(4)),
    lambda w: _core.nadam_update(w, np.zeros(4), 0.1, 0.9, 0.999, 1e-7, 1, 1, 1, np.zeros(4),
                                 None),
], ids=["adagrad", "adadelta", "adamax", "nadam"])
def test_new_updates_without_state_raise_value_error(call):
    with pytest.raises(ValueError, match="required"):
        call(np.zeros(4))


def test_new_updates_with_wrong_state_shape_raise_value_error():
    with pytest.raises(ValueError, match="shape"):
        _core.adagrad_update(np.zeros(4), np.zeros(4), 0.1, 1e-7, np.zeros(3))


def test_weight_decay_on_integer_variable_raises_type_error():
    with pytest.raises(TypeError, match="variable"):
        _core.weight_decay(np.zeros(4, dtype=np.int32), 0.1, 0.1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_abs_square_sums_match_float64_sums(dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((37, 5)).astype(dtype)[:, ::2]      # a strided view
    s1, s2 = _core.abs_square_sums(x)
    ref = x.astype(np.float64)
    np.testing.assert_allclose(s1, np.abs(ref).sum(), rtol=1e-13)
    np.testing.assert_allclose(s2, (ref ** 2).sum(), rtol=1e-13)
    assert _core.abs_square_sums(np.zeros((0, 3), dtype)) == (0.0, 0.0)
