"""Flatten: folds all but the batch axis into one."""
import math

import numpy as np

from nnlite.layers.layer import Layer
from nnlite.ops import fused


class Flatten(Layer):
    """Flattens each sample: `(batch, d1, d2, ...)` -> `(batch, d1 * d2 * ...)`.

    A view of the input (no arithmetic); channels-first inputs are first
    moved to channels-last order, as Keras does.

    Args:
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `"channels_last"`.

    Example:

    >>> Flatten()(np.zeros((2, 3, 4))).shape
    (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        data_format = "channels_last" if data_format is None else str(data_format).lower()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError('The `data_format` argument must be one of {"channels_first", '
                             '"channels_last"}. Received: data_format=%s' % (data_format,))
        self.data_format = data_format
        self._in_shape = None
        self.built = True

    def _transposed(self, x):
        return self.data_format == "channels_first" and x.ndim > 2

    def call(self, inputs):
        shape = tuple(inputs.shape)
        if len(shape) == 1:
            return fused.reshape(inputs, (-1, 1))
        x = inputs
        if self.data_format == "channels_first" and len(shape) > 2:
            x = fused.transpose(x, (0,) + tuple(range(2, len(shape))) + (1,))
        return fused.reshape(x, (shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = tuple(input_shape[1:])
        if not rest:
            flat = 1
        elif any(d is None for d in rest):
            flat = None
        else:
            flat = math.prod(rest)
        return (input_shape[0], flat)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
