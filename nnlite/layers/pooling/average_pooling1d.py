"""AveragePooling1D: the mean over windows of steps."""
from nnlite.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Average pooling for temporal data: `y[n, t, c] = mean(x[n, t*s : t*s + k, c])`.

    With `padding="same"` each window divides by its number of real (not
    padded) steps, as Keras. Forward and backward run in C.

    Args:
        pool_size: Int, the window size (required).
        strides: Int or None. Defaults to `None` (pool_size).
        padding: `"valid"` or `"same"` (case-insensitive). Defaults to `"valid"`.
        data_format: `"channels_last"` `(batch, steps, features)` or
            `"channels_first"` `(batch, features, steps)`. Defaults to `None`
            (`"channels_last"`).

    Input shape: 3-D. Output shape: 3-D with the steps pooled.

    Example:

    >>> x = np.array([[[1.], [2.], [3.], [4.], [5.]]])
    >>> AveragePooling1D(3, strides=1, padding="same")(x).numpy().ravel()
    array([1.5, 2. , 3. , 4. , 4.5], dtype=float32)
    """

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="average",
                         padding=padding, data_format=data_format, name=name, **kwargs)
