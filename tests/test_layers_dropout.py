"""Dropout: statistics of the masks, inverted scaling, inference identity, seeds."""
import warnings

import numpy as np
import pytest

from layer_gradcheck import call_with_grad
from nnlite.backend.naming import clear_session
from nnlite.layers import Dropout
from nnlite.utils import set_random_seed


def test_dropout_zeroes_about_rate_and_scales_the_rest():
    x = np.ones((400, 250), "float32")
    y = Dropout(0.3, seed=1)(x, training=True)
    zeros = np.mean(y == 0)
    assert abs(zeros - 0.3) < 0.01                  # 100,000 draws: sd ~0.0015
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.7], rtol=1e-6)


def test_dropout_preserves_the_mean():
    x = np.random.default_rng(0).uniform(1, 2, size=(500, 200)).astype("float32")
    y = Dropout(0.5, seed=2)(x, training=True)
    assert abs(y.mean() / x.mean() - 1) < 0.01


def test_dropout_is_identity_at_inference():
    x = np.random.default_rng(1).normal(size=(4, 5)).astype("float32")
    layer = Dropout(0.9)
    np.testing.assert_array_equal(layer(x), x)
    y, dx = call_with_grad(layer, x, np.ones_like(x), training=False)
    np.testing.assert_array_equal(y, x)
    np.testing.assert_array_equal(dx, np.ones_like(x))


def test_seeded_dropout_repeats_its_masks_run_to_run():
    x = np.ones((6, 7), "float32")
    a, b = Dropout(0.5, seed=42), Dropout(0.5, seed=42)
    first = [a(x, training=True) for _ in range(3)]
    second = [b(x, training=True) for _ in range(3)]
    for u, v in zip(first, second):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(first[0], first[1])   # successive calls draw new masks


def test_unseeded_dropout_follows_set_random_seed():
    x = np.ones((6, 7), "float32")
    layer = Dropout(0.5)
    set_random_seed(3)
    a = layer(x, training=True)
    set_random_seed(3)
    b = layer(x, training=True)
    np.testing.assert_array_equal(a, b)


def test_dropout_backward_uses_the_forward_mask():
    x = np.random.default_rng(2).normal(size=(8, 9))
    layer = Dropout(0.4, seed=5, dtype="float64")
    dy = np.random.default_rng(3).normal(size=x.shape)
    y, dx = call_with_grad(layer, x, dy)
    mask = np.where(y == 0, 0.0, 1 / 0.6)
    np.testing.assert_allclose(dx, dy * mask, rtol=1e-12)


def test_dropout_noise_shape_broadcasts_the_mask():
    x = np.ones((3, 50, 4), "float32")
    y = Dropout(0.5, noise_shape=(None, 1, 4), seed=0)(x, training=True)
    # the same features are dropped at every step of a sample
    assert np.all(y == y[:, :1, :])


def test_dropout_rate_zero_is_identity_in_training():
    x = np.random.default_rng(4).normal(size=(3, 3)).astype("float32")
    np.testing.assert_array_equal(Dropout(0.0)(x, training=True), x)


def test_dropout_rate_one_drops_everything_as_keras():
    # Keras 3.15.1 accepts rate=1.0 and returns zeros in training
    np.testing.assert_array_equal(Dropout(1.0)(np.ones((2, 4)), training=True), np.zeros((2, 4)))


@pytest.mark.parametrize("rate", [-0.1, 1.5, "half", None])
def test_dropout_rejects_invalid_rate(rate):
    with pytest.raises((ValueError, TypeError), match="rate"):
        Dropout(rate)


def test_dropout_legacy_p_argument_warns():
    with pytest.warns(FutureWarning, match="Dropout"):
        layer = Dropout(p=0.25)
    assert layer.rate == 0.25


def test_dropout_name_config_and_no_weights():
    clear_session()
    layer = Dropout(0.5)
    assert layer.name == "dropout"
    # the dtype as Keras 3.15.1 writes it: a DTypePolicy config
    policy = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": None}
    assert layer.get_config() == {"name": "dropout", "trainable": True, "dtype": policy,
                                  "rate": 0.5, "seed": None, "noise_shape": None}
    assert layer.count_params() == 0 and layer.weights == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Dropout.from_config(layer.get_config())


def test_each_training_call_draws_one_key_from_the_layer_generator():
    # the mask is the C core's mask of one uint64 drawn from the layer's Generator
    from nnlite import _core
    x = np.random.default_rng(5).normal(size=(4, 6)).astype("float32")
    layer = Dropout(0.4, seed=8)
    rng = np.random.default_rng(8)
    for _ in range(2):
        key = int(rng.integers(0, 2 ** 64, dtype=np.uint64))
        expected = x * _core.dropout_mask(x.shape, np.float32, key, 0.4)
        np.testing.assert_array_equal(layer(x, training=True), expected)


def test_dropout_noise_shape_backward_uses_the_broadcast_mask():
    x = np.ones((2, 5, 3))
    layer = Dropout(0.5, noise_shape=(None, 1, 3), seed=1, dtype="float64")
    y, dx = call_with_grad(layer, x, np.ones_like(x))
    np.testing.assert_array_equal(dx, y)
