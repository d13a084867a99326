"""Matrix initializers: orthogonal (random) and identity (constant)."""
import numpy as np

from nnlite import config
from nnlite.initializers.initializer import Initializer
from nnlite.initializers.random_initializers import RandomInitializer


class Orthogonal(RandomInitializer):
    """An orthogonal matrix (orthonormal columns, or rows when wider than tall).

    The shape is flattened to `(prod(shape[:-1]), shape[-1])`; a matrix
    `A ~ N(0, 1)` of shape `(max(rows, cols), min(rows, cols))` is factored
    `A = QR`, `Q`'s columns are multiplied by `sign(diag(R))` (so the result is
    uniformly distributed), `Q` is transposed when `rows < cols`, reshaped and
    scaled by `gain`. Then `W^T W = gain**2 * I` (or `W W^T` for wide `W`).

    Args:
        gain: Multiplicative factor. Defaults to `1.0`.
        seed: An int or `None`. Defaults to `None`.

    Example:

    >>> w = Orthogonal(seed=1)((4, 3))
    >>> np.allclose(w.T @ w, np.eye(3), atol=1e-6)     # True
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             "Received: shape=%s of rank %d." % (shape, len(shape)))
        rows = int(np.prod(shape[:-1], dtype=np.int64))
        cols = shape[-1]
        a = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dtype or config.floatx())

    def get_config(self):
        return {"gain": self.gain, "seed": self._init_seed}


class Identity(Initializer):
    """The identity matrix times `gain` (2-D shapes only; non-square shapes get
    ones on the main diagonal).

    Args:
        gain: Multiplicative factor. Defaults to `1.0`.

    Example:

    >>> Identity(gain=2.0)((2, 3))      # [[2., 0., 0.], [0., 2., 0.]]
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             "Received: shape=%s of rank %d." % (shape, len(shape)))
        return (self.gain * np.eye(*shape)).astype(dtype or config.floatx())

    def get_config(self):
        return {"gain": self.gain}


OrthogonalInitializer = Orthogonal
IdentityInitializer = Identity
