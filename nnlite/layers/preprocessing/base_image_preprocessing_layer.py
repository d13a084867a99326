"""The base of the image preprocessing layers: layout, rank checks, the
training switch, seeded draws and Keras's factor arguments."""
import numbers

import numpy as np

from nnlite import random as nl_random
from nnlite.layers.layer import Layer
from nnlite.ops import image as image_ops
from nnlite.ops.core import cast


class UnsupportedArgumentError(NotImplementedError, ValueError):
    """An unknown `fill_mode` or `interpolation`: Keras raises
    NotImplementedError; this is also a ValueError, as nnlite's argument errors are."""


class BaseImagePreprocessingLayer(Layer):
    """A weightless layer on a batch of images `(N, H, W, C)` or one image
    `(H, W, C)` (`(N, C, H, W)` / `(C, H, W)` with `data_format="channels_first"`).

    Subclasses that augment define `augment(images)` (training) and, when the
    layer is not the identity at inference, `infer(images)`. Random layers
    split `augment` as Keras does: `get_random_transformation(images)` draws
    one transform per image (NumPy arrays) and `transform_images(images,
    transformation)` applies it, so a fixed transform can be applied directly. As in Keras,
    `call`'s `training` defaults to True, so a direct `layer(x)` augments,
    while `fit` trains with `training=True` and `predict`/`evaluate` call with
    `training=False`. Random layers draw from their own `SeedGenerator(seed)`:
    the same seed gives the same sequence of augmentations.

    Args:
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format (`"channels_last"`).
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = image_ops.standardize_data_format(data_format)

    # -- layout --------------------------------------------------------------
    def _check_rank(self, shape):
        if len(shape) not in (3, 4):
            raise ValueError("Expected image tensor to have rank 3 (single image) or 4 "
                             "(batch of images). Received: data.shape=%s" % (tuple(shape),))

    def _spatial_axes(self, ndim):
        """(height axis, width axis) of a rank-`ndim` input."""
        return (ndim - 2, ndim - 1) if self.data_format == "channels_first" else \
            (ndim - 3, ndim - 2)

    def _height_width(self, shape):
        h_axis, w_axis = self._spatial_axes(len(shape))
        return int(shape[h_axis]), int(shape[w_axis])

    @staticmethod
    def _batch_size(shape):
        return int(shape[0]) if len(shape) == 4 else 1

    # -- randomness ----------------------------------------------------------
    def _init_seed(self, seed):
        """Keras's `self.seed` and `self.generator = SeedGenerator(seed)`."""
        self.seed = seed
        self.generator = nl_random.SeedGenerator(seed)

    def _uniform(self, shape, minval, maxval):
        """Float32 NumPy values on `[minval, maxval)` from the layer's generator."""
        return np.asarray(nl_random.uniform(shape, minval, maxval, dtype="float32",
                                            seed=self.generator))

    # -- call ------------------------------------------------------------------
    def call(self, inputs, training=True):
        self._check_rank(inputs.shape)
        if training:
            return self.augment(inputs)
        return self.infer(inputs)

    def augment(self, images):
        return self.transform_images(images, self.get_random_transformation(images))

    def get_random_transformation(self, images):
        return None

    def transform_images(self, images, transformation):
        return images

    def _float_images(self, images):
        """`images` in the layer's float dtype (Keras casts to the compute dtype)."""
        if images.dtype != np.dtype(self.dtype):
            return cast(images, self.dtype)
        return images

    def infer(self, images):
        return images

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    # -- config ------------------------------------------------------------------
    def get_build_config(self):
        """Keras writes the input shape these layers were built for."""
        shape = getattr(self, "_build_input_shape", None)
        if shape is None:
            return None
        return {"input_shape": list(shape)}

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


def _is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def parse_factor(factor, bounds, name="factor"):
    """Keras's base `factor`: a number `f` gives `(max(-|f|, low), |f|)`, a pair
    gives itself sorted; the number must lie in `bounds`, and a pair must
    overlap them (Keras's check). Returns `(lower, upper)`."""
    low, high = bounds
    message = ("The `%s` argument should be a number (or a list of two numbers) in the range "
               "[%s, %s]. Received: %s=%r" % (name, low, high, name, factor))
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(_is_number(f) for f in factor):
            raise ValueError(message)
        if factor[0] > high or factor[1] < low:
            raise ValueError(message)
        lower, upper = sorted(factor)
        return lower, upper
    if _is_number(factor):
        if factor < low or factor > high:
            raise ValueError(message)
        factor = abs(factor)
        return max(-factor, low), factor
    raise ValueError(message)


def parse_axis_factor(factor, name, low_open, error):
    """RandomZoom's and RandomTranslation's `height_factor` / `width_factor`:
    a number `f` gives `(-|f|, |f|)`, a pair itself sorted; every number must
    lie in `(-1, 1]` (`low_open`) or `[-1, 1]`."""
    def check(v):
        if not _is_number(v) or v > 1.0 or (v <= -1.0 if low_open else v < -1.0):
            raise ValueError(error + "Received: %s=%r" % (name, factor))
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(error + "Received: %s=%r" % (name, factor))
        check(factor[0])
        check(factor[1])
        lower, upper = sorted(factor)
        return lower, upper
    check(factor)
    return -abs(factor), abs(factor)


def check_fill_and_interpolation(fill_mode, interpolation, fill_value=0.0):
    """RandomRotation/Zoom/Translation's checks, with Keras's messages (and a
    check Keras lacks: `fill_value` must be a number)."""
    if not _is_number(fill_value):
        raise ValueError("`fill_value` must be a number. Received: fill_value=%r"
                         % (fill_value,))
    if fill_mode not in image_ops.AFFINE_TRANSFORM_FILL_MODES:
        raise UnsupportedArgumentError(
            "Unknown `fill_mode` %s. Expected of one %s. Received: fill_mode=%r"
            % (fill_mode, ("reflect", "wrap", "constant", "nearest"), fill_mode))
    if interpolation not in image_ops.AFFINE_TRANSFORM_INTERPOLATIONS:
        raise UnsupportedArgumentError(
            "Unknown `interpolation` %s. Expected of one %s. Received: interpolation=%r"
            % (interpolation, image_ops.AFFINE_TRANSFORM_INTERPOLATIONS, interpolation))


def check_choice(value, choices, name, cls_name):
    if value not in choices:
        raise ValueError("%s: unknown `%s` %r. Expected one of %s."
                         % (cls_name, name, value, choices))
    return value


def check_size(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError("`%s` must be a positive integer. Received: %s=%r"
                         % (name, name, value))
    return int(value)


def check_value_range(value_range):
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2 or \
            not all(_is_number(v) for v in value_range):
        raise ValueError("The `value_range` argument should be a list of two numbers. "
                         "Received: value_range=%r" % (value_range,))
    return value_range


def affine_matrix(angle, translate_x, translate_y, scale, height, width):
    """Keras's `_compute_affine_matrix` with the centre at the image centre
    and no shear, in float32: rows `[a0, a1, a2, b0, b1, b2, 0, 0]` mapping
    output pixels to input pixels for a rotation by `angle` degrees
    (counter-clockwise on screen for positive angles), scaling and shift.
    Arguments are arrays of one value per image."""
    f32 = np.float32
    theta = np.asarray(angle, f32) * f32(np.pi / 180.0)
    cx = f32(0.5) * (f32(width) - f32(1))
    cy = f32(0.5) * (f32(height) - f32(1))
    cos, sin = np.cos(theta), np.sin(theta)
    scale = np.asarray(scale, f32)
    a0, a1 = scale * cos, scale * -sin
    b0, b1 = scale * sin, scale * cos
    a2 = np.asarray(translate_x, f32) + cx - cx * a0 - cy * a1
    b2 = np.asarray(translate_y, f32) + cy - cx * b0 - cy * b1
    zeros = np.zeros_like(a0)
    return np.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1).astype(f32)
