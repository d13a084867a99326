"""Pooling ops, as `keras.ops.max_pool` and `keras.ops.average_pool`.

One op function per pooling kind, forward beside backward, both in the C core
(`csrc/pool.c` through `nnlite._core`). The kernels take channels-last 4-D
arrays: 1-D pooling runs as 2-D with height 1, and channels-first inputs are
moved to channels-last and back inside the op. Padding follows Keras/TF:
`'same'` pads `total // 2` before and the rest after; padded places are left
out of every window (a max never picks them, an average divides by the count
of real elements only).
"""
import numpy as np

from nnlite import _core, config
from nnlite.backend.tape import only_variable_gradients
from nnlite.backend.tensor import apply, is_tensor
from nnlite.ops.core import cast, convert_to_tensor

__all__ = ["max_pool", "average_pool"]

_C_TYPES = (np.dtype(np.float32), np.dtype(np.float64))


# -- argument checks ------------------------------------------------------------
def standardize_data_format(data_format):
    """`"channels_last"` or `"channels_first"`; None gives the configured image
    data format (`"channels_last"` unless set)."""
    if data_format is None:
        getter = getattr(config, "image_data_format", None)
        return getter() if callable(getter) else "channels_last"
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError('The `data_format` argument must be one of {"channels_first", '
                         '"channels_last"}. Received: data_format=%s' % (data_format,))
    return value


def standardize_tuple(value, n, name, allow_zero=False):
    """An int or an iterable of `n` ints as a tuple of `n` Python ints (Keras's
    `argument_validation.standardize_tuple`), each positive (or >= 0 with
    `allow_zero`)."""
    message = "The `%s` argument must be a tuple of %d integers. Received %s=%r" % (
        name, n, name, value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(message) from None
        if len(values) != n or any(isinstance(v, bool) or not isinstance(v, (int, np.integer))
                                   for v in values):
            raise ValueError(message)
        values = tuple(int(v) for v in values)
    low = 0 if allow_zero else 1
    if any(v < low for v in values):
        raise ValueError("The `%s` argument must be a tuple of %d integers %s. Received: "
                         "%s=%r" % (name, n, ">= 0" if allow_zero else "> 0", name, value))
    return values


def standardize_padding(padding):
    """`"valid"` or `"same"` (case-insensitive)."""
    value = padding.lower() if isinstance(padding, str) else padding
    if value not in ("valid", "same"):
        raise ValueError("Argument `padding` must be either 'valid' or 'same'. Received: "
                         "padding=%r" % (padding,))
    return value


def pooling_output_size(size, pool, stride, padding):
    """Length of one pooled axis: valid `floor((n - k) / s) + 1`, same
    `ceil(n / s)`; None stays None. Raises when 'valid' leaves nothing."""
    if size is None:
        return None
    if padding == "same":
        return -(-size // stride)
    out = (size - pool) // stride + 1
    if out <= 0:
        raise ValueError("Computed output size would be zero or negative. Received: "
                         "size=%d, pool_size=%d, strides=%d, padding='valid'"
                         % (size, pool, stride))
    return out


def pooling_output_shape(input_shape, pool_size, strides, padding, data_format):
    """Output shape of pooling `input_shape` (batch and channel axes kept)."""
    shape = list(input_shape)
    first = 2 if data_format == "channels_first" else 1
    for i, (k, s) in enumerate(zip(pool_size, strides)):
        shape[first + i] = pooling_output_size(shape[first + i], k, s, padding)
    return tuple(shape)


# -- the op ---------------------------------------------------------------------------
def _pool(x, kind, pool, strides, padding, channels_first, relu_gradient=None):
    """Pooling of x (batch, *spatial, channels) or (batch, channels, *spatial),
    spatial of rank 1 or 2, in the C core; backward to x alone. With
    `relu_gradient` (x = relu(z) of the op holding that `tape.ReluGradient`)
    a max pooling with disjoint windows hands back dx times [x > 0]."""
    rank = x.ndim - 2
    xl = np.moveaxis(x, 1, -1) if channels_first else x     # channels last
    spatial = xl.shape[1:-1]
    x4 = np.ascontiguousarray(xl.reshape((xl.shape[0],) + (1,) * (2 - rank) + xl.shape[1:]))
    pool2 = (1,) * (2 - rank) + tuple(pool)
    strides2 = (1,) * (2 - rank) + tuple(strides)
    pads = (0, 0) * (2 - rank)
    for n, k, s in zip(spatial, pool, strides):
        pooling_output_size(n, k, s, padding)          # 'valid' with nothing left raises
        pads += _core.conv_padding(n, k, s, 1, padding)[:2]
    idx = None           # disjoint max windows: the chosen taps, so backward skips x
    if kind == "max" and _core.max_pool_records(x4.shape, pool2, strides2, pads):
        y4, idx = _core.max_pool2d_forward_idx(x4, pool2, strides2, pads,
                                               relu_grad=relu_gradient is not None)
        x_shape = x4.shape
        x4 = None
    elif kind == "max":
        y4 = _core.max_pool2d_forward(x4, pool2, strides2, pads)
    else:
        y4 = _core.avg_pool2d_forward(x4, pool2, strides2, pads)
    out_last = (xl.shape[0],) + y4.shape[3 - rank:]
    y = y4.reshape(out_last)
    if channels_first:
        y = np.ascontiguousarray(np.moveaxis(y, -1, 1))

    def backward(dy):
        dyl = np.moveaxis(dy, 1, -1) if channels_first else dy
        dy4 = np.ascontiguousarray(dyl.reshape(y4.shape), dtype=y4.dtype)
        if idx is not None:
            dx4 = _core.max_pool2d_backward_idx(x_shape, idx, dy4, pool2, strides2, pads)
        elif kind == "max":
            dx4 = _core.max_pool2d_backward(x4, dy4, pool2, strides2, pads)
        else:
            dx4 = _core.avg_pool2d_backward(x4.shape, dy4, pool2, strides2, pads)
        dx = dx4.reshape(xl.shape)
        if channels_first:
            dx = np.ascontiguousarray(np.moveaxis(dx, -1, 1))
        if idx is not None and relu_gradient is not None:
            relu_gradient.masked = dx
        return (dx,)
    return y, backward


def _pool_op(kind, inputs, pool_size, strides, padding, data_format):
    name = "max_pool" if kind == "max" else "average_pool"
    x = inputs if is_tensor(inputs) else convert_to_tensor(np.asarray(inputs))
    back = None          # a float dtype the C core lacks (float16): pooled in float32, cast back
    if x.dtype not in _C_TYPES:
        if not (np.issubdtype(x.dtype, np.integer) or x.dtype == np.bool_ or
                np.issubdtype(x.dtype, np.floating)):
            raise TypeError("%s: inputs must be a real numeric tensor. Received: dtype=%s"
                            % (name, x.dtype))
        if np.issubdtype(x.dtype, np.floating):
            back = x.dtype
        x = cast(x, "float32" if back is not None else config.floatx())
    rank = len(x.shape) - 2
    if rank not in (1, 2):
        raise ValueError("%s: inputs must have rank 3 (1-D pooling) or 4 (2-D pooling); "
                         "3-D pooling is not supported by nnlite yet. Received: "
                         "inputs.shape=%s" % (name, tuple(x.shape)))
    pool = standardize_tuple(pool_size, rank, "pool_size")
    strides = pool if strides is None else standardize_tuple(strides, rank, "strides")
    padding = standardize_padding(padding)
    data_format = standardize_data_format(data_format)
    link = getattr(x, "_relu_gradient", None) if kind == "max" and back is None \
        and data_format == "channels_last" and only_variable_gradients() else None
    y = apply(name, _pool, (x,), kind, pool, strides, padding, data_format == "channels_first",
              relu_gradient=link)
    return y if back is None else cast(y, back)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over the spatial axes (1-D or 2-D), as `keras.ops.max_pool`.

    `y[n, i, j, c] = max over the window at (i * s_h, j * s_w) of x[n, ., ., c]`;
    the gradient goes to each window's first largest element.

    Args:
        inputs: `(batch, *spatial, channels)` (channels_last) or
            `(batch, channels, *spatial)`; rank 3 or 4.
        pool_size: Int or tuple, the window size per spatial axis.
        strides: Int or tuple. Defaults to `None` (pool_size).
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `None` (the image data format, `"channels_last"`).

    Example:

    >>> max_pool(np.arange(16.).reshape(1, 4, 4, 1), 2).numpy()[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    return _pool_op("max", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over the spatial axes (1-D or 2-D), as `keras.ops.average_pool`.

    Each window's mean; with `"same"` padding the divisor is the number of
    real (not padded) elements in the window, as Keras/TF.

    Args:
        inputs: `(batch, *spatial, channels)` (channels_last) or
            `(batch, channels, *spatial)`; rank 3 or 4.
        pool_size: Int or tuple, the window size per spatial axis.
        strides: Int or tuple. Defaults to `None` (pool_size).
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `None` (the image data format, `"channels_last"`).

    Example:

    >>> average_pool(np.array([[[1.], [2.], [3.], [4.], [5.]]]), 3, 1, "same").numpy().ravel()
    array([1.5, 2. , 3. , 4. , 4.5])
    """
    return _pool_op("average", inputs, pool_size, strides, padding, data_format)
