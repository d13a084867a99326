"""GlobalMaxPooling1D: the max over all steps of each channel."""
from nnlite import ops
from nnlite.layers.pooling.base_global_pooling import BaseGlobalPooling
from nnlite.layers.rank_check import check_ndim


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Global max pooling: `y[n, c] = max(x[n, ..., c])` over the steps.

    Args:
        data_format: `"channels_last"` `(batch, steps, features)` or `"channels_first"`
            `(batch, features, steps)`. Defaults to `None` (`"channels_last"`).
        keepdims: Keep the spatial axes as size 1. Defaults to `False`.

    Input shape: 3-D. Output shape: `(batch, features)`, or `(batch, 1, features)`
    with `keepdims=True` (channels_last).

    Example:

    >>> GlobalMaxPooling1D()(np.zeros((2, 5, 3))).shape
    (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims,
                         **kwargs)

    def call(self, inputs):
        check_ndim(self, inputs.shape, self._ndim)
        return ops.max(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)
