"""RandomRotation: a fixed quarter turn is np.rot90; any angle against a scalar reference."""
import math

import numpy as np
import pytest

from nnlite import layers


def _square(n=2, size=5, c=2):
    return np.random.RandomState(1).rand(n, size, size, c).astype("float32")


def test_random_rotation_quarter_turn_equals_rot90():
    x = _square()
    out = layers.RandomRotation((0.25, 0.25))(x, training=True).numpy()
    np.testing.assert_allclose(out, np.rot90(x, 1, axes=(1, 2)), atol=1e-5)


def test_random_rotation_negative_quarter_turn_on_even_size_equals_rot90_clockwise():
    x = _square(size=6)
    out = layers.RandomRotation((-0.25, -0.25), interpolation="nearest")(
        x, training=True).numpy()
    np.testing.assert_array_equal(out, np.rot90(x, -1, axes=(1, 2)))


def _rotate_reference(img, degrees, fill):
    """Scalar float64 bilinear rotation about the centre, constant fill."""
    h, w, c = img.shape
    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    t = math.radians(degrees)
    out = np.empty((h, w, c))
    for y in range(h):
        for x in range(w):
            sx = cx + math.cos(t) * (x - cx) - math.sin(t) * (y - cy)
            sy = cy + math.sin(t) * (x - cx) + math.cos(t) * (y - cy)
            x0, y0 = math.floor(sx), math.floor(sy)
            acc = np.zeros(c)
            for yy, wy in ((y0, 1 - (sy - y0)), (y0 + 1, sy - y0)):
                for xx, wx in ((x0, 1 - (sx - x0)), (x0 + 1, sx - x0)):
                    inside = 0 <= yy < h and 0 <= xx < w
                    acc += wy * wx * (img[yy, xx] if inside else fill)
            out[y, x] = acc
    return out


def test_random_rotation_fixed_angle_matches_scalar_bilinear_reference():
    x = _square(1, 7, 1)
    layer = layers.RandomRotation((30 / 360, 30 / 360), fill_mode="constant", fill_value=0.5)
    out = layer(x, training=True).numpy()
    np.testing.assert_allclose(out[0], _rotate_reference(x[0], 30.0, 0.5), atol=1e-4)


def test_random_rotation_angles_lie_in_factor_range():
    layer = layers.RandomRotation((-0.1, 0.2), seed=4)
    angle = layer.get_random_transformation(np.zeros((500, 4, 4, 1)))["angle"]
    assert angle.min() >= -36.0 and angle.max() < 72.0 and angle.std() > 10


def test_random_rotation_is_identity_at_inference():
    x = _square()
    np.testing.assert_array_equal(layers.RandomRotation(0.3)(x, training=False).numpy(), x)


def test_random_rotation_single_image_quarter_turn():
    x = _square()[0]
    out = layers.RandomRotation((0.25, 0.25))(x, training=True).numpy()
    np.testing.assert_allclose(out, np.rot90(x, 1, axes=(0, 1)), atol=1e-5)


def test_random_rotation_number_factor_gives_symmetric_range():
    assert layers.RandomRotation(0.2).factor == (-0.2, 0.2)


@pytest.mark.parametrize("factor", [1.5, (2, 3), "x", (0.1,)])
def test_random_rotation_bad_factor_raises(factor):
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation(factor)


def test_random_rotation_unknown_fill_mode_raises_value_and_not_implemented_error():
    with pytest.raises(ValueError, match="fill_mode='mirror'"):
        layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(NotImplementedError):
        layers.RandomRotation(0.1, fill_mode="mirror")


def test_random_rotation_unknown_interpolation_raises():
    with pytest.raises(ValueError, match="interpolation='bicubic'"):
        layers.RandomRotation(0.1, interpolation="bicubic")


def test_random_rotation_non_numeric_fill_value_raises():
    with pytest.raises(ValueError, match="fill_value='white'"):
        layers.RandomRotation(0.1, fill_mode="constant", fill_value="white")
