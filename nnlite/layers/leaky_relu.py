"""LeakyReLU: `x` for positive inputs, `negative_slope * x` otherwise."""
import warnings

from nnlite.layers.activation_layer_base import ElementwiseActivationLayer


class LeakyReLU(ElementwiseActivationLayer):
    """Leaky version of a rectified linear unit: `f(x) = x if x >= 0 else
    negative_slope * x`. Forward and backward run in C.

    Args:
        negative_slope: Non-negative slope for negative inputs. Defaults to
            `0.3` (note: the `leaky_relu` activation function defaults to 0.2).
            The old name `alpha=` still works, with a warning (as in Keras 3).

    Example:

    >>> LeakyReLU()(np.array([[-10.0, 5.0]]))
    array([[-3.,  5.]], dtype=float32)
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.",
                          stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError("The negative_slope value of a Leaky ReLU layer cannot be None or "
                             "negative value. Expected a float. Received: negative_slope=%r"
                             % (negative_slope,))
        self.negative_slope = negative_slope

    def _c_spec(self):
        return "leaky_relu", float(self.negative_slope)

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config
