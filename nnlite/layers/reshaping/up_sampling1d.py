"""UpSampling1D: each step repeated `size` times."""
import numpy as np

from nnlite import ops
from nnlite.layers.layer import Layer
from nnlite.layers.rank_check import check_ndim


class UpSampling1D(Layer):
    """Repeats each step of `(batch, steps, features)` `size` times along the steps axis.

    Args:
        size: Positive int, the upsampling factor. Defaults to `2`.

    Input shape: 3-D. Output shape: `(batch, steps * size, features)`.

    Example:

    >>> UpSampling1D(2)(np.array([[[1.], [2.]]])).numpy().ravel()
    array([1., 1., 2., 2.], dtype=float32)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
            raise TypeError("Expected an integer value for `size`, got %s." % type(size))
        if size <= 0:
            raise ValueError("Argument `size` should be a positive integer. Received: size=%r"
                             % (size,))
        self.size = int(size)
        self.built = True

    def compute_output_shape(self, input_shape):
        check_ndim(self, input_shape, 3)
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def call(self, inputs):
        check_ndim(self, inputs.shape, 3)
        return ops.repeat(inputs, self.size, axis=1)

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config
