"""Reshape: gives each sample a new shape."""
import math

import numpy as np

from nnlite.layers.layer import Layer
from nnlite.ops import fused


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (the batch axis is kept).

    One entry of `target_shape` may be -1: it is inferred from the others.
    A view of the input (no arithmetic).

    Args:
        target_shape: Tuple of ints, the per-sample output shape.

    Example:

    >>> Reshape((2, -1))(np.zeros((5, 6))).shape
    (5, 2, 3)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        try:
            target_shape = tuple(int(d) for d in target_shape)
        except (TypeError, ValueError):
            raise ValueError("target_shape must be a tuple of integers. Received: "
                             "target_shape=%r" % (target_shape,)) from None
        if sum(1 for d in target_shape if d == -1) > 1:
            raise ValueError("There must be at most one unknown dimension (-1) in "
                             "target_shape. Received: target_shape=%r" % (target_shape,))
        if any(d < -1 or d == 0 for d in target_shape):
            raise ValueError("target_shape entries must be positive or -1. Received: "
                             "target_shape=%r" % (target_shape,))
        self.target_shape = target_shape
        self._in_shape = None
        self.built = True

    def _resolve(self, sample_shape):
        """The output sample shape for an input sample shape (None if unknown)."""
        if any(d is None for d in sample_shape):
            return tuple(None if d == -1 else d for d in self.target_shape)
        size = math.prod(sample_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        if -1 in self.target_shape:
            if known == 0 or size % known:
                raise ValueError("The total size of the tensor must be unchanged. Received: "
                                 "input_shape=%s, target_shape=%s"
                                 % (tuple(sample_shape), self.target_shape))
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if known != size:
            raise ValueError("The total size of the tensor must be unchanged. Received: "
                             "input_shape=%s, target_shape=%s"
                             % (tuple(sample_shape), self.target_shape))
        return self.target_shape

    def call(self, inputs):
        shape = tuple(inputs.shape)
        return fused.reshape(inputs, (shape[0],) + self._resolve(shape[1:]))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(tuple(input_shape[1:]))

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
