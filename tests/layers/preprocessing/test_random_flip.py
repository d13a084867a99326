"""RandomFlip: each image unchanged or mirrored, as Keras's per-image draw."""
import numpy as np
import pytest

from nnlite import layers


def _images(n=16, h=3, w=4, c=2):
    return np.random.RandomState(0).rand(n, h, w, c).astype("float32")


def _kinds(out, x, flipped):
    kinds = []
    for o, a, f in zip(out, x, flipped):
        if np.array_equal(o, a):
            kinds.append("same")
        elif np.array_equal(o, f):
            kinds.append("flipped")
        else:
            kinds.append("other")
    return kinds


def test_random_flip_horizontal_each_image_unchanged_or_mirrored_and_both_occur():
    x = _images()
    out = layers.RandomFlip("horizontal", seed=3)(x, training=True).numpy()
    kinds = _kinds(out, x, x[:, :, ::-1])
    assert set(kinds) == {"same", "flipped"}


def test_random_flip_vertical_each_image_unchanged_or_flipped_top_bottom():
    x = _images()
    out = layers.RandomFlip("vertical", seed=3)(x, training=True).numpy()
    assert set(_kinds(out, x, x[:, ::-1])) == {"same", "flipped"}


def test_random_flip_both_axes_flips_both_with_one_draw_as_keras():
    x = _images()
    out = layers.RandomFlip(seed=3)(x, training=True).numpy()
    assert set(_kinds(out, x, x[:, ::-1, ::-1])) == {"same", "flipped"}


def test_random_flip_is_identity_at_inference():
    x = _images()
    np.testing.assert_array_equal(layers.RandomFlip(seed=1)(x, training=False).numpy(), x)


def test_random_flip_single_image_is_unchanged_or_mirrored():
    x = _images(1)[0]
    layer = layers.RandomFlip("horizontal", seed=0)
    outs = [layer(x, training=True).numpy() for _ in range(12)]
    kinds = _kinds(outs, [x] * 12, [x[:, ::-1]] * 12)
    assert set(kinds) == {"same", "flipped"}


def test_random_flip_channels_first_mirrors_the_last_axis():
    x = _images()
    xt = np.transpose(x, (0, 3, 1, 2))
    out = layers.RandomFlip("horizontal", seed=3, data_format="channels_first")(
        xt, training=True).numpy()
    assert set(_kinds(out, xt, xt[..., ::-1])) == {"same", "flipped"}


def test_random_flip_transform_images_applies_given_flips():
    x = _images(3)
    layer = layers.RandomFlip("horizontal")
    out = layer.transform_images(layers.RandomFlip()(x, training=False),
                                 {"flips": np.array([True, False, True])}).numpy()
    np.testing.assert_array_equal(out, np.stack([x[0, :, ::-1], x[1], x[2, :, ::-1]]))


def test_random_flip_unknown_mode_raises():
    with pytest.raises(ValueError, match="mode='diagonal'"):
        layers.RandomFlip("diagonal")
