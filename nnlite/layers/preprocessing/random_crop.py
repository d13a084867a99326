"""RandomCrop: a random window of the batch during training, a centred resize at inference."""
import numpy as np

from nnlite import random as nl_random
from nnlite.layers.preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer, check_size)
from nnlite.ops import image as image_ops
from nnlite.ops import numpy as nops


class RandomCrop(BaseImagePreprocessingLayer):
    """Randomly crops images to `(height, width)` during training.

    Training, on images larger than the target along both axes: one window
    start `(top, left)` is drawn per batch (every image of the batch is cut at
    the same place, as in Keras), `top` uniform on `0 .. H - height` and
    `left` on `0 .. W - width`. Otherwise (and always at inference) the output
    is the largest centred window of the target aspect ratio, resized
    (bilinear) to `(height, width)` — Keras's `smart_resize`, as Keras
    documents it. (Keras's training path on a small image cuts the target
    size from that window's corner, then resizes; nnlite does the same.)

    Args:
        height: Integer, the height of the output.
        width: Integer, the width of the output.
        seed: Integer seed. Defaults to `None` (a seed is drawn, and saved in
            the config as Keras does).
        data_format: `"channels_last"` or `"channels_first"`. Defaults to the
            configured image data format (`"channels_last"`).

    Input shape: `(N, H, W, C)` or `(H, W, C)` (channels last).
    Output shape: `(N, height, width, C)` or `(height, width, C)`.

    Example:

    >>> RandomCrop(24, 24, seed=1)(np.zeros((8, 32, 32, 3))).shape
    (8, 24, 24, 3)
    """

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = check_size(height, "height")
        self.width = check_size(width, "width")
        generator = nl_random.SeedGenerator(seed)
        self.seed = seed if seed is not None else int(generator.state[0])
        self.generator = generator

    def _aspect_window_start(self, in_h, in_w):
        """Keras's start of the largest centred window of the target aspect ratio."""
        crop_h = max(min(in_h, int(float(in_w * self.height) / self.width)), 1)
        crop_w = max(min(in_w, int(float(in_h * self.width) / self.height)), 1)
        return int(float(in_h - crop_h) / 2), int(float(in_w - crop_w) / 2)

    def get_random_transformation(self, images):
        """`(top, left)`: the window start shared by the batch."""
        in_h, in_w = self._height_width(tuple(images.shape))
        if in_h > self.height and in_w > self.width:
            top = int(self._uniform((), 0.0, float(in_h - self.height + 1)))
            left = int(self._uniform((), 0.0, float(in_w - self.width + 1)))
            return top, left
        return self._aspect_window_start(in_h, in_w)

    def transform_images(self, images, transformation):
        images = self._float_images(images)
        top, left = transformation
        shape = tuple(images.shape)
        h_axis, w_axis = self._spatial_axes(len(shape))
        key = [slice(None)] * len(shape)
        key[h_axis] = slice(top, top + self.height)
        key[w_axis] = slice(left, left + self.width)
        out = nops.get_item(images, tuple(key))
        if self._height_width(tuple(out.shape)) != (self.height, self.width):
            out = image_ops.resize(out, (self.height, self.width),
                                   data_format=self.data_format)
        return out

    def infer(self, images):
        images = self._float_images(images)
        if self._height_width(tuple(images.shape)) == (self.height, self.width):
            return images
        return image_ops.resize(images, (self.height, self.width), crop_to_aspect_ratio=True,
                                data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        self._check_rank(shape)
        h_axis, w_axis = self._spatial_axes(len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed})
        return config
