"""Shared pieces of the data preprocessing layers: argument checks as Keras
words them, conversion of inputs to NumPy (numbers or str), categorical
encodings, and the base class of layers that take raw data."""
import numpy as np

from nnlite.backend.tensor import Tensor, is_tensor
from nnlite.layers.layer import Layer


def validate_string_arg(value, allowable_strings, caller_name, arg_name, allow_none=False,
                        allow_callables=False):
    """Keras's check of a string-valued argument (same message)."""
    if allow_none and value is None:
        return
    if allow_callables and callable(value):
        return
    if isinstance(value, str) and value in allowable_strings:
        return
    raise ValueError("Unknown value for `%s` argument of %s. Allowed values are: %s. "
                     "Received: %s=%s" % (arg_name, caller_name, allowable_strings,
                                          arg_name, value))


def to_numpy(x):
    """A NumPy view of a Tensor, an array, a list or a scalar."""
    if is_tensor(x):
        return np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    return np.asarray(x)


def is_string_array(arr):
    return arr.dtype.kind in "US" or (arr.dtype == object and arr.size > 0 and all(
        isinstance(v, (str, bytes)) for v in arr.reshape(-1)[:1]))


def to_strings(x, encoding="utf-8"):
    """`x` as a NumPy unicode (`'U'`) array: bytes are decoded with `encoding`."""
    arr = to_numpy(x)
    if arr.dtype.kind == "U":
        return arr
    if arr.dtype.kind == "S":
        return np.char.decode(arr, encoding)
    if arr.dtype == object:
        flat = [v.decode(encoding) if isinstance(v, bytes) else v for v in arr.reshape(-1)]
        if not all(isinstance(v, str) for v in flat):
            raise ValueError("Expected string inputs. Received: %r" % (arr,))
        return np.array(flat, dtype=str).reshape(arr.shape) if flat else \
            np.zeros(arr.shape, dtype="U1")
    raise ValueError("Expected string inputs. Received an array of dtype %s" % arr.dtype)


def encode_categorical(indices, output_mode, depth, dtype):
    """Keras's `encode_categorical_inputs` on integer `indices`:
    `"int"` casts; `"one_hot"` drops a trailing axis of size 1 and appends
    one of size `depth`; `"multi_hot"` / `"count"` replace the last axis by
    `depth` (a rank-1 input is one sample), marking or counting each value.
    Values outside `[0, depth)` set nothing, as TensorFlow's bincount with
    `maxlength` and one_hot do."""
    indices = np.asarray(indices)
    if output_mode == "int":
        return indices.astype(dtype)
    if indices.ndim == 0:
        indices = indices.reshape(1)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        out = (indices[..., None] == np.arange(depth)).astype(dtype)
        return out
    lead = indices.shape[:-1]
    # the row count from the leading axes: -1 cannot be inferred when the
    # rows are empty (texts with no tokens)
    rows = indices.reshape(int(np.prod(lead)), indices.shape[-1]).astype(np.int64)
    out = np.zeros((rows.shape[0], depth), np.int64)
    valid = (rows >= 0) & (rows < depth)
    r = np.broadcast_to(np.arange(rows.shape[0])[:, None], rows.shape)
    np.add.at(out, (r[valid], rows[valid]), 1)
    if output_mode == "multi_hot":
        out = np.minimum(out, 1)
    return out.astype(dtype).reshape(lead + (depth,))


def categorical_output_shape(input_shape, output_mode, depth):
    """The shape `encode_categorical` gives for `input_shape`."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        return (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    return input_shape[:-1] + (depth,)


def as_output(arr):
    """Numbers leave a layer as Tensors, strings as NumPy arrays."""
    arr = np.asarray(arr)
    if arr.dtype.kind in "USO":
        return arr
    return Tensor(np.ascontiguousarray(arr))


def batches_of(data, steps=None):
    """`adapt`'s data as a list of batches: an array (or a list, or a Tensor)
    is one batch; any other iterable yields batches (at most `steps`)."""
    if isinstance(data, (np.ndarray, list, tuple)) or is_tensor(data) or \
            isinstance(data, (str, bytes)) or not hasattr(data, "__iter__"):
        return [data]
    out = []
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        if isinstance(batch, tuple):      # (x, y) pairs: the features
            batch = batch[0]
        out.append(batch)
    return out


class DataLayer(Layer):
    """A weightless preprocessing layer whose `call` receives the data as
    given (NumPy arrays of numbers or strings, lists, Tensors): its work is
    NumPy, and strings cannot become Tensors. It is never trained."""

    _raw_inputs = True

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, (list, tuple, str, bytes, int, float)):
            inputs = np.asarray(inputs)      # one data tensor, given as Python values
        return super().__call__(inputs, *args, **kwargs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)
