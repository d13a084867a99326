"""LeakyReLU, ReLU, ELU, PReLU and Softmax layers against NumPy float64 formulas
and finite differences."""
import numpy as np
import pytest

from layer_gradcheck import check_layer
from nnlite.backend.naming import clear_session
from nnlite.initializers import Constant
from nnlite.layers import ELU, LeakyReLU, PReLU, ReLU, Softmax

# keep inputs away from the kinks so central differences are exact
X = np.array([[-2.5, -0.7, 0.3, 1.9], [0.8, -1.3, 2.6, -0.2], [7.5, 5.2, -4.1, 0.45]])


def test_leaky_relu_default_slope_is_0_3():
    np.testing.assert_allclose(LeakyReLU(dtype="float64")(X), np.where(X > 0, X, 0.3 * X))


def test_leaky_relu_alpha_is_deprecated_like_keras():
    with pytest.warns(UserWarning, match="Argument `alpha` is deprecated"):
        layer = LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1
    assert "alpha" not in layer.get_config()


def test_leaky_relu_rejects_negative_slope():
    with pytest.raises(ValueError, match="negative_slope"):
        LeakyReLU(-0.1)


def test_leaky_relu_backward_matches_finite_differences():
    check_layer(LeakyReLU(0.2, dtype="float64"), X.copy())


def test_relu_default_matches_numpy():
    np.testing.assert_allclose(ReLU(dtype="float64")(X), np.maximum(X, 0))


def test_relu_general_form_matches_keras_definition():
    layer = ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5, dtype="float64")
    # Keras: x where x > threshold (else 0), capped at max_value, minus
    # negative_slope * relu(threshold - x)
    expected = np.minimum(np.where(X > 0.5, X, 0), 6.0) - 0.1 * np.maximum(0.5 - X, 0)
    np.testing.assert_allclose(layer(X), expected, rtol=1e-12)


@pytest.mark.parametrize("kwargs", [{}, {"negative_slope": 0.1}, {"max_value": 6.0},
                                    {"max_value": 6.0, "negative_slope": 0.1, "threshold": 0.5}])
def test_relu_backward_matches_finite_differences(kwargs):
    check_layer(ReLU(dtype="float64", **kwargs), X.copy())


@pytest.mark.parametrize("kwargs", [{"max_value": -1}, {"negative_slope": -1},
                                    {"threshold": -1}])
def test_relu_rejects_negative_arguments(kwargs):
    with pytest.raises(ValueError, match=list(kwargs)[0]):
        ReLU(**kwargs)


def test_elu_matches_numpy_and_finite_differences():
    layer = ELU(alpha=0.7, dtype="float64")
    np.testing.assert_allclose(layer(X), np.where(X > 0, X, 0.7 * np.expm1(X)), rtol=1e-12)
    check_layer(layer, X.copy())


def test_prelu_matches_numpy_with_per_feature_slopes():
    layer = PReLU(dtype="float64")
    layer.build((None, 4))
    alpha = np.array([0.1, 0.2, -0.3, 0.4])
    layer.set_weights([alpha])
    np.testing.assert_allclose(layer(X), np.where(X > 0, X, alpha * X))


def test_prelu_alpha_starts_at_zero_and_is_trainable():
    layer = PReLU()
    layer.build((None, 3, 4))
    assert layer.alpha.shape == (3, 4)
    np.testing.assert_array_equal(layer.alpha.numpy(), 0)
    assert [w.name for w in layer.trainable_weights] == ["alpha"]


def test_prelu_backward_matches_finite_differences():
    layer = PReLU(alpha_initializer=Constant(0.25), dtype="float64")
    layer.build((None, 4))
    layer.set_weights([np.array([0.1, 0.2, -0.3, 0.4])])
    check_layer(layer, X.copy())


def test_prelu_shared_axes_share_one_slope_and_gradients_sum():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)) + 0.05
    layer = PReLU(shared_axes=[1], dtype="float64")
    layer.build((None, 3, 4))
    assert layer.alpha.shape == (1, 4)
    layer.set_weights([np.array([[0.1, 0.2, 0.3, 0.4]])])
    np.testing.assert_allclose(layer(x), np.where(x > 0, x, layer.alpha.numpy() * x))
    check_layer(layer, x)


def test_softmax_matches_numpy_and_finite_differences():
    layer = Softmax(dtype="float64")
    e = np.exp(X - X.max(1, keepdims=True))
    np.testing.assert_allclose(layer(X), e / e.sum(1, keepdims=True), rtol=1e-12)
    check_layer(layer, X.copy())


def test_softmax_over_axis_1_of_3d_input():
    x = np.random.default_rng(1).normal(size=(2, 3, 4))
    layer = Softmax(axis=1, dtype="float64")
    e = np.exp(x)
    np.testing.assert_allclose(layer(x), e / e.sum(1, keepdims=True), rtol=1e-12)
    check_layer(layer, x)


def test_activation_layer_default_names_and_configs():
    clear_session()
    layers = [LeakyReLU(), ReLU(), ELU(), PReLU(), Softmax()]
    assert [l.name for l in layers] == ["leaky_re_lu", "re_lu", "elu", "p_re_lu", "softmax"]
    # the extra keys of each layer's get_config() in Keras 3.15.1
    assert layers[0].get_config()["negative_slope"] == 0.3
    assert {k: layers[1].get_config()[k] for k in ("max_value", "negative_slope", "threshold")} \
        == {"max_value": None, "negative_slope": 0.0, "threshold": 0.0}
    assert layers[2].get_config()["alpha"] == 1.0
    prelu = layers[3].get_config()
    assert prelu["alpha_initializer"]["class_name"] == "Zeros"
    assert prelu["alpha_regularizer"] is None and prelu["shared_axes"] is None
    assert layers[4].get_config()["axis"] == -1
    for layer in layers[:3] + layers[4:]:
        assert layer.count_params() == 0
        type(layer).from_config(layer.get_config())
