"""PReLU: leaky ReLU whose negative slopes are learned."""
import numpy as np

from nnlite import constraints, initializers, regularizers
from nnlite.backend.tensor import apply
from nnlite.layers.layer import Layer


class PReLU(Layer):
    """Parametric ReLU: `f(x) = x if x >= 0 else alpha * x`, with `alpha` a
    trainable weight of the input's per-sample shape (size 1 along
    `shared_axes`). Vectorised NumPy (one `where` each way; the slope
    gradient is a sum over the batch and the shared axes).

    Args:
        alpha_initializer: Defaults to `"zeros"`.
        alpha_regularizer, alpha_constraint: Optional. Defaults to `None`.
        shared_axes: Axes (1-based, batch excluded) along which one slope is
            shared, e.g. `[1, 2]` for images. Defaults to `None`.

    Example:

    >>> layer = PReLU(alpha_initializer=Constant(0.25))
    >>> layer(np.array([[-4.0, 4.0]]))
    array([[-1.,  4.]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)
        self.alpha = None

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for i in self.shared_axes or ():
            if not 1 <= i < len(input_shape):
                raise ValueError("shared_axes must lie in [1, %d). Received: shared_axes=%r"
                                 % (len(input_shape), self.shared_axes))
            param_shape[i - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError("PReLU needs defined input dimensions outside shared_axes. "
                             "Received: input_shape=%s" % (tuple(input_shape),))
        self.alpha = self.add_weight(shape=tuple(param_shape), name="alpha",
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        super().build(input_shape)

    def _check(self, x):
        a = self.alpha.shape
        if len(x.shape) != len(a) + 1 or any(d != 1 and d != s
                                             for d, s in zip(a, x.shape[1:])):
            raise ValueError('Input 0 of layer "%s" is incompatible with the layer: alpha has '
                             "shape %s, input has shape %s" % (self.name, a, tuple(x.shape)))

    def call(self, inputs):
        self._check(inputs)
        return apply("prelu", _prelu, (inputs, self.alpha))

    def get_config(self):
        config = super().get_config()
        config.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return config

    @classmethod
    def from_config(cls, config):
        # nested initializer/regularizer/constraint configs and the dtype
        # policy are resolved by Layer.from_config
        return super().from_config(config)


def _prelu(x, alpha):
    """max(x, 0) + alpha * min(x, 0), forward and backward (vectorised NumPy; the
    slope's gradient sums over the batch and the axes where alpha has size 1)."""
    y = np.where(x > 0, x, x * alpha).astype(x.dtype)

    def backward(dy):
        dy = np.asarray(dy, dtype=x.dtype)
        neg = x <= 0
        axes = (0,) + tuple(i + 1 for i, d in enumerate(alpha.shape) if d == 1)
        dalpha = np.sum(np.where(neg, dy * x, 0), axis=axes, keepdims=True)
        dx = np.where(neg, dy * alpha, dy).astype(x.dtype)
        return (np.ascontiguousarray(dx),
                np.ascontiguousarray(dalpha.reshape(alpha.shape), dtype=x.dtype))
    return y, backward
