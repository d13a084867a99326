"""`Normalization.mean` / `.variance` hold the statistics, as Keras 3's
(`print(normalizer.mean.numpy())` in the regression tutorials)."""
import numpy as np

import nnlite
from nnlite import layers
from nnlite.saving import saving_lib

DATA = np.array([[1.0, 2.0, -4.0], [3.0, 4.0, 0.5], [5.0, 9.0, 2.0], [0.0, 1.0, 1.5]])


def test_mean_and_variance_are_none_before_the_layer_is_built():
    layer = layers.Normalization()
    assert layer.mean is None and layer.variance is None


def test_adapt_fills_mean_with_the_per_feature_mean():
    layer = layers.Normalization()
    layer.adapt(DATA)
    # Keras keeps the input's rank: the reduced batch axis has size 1
    np.testing.assert_allclose(layer.mean.numpy(), DATA.mean(axis=0, keepdims=True), rtol=1e-6)


def test_adapt_fills_variance_with_the_biased_variance():
    layer = layers.Normalization()
    layer.adapt(DATA)
    want = ((DATA - DATA.mean(axis=0)) ** 2).sum(axis=0, keepdims=True) / len(DATA)
    np.testing.assert_allclose(layer.variance.numpy(), want, rtol=1e-6)


def test_axis_none_gives_one_mean_in_the_input_rank():
    layer = layers.Normalization(axis=None)
    layer.adapt(DATA)
    assert layer.mean.numpy().shape == (1, 1)
    np.testing.assert_allclose(layer.mean.numpy()[0, 0], DATA.mean(), rtol=1e-6)


def test_given_mean_is_broadcast_once_built():
    layer = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 5.0, 6.0])
    layer.build((None, 3))
    np.testing.assert_array_equal(layer.mean.numpy(), [[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(layer.variance.numpy(), [[4.0, 5.0, 6.0]])


def test_mean_follows_set_weights():
    layer = layers.Normalization()
    layer.adapt(DATA)
    layer.set_weights([np.array([7.0, 8.0, 9.0]), np.ones(3), np.array(4)])
    np.testing.assert_array_equal(layer.mean.numpy(), [[7.0, 8.0, 9.0]])


def test_mean_and_variance_after_loading_a_saved_model(tmp_path):
    layer = layers.Normalization()
    layer.adapt(DATA)
    inp = nnlite.Input((3,))
    nnlite.Model(inp, layer(inp)).save(tmp_path / "m.keras")
    loaded = saving_lib.load_model(tmp_path / "m.keras")
    norm = next(la for la in loaded.layers if isinstance(la, layers.Normalization))
    np.testing.assert_allclose(norm.mean.numpy(), DATA.mean(axis=0, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(norm.variance.numpy(), DATA.var(axis=0, keepdims=True), rtol=1e-6)
