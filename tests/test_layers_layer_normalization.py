"""LayerNormalization against NumPy float64 formulas, finite differences and real Keras."""
import warnings

import numpy as np
import pytest

from layer_gradcheck import check_layer
from nnlite.backend.naming import clear_session
from nnlite.layers import LayerNormalization

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-2.0, 1.0, 0.0], [0.75, 3.0, 1.25]],
             dtype="float32")

# Produced by /work/kerasenv/bin/python (Keras 3.15.1, TF 2.21):
# ln = LayerNormalization(epsilon=0.01); ln.build((None, 3));
# ln.set_weights([[1.5, 0.5, 2.0], [0.1, -0.2, 0.3]]); ln(X, training=True) (the same
# numbers with training=False).
KERAS_LN = np.array([[0.100000024, -0.81034136, 2.7413654],
                     [2.0554829, -0.3002812, -1.9061859],
                     [-1.8980474, 0.33281264, 0.83281267],
                     [-1.3177853, 0.48741114, -0.55926394]], "float32")
# ln2 = LayerNormalization(axis=[1, 2], epsilon=0.001) on x3 = arange(24).reshape(2,3,4)**1.3/10,
# gamma = linspace(0.5, 2, 12).reshape(3, 4), beta = linspace(-1, 1, 12).reshape(3, 4).
KERAS_LN2 = np.array([[[-1.684336, -1.6016815, -1.432435, -1.1775553],
                       [-0.8323392, -0.39204717, 0.1477344, 0.79107463],
                       [1.5417361, 2.4032145, 3.3787801, 4.471506]],
                      [[-1.7720673, -1.633898, -1.4194586, -1.1265235],
                       [-0.7529998, -0.29690886, 0.24362612, 0.87039185],
                       [1.5850959, 2.3893733, 3.2847958, 4.2728724]]], "float32")


def test_layer_normalization_matches_keras_in_training_and_inference():
    layer = LayerNormalization(epsilon=0.01)
    layer.build((None, 3))
    layer.set_weights([np.array([1.5, 0.5, 2.0]), np.array([0.1, -0.2, 0.3])])
    np.testing.assert_allclose(layer(X, training=True), KERAS_LN, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer(X, training=False), KERAS_LN, rtol=1e-5, atol=1e-6)


def test_layer_normalization_over_two_axes_matches_keras():
    x3 = (np.arange(24, dtype="float32").reshape(2, 3, 4) ** 1.3 / 10).astype("float32")
    layer = LayerNormalization(axis=[1, 2], epsilon=0.001)
    layer.build((None, 3, 4))
    layer.set_weights([np.linspace(0.5, 2.0, 12).reshape(3, 4),
                       np.linspace(-1, 1, 12).reshape(3, 4)])
    np.testing.assert_allclose(layer(x3), KERAS_LN2, rtol=1e-5, atol=1e-5)


def test_layer_normalization_matches_numpy_formula():
    x = np.random.default_rng(0).normal(size=(5, 6)) * 2 + 3
    layer = LayerNormalization(dtype="float64")
    layer.build((None, 6))
    g, b = np.linspace(0.5, 2, 6), np.linspace(-1, 1, 6)
    layer.set_weights([g, b])
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    np.testing.assert_allclose(layer(x), g * (x - mean) / np.sqrt(var + 1e-3) + b, rtol=1e-12)


def test_layer_normalization_middle_axis_matches_numpy_formula():
    x = np.random.default_rng(1).normal(size=(2, 5, 3))
    layer = LayerNormalization(axis=1, dtype="float64")
    layer.build((None, 5, 3))
    g, b = np.linspace(0.5, 2, 5), np.linspace(-1, 1, 5)
    layer.set_weights([g, b])
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    expected = g[:, None] * (x - mean) / np.sqrt(var + 1e-3) + b[:, None]
    np.testing.assert_allclose(layer(x), expected, rtol=1e-12)


def test_layer_normalization_backward_matches_finite_differences():
    x = np.random.default_rng(2).normal(size=(4, 5))
    layer = LayerNormalization(dtype="float64")
    layer.build((None, 5))
    layer.set_weights([np.linspace(0.5, 2, 5), np.linspace(-1, 1, 5)])
    check_layer(layer, x)


def test_layer_normalization_backward_middle_axis_matches_finite_differences():
    x = np.random.default_rng(3).normal(size=(2, 4, 3))
    layer = LayerNormalization(axis=1, dtype="float64")
    layer.build((None, 4, 3))
    layer.set_weights([np.linspace(0.5, 2, 4), np.linspace(-1, 1, 4)])
    check_layer(layer, x)


def test_layer_normalization_rms_scaling_warns_and_matches_formula_and_gradients():
    x = np.random.default_rng(4).normal(size=(3, 5)) + 0.5
    with pytest.warns(UserWarning, match="rms_scaling"):
        layer = LayerNormalization(rms_scaling=True, dtype="float64")
    layer.build((None, 5))
    assert [w.name for w in layer.weights] == ["gamma"]
    g = np.linspace(0.5, 2, 5)
    layer.set_weights([g])
    expected = x / np.sqrt(x.var(1, keepdims=True) + 1e-3) * g
    np.testing.assert_allclose(layer(x), expected, rtol=1e-12)
    check_layer(layer, x)


def test_layer_normalization_defaults_name_and_config():
    clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer = LayerNormalization()
    assert layer.name == "layer_normalization"
    assert layer.epsilon == 1e-3
    layer.build((None, 4))
    config = layer.get_config()
    assert config["axis"] == [-1]          # Keras 3.15.1 after build
    assert set(config) == {"name", "trainable", "dtype", "axis", "epsilon", "center", "scale",
                           "rms_scaling", "beta_initializer", "gamma_initializer",
                           "beta_regularizer", "gamma_regularizer", "beta_constraint",
                           "gamma_constraint"}
    assert layer.count_params() == 8


def test_layer_normalization_rejects_bad_axis():
    with pytest.raises(TypeError, match="axis"):
        LayerNormalization(axis="last")
    layer = LayerNormalization(axis=3)
    with pytest.raises(ValueError, match="out of bounds"):
        layer.build((None, 4))
