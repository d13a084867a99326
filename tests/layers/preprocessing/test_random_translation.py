"""RandomTranslation: exact pixel shifts equal a padded-and-sliced array."""
import numpy as np
import pytest

from nnlite import layers

# np.pad mode of each fill mode: reflect dcba|abcd, wrap abcd|abcd, nearest aaaa|abcd
PAD_MODES = {"reflect": "symmetric", "wrap": "wrap", "nearest": "edge", "constant": "constant"}


def _shifted(x, dy, dx, fill_mode, fill_value=0.0):
    """Each image shifted down by dy and right by dx (integers), border by the fill rule."""
    n, h, w, c = x.shape
    py, px = abs(dy), abs(dx)
    kwargs = {"constant_values": fill_value} if fill_mode == "constant" else {}
    padded = np.pad(x, ((0, 0), (py, py), (px, px), (0, 0)), mode=PAD_MODES[fill_mode],
                    **kwargs)
    return padded[:, py - dy:py - dy + h, px - dx:px - dx + w]


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "nearest", "constant"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_random_translation_exact_shift_equals_shifted_array(fill_mode, interpolation):
    x = np.random.RandomState(2).rand(3, 8, 8, 2).astype("float32")
    layer = layers.RandomTranslation((0.25, 0.25), (-0.375, -0.375), fill_mode=fill_mode,
                                     interpolation=interpolation, fill_value=-1.0)
    out = layer(x, training=True).numpy()
    np.testing.assert_allclose(out, _shifted(x, 2, -3, fill_mode, -1.0), atol=1e-6)


def test_random_translation_is_identity_at_inference():
    x = np.random.RandomState(2).rand(2, 8, 8, 1).astype("float32")
    out = layers.RandomTranslation(0.2, 0.2)(x, training=False).numpy()
    np.testing.assert_array_equal(out, x)


def test_random_translation_offsets_are_fractions_of_the_size():
    layer = layers.RandomTranslation((0.0, 0.5), (-0.25, 0.0), seed=1)
    t = layer.get_random_transformation(np.zeros((400, 8, 16, 1)))["translations"]
    dx, dy = t[:, 0], t[:, 1]
    assert dy.min() >= 0 and dy.max() < 4 and dx.min() >= -4 and dx.max() <= 0


def test_random_translation_bad_factor_raises():
    with pytest.raises(ValueError, match="width_factor"):
        layers.RandomTranslation(0.1, 1.5)


def test_random_translation_unknown_fill_mode_raises():
    with pytest.raises(ValueError, match="fill_mode"):
        layers.RandomTranslation(0.1, 0.1, fill_mode="zeros")
