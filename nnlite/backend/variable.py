"""Variable: a named, shaped float array that layers and optimizers update in place."""
import contextlib
import threading

import numpy as np

from nnlite import config
from nnlite.backend.tensor import TensorOperators


_budget = threading.local()


class WeightBudgetExceeded(ValueError):
    """Raised when variables created under `weight_budget` ask for more
    elements than the budget allows (see `weight_budget`)."""

    def __init__(self, asked, limit):
        self.asked = asked
        self.limit = limit
        super().__init__("variables ask for %d weight values, more than the %d allowed"
                         % (asked, limit))


@contextlib.contextmanager
def weight_budget(limit):
    """Bounds the total number of elements of the Variables created in this
    thread inside the block: a Variable that would take the total above
    `limit` raises `WeightBudgetExceeded` before its value is allocated. The
    loaders set it so that a hostile config cannot build more weights than
    the weights file declares. Yields a dict whose `"used"` is the running
    total; blocks nest (the inner limit counts on top of the outer)."""
    state = {"used": 0, "limit": int(limit)}
    outer = getattr(_budget, "state", None)
    _budget.state = state
    try:
        yield state
    finally:
        _budget.state = outer
        if outer is not None:
            outer["used"] += state["used"]


@contextlib.contextmanager
def unbudgeted():
    """Suspends `weight_budget` in this thread inside the block: for variables
    that mirror one already counted (an optimizer's slots), so a model within
    its budget can always be compiled."""
    outer = getattr(_budget, "state", None)
    _budget.state = None
    try:
        yield
    finally:
        _budget.state = outer


def _charge(n):
    state = getattr(_budget, "state", None)
    if state is None:
        return
    asked = state["used"] + n
    if asked > state["limit"]:
        raise WeightBudgetExceeded(asked, state["limit"])
    state["used"] = asked


def _element_count(shape):
    """The number of elements of `shape`, exact (Python ints, no overflow)."""
    n = 1
    for d in shape:
        d = int(d)
        if d < 0:
            raise ValueError("A Variable's shape cannot hold negative dimensions: %s"
                             % (tuple(shape),))
        n *= d
    return n


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
        if shape is not None:
            _charge(_element_count(shape))       # before anything is allocated
        if callable(initializer):
            if shape is None:
                raise ValueError("A Variable with a callable initializer needs a shape.")
            value = initializer(tuple(shape), dtype=dtype)
        else:
            value = initializer
            if shape is None:
                _charge(int(np.size(value)))
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
