"""Softmax: the softmax activation as a layer."""
import numpy as np

from nnlite.ops import fused
from nnlite.layers.activation_layer_base import ElementwiseActivationLayer


class Softmax(ElementwiseActivationLayer):
    """Softmax over `axis`: `exp(x) / sum(exp(x))` (the maximum subtracted
    first). Forward and backward run in C over the last axis; another axis is
    moved last and back.

    Args:
        axis: Integer, the normalized axis. Defaults to `-1`.

    Example:

    >>> Softmax()(np.array([[1.0, 1.0]]))
    array([[0.5, 0.5]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise NotImplementedError("Softmax over several axes is not supported. "
                                          "Received: axis=%r" % (axis,))
        self.axis = axis

    def _axis(self, ndim):
        axis = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
        if not -ndim <= axis < ndim:
            raise ValueError("Softmax axis %d is out of bounds for input of rank %d"
                             % (axis, ndim))
        return axis % ndim

    def _c_spec(self):
        return "softmax", 0.0

    def call(self, inputs, mask=None):
        axis = self._axis(len(inputs.shape))
        last = len(inputs.shape) - 1
        if axis == last:
            return fused.activation(inputs, "softmax")
        order = [a for a in range(last + 1) if a != axis] + [axis]
        moved = fused.activation(fused.transpose(inputs, order), "softmax")
        return fused.transpose(moved, list(np.argsort(order)))

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
