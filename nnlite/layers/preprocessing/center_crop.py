"""CenterCrop: the central window of each image."""
from nnlite.layers.preprocessing.base_image_preprocessing_layer import (
    BaseImagePreprocessingLayer, check_size)
from nnlite.ops import image as image_ops
from nnlite.ops import numpy as nops


class CenterCrop(BaseImagePreprocessingLayer):
    """Crops the central `(height, width)` window of each image, in training
    and at inference.

    The window starts at row `(H - height) // 2` and column `(W - width) // 2`.
    An image smaller than the target along either axis is instead resized as
    Keras's `smart_resize` does: the largest centred crop of the target aspect
    ratio, resized (bilinear) to `(height, width)`.

    Args:
        height: Integer, the height of the output.
        width: Integer, the width of the output.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `"channels_last"`.

    Input shape: `(N, H, W, C)` or `(H, W, C)` (channels last).
    Output shape: `(N, height, width, C)` or `(height, width, C)`.

    Example:

    >>> CenterCrop(2, 2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
    [[5., 6.], [9., 10.]]
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = check_size(height, "height")
        self.width = check_size(width, "width")

    def _crop(self, images):
        shape = tuple(images.shape)
        in_h, in_w = self._height_width(shape)
        dh, dw = in_h - self.height, in_w - self.width
        if dh < 0 or dw < 0:
            return image_ops.resize(images, (self.height, self.width),
                                    crop_to_aspect_ratio=True, data_format=self.data_format)
        h0, w0 = dh // 2, dw // 2
        h_axis, w_axis = self._spatial_axes(len(shape))
        key = [slice(None)] * len(shape)
        key[h_axis] = slice(h0, h0 + self.height)
        key[w_axis] = slice(w0, w0 + self.width)
        return nops.get_item(images, tuple(key))

    def augment(self, images):
        return self._crop(images)

    def infer(self, images):
        return self._crop(images)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        self._check_rank(shape)
        h_axis, w_axis = self._spatial_axes(len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config
