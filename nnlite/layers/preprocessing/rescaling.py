"""Rescaling: multiplies the inputs by `scale` and adds `offset`."""
import numpy as np

from nnlite import config as nl_config
from nnlite.layers.layer import Layer
from nnlite.ops import numpy as nops


class Rescaling(Layer):
    """Rescales the inputs: `x * scale + offset`, in training and at inference.

    `Rescaling(1. / 255)` maps `[0, 255]` to `[0, 1]`;
    `Rescaling(1. / 127.5, offset=-1)` maps it to `[-1, 1]`. Integer inputs
    give float outputs (the layer's dtype). Differentiable with respect to the
    input. A per-channel `scale` (a list or array) broadcasts against the last
    axis, or against the channel axis when the configured image data format is
    `"channels_first"`.

    Args:
        scale: Float (or array of floats), the scale to apply to the inputs.
        offset: Float (or array of floats), the offset to apply to the inputs.
            Defaults to `0.0`.

    Input shape: any. Output shape: the input's.

    Example:

    >>> Rescaling(1. / 255)(np.array([[0, 51, 255]]))
    [[0.0, 0.2, 1.0]]
    """

    supports_masking = True

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("scale", scale), ("offset", offset)):
            arr = np.asarray(value)
            if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)):
                raise ValueError("Rescaling: `%s` must be a number or an array of numbers. "
                                 "Received: %s=%r" % (name, name, value))
        self.scale = scale
        self.offset = offset

    def _operand(self, value):
        arr = np.asarray(value, dtype=self.dtype)
        getter = getattr(nl_config, "image_data_format", None)
        fmt = getter() if callable(getter) else "channels_last"
        if arr.ndim > 0 and fmt == "channels_first":
            arr = arr.reshape(arr.shape + (1,) * (3 - arr.ndim))
        return arr

    def call(self, inputs):
        return nops.add(nops.multiply(inputs, self._operand(self.scale)),
                        self._operand(self.offset))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_build_config(self):
        shape = getattr(self, "_build_input_shape", None)
        return None if shape is None else {"input_shape": list(shape)}

    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_keras_object
        config = super().get_config()
        config.update({"scale": serialize_keras_object(self.scale),
                       "offset": serialize_keras_object(self.offset)})
        return config
