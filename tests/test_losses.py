"""Tests for nnlite.losses: name resolution, reductions and values.

References are NumPy float64 formulas written here (Keras 3's definitions:
probabilities clipped to [1e-7, 1 - 1e-7], logits through a stable
log-sum-exp, label smoothing `t * (1 - s) + s / k` with k = 2 for binary) and
the worked examples in the Keras docstrings of `MeanSquaredError`,
`BinaryCrossentropy` and `keras.utils.to_categorical`.
"""
import numpy as np
import pytest

from nnlite import losses

EPS = 1e-7


def np_mse(t, p):
    return np.mean((np.asarray(t, np.float64) - np.asarray(p, np.float64)) ** 2, axis=-1)


def np_mae(t, p):
    return np.mean(np.abs(np.asarray(t, np.float64) - np.asarray(p, np.float64)), axis=-1)


def np_bce(t, p):
    t = np.asarray(t, np.float64)
    p = np.clip(np.asarray(p, np.float64), EPS, 1 - EPS)
    return np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)), axis=-1)


def np_bce_logits(t, x):
    t = np.asarray(t, np.float64)
    x = np.asarray(x, np.float64)
    return np.mean(np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x))), axis=-1)


def np_cce(t, p):
    t = np.asarray(t, np.float64)
    p = np.asarray(p, np.float64)
    p = np.clip(p / p.sum(axis=-1, keepdims=True), EPS, 1 - EPS)
    return -np.sum(t * np.log(p), axis=-1)


def np_logsumexp(x):
    m = np.max(x, axis=-1, keepdims=True)
    return (m + np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True)))[..., 0]


def np_cce_logits(t, x):
    t = np.asarray(t, np.float64)
    x = np.asarray(x, np.float64)
    return np.sum(t, axis=-1) * np_logsumexp(x) - np.sum(t * x, axis=-1)


def np_sparse_cce(labels, p):
    p = np.asarray(p, np.float64)
    p = np.clip(p / p.sum(axis=-1, keepdims=True), EPS, 1 - EPS)
    labels = np.asarray(labels).reshape(-1)
    return -np.log(p[np.arange(len(labels)), labels])


def np_sparse_cce_logits(labels, x):
    x = np.asarray(x, np.float64)
    labels = np.asarray(labels).reshape(-1)
    return np_logsumexp(x) - x[np.arange(len(labels)), labels]


def assert_matches_doc_digits(value, shown, decimals):
    """Keras's docstrings cut values to a few decimals (1.7309 is shown as 1.730)."""
    value = float(value)
    assert shown - 1e-9 <= value < shown + 10.0 ** -decimals, (value, shown)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def probs(rng):
    """(6, 4) float32 probability rows and one-hot targets."""
    logits = rng.normal(size=(6, 4))
    p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    labels = rng.integers(0, 4, size=6)
    return np.eye(4)[labels].astype(np.float32), p.astype(np.float32), labels


# --------------------------------------------------------------------------
# get()

@pytest.mark.parametrize("alias, fn", [
    ("mse", losses.mean_squared_error),
    ("MSE", losses.mean_squared_error),
    ("mean_squared_error", losses.mean_squared_error),
    ("mae", losses.mean_absolute_error),
    ("MAE", losses.mean_absolute_error),
    ("mean_absolute_error", losses.mean_absolute_error),
    ("bce", losses.binary_crossentropy),
    ("BCE", losses.binary_crossentropy),
    ("binary_crossentropy", losses.binary_crossentropy),
    ("categorical_crossentropy", losses.categorical_crossentropy),
    ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
])
def test_get_string_alias_resolves_to_function(alias, fn):
    assert losses.get(alias) is fn


@pytest.mark.parametrize("name", ["MeanSquaredError", "MeanAbsoluteError",
                                  "BinaryCrossentropy", "CategoricalCrossentropy",
                                  "SparseCategoricalCrossentropy"])
def test_get_class_name_returns_instance_of_that_class(name):
    assert type(losses.get(name)) is getattr(losses, name)


def test_get_class_returns_instance():
    assert type(losses.get(losses.BinaryCrossentropy)) is losses.BinaryCrossentropy


def test_get_instance_is_returned_as_is():
    loss = losses.CategoricalCrossentropy(label_smoothing=0.2)
    assert losses.get(loss) is loss


def test_get_unknown_alias_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="no_such_loss"):
        losses.get("no_such_loss")


@pytest.mark.parametrize("name", ["logcosh", "cce"])
def test_get_rejects_names_keras_does_not_accept(name):
    with pytest.raises(ValueError, match=name):
        losses.get(name)


def test_module_level_short_aliases_are_the_functions():
    assert losses.mse is losses.mean_squared_error
    assert losses.MAE is losses.mean_absolute_error
    assert losses.bce is losses.binary_crossentropy


# --------------------------------------------------------------------------
# Keras docstring examples

def test_keras_doc_mean_squared_error_is_0_5():
    out = losses.MeanSquaredError()([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]])
    np.testing.assert_allclose(out, 0.5, rtol=1e-6)


def test_keras_doc_mean_squared_error_with_sample_weight_is_0_25():
    out = losses.MeanSquaredError()([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]],
                                    sample_weight=[0.7, 0.3])
    np.testing.assert_allclose(out, 0.25, rtol=1e-6)


def test_keras_doc_mean_squared_error_sum_reduction_is_1_0():
    out = losses.MeanSquaredError(reduction="sum")([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]])
    np.testing.assert_allclose(out, 1.0, rtol=1e-6)


def test_keras_doc_mean_squared_error_none_reduction_is_per_sample():
    out = losses.MeanSquaredError(reduction=None)([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]])
    np.testing.assert_allclose(out, [0.5, 0.5], rtol=1e-6)


def test_keras_doc_binary_crossentropy_from_logits_is_0_865():
    bce = losses.BinaryCrossentropy(from_logits=True)
    out = bce([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8])
    assert_matches_doc_digits(out, 0.8654, 4)


def test_keras_doc_binary_crossentropy_from_logits_2x2_is_0_865():
    bce = losses.BinaryCrossentropy(from_logits=True)
    out = bce([[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]])
    assert_matches_doc_digits(out, 0.8654, 4)


def test_keras_doc_binary_crossentropy_with_sample_weight_is_0_243():
    bce = losses.BinaryCrossentropy(from_logits=True)
    out = bce([[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]], sample_weight=[0.8, 0.2])
    assert_matches_doc_digits(out, 0.243, 3)


def test_keras_doc_binary_crossentropy_sum_reduction_is_1_730():
    bce = losses.BinaryCrossentropy(from_logits=True, reduction="sum")
    out = bce([[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]])
    assert_matches_doc_digits(out, 1.730, 3)


def test_keras_doc_categorical_crossentropy_of_to_categorical_rows():
    a = np.eye(4)
    b = np.array([[.9, .04, .03, .03], [.3, .45, .15, .13],
                  [.04, .01, .94, .05], [.12, .21, .5, .17]])
    out = losses.categorical_crossentropy(a, b)
    np.testing.assert_allclose(out, [0.10536, 0.82807, 0.1011, 1.77196], atol=1e-5)


# --------------------------------------------------------------------------
# reductions and sample weights

def test_default_reduction_is_sum_over_batch_size():
    assert losses.MeanSquaredError().reduction == "sum_over_batch_size"


def test_sum_over_batch_size_is_mean_of_per_sample_values(rng):
    t, p = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    np.testing.assert_allclose(losses.MeanSquaredError()(t, p), np_mse(t, p).mean(), rtol=1e-6)


def test_sum_reduction_adds_per_sample_values(rng):
    t, p = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    out = losses.MeanAbsoluteError(reduction="sum")(t, p)
    np.testing.assert_allclose(out, np_mae(t, p).sum(), rtol=1e-6)


@pytest.mark.parametrize("reduction", [None, "none"])
def test_none_reduction_returns_per_sample_values(rng, reduction):
    t, p = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    out = losses.MeanSquaredError(reduction=reduction)(t, p)
    assert np.shape(out) == (5,)
    np.testing.assert_allclose(out, np_mse(t, p), rtol=1e-6)


def test_reduced_loss_is_a_float32_scalar(rng):
    out = losses.MeanSquaredError()(rng.normal(size=(4, 2)), rng.normal(size=(4, 2)))
    assert np.shape(out) == ()
    assert np.asarray(out).dtype == np.float32


def test_invalid_reduction_raises_value_error():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_sample_weight_scales_per_sample_values_then_divides_by_batch(rng):
    t, p = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    w = np.array([0.0, 1.0, 2.0, 0.5])
    out = losses.MeanSquaredError()(t, p, sample_weight=w)
    np.testing.assert_allclose(out, np.sum(w * np_mse(t, p)) / 4, rtol=1e-6)


def test_sample_weight_with_sum_reduction(rng):
    t, p = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    w = np.array([3.0, 1.0, 0.0, 0.5])
    out = losses.MeanAbsoluteError(reduction="sum")(t, p, sample_weight=w)
    np.testing.assert_allclose(out, np.sum(w * np_mae(t, p)), rtol=1e-6)


def test_sample_weight_of_shape_n_by_1_is_accepted(rng):
    t, p = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    w = np.array([[1.0], [2.0], [0.0], [1.0]])
    out = losses.MeanSquaredError()(t, p, sample_weight=w)
    np.testing.assert_allclose(out, np.sum(w[:, 0] * np_mse(t, p)) / 4, rtol=1e-6)


def test_zero_sample_weights_give_zero_loss(rng):
    t, p = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    assert float(losses.MeanSquaredError()(t, p, sample_weight=np.zeros(4))) == 0.0


# --------------------------------------------------------------------------
# regression losses

def test_mean_squared_error_function_is_per_sample(rng):
    t, p = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    np.testing.assert_allclose(losses.mean_squared_error(t, p), np_mse(t, p), rtol=1e-6)


def test_mean_absolute_error_function_is_per_sample(rng):
    t, p = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    np.testing.assert_allclose(losses.mean_absolute_error(t, p), np_mae(t, p), rtol=1e-6)


def test_mse_expands_rank_1_target_against_n_by_1_prediction(rng):
    y_true = rng.normal(size=8)
    y_pred = rng.normal(size=(8, 1))
    out = losses.MeanSquaredError()(y_true, y_pred)
    # Keras expands y_true to (8, 1); no (8, 8) broadcast
    np.testing.assert_allclose(out, np.mean((y_true - y_pred[:, 0]) ** 2), rtol=1e-6)


def test_mae_expands_rank_1_target_against_n_by_1_prediction(rng):
    y_true = rng.normal(size=8)
    y_pred = rng.normal(size=(8, 1))
    out = losses.MeanAbsoluteError()(y_true, y_pred)
    np.testing.assert_allclose(out, np.mean(np.abs(y_true - y_pred[:, 0])), rtol=1e-6)


def test_mismatched_target_shape_raises_value_error(rng):
    with pytest.raises(ValueError):
        losses.MeanSquaredError()(rng.normal(size=(4, 3)), rng.normal(size=(4, 2)))


# --------------------------------------------------------------------------
# binary cross-entropy

def test_binary_crossentropy_matches_numpy(rng):
    t = rng.integers(0, 2, size=(6, 3)).astype(np.float32)
    p = rng.uniform(0.05, 0.95, size=(6, 3))
    np.testing.assert_allclose(losses.binary_crossentropy(t, p), np_bce(t, p), rtol=1e-5)


def test_binary_crossentropy_class_reduces_to_mean(rng):
    t = rng.integers(0, 2, size=(6, 1)).astype(np.float32)
    p = rng.uniform(0.05, 0.95, size=(6, 1))
    np.testing.assert_allclose(losses.BinaryCrossentropy()(t, p), np_bce(t, p).mean(),
                               rtol=1e-5)


def test_binary_crossentropy_soft_targets(rng):
    t = rng.uniform(0, 1, size=(6, 2))
    p = rng.uniform(0.05, 0.95, size=(6, 2))
    np.testing.assert_allclose(losses.binary_crossentropy(t, p), np_bce(t, p), rtol=1e-5)


@pytest.mark.parametrize("smoothing", [0.1, 0.3])
def test_binary_crossentropy_label_smoothing_pulls_targets_to_one_half(rng, smoothing):
    t = rng.integers(0, 2, size=(6, 3)).astype(np.float32)
    p = rng.uniform(0.05, 0.95, size=(6, 3))
    t_smooth = t * (1 - smoothing) + 0.5 * smoothing
    out = losses.BinaryCrossentropy(label_smoothing=smoothing)(t, p)
    np.testing.assert_allclose(out, np_bce(t_smooth, p).mean(), rtol=1e-5)


def test_binary_crossentropy_from_logits_matches_stable_formula(rng):
    t = rng.integers(0, 2, size=(6, 3)).astype(np.float32)
    x = rng.normal(scale=4.0, size=(6, 3))
    out = losses.BinaryCrossentropy(from_logits=True)(t, x)
    np.testing.assert_allclose(out, np_bce_logits(t, x).mean(), rtol=1e-5)


def test_binary_crossentropy_from_large_logits_is_finite():
    out = losses.binary_crossentropy([[1.0, 0.0]], [[-200.0, 200.0]], from_logits=True)
    np.testing.assert_allclose(out, [200.0], rtol=1e-5)


def test_binary_crossentropy_from_logits_with_label_smoothing(rng):
    t = rng.integers(0, 2, size=(5, 2)).astype(np.float32)
    x = rng.normal(size=(5, 2))
    out = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2)(t, x)
    np.testing.assert_allclose(out, np_bce_logits(t * 0.8 + 0.1, x).mean(), rtol=1e-5)


def test_binary_crossentropy_of_hard_zero_and_one_probabilities_is_clipped_not_infinite():
    out = losses.binary_crossentropy([[1.0, 0.0]], [[0.0, 1.0]])
    assert np.all(np.isfinite(out))
    # -log(1e-7) = 16.1: clipping bounds the loss near that value
    assert 15.0 < float(out[0]) < 16.2


# --------------------------------------------------------------------------
# categorical cross-entropy

def test_categorical_crossentropy_matches_numpy(probs):
    t, p, _ = probs
    np.testing.assert_allclose(losses.categorical_crossentropy(t, p), np_cce(t, p), rtol=1e-5)


def test_categorical_crossentropy_renormalises_unnormalised_probabilities(probs):
    t, p, _ = probs
    np.testing.assert_allclose(losses.categorical_crossentropy(t, 3.0 * p), np_cce(t, p),
                               rtol=1e-5)


def test_categorical_crossentropy_label_smoothing_0_1(probs):
    t, p, _ = probs
    t_smooth = t * 0.9 + 0.1 / 4
    out = losses.CategoricalCrossentropy(label_smoothing=0.1)(t, p)
    np.testing.assert_allclose(out, np_cce(t_smooth, p).mean(), rtol=1e-5)


def test_categorical_crossentropy_from_logits_is_logsumexp_minus_target_logit(rng, probs):
    t, _, _ = probs
    x = rng.normal(scale=3.0, size=(6, 4))
    out = losses.CategoricalCrossentropy(from_logits=True)(t, x)
    np.testing.assert_allclose(out, np_cce_logits(t, x).mean(), rtol=1e-5)


def test_categorical_crossentropy_from_logits_with_label_smoothing(rng, probs):
    t, _, _ = probs
    x = rng.normal(size=(6, 4))
    out = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)(t, x)
    np.testing.assert_allclose(out, np_cce_logits(t * 0.9 + 0.025, x).mean(), rtol=1e-5)


def test_categorical_crossentropy_from_large_logits_is_finite():
    out = losses.categorical_crossentropy([[0.0, 1.0, 0.0]], [[1000.0, 0.0, -1000.0]],
                                          from_logits=True)
    np.testing.assert_allclose(out, [1000.0], rtol=1e-5)


@pytest.mark.parametrize("shape", [(6,), (6, 1)])
def test_integer_labels_to_categorical_crossentropy_raise_hint_to_sparse(probs, shape):
    _, p, labels = probs
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.categorical_crossentropy(labels.reshape(shape), p)


def test_integer_labels_to_categorical_crossentropy_class_raise_hint_to_sparse(probs):
    _, p, labels = probs
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.CategoricalCrossentropy()(labels, p)


# --------------------------------------------------------------------------
# sparse categorical cross-entropy

@pytest.mark.parametrize("shape", [(6,), (6, 1)])
def test_sparse_categorical_crossentropy_accepts_labels_of_shape(probs, shape):
    _, p, labels = probs
    out = losses.SparseCategoricalCrossentropy()(labels.reshape(shape), p)
    np.testing.assert_allclose(out, np_sparse_cce(labels, p).mean(), rtol=1e-5)


def test_sparse_categorical_crossentropy_function_is_per_sample(probs):
    _, p, labels = probs
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(labels, p),
                               np_sparse_cce(labels, p), rtol=1e-5)


def test_sparse_categorical_crossentropy_float_labels_are_accepted(probs):
    _, p, labels = probs
    out = losses.sparse_categorical_crossentropy(labels.astype(np.float32), p)
    np.testing.assert_allclose(out, np_sparse_cce(labels, p), rtol=1e-5)


@pytest.mark.parametrize("shape", [(6,), (6, 1)])
def test_sparse_categorical_crossentropy_from_logits(rng, probs, shape):
    _, _, labels = probs
    x = rng.normal(scale=3.0, size=(6, 4))
    out = losses.SparseCategoricalCrossentropy(from_logits=True)(labels.reshape(shape), x)
    np.testing.assert_allclose(out, np_sparse_cce_logits(labels, x).mean(), rtol=1e-5)


def test_sparse_equals_categorical_on_one_hot_of_same_labels(rng, probs):
    t, _, labels = probs
    x = rng.normal(size=(6, 4))
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy(labels, x, from_logits=True),
        losses.categorical_crossentropy(t, x, from_logits=True), rtol=1e-5)


def test_sparse_categorical_crossentropy_with_sample_weight(probs):
    _, p, labels = probs
    w = np.array([1.0, 0.0, 2.0, 1.0, 0.5, 0.0])
    out = losses.SparseCategoricalCrossentropy()(labels, p, sample_weight=w)
    np.testing.assert_allclose(out, np.sum(w * np_sparse_cce(labels, p)) / 6, rtol=1e-5)


def test_sparse_categorical_crossentropy_one_hot_targets_raise(probs):
    t, p, _ = probs
    with pytest.raises(ValueError):
        losses.sparse_categorical_crossentropy(t, p)


@pytest.mark.parametrize("labels", [[4, 0, 1, 2, 3, 0], [-1, 0, 1, 2, 3, 0]])
@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_crossentropy_label_out_of_range_raises(probs, labels, from_logits):
    _, p, _ = probs
    with pytest.raises(ValueError):
        losses.sparse_categorical_crossentropy(labels, p, from_logits=from_logits)


def test_binary_crossentropy_expands_rank_1_target_against_n_by_1_prediction(rng):
    t = rng.integers(0, 2, size=7).astype(np.float32)
    p = rng.uniform(0.05, 0.95, size=(7, 1))
    np.testing.assert_allclose(losses.BinaryCrossentropy()(t, p), np_bce(t[:, None], p).mean(),
                               rtol=1e-5)


def test_none_reduction_with_sample_weight_returns_weighted_values(rng):
    t, p = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    w = np.array([1.0, 2.0, 0.0])
    out = losses.MeanSquaredError(reduction="none")(t, p, sample_weight=w)
    np.testing.assert_allclose(out, w * np_mse(t, p), rtol=1e-6)
