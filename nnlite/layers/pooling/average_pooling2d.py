"""AveragePooling2D: the mean over windows of an image."""
from nnlite.layers.pooling.base_pooling import BasePooling


class AveragePooling2D(BasePooling):
    """Average pooling for 2-D spatial data:
    `y[n, i, j, c] = mean(x[n, i*sh : i*sh + kh, j*sw : j*sw + kw, c])`.

    With `padding="same"` each window divides by its number of real (not
    padded) elements, as Keras (5x5 of 1..25, pool 2: the corner is 25, not
    25 / 4). Forward and backward run in C.

    Args:
        pool_size: Int or tuple of 2 ints (required).
        strides: Int, tuple of 2 ints or None. Defaults to `None` (pool_size).
        padding: `"valid"` or `"same"` (case-insensitive). Defaults to `"valid"`.
        data_format: `"channels_last"` `(batch, height, width, channels)` or
            `"channels_first"` `(batch, channels, height, width)`. Defaults to
            `None` (`"channels_last"`).

    Input shape: 4-D. Output shape: 4-D with height and width pooled.

    Example:

    >>> AveragePooling2D(2)(np.ones((1, 4, 4, 1))).numpy()[0, :, :, 0]
    array([[1., 1.],
           [1., 1.]], dtype=float32)
    """

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="average",
                         padding=padding, data_format=data_format, name=name, **kwargs)
