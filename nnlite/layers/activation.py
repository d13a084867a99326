"""Activation: applies an activation function to its input."""
import numpy as np

from nnlite.layers.activation_ops import ActivationOp
from nnlite.layers.layer import Layer


class Activation(Layer):
    """Applies an activation function to an output.

    Args:
        activation: Name (`"relu"`, `"softmax"`, ...) or function.

    Example:

    >>> Activation("relu")(np.array([[-1.0, 2.0]]))
    array([[0., 2.]], dtype=float32)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self._act = ActivationOp(activation)
        self.activation = self._act.fn
        self._cache = None

    def call(self, inputs, training=False):
        return self._act.forward(inputs)

    def forward(self, x, training=False):
        y = self._act.forward(x)
        self._cache = (x, y)
        return self._record_activity(y)

    def cached_preactivation(self):
        """The input of the last forward pass."""
        return self._cache[0]

    def backward(self, dy, need_dx=True, from_preactivation=False):
        x, y = self._cache
        self.grads = []
        act_grad = self._activity_grad()
        if from_preactivation:
            if act_grad is None:
                return dy
            # the output's penalty, taken back through the activation
            return dy + self._act.backward(x, y, np.ascontiguousarray(act_grad.reshape(y.shape)))
        if act_grad is not None:
            dy = np.ascontiguousarray(dy + act_grad.reshape(np.shape(dy)))
        return self._act.backward(x, y, dy)

    def get_config(self):
        config = super().get_config()
        from nnlite.saving.serialization_lib import serialize_activation
        config["activation"] = serialize_activation(self._act.fn)
        return config
