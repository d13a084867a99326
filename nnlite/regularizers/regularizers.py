"""Weight and activity penalties, as `keras.regularizers`.

A regularizer maps an array `x` to a scalar penalty that training adds to the
loss. nnlite also needs the penalty's gradient for the backward pass, so every
built-in regularizer has `gradient(x)` (an array shaped like `x`) beside
`__call__(x)`. The L1 and L2 sums run in C, in float64 and in index order,
as the compiled executor adds them.
"""
import math

import numpy as np

from nnlite import _core


def _array(x):
    value = getattr(x, "value", x)          # a Variable gives its live array
    arr = np.asarray(value)
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    return arr


class Regularizer:
    """Base class of regularizers.

    Subclasses define `__call__(x)` (the penalty, a float) and `gradient(x)`
    (d penalty / d x, an array of the shape and dtype of `x`), and
    `get_config()` for serialization.

    Example:

    >>> class Half(Regularizer):
    ...     def __call__(self, x):
    ...         return 0.5 * float(np.sum(np.square(x)))
    ...     def gradient(self, x):
    ...         return np.asarray(x).copy()
    """

    def __call__(self, x):
        return 0.0

    def gradient(self, x):
        """The gradient of the penalty with respect to `x`."""
        if type(self).__call__ is Regularizer.__call__:
            return np.zeros_like(_array(x))
        raise NotImplementedError(
            "The regularizer %s has no `gradient(x)` method, so nnlite cannot train with it. "
            "Define `gradient(x)` (d penalty / d x) on the class." % type(self).__name__)

    def executor_spec(self):
        """A plain dict telling the compiled executor what the penalty computes
        (`{"kind": "l1l2", "l1": 0.01, "l2": 0.0}`), or None when it cannot be
        lowered: the base class, and a subclass of a built-in that overrides
        `__call__` or `gradient`."""
        return None

    def _l1l2_spec(self, builtin, l1, l2):
        cls = type(self)
        if cls.__call__ is not builtin.__call__ or cls.gradient is not builtin.gradient:
            return None
        return {"kind": "l1l2", "l1": l1, "l2": l2}

    def get_config(self):
        raise NotImplementedError("%s does not implement get_config()" % (self,))

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """L1 and L2 penalties together.

    `penalty = l1 * sum(abs(x)) + l2 * sum(square(x))`

    Args:
        l1: Non-negative L1 factor. Defaults to `0.0`.
        l2: Non-negative L2 factor. Defaults to `0.0`.

    Example:

    >>> L1L2(l1=0.01, l2=0.01)(np.ones((2, 2)))
    0.08
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = validate_float_arg(0.0 if l1 is None else l1, name="l1")
        self.l2 = validate_float_arg(0.0 if l2 is None else l2, name="l2")

    def __call__(self, x):
        s1, s2 = _core.abs_square_sums(_array(x))
        total = 0.0
        if self.l1 != 0.0:
            total += self.l1 * s1
        if self.l2 != 0.0:
            total += self.l2 * s2
        return total

    def gradient(self, x):
        x = _array(x)
        g = np.zeros_like(x)
        if self.l1 != 0.0:
            g += x.dtype.type(self.l1) * np.sign(x)
        if self.l2 != 0.0:
            g += x.dtype.type(2.0 * self.l2) * x
        return g

    def executor_spec(self):
        return self._l1l2_spec(L1L2, self.l1, self.l2)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """L1 penalty: `l1 * sum(abs(x))`.

    Keras keeps the factor as a float32 tensor, so `get_config()` reports it
    rounded to float32 (`0.009999999776482582` for `0.01`); nnlite does the same.

    Args:
        l1: Non-negative factor. Defaults to `0.01`.

    Example:

    >>> Dense(3, kernel_regularizer=L1(0.001))
    """

    def __init__(self, l1=0.01):
        l1 = validate_float_arg(0.01 if l1 is None else l1, name="l1")
        self.l1 = float(np.float32(l1))

    def __call__(self, x):
        return self.l1 * _core.abs_square_sums(_array(x))[0]

    def gradient(self, x):
        x = _array(x)
        return x.dtype.type(self.l1) * np.sign(x)

    def executor_spec(self):
        return self._l1l2_spec(L1, self.l1, 0.0)

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """L2 penalty: `l2 * sum(square(x))` (no factor 1/2).

    Args:
        l2: Non-negative factor. Defaults to `0.01`.

    Example:

    >>> L2(2.0)(np.ones((5, 5)))
    50.0
    """

    def __init__(self, l2=0.01):
        self.l2 = validate_float_arg(0.01 if l2 is None else l2, name="l2")

    def __call__(self, x):
        return self.l2 * _core.abs_square_sums(_array(x))[1]

    def gradient(self, x):
        x = _array(x)
        return x.dtype.type(2.0 * self.l2) * x

    def executor_spec(self):
        return self._l1l2_spec(L2, 0.0, self.l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards orthogonality.

    With `n_i` the L2-normalized rows (`mode="rows"`) or columns and
    `p_ij = n_i . n_j`:
    `penalty = factor * 0.5 * sum_{i != j} |p_ij| / (size * (size - 1) / 2)`.

    Args:
        factor: Non-negative factor. Defaults to `0.01`.
        mode: `"rows"` or `"columns"`. Defaults to `"rows"`.
    """

    def __init__(self, factor=0.01, mode="rows"):
        validate_float_arg(factor, name="factor")
        self.factor = float(np.float32(factor))
        if mode not in ("rows", "columns"):
            raise ValueError('Invalid value for argument `mode`. Expected one of '
                             '{"rows", "columns"}. Received: mode=%s' % (mode,))
        self.mode = mode

    def _vectors(self, x):
        x = _array(x)
        if x.ndim != 2:
            raise ValueError("Inputs to OrthogonalRegularizer must have rank 2. Received: "
                             "inputs.shape=%s" % (x.shape,))
        return x if self.mode == "rows" else x.T

    def __call__(self, x):
        v = self._vectors(x).astype(np.float64)
        size = v.shape[0]
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        n = v / norms
        p = n @ n.T
        np.fill_diagonal(p, 0.0)
        pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * float(np.abs(p).sum()) / pairs

    def gradient(self, x):
        xv = _array(x)
        v = self._vectors(xv).astype(np.float64)
        size = v.shape[0]
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        n = v / norms
        s = np.sign(n @ n.T)
        np.fill_diagonal(s, 0.0)
        c = self.factor * 0.5 / (size * (size - 1.0) / 2.0)
        dn = c * (s + s.T) @ n
        # through the normalization n = v / |v|
        dv = (dn - n * np.sum(n * dn, axis=1, keepdims=True)) / norms
        g = dv if self.mode == "rows" else dv.T
        return np.ascontiguousarray(g, dtype=xv.dtype)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def validate_float_arg(value, name):
    """Returns `value` as a float, or raises if it is not a finite number >= 0."""
    if (isinstance(value, bool) or not isinstance(value, (float, int, np.floating, np.integer))
            or math.isinf(value) or math.isnan(value) or value < 0):
        raise ValueError("Invalid value for argument %s: expected a non-negative float."
                         "Received: %s=%s" % (name, name, value))
    return float(value)
