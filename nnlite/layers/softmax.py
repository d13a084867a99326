"""Softmax: the softmax activation as a layer."""
import numpy as np

from nnlite import _core
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

    def call(self, inputs, training=False):
        x = np.asarray(inputs)
        axis = self._axis(x.ndim)
        if axis == x.ndim - 1:
            return _core.activation_forward("softmax", np.ascontiguousarray(x))
        moved = np.ascontiguousarray(np.moveaxis(x, axis, -1))
        return np.ascontiguousarray(np.moveaxis(_core.activation_forward("softmax", moved),
                                                -1, axis))

    def backward(self, dy, need_dx=True):
        self.grads = []
        x, y = self._cache
        dy = np.asarray(self._add_activity_grad(dy), dtype=x.dtype)
        if not need_dx:
            return None
        axis = self._axis(x.ndim)
        if axis == x.ndim - 1:
            return _core.activation_backward("softmax", x, y, np.ascontiguousarray(dy))
        mv = [np.ascontiguousarray(np.moveaxis(a, axis, -1)) for a in (x, y, dy)]
        dx = _core.activation_backward("softmax", *mv)
        return np.ascontiguousarray(np.moveaxis(dx, -1, axis))

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
