"""Tensor: what ops and `model(x)` return, and `apply`, which runs one op on the tape.

A Tensor holds one NumPy array. It converts to NumPy (`.numpy()`,
`np.asarray(t)`), and its Python operators (`t * 2 + b`, `x @ w`, `-t`,
comparisons, indexing) are the differentiable ops of `nnlite.ops`.
"""
import numpy as np

from nnlite.backend import tape as tape_module


class TensorOperators:
    """Python operators as `nnlite.ops` calls (shared by Tensor and Variable)."""
    __slots__ = ()
    __array_priority__ = 100

    def _ops(self):
        from nnlite import ops
        return ops

    def __add__(self, other):
        return self._ops().add(self, other)

    def __radd__(self, other):
        return self._ops().add(other, self)

    def __sub__(self, other):
        return self._ops().subtract(self, other)

    def __rsub__(self, other):
        return self._ops().subtract(other, self)

    def __mul__(self, other):
        return self._ops().multiply(self, other)

    def __rmul__(self, other):
        return self._ops().multiply(other, self)

    def __truediv__(self, other):
        return self._ops().divide(self, other)

    def __rtruediv__(self, other):
        return self._ops().divide(other, self)

    def __floordiv__(self, other):
        return self._ops().floor_divide(self, other)

    def __rfloordiv__(self, other):
        return self._ops().floor_divide(other, self)

    def __mod__(self, other):
        return self._ops().mod(self, other)

    def __pow__(self, other):
        return self._ops().power(self, other)

    def __rpow__(self, other):
        return self._ops().power(other, self)

    def __matmul__(self, other):
        return self._ops().matmul(self, other)

    def __rmatmul__(self, other):
        return self._ops().matmul(other, self)

    def __neg__(self):
        return self._ops().negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self._ops().abs(self)

    def __lt__(self, other):
        return self._ops().less(self, other)

    def __le__(self, other):
        return self._ops().less_equal(self, other)

    def __gt__(self, other):
        return self._ops().greater(self, other)

    def __ge__(self, other):
        return self._ops().greater_equal(self, other)

    def __eq__(self, other):
        if not _coercible(other):
            return NotImplemented
        return self._ops().equal(self, other)

    def __ne__(self, other):
        if not _coercible(other):
            return NotImplemented
        return self._ops().not_equal(self, other)

    def __invert__(self):
        return self._ops().logical_not(self)

    def __and__(self, other):
        return self._ops().logical_and(self, other)

    def __or__(self, other):
        return self._ops().logical_or(self, other)

    def __getitem__(self, key):
        return self._ops().get_item(self, key)

    __hash__ = object.__hash__


class Tensor(TensorOperators):
    """An immutable value computed by an op (as a `tf.Tensor` in Keras on TensorFlow).

    Attributes:
        shape: A tuple of ints.
        dtype: The NumPy dtype (compares equal to names: `t.dtype == "float32"`).
    """
    __slots__ = ("_value", "_keras_logits", "_keras_mask", "_relu_gradient", "_lookup",
                 "__weakref__")

    def __init__(self, value):
        self._value = value if isinstance(value, np.ndarray) else np.asarray(value)
        self._keras_logits = None
        self._keras_mask = None
        self._relu_gradient = None      # a tape.ReluGradient when an op made relu(z)
        self._lookup = None             # (table, ids) when embedding_lookup made it

    @property
    def value(self):
        return self._value

    @property
    def shape(self):
        return self._value.shape

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self):
        return self._value.ndim

    @property
    def size(self):
        return self._value.size

    @property
    def T(self):
        return self._ops().transpose(self)

    def numpy(self):
        """The value as a NumPy array (a copy)."""
        return self._value.copy()

    def __array__(self, dtype=None, copy=None):
        if dtype is not None:
            return self._value.astype(dtype)
        return self._value.copy() if copy else self._value

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._value)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __index__(self):
        return int(self._value)

    def __bool__(self):
        return bool(self._value)

    def __format__(self, spec):
        return format(self._value.item() if self._value.ndim == 0 else self._value, spec)

    def astype(self, dtype):
        return self._ops().cast(self, dtype)

    # NumPy-style conveniences (as torch tensors have them)
    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return self._ops().reshape(self, shape)

    def _reduce(self, name, axis, keepdims, kwargs):
        if kwargs.get("out") is not None or kwargs.get("dtype") is not None:
            return getattr(self._value, name)(axis=axis, keepdims=keepdims, **kwargs)
        return getattr(self._ops(), name)(self, axis=axis, keepdims=keepdims)

    def sum(self, axis=None, keepdims=False, **kwargs):
        return self._reduce("sum", axis, keepdims, kwargs)

    def mean(self, axis=None, keepdims=False, **kwargs):
        return self._reduce("mean", axis, keepdims, kwargs)

    def max(self, axis=None, keepdims=False, **kwargs):
        return self._reduce("max", axis, keepdims, kwargs)

    def min(self, axis=None, keepdims=False, **kwargs):
        return self._reduce("min", axis, keepdims, kwargs)

    def argmax(self, axis=None, **kwargs):
        return self._value.argmax(axis=axis, **kwargs)

    def argmin(self, axis=None, **kwargs):
        return self._value.argmin(axis=axis, **kwargs)

    def all(self, axis=None, **kwargs):
        return self._value.all(axis=axis, **kwargs)

    def any(self, axis=None, **kwargs):
        return self._value.any(axis=axis, **kwargs)

    def item(self):
        return self._value.item()

    def tolist(self):
        return self._value.tolist()

    def __repr__(self):
        return "<Tensor shape=%s, dtype=%s, numpy=\n%r>" % (self.shape, self.dtype.name,
                                                          self._value)


def _coercible(x):
    """Whether `x` can be an operand of a tensor op (else Python's reflected
    operator gets its turn, e.g. `pytest.approx`)."""
    return isinstance(x, (TensorOperators, np.ndarray, np.generic, int, float, bool, complex,
                          list, tuple))


def unwrap(x):
    """The NumPy array of a Tensor or Variable; other values as given."""
    if isinstance(x, Tensor):
        return x._value
    if getattr(x, "_is_variable", False):
        return x.value
    return x


def get_keras_mask(x):
    """The mask `x` carries (a Tensor, Variable or KerasTensor), else None."""
    return getattr(x, "_keras_mask", None)


def set_keras_mask(x, mask):
    """Attaches `mask` to the Tensor `x` (the next layers receive it)."""
    x._keras_mask = mask


def is_tensor(x):
    return isinstance(x, Tensor) or getattr(x, "_is_variable", False)


def apply(name, fn, inputs, *args, none_grads=False, **kwargs):
    """Runs the op function `fn` and records it on the active tape.

    `fn(*arrays, *args, **kwargs)` receives the NumPy values of `inputs` (a
    tuple of Tensors, Variables, arrays or None) and returns
    `(output, backward)` or `((outputs...), backward)`; `backward(*dys)`
    returns one gradient (or None) per input. Returns the output(s) as
    Tensors. With `none_grads`, outputs that no gradient reached are given to
    `backward` as None (else as zeros).
    """
    tapes = tape_module._stack()
    if not tapes:   # nothing records: run the op, keep no history
        arrays = [x._value if type(x) is Tensor else unwrap(x) for x in inputs]
        if getattr(fn, "takes_needs", False):
            kwargs["needs"] = (False,) * len(inputs)
        result, _ = fn(*arrays, *args, **kwargs)
        if isinstance(result, tuple):
            return tuple(Tensor(r) for r in result)
        return Tensor(result)
    arrays = [x._value if type(x) is Tensor else unwrap(x) for x in inputs]
    recording = []      # (tape, which inputs need a gradient on it)
    for t in tapes:
        flags = tuple(x is not None and t.needs_grad(x) for x in inputs)
        if True in flags:
            recording.append((t, flags))
    if getattr(fn, "takes_needs", False):
        # which inputs need a gradient, so backward computes only those
        kwargs["needs"] = recording[0][1] if len(recording) == 1 else tuple(
            any(flags[i] for _, flags in recording) for i in range(len(inputs)))
    result, backward = fn(*arrays, *args, **kwargs)
    multi = isinstance(result, tuple)
    outs = tuple(Tensor(r) for r in result) if multi else (Tensor(result),)
    if backward is not None:
        inputs = tuple(inputs)
        for active, flags in recording:
            active.record(name, backward, inputs, outs, none_grads, flags)
    return outs if multi else outs[0]


def takes_needs(fn):
    """Marks an op function that accepts `needs=` (one bool per input: whether
    its gradient is wanted), so its backward can skip the others."""
    fn.takes_needs = True
    return fn


def constant_op(value):
    """A Tensor with no history (not differentiable)."""
    return Tensor(value)
