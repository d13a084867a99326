"""Core ops, as `keras.ops.core`: conversion, casting, shapes, `slice` and `stop_gradient`."""
import numpy as np

from nnlite.backend.tensor import Tensor, apply, is_tensor, unwrap

__all__ = ["cast", "convert_to_numpy", "convert_to_tensor", "is_tensor", "shape",
           "stop_gradient", "dtype", "slice"]

_builtin_slice = slice      # shadowed by the op below


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


def _is_symbolic(x):
    from nnlite.layers.input_layer import KerasTensor
    return isinstance(x, KerasTensor)


def dtype(x):
    """The dtype name of `x`, as `keras.ops.dtype` (a KerasTensor's too)."""
    if _is_symbolic(x):
        return x.dtype
    return np.asarray(unwrap(x)).dtype.name


def shape(x):
    """The shape of `x` as a tuple of ints (of a KerasTensor: with `None` for
    unknown sizes)."""
    if _is_symbolic(x):
        return tuple(x.shape)
    return tuple(np.shape(unwrap(x)))


def _stop(x):
    return x, None


def stop_gradient(x):
    """`x` as a value no gradient flows through."""
    return apply("stop_gradient", _stop, (x,))


def _index_list(name, values):
    """`values` (a list, tuple, array or Tensor of ints) as a list of Python ints."""
    arr = np.asarray(unwrap(values))
    if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
        raise ValueError("slice: `%s` must be a 1-D sequence of ints. Received: %s=%r"
                         % (name, name, values))
    return [int(v) for v in arr]


def slice(inputs, start_indices, shape):
    """The block of `inputs` of size `shape` starting at `start_indices`.

    `out[i0, i1, ...] = inputs[start_indices[0] + i0, start_indices[1] + i1, ...]`;
    a size of -1 takes the rest of that axis (as `tf.slice`). The backward puts
    the output gradient back into the block and zeros elsewhere.

    Args:
        inputs: A tensor.
        start_indices: One start per axis of `inputs`.
        shape: One size per axis of `inputs` (-1 for the rest of the axis).

    Returns:
        A tensor of shape `shape` (sizes -1 resolved), dtype of `inputs`.

    Example:

    >>> slice(np.arange(12).reshape(3, 4), (1, 1), (2, 2))    # [[5, 6], [9, 10]]
    """
    starts = _index_list("start_indices", start_indices)
    sizes = _index_list("shape", shape)

    def fn(a):
        if not (len(starts) == len(sizes) == a.ndim):
            raise ValueError("slice: `start_indices` and `shape` need one entry per axis of "
                             "`inputs` (rank %d). Received: start_indices=%r, shape=%r"
                             % (a.ndim, starts, sizes))
        key = []
        for axis, (start, size, dim) in enumerate(zip(starts, sizes, a.shape)):
            stop = dim if size == -1 else start + size
            if start < 0 or size < -1 or stop > dim:
                raise ValueError("slice: the block does not fit axis %d of `inputs` (size %d)."
                                 " Received: start_indices=%r, shape=%r, inputs.shape=%s"
                                 % (axis, dim, starts, sizes, a.shape))
            key.append(_builtin_slice(start, stop))
        key = tuple(key)
        y = a[key].copy()
        if not np.issubdtype(a.dtype, np.floating):
            return y, None

        def backward(dy):
            g = np.zeros_like(a)
            g[key] = dy
            return (g,)
        return y, backward
    return apply("slice", fn, (inputs if is_tensor(inputs) else convert_to_tensor(inputs),))
