"""The shared forward/backward of the weightless activation layers (LeakyReLU,
ReLU, ELU, Softmax): one C kernel each way, chosen by `_c_spec()`."""
import numpy as np

from nnlite import _core
from nnlite.layers.layer import Layer


class ElementwiseActivationLayer(Layer):
    """Base of layers computing `y = f(x)` with a C-core activation.

    Subclasses give `_c_spec()` -> `(c_name, alpha)`.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._cache = None
        self.built = True

    def _c_spec(self):
        raise NotImplementedError

    def call(self, inputs, training=False):
        name, alpha = self._c_spec()
        return _core.activation_forward(name, np.ascontiguousarray(inputs), alpha)

    def forward(self, x, training=False):
        x = np.ascontiguousarray(x)
        y = self.call(x)
        self._cache = (x, y)
        return self._record_activity(y)

    def backward(self, dy, need_dx=True):
        self.grads = []
        x, y = self._cache
        dy = np.ascontiguousarray(self._add_activity_grad(dy), dtype=x.dtype)
        if not need_dx:
            return None
        name, alpha = self._c_spec()
        return _core.activation_backward(name, x, y, dy, alpha)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
