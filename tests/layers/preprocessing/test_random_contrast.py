"""RandomContrast: Keras's formula, per image and channel, clipped to value_range."""
import numpy as np
import pytest

from nnlite import layers


def _contrast_reference(x, c, value_range):
    """(x - mean) * c + mean per image and channel (float64), clipped."""
    mean = x.astype(np.float64).mean(axis=(1, 2), keepdims=True)
    out = (x - mean) * np.asarray(c, np.float64).reshape(-1, 1, 1, 1) + mean
    return np.clip(out, *value_range)


def _images():
    return (np.random.RandomState(4).rand(3, 4, 5, 3) * 255).astype("float32")


def test_random_contrast_fixed_factor_equals_formula():
    x = _images()
    out = layers.RandomContrast((-0.5, 0.5))(x, training=True).numpy()   # c = 1.5 exactly
    np.testing.assert_allclose(out, _contrast_reference(x, [1.5] * 3, (0, 255)), rtol=1e-5,
                               atol=1e-3)


def test_random_contrast_given_factors_apply_per_image():
    x = _images() / 255.0
    layer = layers.RandomContrast(0.5, value_range=(0, 1))
    c = np.array([0.5, 1.0, 1.4], "float32")
    out = layer.transform_images(layer(x, training=False), {"contrast_factor": c}).numpy()
    np.testing.assert_allclose(out, _contrast_reference(x, c, (0, 1)), rtol=1e-5, atol=1e-6)


def test_random_contrast_number_factor_draws_in_one_to_one_plus_factor_as_keras():
    layer = layers.RandomContrast(0.3, seed=2)
    assert layer.factor == (0, 0.3)
    c = layer.get_random_transformation(np.zeros((300, 2, 2, 1)))["contrast_factor"]
    assert c.min() >= 1.0 and c.max() < 1.3


def test_random_contrast_pair_factor_draws_in_one_minus_lower_to_one_plus_upper():
    layer = layers.RandomContrast((0.2, 0.2), seed=2)
    c = layer.get_random_transformation(np.zeros((300, 2, 2, 1)))["contrast_factor"]
    assert c.min() >= 0.8 and c.max() < 1.2 and c.min() < 0.9


def test_random_contrast_is_identity_at_inference():
    x = _images()
    np.testing.assert_array_equal(layers.RandomContrast(0.5)(x, training=False).numpy(), x)


def test_random_contrast_channels_first_uses_the_last_two_axes_for_the_mean():
    x = _images()
    xt = np.transpose(x, (0, 3, 1, 2))
    out = layers.RandomContrast((-0.5, 0.5), data_format="channels_first")(
        xt, training=True).numpy()
    expected = _contrast_reference(x, [1.5] * 3, (0, 255))
    np.testing.assert_allclose(np.transpose(out, (0, 2, 3, 1)), expected, rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("factor", [1.5, -0.2, (2.0, 3.0), None])
def test_random_contrast_bad_factor_raises(factor):
    with pytest.raises(ValueError, match="factor"):
        layers.RandomContrast(factor)
