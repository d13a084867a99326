"""Activation: applies an activation function to its input."""
import numpy as np

from nnlite.layers.activation_ops import ActivationOp
from nnlite.layers.layer import Layer
from nnlite.ops import fused


class Activation(Layer):
    """Applies an activation function to an output.

    Args:
        activation: Name (`"relu"`, `"softmax"`, ...) or function.

    Example:

    >>> Activation("relu")(np.array([[-1.0, 2.0]]))
    array([[0., 2.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self._act = ActivationOp(activation)
        self.activation = self._act.fn

    def call(self, inputs):
        spec = self._act.spec
        if spec is None:     # a Python activation, written with ops
            return self._act.fn(inputs)
        return fused.activation(inputs, spec[0], spec[1])

    def executor_spec(self):
        """What the compiled executor runs for this layer: `{"kind":
        "activation", "activation" (the C core's name), "alpha"}`, or None (a
        Python activation, an activity regularizer, a subclass that overrides
        `call`)."""
        spec = self._act.spec
        cls = type(self)
        if spec is None or self.activity_regularizer is not None \
                or cls.call is not Activation.call or cls.__call__ is not Activation.__call__:
            return None
        return {"kind": "activation", "activation": spec[0], "alpha": float(spec[1])}

    def get_config(self):
        config = super().get_config()
        from nnlite.saving.serialization_lib import serialize_activation
        config["activation"] = serialize_activation(self._act.fn)
        return config
