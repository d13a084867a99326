"""MaxPooling1D: the maximum over windows of steps."""
from nnlite.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Max pooling for temporal data: `y[n, t, c] = max(x[n, t*s : t*s + k, c])`.

    With `padding="valid"` the output has `floor((steps - pool_size) / strides) + 1`
    steps; with `"same"` it has `ceil(steps / strides)` and padded places are
    never picked. Forward and backward run in C.

    Args:
        pool_size: Int, the window size. Defaults to `2`.
        strides: Int or None. Defaults to `None` (pool_size).
        padding: `"valid"` or `"same"` (case-insensitive). Defaults to `"valid"`.
        data_format: `"channels_last"` `(batch, steps, features)` or
            `"channels_first"` `(batch, features, steps)`. Defaults to `None`
            (`"channels_last"`).

    Input shape: 3-D. Output shape: 3-D with the steps pooled.

    Example:

    >>> MaxPooling1D(2, strides=1)(np.array([[[1.], [2.], [3.], [4.], [5.]]])).numpy().ravel()
    array([2., 3., 4., 5.], dtype=float32)
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="max",
                         padding=padding, data_format=data_format, name=name, **kwargs)
