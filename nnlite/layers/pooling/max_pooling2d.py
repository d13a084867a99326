"""MaxPooling2D: the maximum over windows of an image."""
from nnlite.layers.pooling.base_pooling import BasePooling


class MaxPooling2D(BasePooling):
    """Max pooling for 2-D spatial data:
    `y[n, i, j, c] = max(x[n, i*sh : i*sh + kh, j*sw : j*sw + kw, c])`.

    Each output axis has `floor((size - pool) / strides) + 1` entries with
    `padding="valid"` and `ceil(size / strides)` with `"same"` (padding
    `total // 2` before, the rest after; padded places are never picked).
    Forward and backward run in C.

    Args:
        pool_size: Int or tuple of 2 ints. Defaults to `(2, 2)`.
        strides: Int, tuple of 2 ints or None. Defaults to `None` (pool_size).
        padding: `"valid"` or `"same"` (case-insensitive). Defaults to `"valid"`.
        data_format: `"channels_last"` `(batch, height, width, channels)` or
            `"channels_first"` `(batch, channels, height, width)`. Defaults to
            `None` (`"channels_last"`).

    Input shape: 4-D. Output shape: 4-D with height and width pooled.

    Example:

    >>> MaxPooling2D()(np.zeros((1, 28, 28, 32))).shape
    (1, 14, 14, 32)
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="max",
                         padding=padding, data_format=data_format, name=name, **kwargs)
