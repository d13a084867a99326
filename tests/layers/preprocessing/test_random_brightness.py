"""RandomBrightness: x + delta * (high - low), clipped to value_range."""
import numpy as np
import pytest

from nnlite import layers


def _images():
    return (np.random.RandomState(5).rand(4, 3, 3, 3) * 255).astype("float32")


def test_random_brightness_fixed_delta_adds_fraction_of_range_and_clips():
    x = _images()
    out = layers.RandomBrightness((0.1, 0.1))(x, training=True).numpy()
    np.testing.assert_allclose(out, np.clip(x.astype(np.float64) + 25.5, 0, 255), rtol=1e-6)


def test_random_brightness_negative_delta_on_unit_range_clips_at_low():
    x = _images() / 255.0
    out = layers.RandomBrightness((-0.3, -0.3), value_range=(0, 1))(x, training=True).numpy()
    np.testing.assert_allclose(out, np.clip(x - 0.3, 0, 1), atol=1e-6)


def test_random_brightness_one_delta_per_image():
    x = np.full((64, 2, 2, 3), 100.0, "float32")
    out = layers.RandomBrightness(0.2, seed=1)(x, training=True).numpy()
    per_image = out.reshape(64, -1)
    assert np.all(per_image.max(axis=1) == per_image.min(axis=1))
    assert len(np.unique(per_image[:, 0])) == 64
    assert per_image.min() >= 100 - 51 and per_image.max() < 100 + 51


def test_random_brightness_is_identity_at_inference():
    x = _images()
    np.testing.assert_array_equal(layers.RandomBrightness(0.5)(x, training=False).numpy(), x)


def test_random_brightness_value_range_is_sorted():
    assert layers.RandomBrightness(0.1, value_range=(255, 0)).value_range == [0, 255]


@pytest.mark.parametrize("factor", [1.5, (2.0, 3.0), "big"])
def test_random_brightness_bad_factor_raises(factor):
    with pytest.raises(ValueError, match="factor"):
        layers.RandomBrightness(factor)


def test_random_brightness_bad_value_range_raises():
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomBrightness(0.1, value_range=(0, 1, 2))
