"""RandomTranslation: shifts each image by a random offset during training."""
import numpy as np

from nnlite.layers.preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer, check_fill_and_interpolation, parse_axis_factor)
from nnlite.ops import image as image_ops

_FACTOR_ERROR = ("The `factor` argument should be a number (or a list of two numbers) in the "
                 "range [-1.0, 1.0]. ")


def translation_matrix(dx, dy):
    """Keras's translation transforms `[1, 0, -dx, 0, 1, -dy, 0, 0]` (float32):
    the output pixel `(x, y)` reads the input at `(x - dx, y - dy)`."""
    dx = np.asarray(dx, np.float32).reshape(-1)
    dy = np.asarray(dy, np.float32).reshape(-1)
    ones, zeros = np.ones_like(dx), np.zeros_like(dx)
    return np.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)


class RandomTranslation(BaseImagePreprocessingLayer):
    """Randomly translates images during training; the identity at inference.

    Each image is shifted down by `dy = u * H` and right by `dx = v * W`
    pixels, `u` drawn on `[height_lower, height_upper)` and `v` on
    `[width_lower, width_upper)`; the uncovered border is filled by `fill_mode`.

    Args:
        height_factor: A float `f`, giving `[-f, f]`, or a pair
            `(lower, upper)`, in `[-1, 1]` (fractions of the height; negative
            shifts up).
        width_factor: Same for the width (negative shifts left).
        fill_mode: `"reflect"`, `"wrap"`, `"constant"` or `"nearest"`.
            Defaults to `"reflect"`.
        interpolation: `"bilinear"` or `"nearest"`. Defaults to `"bilinear"`.
        seed: Integer seed. Defaults to `None`.
        fill_value: The value outside the image with `fill_mode="constant"`.
            Defaults to `0.0`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format (`"channels_last"`).

    Input shape: `(N, H, W, C)` or `(H, W, C)` (channels last).
    Output shape: the input's.

    Example:

    >>> RandomTranslation(0.1, 0.1, seed=1)(images)    # shifted by up to 10%
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = parse_axis_factor(
            height_factor, "height_factor", False, _FACTOR_ERROR)
        self.width_factor = width_factor
        self.width_lower, self.width_upper = parse_axis_factor(
            width_factor, "width_factor", False, _FACTOR_ERROR)
        check_fill_and_interpolation(fill_mode, interpolation, fill_value)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self._init_seed(seed)

    def get_random_transformation(self, images):
        """`{"translations": (N, 2)}`: `(dx, dy)` in pixels, drawn height first."""
        shape = tuple(images.shape)
        n = self._batch_size(shape)
        height, width = self._height_width(shape)
        dy = self._uniform((n,), self.height_lower, self.height_upper) * np.float32(height)
        dx = self._uniform((n,), self.width_lower, self.width_upper) * np.float32(width)
        return {"translations": np.stack([dx, dy], axis=1).astype(np.float32)}

    def transform_images(self, images, transformation):
        images = self._float_images(images)
        if transformation is None:
            return images
        t = np.asarray(transformation["translations"], np.float32).reshape(-1, 2)
        return image_ops.affine_transform(images, translation_matrix(t[:, 0], t[:, 1]),
                                          interpolation=self.interpolation,
                                          fill_mode=self.fill_mode,
                                          fill_value=self.fill_value,
                                          data_format=self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor,
                       "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                       "seed": self.seed, "fill_value": self.fill_value})
        return config
