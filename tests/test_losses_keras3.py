"""The Keras 3 losses beyond the cross-entropies and MSE/MAE: names, aliases,
classes, configs, hinge label conversion, reductions and sample weights.
Numbers are NumPy float64 formulas written here, or Keras 3.15.1 docstring
examples (keras/src/losses/losses.py)."""
import numpy as np
import pytest

from nnlite import losses

EPS = 1e-7


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# --------------------------------------------------------------------------
# names (checked against keras.losses.get in Keras 3.15.1)

@pytest.mark.parametrize("alias, fn", [
    ("mape", losses.mean_absolute_percentage_error), ("MAPE", losses.mean_absolute_percentage_error),
    ("msle", losses.mean_squared_logarithmic_error), ("MSLE", losses.mean_squared_logarithmic_error),
    ("kld", losses.kl_divergence), ("KLD", losses.kl_divergence),
    ("huber", losses.huber), ("log_cosh", losses.log_cosh), ("hinge", losses.hinge),
    ("squared_hinge", losses.squared_hinge), ("categorical_hinge", losses.categorical_hinge),
    ("kl_divergence", losses.kl_divergence), ("poisson", losses.poisson),
    ("cosine_similarity", losses.cosine_similarity),
    ("binary_focal_crossentropy", losses.binary_focal_crossentropy),
])
def test_get_string_resolves_to_keras_function(alias, fn):
    assert losses.get(alias) is fn


@pytest.mark.parametrize("name", ["Huber", "LogCosh", "MeanAbsolutePercentageError",
                                  "MeanSquaredLogarithmicError", "Hinge", "SquaredHinge",
                                  "CategoricalHinge", "KLDivergence", "Poisson",
                                  "CosineSimilarity", "BinaryFocalCrossentropy"])
def test_get_class_name_returns_instance(name):
    assert type(losses.get(name)) is getattr(losses, name)


@pytest.mark.parametrize("name", ["huber_loss", "kullback_leibler_divergence",
                                  "cosine_proximity", "logcosh", "cce", "Loss"])
def test_get_rejects_names_keras_3_rejects(name):
    with pytest.raises(ValueError, match=name):
        losses.get(name)


def test_module_level_aliases():
    assert losses.mape is losses.MAPE is losses.mean_absolute_percentage_error
    assert losses.msle is losses.MSLE is losses.mean_squared_logarithmic_error
    assert losses.kld is losses.KLD is losses.kl_divergence


@pytest.mark.parametrize("cls, name", [
    (losses.Huber, "huber_loss"), (losses.LogCosh, "log_cosh"),
    (losses.MeanAbsolutePercentageError, "mean_absolute_percentage_error"),
    (losses.MeanSquaredLogarithmicError, "mean_squared_logarithmic_error"),
    (losses.Hinge, "hinge"), (losses.SquaredHinge, "squared_hinge"),
    (losses.CategoricalHinge, "categorical_hinge"), (losses.KLDivergence, "kl_divergence"),
    (losses.Poisson, "poisson"), (losses.CosineSimilarity, "cosine_similarity"),
    (losses.BinaryFocalCrossentropy, "binary_focal_crossentropy"),
])
def test_default_names_and_config_match_keras(cls, name):
    loss = cls()
    assert loss.name == name and loss.reduction == "sum_over_batch_size"
    assert loss.get_config()["name"] == name


def test_huber_config_like_keras_omits_delta():
    # Keras 3.15.1: Huber(delta=2.0).get_config() == {'name': 'huber_loss', 'reduction': ...}
    assert losses.Huber(delta=2.0).get_config() == {"name": "huber_loss",
                                                    "reduction": "sum_over_batch_size"}


def test_focal_config_round_trips():
    loss = losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.4, gamma=1.0,
                                          from_logits=True, label_smoothing=0.1)
    again = losses.BinaryFocalCrossentropy.from_config(loss.get_config())
    t = np.array([[0.0, 1.0, 1.0]])
    z = np.array([[0.3, -1.2, 2.0]])
    assert again(t, z) == loss(t, z)


# --------------------------------------------------------------------------
# Keras docstring examples

def test_keras_doc_huber_is_0_155():
    out = losses.huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    np.testing.assert_allclose(out.mean(), 0.155, atol=5e-4)


def test_keras_doc_log_cosh_is_0_108():
    out = losses.log_cosh([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(out.mean(), 0.108, atol=5e-4)


def test_keras_doc_mape_class_is_6_111111():
    out = losses.MeanAbsolutePercentageError()([100.0, 200.0, 300.0], [90.0, 210.0, 310.0])
    np.testing.assert_allclose(out, 6.111111, rtol=1e-6)


def test_keras_doc_binary_focal_crossentropy_gamma_2():
    out = losses.binary_focal_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], gamma=2)
    np.testing.assert_allclose(out, [0.330, 0.206], atol=5e-4)


# --------------------------------------------------------------------------
# hinge labels

def test_hinge_converts_zero_one_labels_to_minus_one_one(rng):
    p = rng.normal(size=(4, 3))
    t01 = rng.integers(0, 2, size=(4, 3)).astype(float)
    np.testing.assert_allclose(losses.hinge(t01, p), losses.hinge(2 * t01 - 1, p), rtol=1e-6)
    np.testing.assert_allclose(losses.squared_hinge(t01, p),
                               losses.squared_hinge(2 * t01 - 1, p), rtol=1e-6)


def test_hinge_keeps_labels_that_are_not_all_zero_or_one():
    t = np.array([[0.0, 1.0, 0.5]])     # not binary: used as given
    p = np.array([[0.2, -0.3, 0.8]])
    expected = np.maximum(1 - t * p, 0).mean()
    np.testing.assert_allclose(losses.hinge(t, p), [expected], rtol=1e-6)


def test_hinge_with_minus_one_one_labels_is_the_plain_formula(rng):
    t = rng.choice([-1.0, 1.0], size=(5, 2))
    p = rng.normal(size=(5, 2))
    np.testing.assert_allclose(losses.hinge(t, p), np.maximum(1 - t * p, 0).mean(-1), rtol=1e-6)


def test_categorical_hinge_does_not_convert_labels():
    t = np.array([[0.0, 1.0, 0.0]])
    p = np.array([[0.3, 0.5, 0.1]])
    np.testing.assert_allclose(losses.categorical_hinge(t, p), [0.3 - 0.5 + 1], rtol=1e-6)


# --------------------------------------------------------------------------
# formulas through the public functions (float64 in, float64 out)

def test_cosine_similarity_is_negative_cosine(rng):
    t, p = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    cos = (t * p).sum(-1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1)
    np.testing.assert_allclose(losses.cosine_similarity(t, p), -cos, rtol=1e-12)


def test_kl_divergence_clips_both_arguments(rng):
    t = np.array([[0.0, 0.4, 0.6]])
    p = np.array([[0.2, 0.0, 0.8]])
    tc, pc = np.clip(t, EPS, 1), np.clip(p, EPS, 1)
    np.testing.assert_allclose(losses.kl_divergence(t, p), (tc * np.log(tc / pc)).sum(-1),
                               rtol=1e-12)


def test_poisson_matches_formula(rng):
    t, p = rng.uniform(0, 3, size=(4, 2)), rng.uniform(0.1, 3, size=(4, 2))
    np.testing.assert_allclose(losses.poisson(t, p), np.mean(p - t * np.log(p + EPS), -1),
                               rtol=1e-12)


def test_msle_replaces_negative_values_by_epsilon():
    t, p = np.array([[-1.0, 2.0]]), np.array([[0.5, -3.0]])
    ref = np.mean((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2, -1)
    np.testing.assert_allclose(losses.mean_squared_logarithmic_error(t, p), ref, rtol=1e-12)


def test_focal_label_smoothing_pulls_targets_to_one_half(rng):
    t = rng.integers(0, 2, size=(3, 4)).astype(float)
    p = rng.uniform(0.05, 0.95, size=(3, 4))
    smoothed = losses.binary_focal_crossentropy(t, p, label_smoothing=0.2)
    manual = losses.binary_focal_crossentropy(t * 0.8 + 0.1, p)
    np.testing.assert_allclose(smoothed, manual, rtol=1e-12)


def test_huber_class_uses_its_delta(rng):
    t, p = rng.normal(size=(5, 3)), 3 * rng.normal(size=(5, 3))
    e = np.abs(p - t)
    for d in (0.5, 2.0):
        ref = np.where(e <= d, 0.5 * e ** 2, d * e - 0.5 * d ** 2).mean()
        np.testing.assert_allclose(losses.Huber(delta=d)(t, p), ref, rtol=1e-6)


def test_cosine_similarity_rejects_other_axes():
    with pytest.raises(NotImplementedError, match="axis"):
        losses.CosineSimilarity(axis=0)


# --------------------------------------------------------------------------
# reductions and sample weights (Keras 3.15: sum_over_batch_size, sum, mean,
# mean_with_sample_weight, none, None)

@pytest.mark.parametrize("cls", [losses.Huber, losses.LogCosh, losses.Poisson,
                                 losses.BinaryFocalCrossentropy])
def test_reductions_match_numpy(cls, rng):
    t = rng.integers(0, 2, size=(6, 3)).astype(float)
    p = rng.uniform(0.1, 0.9, size=(6, 3))
    w = rng.uniform(0, 2, size=6)
    per = cls(reduction="none")(t, p).astype(np.float64)
    np.testing.assert_allclose(cls(reduction="sum")(t, p, sample_weight=w), (per * w).sum(),
                               rtol=1e-5)
    np.testing.assert_allclose(cls(reduction="mean")(t, p, sample_weight=w), (per * w).mean(),
                               rtol=1e-5)
    np.testing.assert_allclose(cls()(t, p, sample_weight=w), (per * w).mean(), rtol=1e-5)
    np.testing.assert_allclose(cls(reduction="mean_with_sample_weight")(t, p, sample_weight=w),
                               (per * w).sum() / w.sum(), rtol=1e-5)
    np.testing.assert_allclose(cls(reduction=None)(t, p, sample_weight=w), per * w, rtol=1e-5)


def test_mean_with_sample_weight_of_zero_weights_is_zero():
    loss = losses.Huber(reduction="mean_with_sample_weight")
    assert loss([[1.0]], [[3.0]], sample_weight=[0.0]) == 0.0


def test_unknown_reduction_names_the_value():
    with pytest.raises(ValueError, match="average"):
        losses.Huber(reduction="average")


def test_serialize_a_loss_function_as_keras3_does():
    # keras.losses.serialize(keras.losses.mean_squared_error) in Keras 3.15.1:
    keras_form = {"module": "builtins", "class_name": "function",
                  "config": "mean_squared_error", "registered_name": "function"}
    assert losses.serialize(losses.mean_squared_error) == keras_form
    assert losses.deserialize(keras_form) is losses.mean_squared_error
