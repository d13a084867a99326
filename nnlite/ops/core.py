"""Core ops, as `keras.ops.core`: conversion, casting, shapes and `stop_gradient`."""
import numpy as np

from nnlite.backend.tensor import Tensor, apply, is_tensor, unwrap

__all__ = ["cast", "convert_to_numpy", "convert_to_tensor", "is_tensor", "shape",
           "stop_gradient", "dtype"]


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A Tensor holding `x` (arrays, lists, scalars; Tensors pass through)."""
    if isinstance(x, Tensor) and (dtype is None or x.dtype == np.dtype(dtype)):
        return x
    if getattr(x, "_is_variable", False) and dtype is None:
        return x
    value = np.asarray(unwrap(x))
    if value.dtype == object:
        raise TypeError("convert_to_tensor: cannot convert %r to a numeric tensor"
                        % (type(x).__name__,))
    if dtype is not None:
        return cast(x, dtype) if is_tensor(x) else Tensor(value.astype(_dtype(dtype)))
    if value.dtype == np.float64 and not isinstance(x, np.ndarray):
        from nnlite import config
        value = value.astype(config.floatx())    # Python floats become floatx, as in Keras
    elif value.dtype == np.int64 and not isinstance(x, np.ndarray):
        value = value.astype(np.int32)
    return Tensor(value)


def convert_to_numpy(x):
    """The value of `x` as a NumPy array."""
    return np.array(unwrap(x))


def _dtype(dtype):
    try:
        return np.dtype(getattr(dtype, "name", dtype))
    except TypeError:
        raise ValueError("Invalid dtype: %r" % (dtype,)) from None


def _cast(x, dtype):
    x = np.asarray(x)       # a Python number or list, as Keras accepts
    y = x.astype(dtype)
    floating = np.issubdtype(x.dtype, np.floating) and np.issubdtype(dtype, np.floating)

    def backward(dy):
        return (dy.astype(x.dtype) if floating else None,)
    return y, backward


def cast(x, dtype):
    """`x` converted to `dtype` (differentiable between float dtypes)."""
    return apply("cast", _cast, (x,), _dtype(dtype))


def dtype(x):
    """The dtype name of `x`, as `keras.ops.dtype`."""
    return np.asarray(unwrap(x)).dtype.name


def shape(x):
    """The shape of `x` as a tuple of ints."""
    return tuple(np.shape(unwrap(x)))


def _stop(x):
    return x, None


def stop_gradient(x):
    """`x` as a value no gradient flows through."""
    return apply("stop_gradient", _stop, (x,))
