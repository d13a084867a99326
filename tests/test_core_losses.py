"""Loss kernels of the C core against the Keras 3 formulas in NumPy float64.

Keras 3 (TensorFlow backend, keras/src/backend/tensorflow/nn.py and
keras/src/losses/losses.py):
  mse/mae: mean over the last axis;
  bce: p clipped to [eps, 1-eps], mean over the last axis of -(t log p + (1-t) log(1-p));
       from logits: sigmoid_cross_entropy_with_logits;
  cce: p / sum(p) over the row, then clipped, then -sum t log q;
       from logits: softmax_cross_entropy_with_logits;
  sparse: log(clip(p)) fed to sparse_softmax_cross_entropy_with_logits.
Gradients against central finite differences of these float64 formulas.
"""
import numpy as np
import pytest

from nnlite import _core

DTYPES = [np.float32, np.float64]
EPS = 1e-7


def _log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _ref_loss(name, t, p, from_logits=False, eps=EPS):
    """Per-sample Keras 3 loss in float64 (reduced over the last axis)."""
    t = np.asarray(t, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if name == "mean_squared_error":
        return np.mean(np.square(t - p), axis=-1)
    if name == "mean_absolute_error":
        return np.mean(np.abs(t - p), axis=-1)
    if name == "binary_crossentropy":
        if from_logits:
            # max(z, 0) - z t + log(1 + exp(-|z|))
            per = np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
        else:
            q = np.clip(p, eps, 1 - eps)
            per = -(t * np.log(q) + (1 - t) * np.log(1 - q))
        return np.mean(per, axis=-1)
    if name == "categorical_crossentropy":
        if from_logits:
            return -np.sum(t * _log_softmax(p), axis=-1)
        q = np.clip(p / p.sum(axis=-1, keepdims=True), eps, 1 - eps)
        return -np.sum(t * np.log(q), axis=-1)
    raise AssertionError(name)


def _ref_sparse(labels, p, from_logits=False, eps=EPS):
    p = np.asarray(p, dtype=np.float64)
    logits = p if from_logits else np.log(np.clip(p, eps, 1 - eps))
    logq = _log_softmax(logits)
    return -np.take_along_axis(logq, labels[..., None], axis=-1)[..., 0]


LOSS_CASES = [
    ("mean_squared_error", False), ("mean_absolute_error", False),
    ("binary_crossentropy", False), ("binary_crossentropy", True),
    ("categorical_crossentropy", False), ("categorical_crossentropy", True),
]
LOSS_IDS = ["%s%s" % (n, "-logits" if f else "") for n, f in LOSS_CASES]


def _data(name, from_logits, shape=(4, 5), seed=0):
    """Targets and predictions valid for the loss, p inside the clip range."""
    rng = np.random.default_rng(seed)
    if from_logits:
        p = rng.normal(scale=2.0, size=shape)
    elif name in ("binary_crossentropy", "categorical_crossentropy"):
        p = rng.uniform(0.05, 0.95, size=shape)  # rows of cce deliberately not normalised
    else:
        p = rng.normal(size=shape)
    if name == "binary_crossentropy":
        t = rng.uniform(0.0, 1.0, size=shape)
    elif name == "categorical_crossentropy":
        t = rng.uniform(0.0, 1.0, size=shape)
        t /= t.sum(axis=-1, keepdims=True)
        t[0] = 0.0
        t[0, 1] = 1.0  # one one-hot row
    else:
        t = rng.normal(size=shape)
        # keep |t - p| away from 0 so MAE stays differentiable
        d = t - p
        t = np.where(np.abs(d) < 0.05, t + 0.2, t)
    return t, p


def _tol(dtype):
    return dict(rtol=2e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)


# --------------------------------------------------------------------------
# values

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,from_logits", LOSS_CASES, ids=LOSS_IDS)
def test_loss_value_matches_keras_formula(name, from_logits, dtype):
    t, p = _data(name, from_logits)
    out, _ = _core.loss(name, t.astype(dtype), p.astype(dtype), from_logits=from_logits,
                        want_grad=False)
    assert out.shape == (4,) and out.dtype == dtype
    ref = _ref_loss(name, t.astype(dtype), p.astype(dtype), from_logits)
    np.testing.assert_allclose(out, ref, **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,from_logits", LOSS_CASES, ids=LOSS_IDS)
def test_loss_of_3d_input_is_per_position_over_last_axis(name, from_logits, dtype):
    t, p = _data(name, from_logits, shape=(2, 3, 4), seed=5)
    out, grad = _core.loss(name, t.astype(dtype), p.astype(dtype), from_logits=from_logits)
    assert out.shape == (2, 3) and grad.shape == (2, 3, 4)
    ref = _ref_loss(name, t.astype(dtype), p.astype(dtype), from_logits)
    np.testing.assert_allclose(out, ref, **_tol(dtype))


def test_binary_crossentropy_clips_predictions_at_0_and_1():
    t = np.array([[0.0, 1.0, 0.0, 1.0, 0.3]])
    p = np.array([[0.0, 0.0, 1.0, 1.0, 1e-9]])
    out, _ = _core.loss("binary_crossentropy", t, p)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, _ref_loss("binary_crossentropy", t, p), rtol=1e-12)
    # worst case of one element: -log(1e-7) / n
    assert out[0] > -np.log(EPS) / 5 * 2


def test_categorical_crossentropy_normalises_rows_before_clipping():
    t = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    p = np.array([[2.0, 6.0, 2.0], [0.1, 0.8, 0.1]])
    out, _ = _core.loss("categorical_crossentropy", t, p)
    # Keras's docstring example: [0.1, 0.8, 0.1] against class 2 gives 2.303
    np.testing.assert_allclose(out, [-np.log(0.6), -np.log(0.1)], rtol=1e-12)


def test_categorical_crossentropy_clips_zero_probabilities():
    t = np.array([[0.0, 0.0, 1.0]])
    p = np.array([[0.5, 0.5, 0.0]])
    out, _ = _core.loss("categorical_crossentropy", t, p)
    np.testing.assert_allclose(out, [-np.log(EPS)], rtol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_crossentropy_from_logits_is_stable_for_large_logits(dtype):
    z = np.array([[1000.0, -1000.0, 0.0], [-500.0, 500.0, 20.0]], dtype=dtype)
    t = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=dtype)
    for name in ("binary_crossentropy", "categorical_crossentropy"):
        out, grad = _core.loss(name, t, z, from_logits=True)
        assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))
        np.testing.assert_allclose(out, _ref_loss(name, t, z, True), rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_crossentropy_value_matches_keras_formula(from_logits, dtype):
    rng = np.random.default_rng(2)
    p = rng.normal(scale=2.0, size=(6, 4)) if from_logits else rng.uniform(0.05, 0.9, size=(6, 4))
    labels = np.array([0, 3, 1, 2, 3, 0])
    out, _ = _core.sparse_crossentropy(labels, p.astype(dtype), from_logits=from_logits,
                                       want_grad=False)
    assert out.shape == (6,) and out.dtype == dtype
    np.testing.assert_allclose(out, _ref_sparse(labels, p.astype(dtype), from_logits), **_tol(dtype))


def test_sparse_crossentropy_equals_categorical_on_normalised_rows():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 1.0, size=(5, 4))
    p /= p.sum(axis=1, keepdims=True)
    labels = np.array([1, 0, 3, 2, 2])
    sparse, _ = _core.sparse_crossentropy(labels, p)
    dense, _ = _core.loss("categorical_crossentropy", np.eye(4)[labels], p)
    np.testing.assert_allclose(sparse, dense, rtol=1e-12)


def test_sparse_crossentropy_clips_then_renormalises_like_tensorflow():
    # TF backend: softmax(log(clip(p))) = clip(p) / sum(clip(p))
    p = np.array([[0.0, 1.0, 0.0], [0.2, 0.0, 0.8]])
    labels = np.array([0, 1])
    out, _ = _core.sparse_crossentropy(labels, p)
    c0 = np.array([EPS, 1 - EPS, EPS])
    c1 = np.array([0.2, EPS, 0.8])
    np.testing.assert_allclose(out, [-np.log(c0[0] / c0.sum()), -np.log(c1[1] / c1.sum())],
                               rtol=1e-12)


def test_sparse_crossentropy_of_3d_predictions():
    rng = np.random.default_rng(4)
    p = rng.normal(size=(2, 3, 5))
    labels = rng.integers(0, 5, size=(2, 3))
    out, grad = _core.sparse_crossentropy(labels, p, from_logits=True)
    assert out.shape == (2, 3) and grad.shape == (2, 3, 5)
    np.testing.assert_allclose(out, _ref_sparse(labels, p, True), rtol=1e-12)


# --------------------------------------------------------------------------
# gradients

def _fd(fun, p, h=1e-6):
    g = np.empty_like(p)
    for idx in np.ndindex(p.shape):
        pp, pm = p.copy(), p.copy()
        pp[idx] += h
        pm[idx] -= h
        g[idx] = (fun(pp) - fun(pm)) / (2 * h)
    return g


@pytest.mark.parametrize("name,from_logits", LOSS_CASES, ids=LOSS_IDS)
def test_loss_gradient_matches_finite_differences(name, from_logits):
    t, p = _data(name, from_logits, seed=7)
    _, grad = _core.loss(name, t, p, from_logits=from_logits)
    ref = _fd(lambda q: _ref_loss(name, t, q, from_logits).sum(), p)
    np.testing.assert_allclose(grad, ref, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name,from_logits", LOSS_CASES, ids=LOSS_IDS)
def test_loss_gradient_applies_scale_and_sample_weight(name, from_logits):
    t, p = _data(name, from_logits, seed=8)
    w = np.array([0.5, 2.0, 0.0, 1.5])
    scale = 0.25
    _, grad = _core.loss(name, t, p, from_logits=from_logits, scale=scale, sample_weight=w)
    ref = _fd(lambda q: scale * np.dot(w, _ref_loss(name, t, q, from_logits)), p)
    np.testing.assert_allclose(grad, ref, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name,from_logits", LOSS_CASES, ids=LOSS_IDS)
def test_loss_value_ignores_scale_and_sample_weight(name, from_logits):
    t, p = _data(name, from_logits, seed=9)
    plain, _ = _core.loss(name, t, p, from_logits=from_logits)
    weighted, _ = _core.loss(name, t, p, from_logits=from_logits, scale=3.0,
                             sample_weight=np.array([0.5, 2.0, 0.0, 1.5]))
    np.testing.assert_array_equal(plain, weighted)


@pytest.mark.parametrize("name,from_logits", LOSS_CASES, ids=LOSS_IDS)
def test_loss_gradient_float32_matches_float64(name, from_logits):
    t, p = _data(name, from_logits, seed=10)
    t32, p32 = t.astype(np.float32), p.astype(np.float32)
    w = np.array([1.0, 0.5, 2.0, 1.0])
    out32, g32 = _core.loss(name, t32, p32, from_logits=from_logits, scale=0.5,
                            sample_weight=w.astype(np.float32))
    out64, g64 = _core.loss(name, t32.astype(np.float64), p32.astype(np.float64),
                            from_logits=from_logits, scale=0.5, sample_weight=w)
    assert g32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-6)


def test_binary_crossentropy_gradient_is_zero_where_clipped():
    t = np.array([[0.0, 1.0, 0.5, 1.0]])
    p = np.array([[0.0, 1.0, 0.5, 0.3]])
    _, grad = _core.loss("binary_crossentropy", t, p)
    assert grad[0, 0] == 0.0 and grad[0, 1] == 0.0
    np.testing.assert_allclose(grad[0, 2:], [0.0, -1 / 0.3 / 4], atol=1e-15, rtol=1e-12)


def test_categorical_crossentropy_gradient_with_soft_targets_not_summing_to_one():
    # from logits: softmax(z) * sum(t) - t
    rng = np.random.default_rng(11)
    t = rng.uniform(0.0, 1.0, size=(3, 4))
    z = rng.normal(size=(3, 4))
    _, grad = _core.loss("categorical_crossentropy", t, z, from_logits=True)
    ref = _fd(lambda q: _ref_loss("categorical_crossentropy", t, q, True).sum(), z)
    np.testing.assert_allclose(grad, ref, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_crossentropy_gradient_matches_finite_differences(from_logits):
    rng = np.random.default_rng(12)
    p = rng.normal(size=(5, 4)) if from_logits else rng.uniform(0.05, 0.9, size=(5, 4))
    labels = np.array([3, 0, 1, 1, 2])
    w = np.array([1.0, 0.5, 2.0, 0.0, 1.0])
    _, grad = _core.sparse_crossentropy(labels, p, from_logits=from_logits, scale=0.3,
                                        sample_weight=w)
    ref = _fd(lambda q: 0.3 * np.dot(w, _ref_sparse(labels, q, from_logits)), p)
    np.testing.assert_allclose(grad, ref, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_crossentropy_float32_matches_float64(from_logits):
    rng = np.random.default_rng(13)
    p = rng.normal(size=(5, 4)) if from_logits else rng.uniform(0.05, 0.9, size=(5, 4))
    p32 = p.astype(np.float32)
    labels = np.array([3, 0, 1, 1, 2])
    out32, g32 = _core.sparse_crossentropy(labels, p32, from_logits=from_logits)
    out64, g64 = _core.sparse_crossentropy(labels, p32.astype(np.float64), from_logits=from_logits)
    np.testing.assert_allclose(out32, out64, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-6)


def test_sparse_crossentropy_gradient_is_zero_where_clipped():
    p = np.array([[0.0, 0.6, 0.4]])
    _, grad = _core.sparse_crossentropy(np.array([1]), p)
    assert grad[0, 0] == 0.0
    c = np.array([EPS, 0.6, 0.4])
    np.testing.assert_allclose(grad[0, 1:], [1 / c.sum() - 1 / 0.6, 1 / c.sum()], rtol=1e-12)


def test_want_grad_false_returns_no_gradient():
    t, p = _data("mean_squared_error", False)
    out, grad = _core.loss("mean_squared_error", t, p, want_grad=False)
    assert grad is None and out.shape == (4,)
    out, grad = _core.sparse_crossentropy(np.zeros(4, dtype=np.int64), np.full((4, 3), 1 / 3),
                                          want_grad=False)
    assert grad is None


# --------------------------------------------------------------------------
# bad input

def test_unknown_loss_name_raises_value_error():
    with pytest.raises(ValueError, match="hinge_loss"):
        _core.loss("hinge_loss", np.zeros((2, 3)), np.zeros((2, 3)))


@pytest.mark.parametrize("labels", [[0, 4], [-1, 2]])
def test_sparse_labels_out_of_range_raise_value_error_naming_range(labels):
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        _core.sparse_crossentropy(np.array(labels), np.full((2, 4), 0.25))


def test_integer_y_true_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="y_true"):
        _core.loss("mean_squared_error", np.zeros((2, 3), dtype=np.int64), np.zeros((2, 3)))


def test_integer_y_pred_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="y_pred"):
        _core.loss("mean_squared_error", np.zeros((2, 3)), np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(TypeError, match="y_pred"):
        _core.sparse_crossentropy(np.zeros(2, dtype=np.int64), np.zeros((2, 3), dtype=np.int32))


def test_integer_sample_weight_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="sample_weight"):
        _core.loss("mean_squared_error", np.zeros((2, 3)), np.zeros((2, 3)),
                   sample_weight=np.ones(2, dtype=np.int64))


def test_mismatched_shapes_raise_value_error():
    with pytest.raises(ValueError, match="shape"):
        _core.loss("mean_squared_error", np.zeros((2, 3)), np.zeros((2, 4)))


def test_sparse_labels_with_wrong_shape_raise_value_error():
    with pytest.raises(ValueError, match="labels"):
        _core.sparse_crossentropy(np.zeros(3, dtype=np.int64), np.full((2, 4), 0.25))


def test_sample_weight_with_wrong_length_raises_value_error():
    with pytest.raises(ValueError, match="sample_weight"):
        _core.loss("mean_squared_error", np.zeros((2, 3)), np.zeros((2, 3)),
                   sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="sample_weight"):
        _core.sparse_crossentropy(np.zeros(2, dtype=np.int64), np.full((2, 4), 0.25),
                                  sample_weight=np.ones(3))


def test_non_contiguous_predictions_and_targets_are_copied_not_refused():
    p = np.arange(24.0).reshape(4, 6)[:, ::2] / 24.0
    t = np.full((4, 3), 0.5)
    np.testing.assert_allclose(_core.loss("mean_squared_error", t, p)[0],
                               ((t - p) ** 2).mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(_core.loss("mean_squared_error", p, t)[0],
                               ((t - p) ** 2).mean(axis=1), rtol=1e-12)


# --------------------------------------------------------------------------
# the further Keras 3 losses (keras/src/losses/losses.py), with parameters

def _softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _ref_extra(name, t, p, from_logits=False, params=None, eps=EPS):
    """Per-sample Keras 3 formula in float64; hinge targets already in {-1, 1}."""
    t = np.asarray(t, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    params = params or {}
    if name == "huber":
        d = params.get("delta", 1.0)
        e = p - t
        per = np.where(np.abs(e) <= d, 0.5 * e ** 2, d * np.abs(e) - 0.5 * d ** 2)
        return per.mean(-1)
    if name == "log_cosh":
        return np.log(np.cosh(p - t)).mean(-1)
    if name == "mean_absolute_percentage_error":
        return 100 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), eps)), axis=-1)
    if name == "mean_squared_logarithmic_error":
        return np.mean((np.log(np.maximum(p, eps) + 1) - np.log(np.maximum(t, eps) + 1)) ** 2, -1)
    if name == "hinge":
        return np.maximum(1 - t * p, 0).mean(-1)
    if name == "squared_hinge":
        return (np.maximum(1 - t * p, 0) ** 2).mean(-1)
    if name == "categorical_hinge":
        pos = (t * p).sum(-1)
        neg = ((1 - t) * p).max(-1)
        return np.maximum(neg - pos + 1, 0)
    if name == "kl_divergence":
        tc, pc = np.clip(t, eps, 1), np.clip(p, eps, 1)
        return (tc * np.log(tc / pc)).sum(-1)
    if name == "poisson":
        return np.mean(p - t * np.log(p + eps), axis=-1)
    if name == "cosine_similarity":
        def unit(x):
            return x * np.minimum(1 / np.sqrt((x ** 2).sum(-1, keepdims=True)), 1 / eps)
        return -(unit(t) * unit(p)).sum(-1)
    if name == "binary_focal_crossentropy":
        gamma, alpha = params.get("gamma", 2.0), params.get("alpha", 0.25)
        if from_logits:
            q = 0.5 * (1 + np.tanh(p / 2))   # sigmoid without overflow
            bce = np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
        else:
            q = p
            c = np.clip(p, eps, 1 - eps)
            bce = -(t * np.log(c) + (1 - t) * np.log(1 - c))
        p_t = t * q + (1 - t) * (1 - q)
        per = (1 - p_t) ** gamma * bce
        if params.get("apply_class_balancing"):
            per = per * (t * alpha + (1 - t) * (1 - alpha))
        return per.mean(-1)
    raise AssertionError(name)


FOCAL_BALANCED = {"gamma": 1.5, "alpha": 0.3, "apply_class_balancing": True}
EXTRA_CASES = [
    ("huber", False, None), ("huber", False, {"delta": 0.4}), ("log_cosh", False, None),
    ("mean_absolute_percentage_error", False, None), ("mean_squared_logarithmic_error", False, None),
    ("hinge", False, None), ("squared_hinge", False, None), ("categorical_hinge", False, None),
    ("kl_divergence", False, None), ("poisson", False, None), ("cosine_similarity", False, None),
    ("binary_focal_crossentropy", False, None), ("binary_focal_crossentropy", True, None),
    ("binary_focal_crossentropy", False, FOCAL_BALANCED),
    ("binary_focal_crossentropy", True, {"gamma": 0.0, "alpha": 0.25,
                                         "apply_class_balancing": False}),
]
EXTRA_IDS = ["%s%s%s" % (n, "-logits" if f else "", "-" + "-".join(map(str, pr.values())) if pr else "")
             for n, f, pr in EXTRA_CASES]


def _extra_data(name, from_logits, shape=(4, 5), seed=0):
    """Targets and predictions away from every kink and clip of the loss."""
    rng = np.random.default_rng(seed)
    if name in ("huber", "log_cosh"):
        t = rng.normal(size=shape)
        e = rng.choice([-1, 1], size=shape) * rng.uniform(0.05, 2.0, size=shape)
        e = np.where(np.abs(np.abs(e) - 0.4) < 0.05, e * 1.3, e)
        e = np.where(np.abs(np.abs(e) - 1.0) < 0.05, e * 1.2, e)
        return t, t + e
    if name == "mean_absolute_percentage_error":
        t = rng.choice([-1, 1], size=shape) * rng.uniform(0.2, 2.0, size=shape)
        return t, t + rng.choice([-1, 1], size=shape) * rng.uniform(0.05, 1.0, size=shape)
    if name in ("mean_squared_logarithmic_error", "poisson"):
        return rng.uniform(0.0, 3.0, size=shape), rng.uniform(0.1, 3.0, size=shape)
    if name in ("hinge", "squared_hinge"):
        t = rng.choice([-1.0, 1.0], size=shape)
        m = rng.uniform(-1.5, 0.9, size=shape)       # 1 - t p = m + ..., away from 0
        m = np.where(np.abs(m) < 0.05, 0.3, m)
        return t, t * (1 - m)
    if name == "categorical_hinge":
        k = shape[-1]
        t = np.eye(k)[rng.integers(0, k, size=shape[:-1])]
        p = rng.permutation(np.linspace(-1.0, 1.0, k * int(np.prod(shape[:-1])))).reshape(shape)
        return t, p + 0.01
    if name == "kl_divergence":
        t = rng.uniform(0.05, 1.0, size=shape)
        p = rng.uniform(0.05, 0.95, size=shape)
        return t / t.sum(-1, keepdims=True), p
    if name == "cosine_similarity":
        return rng.normal(size=shape), rng.normal(size=shape)
    if name == "binary_focal_crossentropy":
        t = rng.uniform(0.0, 1.0, size=shape)
        t[0] = (t[0] > 0.5)
        p = rng.normal(scale=2.0, size=shape) if from_logits else rng.uniform(0.05, 0.95, size=shape)
        return t, p
    raise AssertionError(name)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,from_logits,params", EXTRA_CASES, ids=EXTRA_IDS)
def test_extra_loss_value_matches_keras_formula(name, from_logits, params, dtype):
    t, p = _extra_data(name, from_logits)
    t, p = t.astype(dtype), p.astype(dtype)
    out, _ = _core.loss(name, t, p, from_logits=from_logits, params=params, want_grad=False)
    assert out.shape == (4,) and out.dtype == dtype
    ref = _ref_extra(name, t, p, from_logits, params)
    tol = dict(rtol=5e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(out, ref, **tol)


@pytest.mark.parametrize("name,from_logits,params", EXTRA_CASES, ids=EXTRA_IDS)
def test_extra_loss_gradient_matches_finite_differences(name, from_logits, params):
    t, p = _extra_data(name, from_logits, seed=3)
    w = np.array([0.5, 2.0, 0.0, 1.5])
    _, grad = _core.loss(name, t, p, from_logits=from_logits, params=params, scale=0.7,
                         sample_weight=w)
    ref = _fd(lambda q: 0.7 * np.dot(w, _ref_extra(name, t, q, from_logits, params)), p)
    np.testing.assert_allclose(grad, ref, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name,from_logits,params", EXTRA_CASES, ids=EXTRA_IDS)
def test_extra_loss_float32_matches_float64(name, from_logits, params):
    t, p = _extra_data(name, from_logits, shape=(3, 2, 6), seed=4)
    t32, p32 = t.astype(np.float32), p.astype(np.float32)
    out32, g32 = _core.loss(name, t32, p32, from_logits=from_logits, params=params)
    out64, g64 = _core.loss(name, t32.astype(np.float64), p32.astype(np.float64),
                            from_logits=from_logits, params=params)
    assert out32.shape == (3, 2) and g32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, rtol=5e-5, atol=1e-5)
    np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-6)


def test_huber_default_delta_is_one():
    t, p = _extra_data("huber", False, seed=5)
    default, _ = _core.loss("huber", t, p)
    explicit, _ = _core.loss("huber", t, p, params={"delta": 1.0})
    other, _ = _core.loss("huber", t, p, params={"delta": 0.4})
    np.testing.assert_array_equal(default, explicit)
    assert not np.allclose(default, other)


def test_huber_at_delta_uses_the_quadratic_branch_with_a_continuous_gradient():
    t = np.zeros((1, 2))
    p = np.array([[2.0, -2.0]])
    out, grad = _core.loss("huber", t, p, params={"delta": 2.0})
    np.testing.assert_allclose(out, [0.5 * 4.0], rtol=1e-15)
    np.testing.assert_allclose(grad, [[1.0, -1.0]], rtol=1e-15)    # e / n


def test_hinge_gradient_at_the_kink_is_minus_t_over_n_like_tensorflow():
    # maximum(x, 0) passes the gradient to x when x >= 0 (TensorFlow's rule)
    _, grad = _core.loss("hinge", np.array([[1.0, -1.0]]), np.array([[1.0, -1.0]]))
    np.testing.assert_allclose(grad, [[-0.5, 0.5]], rtol=1e-15)


def test_categorical_hinge_splits_the_gradient_between_tied_maxima():
    # TensorFlow's reduce_max gradient is shared equally among tied maxima
    t = np.array([[1.0, 0.0, 0.0]])
    p = np.array([[0.2, 0.5, 0.5]])
    out, grad = _core.loss("categorical_hinge", t, p)
    np.testing.assert_allclose(out, [0.5 - 0.2 + 1], rtol=1e-14)
    np.testing.assert_allclose(grad, [[-1.0, 0.5, 0.5]], rtol=1e-14)


def test_cosine_similarity_of_a_zero_vector_is_zero():
    out, grad = _core.loss("cosine_similarity", np.array([[1.0, 2.0], [0.0, 0.0]]),
                           np.array([[0.0, 0.0], [3.0, 1.0]]))
    np.testing.assert_array_equal(out, [0.0, 0.0])
    assert np.all(np.isfinite(grad))
    np.testing.assert_array_equal(grad[1], [0.0, 0.0])


def test_cosine_similarity_is_minus_one_for_parallel_vectors():
    out, _ = _core.loss("cosine_similarity", np.array([[1.0, 2.0, 3.0]]),
                        np.array([[2.0, 4.0, 6.0]]))
    np.testing.assert_allclose(out, [-1.0], rtol=1e-14)


def test_msle_and_kld_gradients_are_zero_where_clipped():
    _, g = _core.loss("mean_squared_logarithmic_error", np.array([[1.0, 1.0]]),
                      np.array([[-0.5, 0.5]]))
    assert g[0, 0] == 0.0 and g[0, 1] != 0.0
    _, g = _core.loss("kl_divergence", np.array([[0.5, 0.5]]), np.array([[1.5, 0.5]]))
    assert g[0, 0] == 0.0 and g[0, 1] != 0.0


def test_mape_divides_by_epsilon_where_target_is_zero():
    out, _ = _core.loss("mean_absolute_percentage_error", np.array([[0.0]]), np.array([[0.5]]))
    np.testing.assert_allclose(out, [100 * 0.5 / EPS], rtol=1e-12)


def test_focal_loss_from_large_logits_is_finite():
    z = np.array([[800.0, -800.0, 30.0, -30.0]])
    t = np.array([[0.0, 1.0, 1.0, 0.0]])
    out, grad = _core.loss("binary_focal_crossentropy", t, z, from_logits=True)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(out, _ref_extra("binary_focal_crossentropy", t, z, True),
                               rtol=1e-10)


def test_focal_loss_with_gamma_zero_equals_binary_crossentropy():
    t, p = _extra_data("binary_focal_crossentropy", False, seed=6)
    params = {"gamma": 0.0, "alpha": 0.25, "apply_class_balancing": False}
    focal, gf = _core.loss("binary_focal_crossentropy", t, p, params=params)
    bce, gb = _core.loss("binary_crossentropy", t, p)
    np.testing.assert_allclose(focal, bce, rtol=1e-13)
    np.testing.assert_allclose(gf, gb, rtol=1e-12)


def test_unknown_loss_parameter_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="gamma"):
        _core.loss("huber", np.zeros((2, 3)), np.zeros((2, 3)), params={"gamma": 2.0})
    with pytest.raises(ValueError, match="delta"):
        _core.loss("poisson", np.zeros((2, 3)), np.zeros((2, 3)), params={"delta": 2.0})


def test_non_finite_loss_parameter_raises_value_error():
    with pytest.raises(ValueError, match="finite"):
        _core.loss("huber", np.zeros((2, 3)), np.zeros((2, 3)), params={"delta": np.nan})
