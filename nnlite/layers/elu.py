"""ELU: exponential linear unit layer."""
from nnlite.layers.activation_layer_base import ElementwiseActivationLayer


class ELU(ElementwiseActivationLayer):
    """Exponential linear unit: `f(x) = x if x > 0 else alpha * (exp(x) - 1)`.
    Forward and backward run in C.

    Args:
        alpha: Scale of the negative part. Defaults to `1.0`.

    Example:

    >>> ELU()(np.array([[-1.0, 2.0]]))  # doctest: +SKIP
    array([[-0.63212055,  2.]], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def _c_spec(self):
        return "elu", float(self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config
