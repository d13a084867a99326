"""GlobalMaxPooling2D: the max over all height and width of each channel."""
from nnlite import ops
from nnlite.layers.pooling.base_global_pooling import BaseGlobalPooling
from nnlite.layers.rank_check import check_ndim


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Global max pooling: `y[n, c] = max(x[n, ..., c])` over the height and width.

    Args:
        data_format: `"channels_last"` `(batch, height, width, channels)` or `"channels_first"`
            `(batch, channels, height, width)`. Defaults to `None` (`"channels_last"`).
        keepdims: Keep the spatial axes as size 1. Defaults to `False`.

    Input shape: 4-D. Output shape: `(batch, channels)`, or `(batch, 1, 1, channels)`
    with `keepdims=True` (channels_last).

    Example:

    >>> GlobalMaxPooling2D()(np.zeros((2, 4, 4, 8))).shape
    (2, 8)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims,
                         **kwargs)

    def call(self, inputs):
        check_ndim(self, inputs.shape, self._ndim)
        return ops.max(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)
