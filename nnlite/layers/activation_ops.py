"""The activation step shared by Dense, Activation and later layers: forward and
backward in C for built-in activations, forward only for Python callables."""
import numpy as np

from nnlite import _core, activations


class ActivationOp:
    """Wraps an activation identifier for a layer.

    `spec` is `(c_name, alpha)` for activations the C core runs, else None.
    """

    def __init__(self, identifier):
        self.fn = activations.get(identifier)
        self.spec = getattr(self.fn, "_nl_spec", None)
        self.is_linear = self.spec is not None and self.spec[0] == "linear"

    @property
    def c_name(self):
        return self.spec[0] if self.spec else None

    def forward(self, z, inplace=False):
        """y = f(z); with `inplace` the result may overwrite z."""
        if self.is_linear:
            return z
        if self.spec is None:
            y = np.asarray(self.fn(z))
            if y.shape != z.shape:
                raise ValueError("Activation %r changed the shape from %s to %s"
                                 % (self.name, z.shape, y.shape))
            return np.ascontiguousarray(y, dtype=z.dtype)
        return _core.activation_forward(self.spec[0], z, self.spec[1], out=z if inplace else None)

    def backward(self, z, y, dy):
        """dz = dy * f'(z)."""
        if self.is_linear:
            return dy
        if self.spec is None:
            raise NotImplementedError(
                "The custom activation %r has no backward pass in nnlite; use a built-in "
                "activation to train this layer." % self.name)
        return _core.activation_backward(self.spec[0], z, y, dy, self.spec[1])

    @property
    def name(self):
        return activations.serialize(self.fn)
