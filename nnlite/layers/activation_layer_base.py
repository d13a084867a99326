"""The shared forward/backward of the weightless activation layers (LeakyReLU,
ReLU, ELU, Softmax): one C kernel each way, chosen by `_c_spec()`."""
from nnlite.ops import fused
from nnlite.layers.layer import Layer


class ElementwiseActivationLayer(Layer):
    """Base of layers computing `y = f(x)` with a C-core activation.

    Subclasses give `_c_spec()` -> `(c_name, alpha)`.
    """

    supports_masking = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.built = True

    def _c_spec(self):
        raise NotImplementedError

    def call(self, inputs):
        name, alpha = self._c_spec()
        return fused.activation(inputs, name, alpha)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
