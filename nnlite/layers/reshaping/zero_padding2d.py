"""ZeroPadding2D: rows and columns of zeros around an image."""
from nnlite import ops
from nnlite.layers.layer import Layer
from nnlite.layers.rank_check import check_ndim
from nnlite.layers.reshaping._pairs import standardize_pairs
from nnlite.ops.pooling import standardize_data_format


class ZeroPadding2D(Layer):
    """Pads the height and width of an image batch with zeros.

    Args:
        padding: Int (all four sides), tuple of 2 ints `(height, width)`
            (each on both sides), or `((top, bottom), (left, right))`.
            Defaults to `(1, 1)`.
        data_format: `"channels_last"` `(batch, height, width, channels)` or
            `"channels_first"` `(batch, channels, height, width)`. Defaults to
            `None` (`"channels_last"`).

    Input shape: 4-D. Output shape: 4-D, `top + bottom` more rows and
    `left + right` more columns.

    Example:

    >>> ZeroPadding2D(((1, 0), (0, 2)))(np.ones((1, 2, 2, 3))).shape
    (1, 3, 4, 3)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = standardize_pairs(padding, "padding")
        self.built = True

    def _first(self):
        return 2 if self.data_format == "channels_first" else 1

    def compute_output_shape(self, input_shape):
        check_ndim(self, input_shape, 4)
        shape = list(input_shape)
        for i in range(2):
            if shape[self._first() + i] is not None:
                shape[self._first() + i] += sum(self.padding[i])
        return tuple(shape)

    def call(self, inputs):
        check_ndim(self, inputs.shape, 4)
        widths = [(0, 0)] * 4
        widths[self._first()], widths[self._first() + 1] = self.padding
        return ops.pad(inputs, widths)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config
