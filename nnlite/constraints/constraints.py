"""Weight constraints, as `keras.constraints`.

A constraint maps a weight array to its projection (for example rescaling
columns whose norm is too large). The optimizer applies `variable.constraint`
to the variable after each update; the functions here are vectorised NumPy
over the whole array and return a new array of the same shape and dtype.
"""
import numpy as np

from nnlite import config


def _array(w):
    arr = np.asarray(getattr(w, "value", w))
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(config.floatx())
    return arr


def _norms(w, axis):
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


def _own_math(constraint, builtin):
    """True while `constraint` projects as the built-in class does."""
    return type(constraint).__call__ is builtin.__call__


class Constraint:
    """Base class of weight constraints: `__call__(w)` returns the projected weight.

    Example:

    >>> class Clip(Constraint):
    ...     def __call__(self, w):
    ...         return np.clip(w, -1.0, 1.0)
    """

    def __call__(self, w):
        return w

    def executor_spec(self):
        """A plain dict telling the compiled executor what the projection
        computes (`{"kind": "max_norm", "max_value": 2.0, "axis": 0,
        "epsilon": 1e-07}`, ...), or None when it cannot be lowered: the base
        class, and a subclass of a built-in that overrides `__call__`."""
        return None

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    """Rescales the weight vectors whose L2 norm exceeds `max_value`.

    `w * clip(norm, 0, max_value) / (epsilon + norm)`, the norm taken over `axis`.

    Args:
        max_value: Largest allowed norm. Defaults to `2`.
        axis: Axis (or axes) over which norms are computed; `0` constrains each
            column of a Dense kernel `(input_dim, units)`. Defaults to `0`.
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = _array(w)
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return (w * (desired / (config.epsilon() + norms))).astype(w.dtype, copy=False)

    def executor_spec(self):
        if not _own_math(self, MaxNorm):
            return None
        return {"kind": "max_norm", "max_value": self.max_value, "axis": self.axis,
                "epsilon": config.epsilon()}

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero: `max(w, 0)`."""

    def __call__(self, w):
        return np.maximum(_array(w), 0)

    def executor_spec(self):
        return {"kind": "non_neg"} if _own_math(self, NonNeg) else None


class UnitNorm(Constraint):
    """Rescales each weight vector to unit L2 norm: `w / (epsilon + norm)`.

    Args:
        axis: Axis (or axes) over which norms are computed. Defaults to `0`.
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = _array(w)
        return (w / (config.epsilon() + _norms(w, self.axis))).astype(w.dtype, copy=False)

    def executor_spec(self):
        if not _own_math(self, UnitNorm):
            return None
        return {"kind": "unit_norm", "axis": self.axis, "epsilon": config.epsilon()}

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves each weight vector's L2 norm into `[min_value, max_value]`.

    `desired = rate * clip(norm, min_value, max_value) + (1 - rate) * norm`,
    then `w * desired / (epsilon + norm)`.

    Args:
        min_value: Smallest norm. Defaults to `0.0`.
        max_value: Largest norm. Defaults to `1.0`.
        rate: 1.0 enforces the bounds at once; smaller values move towards
            them gradually. Defaults to `1.0`.
        axis: Axis (or axes) over which norms are computed. Defaults to `0`.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = _array(w)
        norms = _norms(w, self.axis)
        desired = (self.rate * np.clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return (w * (desired / (config.epsilon() + norms))).astype(w.dtype, copy=False)

    def executor_spec(self):
        if not _own_math(self, MinMaxNorm):
            return None
        return {"kind": "min_max_norm", "min_value": self.min_value,
                "max_value": self.max_value, "rate": self.rate, "axis": self.axis,
                "epsilon": config.epsilon()}

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}
