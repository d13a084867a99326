"""RandomCrop: a window of the input in training, smart_resize at inference."""
import numpy as np
import pytest

from nnlite import layers


def _images(n=4, h=8, w=10, c=2):
    return np.random.RandomState(6).rand(n, h, w, c).astype("float32")


def _window_starts(out, x):
    """Every (top, left) where out is the window x[top:top+h, left:left+w]."""
    h, w = out.shape[:2]
    return [(t, l) for t in range(x.shape[0] - h + 1) for l in range(x.shape[1] - w + 1)
            if np.array_equal(x[t:t + h, l:l + w], out)]


def test_random_crop_training_output_is_a_window_shared_by_the_batch():
    x = _images()
    out = layers.RandomCrop(5, 6, seed=2)(x, training=True).numpy()
    assert out.shape == (4, 5, 6, 2)
    starts = [_window_starts(o, a) for o, a in zip(out, x)]
    assert all(s == starts[0] and len(s) == 1 for s in starts)


def test_random_crop_windows_vary_between_calls():
    x = _images()
    layer = layers.RandomCrop(3, 3, seed=2)
    starts = {_window_starts(layer(x, training=True).numpy()[0], x[0])[0] for _ in range(20)}
    assert len(starts) > 3


def test_random_crop_inference_is_centred_aspect_crop_resized():
    x = _images(h=8, w=12)
    out = layers.RandomCrop(4, 4)(x, training=False).numpy()
    # the centred 8x8 window (columns 2..9), halved: bilinear at half-pixel
    # centres reads 2o + 0.5, the mean of each 2x2 block
    window = x[:, :, 2:10].astype(np.float64)
    expected = window.reshape(4, 4, 2, 4, 2, 2).mean(axis=(2, 4))
    np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_random_crop_training_on_smaller_image_resizes_to_target():
    x = _images(h=3, w=3)
    out = layers.RandomCrop(6, 6)(x, training=True).numpy()
    assert out.shape == (4, 6, 6, 2)


def test_random_crop_training_equal_height_takes_centred_columns():
    x = _images(h=8, w=12)
    out = layers.RandomCrop(8, 8)(x, training=True).numpy()
    np.testing.assert_array_equal(out, x[:, :, 2:10])


def test_random_crop_compute_output_shape():
    assert layers.RandomCrop(5, 6).compute_output_shape((None, 8, 10, 3)) == (None, 5, 6, 3)
    layer = layers.RandomCrop(5, 6, data_format="channels_first")
    assert layer.compute_output_shape((None, 3, 8, 10)) == (None, 3, 5, 6)


def test_random_crop_single_image_channels_first():
    x = np.transpose(_images()[0], (2, 0, 1))
    out = layers.RandomCrop(5, 6, seed=1, data_format="channels_first")(x, training=True)
    assert out.shape == (2, 5, 6)
    assert _window_starts(np.transpose(out.numpy(), (1, 2, 0)), np.transpose(x, (1, 2, 0)))


def test_random_crop_config_holds_a_drawn_seed_when_none_given():
    seed = layers.RandomCrop(2, 2).get_config()["seed"]
    assert isinstance(seed, int)


@pytest.mark.parametrize("kwargs", [{"height": 0, "width": 2}, {"height": 2, "width": 2.5}])
def test_random_crop_bad_size_raises(kwargs):
    with pytest.raises(ValueError, match="height|width"):
        layers.RandomCrop(**kwargs)
