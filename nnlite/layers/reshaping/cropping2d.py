"""Cropping2D: rows and columns cut from the borders of an image."""
from nnlite import ops
from nnlite.layers.layer import Layer
from nnlite.layers.rank_check import check_ndim
from nnlite.layers.reshaping._pairs import standardize_pairs
from nnlite.ops.pooling import standardize_data_format


class Cropping2D(Layer):
    """Crops the height and width of an image batch.

    Args:
        cropping: Int (all four sides), tuple of 2 ints `(height, width)`
            (each at both ends), or `((top, bottom), (left, right))`.
            Defaults to `((0, 0), (0, 0))`.
        data_format: `"channels_last"` `(batch, height, width, channels)` or
            `"channels_first"` `(batch, channels, height, width)`. Defaults to
            `None` (`"channels_last"`).

    Input shape: 4-D. Output shape: 4-D, `top + bottom` fewer rows and
    `left + right` fewer columns.

    Example:

    >>> Cropping2D(((2, 2), (4, 4)))(np.zeros((2, 28, 28, 3))).shape
    (2, 24, 20, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = standardize_pairs(cropping, "cropping")
        self.built = True

    def _first(self):
        return 2 if self.data_format == "channels_first" else 1

    def _check(self, shape, what):
        check_ndim(self, shape, 4)
        for i in range(2):
            size = shape[self._first() + i]
            if size is not None and sum(self.cropping[i]) >= size:
                raise ValueError("Values in `cropping` argument should be smaller than the "
                                 "corresponding spatial dimension of the input. Received: "
                                 "%s=%s, cropping=%s" % (what, tuple(shape), self.cropping))

    def compute_output_shape(self, input_shape):
        self._check(input_shape, "input_shape")
        shape = list(input_shape)
        for i in range(2):
            if shape[self._first() + i] is not None:
                shape[self._first() + i] -= sum(self.cropping[i])
        return tuple(shape)

    def call(self, inputs):
        self._check(inputs.shape, "inputs.shape")
        key = [slice(None)] * 4
        for i in range(2):
            start, end = self.cropping[i]
            key[self._first() + i] = slice(start, inputs.shape[self._first() + i] - end)
        return ops.get_item(inputs, tuple(key))

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config
