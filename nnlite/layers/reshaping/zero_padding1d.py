"""ZeroPadding1D: zeros added at the start and end of the steps axis."""
from nnlite import ops
from nnlite.layers.layer import Layer
from nnlite.layers.rank_check import check_ndim
from nnlite.ops.pooling import standardize_data_format, standardize_tuple


class ZeroPadding1D(Layer):
    """Pads the steps axis of `(batch, steps, features)` with zeros.

    Args:
        padding: Int (the same before and after) or tuple of 2 ints
            `(before, after)`. Defaults to `1`.
        data_format: `"channels_last"` `(batch, steps, features)` or
            `"channels_first"` `(batch, features, steps)`. Defaults to `None`
            (`"channels_last"`).

    Input shape: 3-D. Output shape: 3-D with `before + after` more steps.

    Example:

    >>> ZeroPadding1D((1, 2))(np.ones((1, 2, 1))).numpy().ravel()
    array([0., 1., 1., 0., 0.], dtype=float32)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = standardize_tuple(padding, 2, "padding", allow_zero=True)
        self.built = True

    def _axis(self):
        return 2 if self.data_format == "channels_first" else 1

    def compute_output_shape(self, input_shape):
        check_ndim(self, input_shape, 3)
        shape = list(input_shape)
        if shape[self._axis()] is not None:
            shape[self._axis()] += sum(self.padding)
        return tuple(shape)

    def call(self, inputs):
        check_ndim(self, inputs.shape, 3)
        widths = [(0, 0)] * 3
        widths[self._axis()] = self.padding
        return ops.pad(inputs, widths)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config
