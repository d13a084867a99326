"""ReLU: the rectified linear unit layer, with Keras's optional cap, slope and threshold."""
import numpy as np

from nnlite import activations
from nnlite.backend.tensor import apply
from nnlite.layers.activation_layer_base import ElementwiseActivationLayer


class ReLU(ElementwiseActivationLayer):
    """Rectified linear unit.

    ```
    f(x) = max_value                             if x >= max_value
         = x                                     if threshold <= x < max_value
         = negative_slope * (x - threshold)      otherwise
    ```

    The plain ReLU and the leaky form (`threshold == 0`, no `max_value`) run in
    C; the general form is vectorised NumPy.

    Args:
        max_value: Non-negative cap of the output. Defaults to `None` (no cap).
        negative_slope: Non-negative slope below the threshold. Defaults to `0.0`.
        threshold: Non-negative threshold. Defaults to `0.0`.

    Example:

    >>> ReLU(max_value=1.0)(np.array([[-1.0, 0.5, 2.0]]))
    array([[0. , 0.5, 1. ]], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError("max_value of a ReLU layer cannot be a negative value. "
                             "Received: max_value=%r" % (max_value,))
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError("negative_slope of a ReLU layer cannot be None or a negative "
                             "value. Received: negative_slope=%r" % (negative_slope,))
        if threshold is None or threshold < 0.0:
            raise ValueError("threshold of a ReLU layer cannot be None or a negative value. "
                             "Received: threshold=%r" % (threshold,))
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def _c_spec(self):
        if self.max_value is None and self.threshold == 0:
            if self.negative_slope == 0:
                return "relu", 0.0
            return "leaky_relu", float(self.negative_slope)
        return None

    def call(self, inputs):
        if self._c_spec() is not None:
            return super().call(inputs)
        return apply("relu", _general_relu, (inputs,), self.negative_slope, self.max_value,
                     self.threshold)

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config


def _general_relu(x, negative_slope, max_value, threshold):
    """Keras's ReLU with a cap, slope and threshold, forward and backward."""
    y = activations.relu(x, negative_slope=negative_slope, max_value=max_value,
                         threshold=threshold)

    def backward(dy):
        slope = (x > threshold)
        if max_value is not None:
            slope &= x < max_value
        d = slope.astype(x.dtype)
        if negative_slope != 0:
            d += x.dtype.type(negative_slope) * (x < threshold)
        return (np.ascontiguousarray(dy * d),)
    return np.asarray(y), backward
