"""Permute: reorders the non-batch axes of each sample."""
import numpy as np

from nnlite.layers.layer import Layer
from nnlite.layers.rank_check import check_ndim
from nnlite.ops import fused


class Permute(Layer):
    """Permutes the axes of the input after the batch axis by the pattern `dims`.

    `output = transpose(inputs, (0,) + dims)`: output axis `i` (1-based, the
    batch axis excluded) is input axis `dims[i - 1]`.

    Args:
        dims: Tuple of integers, a permutation of `1, ..., k` for inputs of
            rank `k + 1` (indexing starts at 1: the batch axis is not part of
            the pattern). `(2, 1)` swaps the two axes of a sequence.

    Input shape:
        `(batch_size, d1, ..., dk)` with `k = len(dims)`.

    Output shape:
        `(batch_size, d_dims[0], ..., d_dims[k-1])`.

    Example:

    >>> Permute((2, 1))(np.zeros((5, 10, 64))).shape
    (5, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            entries = list(dims)
        except TypeError:
            raise TypeError("Permute expects `dims` to be a tuple of integers. Received: "
                            "dims=%r" % (dims,)) from None
        if any(isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer))
               for d in entries):
            raise TypeError("Permute expects `dims` to be a tuple of integers. Received: "
                            "dims=%r" % (dims,))
        dims = tuple(int(d) for d in entries)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The set "
                             "of indices in `dims` must be consecutive and start from 1. "
                             "Received dims=%s" % (dims,))
        self.dims = dims

    def call(self, inputs):
        check_ndim(self, inputs.shape, len(self.dims) + 1)
        return fused.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        check_ndim(self, input_shape, len(self.dims) + 1)
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_build_config(self):
        """Keras writes the input shape Permute was built for."""
        shape = getattr(self, "_build_input_shape", None)
        return None if shape is None else {"input_shape": list(shape)}

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config
