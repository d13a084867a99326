"""RepeatVector: repeats each sample's vector n times along a new time axis."""
import numpy as np

from nnlite import ops
from nnlite.layers.layer import Layer
from nnlite.layers.rank_check import check_ndim


class RepeatVector(Layer):
    """Repeats the input `n` times: `(batch, features)` -> `(batch, n, features)`.

    `output[:, t, :] = inputs` for every `t < n` (a broadcast; the gradient
    sums over the `n` copies).

    Args:
        n: Positive integer, the number of repetitions.

    Input shape:
        2D tensor `(batch_size, features)`.

    Output shape:
        3D tensor `(batch_size, n, features)`.

    Example:

    >>> RepeatVector(3)(np.zeros((2, 32))).shape
    (2, 3, 32)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
            raise TypeError("Expected an integer value for `n`, got %s. Received: n=%r"
                            % (type(n), n))
        if n <= 0:
            raise ValueError("Argument `n` should be a positive integer. Received: n=%s" % n)
        self.n = int(n)

    def call(self, inputs):
        check_ndim(self, inputs.shape, 2)
        batch, features = inputs.shape
        return ops.broadcast_to(ops.expand_dims(inputs, 1), (batch, self.n, features))

    def compute_output_shape(self, input_shape):
        check_ndim(self, input_shape, 2)
        return (input_shape[0], self.n, input_shape[1])

    def get_build_config(self):
        """Keras writes the input shape RepeatVector was built for."""
        shape = getattr(self, "_build_input_shape", None)
        return None if shape is None else {"input_shape": list(shape)}

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config
