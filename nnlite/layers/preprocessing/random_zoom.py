"""RandomZoom: zooms each image in or out by a random amount during training."""
import numpy as np

from nnlite.layers.preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer, check_fill_and_interpolation, parse_axis_factor)
from nnlite.ops import image as image_ops

_FACTOR_ERROR = ("The `height_factor` and `width_factor` arguments should be a number (or a "
                 "list of two numbers) in the range [-1.0, 1.0]. ")


def zoom_matrix(width_zoom, height_zoom, height, width):
    """Keras's zoom transforms `[zx, 0, (W-1)/2 (1-zx), 0, zy, (H-1)/2 (1-zy), 0, 0]`
    (output pixel to input pixel, about the centre), float32, one row per zoom."""
    f32 = np.float32
    zx = np.asarray(width_zoom, f32).reshape(-1)
    zy = np.asarray(height_zoom, f32).reshape(-1)
    x_offset = (f32(width) - f32(1)) / f32(2) * (f32(1) - zx)
    y_offset = (f32(height) - f32(1)) / f32(2) * (f32(1) - zy)
    zeros = np.zeros_like(zx)
    return np.stack([zx, zeros, x_offset, zeros, zy, y_offset, zeros, zeros], axis=1)


class RandomZoom(BaseImagePreprocessingLayer):
    """Randomly zooms images during training; the identity at inference.

    Each image is scaled about its centre: the output pixel `(x, y)` reads the
    input at `(cx + zx (x - cx), cy + zy (y - cy))` with `zy = 1 + u`, `u`
    drawn on `[height_lower, height_upper)` (and `zx` likewise from
    `width_factor`, or `zx = zy` when it is None). A positive factor zooms out
    (the image shrinks, the border is filled by `fill_mode`), a negative one in.

    Args:
        height_factor: A float `f`, giving `[-f, f]`, or a pair
            `(lower, upper)`, in `[-1, 1]`.
        width_factor: Same for the width. Defaults to `None` (keep the aspect
            ratio: the height's zoom).
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

    >>> RandomZoom(0.2, seed=1)(images)     # zoomed by up to 20% in or out
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = parse_axis_factor(
            height_factor, "height_factor", False, _FACTOR_ERROR)
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = parse_axis_factor(
                width_factor, "width_factor", False, _FACTOR_ERROR)
        check_fill_and_interpolation(fill_mode, interpolation, fill_value)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self._init_seed(seed)

    def get_random_transformation(self, images):
        """`{"height_zoom": (N,), "width_zoom": (N,)}`, drawn height first."""
        n = self._batch_size(tuple(images.shape))
        height_zoom = self._uniform((n,), 1.0 + self.height_lower, 1.0 + self.height_upper)
        if self.width_factor is not None:
            width_zoom = self._uniform((n,), 1.0 + self.width_lower, 1.0 + self.width_upper)
        else:
            width_zoom = height_zoom
        return {"height_zoom": height_zoom, "width_zoom": width_zoom}

    def transform_images(self, images, transformation):
        images = self._float_images(images)
        if transformation is None:
            return images
        height, width = self._height_width(tuple(images.shape))
        matrix = zoom_matrix(transformation["width_zoom"], transformation["height_zoom"],
                             height, width)
        return image_ops.affine_transform(images, matrix, interpolation=self.interpolation,
                                          fill_mode=self.fill_mode,
                                          fill_value=self.fill_value,
                                          data_format=self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor,
                       "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                       "seed": self.seed, "fill_value": self.fill_value})
        return config
