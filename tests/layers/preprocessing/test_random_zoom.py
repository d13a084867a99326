"""RandomZoom: fixed zooms against a linear image (bilinear is exact on it) and a strided read."""
import numpy as np
import pytest

from nnlite import layers


def _linear_image(h, w):
    yy, xx = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64),
                         indexing="ij")
    return np.stack([3.0 * yy + xx, yy - 2.0 * xx], axis=-1)


def test_random_zoom_in_on_linear_image_equals_scaled_coordinates():
    h, w = 6, 9
    img = _linear_image(h, w)
    layer = layers.RandomZoom((-0.5, -0.5), (-0.25, -0.25))
    out = layer(img[None].astype("float32"), training=True).numpy()[0]
    cy, cx = (h - 1) / 2, (w - 1) / 2
    yy, xx = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    sy, sx = cy + 0.5 * (yy - cy), cx + 0.75 * (xx - cx)
    expected = np.stack([3.0 * sy + sx, sy - 2.0 * sx], axis=-1)
    np.testing.assert_allclose(out, expected, atol=1e-4)


def test_random_zoom_out_by_two_reads_every_other_pixel_with_constant_fill():
    x = np.random.RandomState(3).rand(2, 5, 5, 1).astype("float32")
    out = layers.RandomZoom((1.0, 1.0), fill_mode="constant", fill_value=7.0)(
        x, training=True).numpy()
    expected = np.full_like(x, 7.0)
    # output pixel i reads input 2 * i - 2 (centre 2): inside for i = 1, 2, 3
    expected[:, 1:4, 1:4] = x[:, 0:5:2, 0:5:2]
    np.testing.assert_allclose(out, expected, atol=1e-6)


def test_random_zoom_without_width_factor_keeps_the_aspect_ratio():
    layer = layers.RandomZoom(0.3, seed=2)
    t = layer.get_random_transformation(np.zeros((50, 4, 4, 1)))
    np.testing.assert_array_equal(t["height_zoom"], t["width_zoom"])
    assert t["height_zoom"].min() >= 0.7 and t["height_zoom"].max() < 1.3


def test_random_zoom_with_width_factor_draws_it_separately():
    layer = layers.RandomZoom(0.3, 0.3, seed=2)
    t = layer.get_random_transformation(np.zeros((50, 4, 4, 1)))
    assert not np.array_equal(t["height_zoom"], t["width_zoom"])


def test_random_zoom_is_identity_at_inference():
    x = np.random.RandomState(3).rand(2, 5, 5, 1).astype("float32")
    np.testing.assert_array_equal(layers.RandomZoom(0.5)(x, training=False).numpy(), x)


@pytest.mark.parametrize("kwargs", [{"height_factor": 1.2}, {"height_factor": (-1.5, 0.1)},
                                    {"height_factor": 0.1, "width_factor": (0.1, 0.2, 0.3)}])
def test_random_zoom_bad_factor_raises(kwargs):
    with pytest.raises(ValueError, match="factor"):
        layers.RandomZoom(**kwargs)


def test_random_zoom_unknown_interpolation_raises():
    with pytest.raises(ValueError, match="interpolation"):
        layers.RandomZoom(0.1, interpolation="area")
