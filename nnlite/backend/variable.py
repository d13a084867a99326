"""Variable: a named, shaped float array that layers and optimizers update in place."""
import numpy as np

from nnlite import config
from nnlite.backend.tensor import TensorOperators


class Variable(TensorOperators):
    """A model variable (kernel, bias, optimizer slot), as `keras.Variable`.

    The value lives in one C-contiguous NumPy array that never moves, so the C
    core can update it in place. `numpy()` returns a copy; `assign()` copies in.

    Args:
        initializer: An array-like initial value, or a callable
            `initializer(shape, dtype)`.
        shape: The shape, required when `initializer` is callable.
        dtype: Defaults to `nnlite.config.floatx()`.
        trainable: Whether gradients update it. Defaults to `True`.
        name: The variable's name.

    Attributes:
        regularizer: The penalty a layer adds to the loss for this variable
            (`Layer.add_weight(regularizer=...)`), or `None`.
        constraint: The projection the optimizer applies after each update
            (`Layer.add_weight(constraint=...)`), or `None`.
    """

    _is_variable = True
    # identity equality, so a variable can be found in lists and used as a key
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, name=None):
        dtype = np.dtype(dtype or config.floatx())
        if callable(initializer):
            if shape is None:
                raise ValueError("A Variable with a callable initializer needs a shape.")
            value = initializer(tuple(shape), dtype=dtype)
        else:
            value = initializer
        value = np.array(value, dtype=dtype, order="C", copy=True)
        if shape is not None and value.shape != tuple(shape):
            raise ValueError("Initial value has shape %s, expected %s" % (value.shape, tuple(shape)))
        self._value = value
        self.trainable = trainable
        self.name = name or "variable"
        self.path = self.name
        self.regularizer = None
        self.constraint = None

    @property
    def value(self):
        """The live array (updates in place; do not resize)."""
        return self._value

    @property
    def shape(self):
        return self._value.shape

    @property
    def dtype(self):
        return str(self._value.dtype)

    @property
    def ndim(self):
        return self._value.ndim

    def numpy(self):
        """Returns a copy of the value as a NumPy array."""
        return self._value.copy()

    def assign(self, value):
        """Copies `value` into the variable; its shape must match."""
        value = np.asarray(value)
        if value.shape != self._value.shape:
            raise ValueError(
                "Cannot assign a value of shape %s to variable %r of shape %s"
                % (value.shape, self.name, self._value.shape))
        if not np.issubdtype(value.dtype, np.number) and value.dtype != np.bool_:
            raise TypeError("Cannot assign a value of dtype %s to variable %r"
                            % (value.dtype, self.name))
        self._value[...] = value
        return self

    def assign_add(self, value):
        self._value += np.asarray(value, dtype=self._value.dtype)
        return self

    def assign_sub(self, value):
        self._value -= np.asarray(value, dtype=self._value.dtype)
        return self

    def __array__(self, dtype=None, copy=None):
        return self._value.astype(dtype) if dtype is not None else self._value.copy()

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __repr__(self):
        return "<Variable path=%s, shape=%s, dtype=%s, value=%s>" % (
            self.path, self.shape, self.dtype, np.array2string(self._value, threshold=8))
