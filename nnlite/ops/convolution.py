"""Convolution ops, forward beside backward, as `keras.ops.conv` and friends.

Two levels, as in `nnlite.ops.fused`:

* fused ops for the layers (`conv_nd`, `depthwise_conv_nd`, `conv_transpose_nd`):
  one C sweep each way where the C core has the kernel (convolution + bias +
  an elementwise activation in the output tile; the input and weight
  gradients from their own kernels);
* Keras 3's public ops (`conv`, `depthwise_conv`, `separable_conv`,
  `conv_transpose`), exported from `nnlite.ops` and `nnlite.ops.nn`, with
  Keras's argument names and checks, built on the fused ops.

The C kernels work on channels-last data; `"channels_first"` inputs are
transposed in and out (differentiable transposes on the tape). 1-D
convolutions run as 2-D ones of height 1 (views, no copies). Kernels keep
Keras's layouts: conv `(*window, in // groups, out)`, depthwise
`(*window, in, depth_multiplier)`, transpose `(*window, out, in)`.
"""
import numpy as np

from nnlite import _core, config
from nnlite.backend import tape as tape_module
from nnlite.backend.tensor import apply, is_tensor, takes_needs
from nnlite.ops import fused
from nnlite.ops.core import convert_to_tensor

__all__ = ["conv", "depthwise_conv", "separable_conv", "conv_transpose"]

# activations the C core can apply inside the convolution's output tile;
# softmax is row-wise, and softmax/sigmoid keep their logits reachable for a
# cross-entropy, so those two run as a separate op
_UNFUSED = ("softmax", "sigmoid")


# --------------------------------------------------------------------------
# argument handling shared with the layers

def normalize_tuple(value, n, name, allow_zero=False):
    """`value` (an int or n ints) as a tuple of n Python ints, checked as
    Keras's `standardize_tuple`."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        result = (int(value),) * n
    else:
        try:
            result = tuple(value)
        except TypeError:
            raise ValueError("The `%s` argument must be a tuple of %d integers. Received %s=%r"
                             % (name, n, name, value)) from None
        if len(result) != n or any(isinstance(v, bool) or not isinstance(v, (int, np.integer))
                                   for v in result):
            raise ValueError("The `%s` argument must be a tuple of %d integers. Received %s=%r"
                             % (name, n, name, value))
        result = tuple(int(v) for v in result)
    bad = {v for v in result if (v < 0 if allow_zero else v <= 0)}
    if bad:
        raise ValueError("The `%s` argument must be a tuple of %d integers. Received %s=%r, "
                         "including values %s that do not satisfy `value %s 0`"
                         % (name, n, name, value, bad, ">=" if allow_zero else ">"))
    return result


def normalize_padding(padding, allowed=("valid", "same")):
    """The padding string lower-cased, one of `allowed` (Keras rejects ints)."""
    if not isinstance(padding, str) or padding.lower() not in allowed:
        raise ValueError("The `padding` argument must be one of %s. Received: padding=%r"
                         % ("{" + ", ".join("'%s'" % a for a in allowed) + "}", padding))
    return padding.lower()


def normalize_data_format(data_format):
    """'channels_last' (the default for None) or 'channels_first'."""
    if data_format is None:
        fmt = getattr(config, "image_data_format", None)
        return fmt() if callable(fmt) else "channels_last"
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', "
                         "'channels_last'}. Received: data_format=%s" % (data_format,))
    return value


def check_strides_dilation(strides, dilation_rate):
    if max(strides) > 1 and max(dilation_rate) > 1:
        raise ValueError("`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                         "Received: strides=%s and dilation_rate=%s"
                         % (tuple(strides), tuple(dilation_rate)))


def conv_output_length(size, kernel, stride, dilation, padding):
    """Output length of one axis of a convolution (None stays None); <= 0
    for a window larger than the valid input."""
    if size is None:
        return None
    eff = dilation * (kernel - 1) + 1
    if padding == "valid":
        return (size - eff) // stride + 1
    return -(-size // stride)       # same, causal


def conv_transpose_output_length(size, kernel, stride, dilation, padding, output_padding):
    """Output length of one axis of a transposed convolution, as Keras."""
    if size is None:
        return None
    return _core.conv_transpose_padding(size, kernel, stride, dilation, padding,
                                        output_padding)[2]


def _axis_pads(size, kernel, stride, dilation, padding):
    before, after, _ = _core.conv_padding(size, kernel, stride, dilation, padding)
    return before, after


def to_channels_last(x, rank):
    """(batch, channels, *spatial) -> (batch, *spatial, channels), on the tape."""
    return fused.transpose(x, (0,) + tuple(range(2, rank + 2)) + (1,))


def to_channels_first(y, rank):
    """(batch, *spatial, channels) -> (batch, channels, *spatial), on the tape."""
    return fused.transpose(y, (0, rank + 1) + tuple(range(1, rank + 1)))


def _split_activation(activation, alpha):
    """(C name fused into the kernel or None, name applied afterwards or None)."""
    if activation in (None, "linear"):
        return None, None
    if activation in _UNFUSED:
        return None, activation
    return activation, None


# --------------------------------------------------------------------------
# fused ops on channels-last arrays (views as 2-D for rank 1)

def _image(a, rank):
    """(n, w, c) viewed as (n, 1, w, c); 2-D images as they are."""
    a = a if a.flags.c_contiguous else np.ascontiguousarray(a)
    return a.reshape(a.shape[0], 1, a.shape[1], a.shape[2]) if rank == 1 else a


def _kernel4(k, rank):
    k = k if k.flags.c_contiguous else np.ascontiguousarray(k)
    return k.reshape((1,) + k.shape) if rank == 1 else k


def _pads4(x_spatial, k_spatial, strides, dilation, padding, rank):
    """(top, bottom, left, right) for the C core from the padding string."""
    pads = [_axis_pads(n, k, s, d, padding)
            for n, k, s, d in zip(x_spatial, k_spatial, strides, dilation)]
    if rank == 1:
        pads = [(0, 0)] + pads
    return pads[0] + pads[1]


def _hw(t, rank):
    return (1,) + tuple(t) if rank == 1 else tuple(t)


@takes_needs
def _conv_op(x, kernel, bias, rank, depthwise, strides, dilation, padding, groups, activation,
             alpha, relu_gradient=None, input_relu=None, needs=(True, True, True)):
    """z = conv(x, kernel) + bias, y = f(z) on channels-last x (rank 1 or 2);
    with `relu_gradient` (a `tape.ReluGradient`, activation 'relu') the
    backward skips the mask for a dy the reader of y already masked; with
    `input_relu` (the link of the op whose ReLU made x) the input gradient
    comes back masked by [x > 0]."""
    x4, k4 = _image(x, rank), _kernel4(kernel, rank)
    s, d = _hw(strides, rank), _hw(dilation, rank)
    pads = _pads4(x.shape[1:-1], kernel.shape[:rank], strides, dilation, padding, rank)
    if depthwise:
        z, y = _core.depthwise_conv2d_forward(x4, k4, bias, s, d, pads, activation, alpha)
    else:
        # ReLU's gradient mask y > 0 is z > 0: keep y alone (z written over)
        z, y = _core.conv2d_forward(x4, k4, bias, s, d, pads, groups, activation, alpha,
                                    keep_z=activation != "relu")
    out_shape = (x.shape[0],) + z.shape[2 if rank == 1 else 1:]

    def backward(dy):
        masked = relu_gradient is not None and relu_gradient.take(dy)
        dy = np.ascontiguousarray(dy, dtype=z.dtype).reshape(z.shape)
        dz = dy if activation is None or masked else \
            _core.activation_backward(activation, z, y, dy, alpha)
        dx = dk = db = None
        need_bias = bias is not None and needs[2]
        if needs[1] or need_bias:
            if depthwise:
                dk, db = _core.depthwise_conv2d_backward_weight(x4, k4.shape, dz, s, d, pads,
                                                                need_bias)
            else:
                dk, db = _core.conv2d_backward_weight(x4, k4.shape, dz, s, d, pads, groups,
                                                      need_bias)
            dk = dk.reshape(kernel.shape) if needs[1] else None
        if needs[0]:
            if depthwise:
                dx = _core.depthwise_conv2d_backward_input(x4.shape, k4, dz, s, d, pads)
            else:
                dx = _core.conv2d_backward_input(x4.shape, k4, dz, s, d, pads, groups,
                                                 relu_x=None if input_relu is None else x4)
            dx = dx.reshape(x.shape)
            if input_relu is not None and not depthwise:
                input_relu.masked = dx
        return dx, dk, db

    return y.reshape(out_shape), backward


def _check_window(x_shape, k_spatial, strides, dilation, padding, where):
    """A window larger than the (unpadded) valid input gives no output: Keras's error."""
    for n, k, s, d in zip(x_shape[1:-1], k_spatial, strides, dilation):
        if conv_output_length(n, k, s, d, padding) <= 0:
            raise ValueError("Computed output size would be zero or negative. Received "
                             "`inputs shape=%s`, `kernel shape=%s`, `dilation_rate=%s`, "
                             "`strides=%s`, `padding=%s`."
                             % (tuple(x_shape), where, tuple(dilation), tuple(strides),
                                padding))


def _run_conv(x, kernel, bias, strides, padding, dilation_rate, groups, activation, alpha,
              data_format, depthwise):
    rank = len(x.shape) - 2
    if data_format == "channels_first":
        x = to_channels_last(x, rank)
    _check_window(x.shape, kernel.shape[:rank], strides, dilation_rate, padding,
                  tuple(kernel.shape))
    fused_act, after = _split_activation(activation, alpha)
    fuse = not depthwise and data_format != "channels_first" \
        and tape_module.only_variable_gradients()
    # relu(z) read by max pooling or a convolution in fit: the reader's
    # backward applies the ReLU's mask in a pass it makes anyway
    link = tape_module.ReluGradient() if fuse and fused_act == "relu" else None
    input_relu = getattr(x, "_relu_gradient", None) if fuse else None
    y = apply("depthwise_conv" if depthwise else "conv", _conv_op, (x, kernel, bias), rank,
              depthwise, tuple(strides), tuple(dilation_rate), padding, groups, fused_act,
              alpha, relu_gradient=link, input_relu=input_relu)
    if link is not None:
        y._relu_gradient = link
    if data_format == "channels_first":
        y = to_channels_first(y, rank)
    if after is not None:
        y = fused.activation(y, after, alpha)
    return y


def conv_nd(x, kernel, bias=None, strides=(1,), padding="valid", dilation_rate=(1,), groups=1,
            activation=None, alpha=0.0, data_format="channels_last"):
    """`activation(conv(x, kernel) + bias)` for 1-D and 2-D inputs in one C sweep.

    Arguments are already normalized (tuples of `rank` ints, a lower-case
    padding of 'valid', 'same' or 'causal', a C-core activation name or None).
    """
    return _run_conv(x, kernel, bias, strides, padding, dilation_rate, groups, activation,
                     alpha, data_format, False)


def depthwise_conv_nd(x, kernel, bias=None, strides=(1,), padding="valid",
                      dilation_rate=(1,), activation=None, alpha=0.0,
                      data_format="channels_last"):
    """Depthwise convolution (output channel `c * depth_multiplier + m`) + bias
    + activation in one C sweep."""
    return _run_conv(x, kernel, bias, strides, padding, dilation_rate, 1, activation, alpha,
                     data_format, True)


@takes_needs
def _conv_transpose_op(x, kernel, bias, rank, strides, dilation, padding, output_padding,
                       needs=(True, True, True)):
    """The transposed convolution of channels-last x (the input gradient of the
    convolution whose output has x's shape)."""
    x4, k4 = _image(x, rank), _kernel4(kernel, rank)
    s, d = _hw(strides, rank), _hw(dilation, rank)
    op = (None,) * rank if output_padding is None else tuple(output_padding)
    axes = [_core.conv_transpose_padding(n, k, st, dl, padding, o)
            for n, k, st, dl, o in zip(x.shape[1:-1], kernel.shape[:rank], strides, dilation,
                                       op)]
    if rank == 1:
        axes = [(0, 0, 1)] + axes
    pads = axes[0][:2] + axes[1][:2]
    out_hw = (axes[0][2], axes[1][2])
    y = _core.conv2d_transpose_forward(x4, k4, out_hw, bias, s, d, pads)
    out_shape = (x.shape[0],) + tuple(a[2] for a in axes[2 - rank:]) + (kernel.shape[-2],)

    def backward(dy):
        dy4 = np.ascontiguousarray(dy, dtype=y.dtype).reshape(y.shape)
        dx, dk, db = _core.conv2d_transpose_backward(x4, k4, dy4, s, d, pads,
                                                     need_bias=bias is not None and needs[2])
        return (dx.reshape(x.shape) if needs[0] else None,
                dk.reshape(kernel.shape) if needs[1] else None, db)

    return y.reshape(out_shape), backward


def conv_transpose_nd(x, kernel, bias=None, strides=(1,), padding="valid", output_padding=None,
                      dilation_rate=(1,), activation=None, alpha=0.0,
                      data_format="channels_last"):
    """`activation(conv_transpose(x, kernel) + bias)` for 1-D and 2-D inputs;
    kernel `(*window, out, in)`."""
    rank = len(x.shape) - 2
    if data_format == "channels_first":
        x = to_channels_last(x, rank)
    y = apply("conv_transpose", _conv_transpose_op, (x, kernel, bias), rank, tuple(strides),
              tuple(dilation_rate), padding,
              None if output_padding is None else tuple(output_padding))
    if data_format == "channels_first":
        y = to_channels_first(y, rank)
    if activation not in (None, "linear"):
        y = fused.activation(y, activation, alpha)
    return y


# --------------------------------------------------------------------------
# keras.ops

def _float_input(x, name):
    """A Tensor/Variable as given (float32/float64), anything else converted."""
    if not is_tensor(x):
        x = convert_to_tensor(x)
    if np.dtype(x.dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
        from nnlite.ops import core
        x = core.cast(x, "float64" if np.dtype(x.dtype) == np.float64 else config.floatx())
    return x


def _common(inputs, *kernels):
    """inputs and kernels as float Tensors of one dtype (float64 if any is)."""
    items = [_float_input(inputs, "inputs")] + [_float_input(k, "kernel") for k in kernels]
    dtype = np.result_type(*[np.dtype(t.dtype) for t in items])
    from nnlite.ops import core
    return [t if np.dtype(t.dtype) == dtype else core.cast(t, dtype.name) for t in items]


def _rank_of(inputs, kernel, op_name, kernel_name="kernel"):
    ndim = len(inputs.shape)
    if ndim not in (3, 4):
        if ndim == 5:
            raise NotImplementedError("%s: 3-D convolutions are not supported by nnlite yet. "
                                      "Received: inputs.shape=%s" % (op_name, tuple(inputs.shape)))
        raise ValueError("%s expects inputs of rank 3 (1-D) or 4 (2-D), batch and channels "
                         "included. Received: inputs.shape=%s" % (op_name, tuple(inputs.shape)))
    if len(kernel.shape) != ndim:
        raise ValueError("%s: `%s` must have the rank of `inputs` (%d). Received: inputs.shape=%s, "
                         "%s.shape=%s" % (op_name, kernel_name, ndim, tuple(inputs.shape),
                                          kernel_name, tuple(kernel.shape)))
    return ndim - 2


def _geometry(rank, strides, padding, data_format, dilation_rate):
    strides = normalize_tuple(strides, rank, "strides")
    dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate")
    check_strides_dilation(strides, dilation_rate)
    return (strides, normalize_padding(padding), normalize_data_format(data_format),
            dilation_rate)


def _channels(inputs, data_format):
    return inputs.shape[1] if data_format == "channels_first" else inputs.shape[-1]


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """General N-D convolution (1-D and 2-D in nnlite), as `keras.ops.conv`.

    `output[b, i, f] = sum_{w, c} inputs[b, i * strides + w * dilation_rate, c]
    * kernel[w, c, f]` (cross-correlation, no flip); with groups
    `channels // kernel.shape[-2]`, each group of filters sees its own slice
    of the channels.

    Args:
        inputs: `(batch, *spatial, channels)` (channels-last) or
            `(batch, channels, *spatial)` (channels-first).
        kernel: `(*window, channels // groups, filters)`.
        strides: An int or one int per spatial axis. Defaults to `1`.
        padding: `"valid"` or `"same"` (output `ceil(size / stride)`, the extra
            padding after). Defaults to `"valid"`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `"channels_last"`.
        dilation_rate: An int or one int per spatial axis. Defaults to `1`.

    Returns:
        `(batch, *out_spatial, filters)` (or channels-first).

    Example:

    >>> conv(np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 4))).shape
    (1, 3, 3, 4)
    """
    inputs, kernel = _common(inputs, kernel)
    rank = _rank_of(inputs, kernel, "conv")
    strides, padding, data_format, dilation_rate = _geometry(rank, strides, padding,
                                                             data_format, dilation_rate)
    channels, per_group = _channels(inputs, data_format), kernel.shape[-2]
    if per_group < 1 or channels % per_group:
        raise ValueError("conv: the input channels (%d) must be a multiple of kernel.shape[-2] "
                         "(%d). Received: inputs.shape=%s, kernel.shape=%s"
                         % (channels, per_group, tuple(inputs.shape), tuple(kernel.shape)))
    groups = channels // per_group
    if kernel.shape[-1] % groups:
        raise ValueError("conv: the filters (%d) must be a multiple of groups (%d). Received: "
                         "kernel.shape=%s" % (kernel.shape[-1], groups, tuple(kernel.shape)))
    return conv_nd(inputs, kernel, None, strides, padding, dilation_rate, groups,
                   data_format=data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Depthwise convolution, as `keras.ops.depthwise_conv`: each input channel
    `c` is convolved with its own `depth_multiplier` filters, giving output
    channel `c * depth_multiplier + m`.

    Args:
        inputs: `(batch, *spatial, channels)` (or channels-first).
        kernel: `(*window, channels, depth_multiplier)`.
        strides, padding, data_format, dilation_rate: as `conv`.

    Example:

    >>> depthwise_conv(np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 3))).shape
    (1, 3, 3, 6)
    """
    inputs, kernel = _common(inputs, kernel)
    rank = _rank_of(inputs, kernel, "depthwise_conv")
    strides, padding, data_format, dilation_rate = _geometry(rank, strides, padding,
                                                             data_format, dilation_rate)
    if kernel.shape[-2] != _channels(inputs, data_format):
        raise ValueError("depthwise_conv: kernel.shape[-2] must equal the input channels %d. "
                         "Received: inputs.shape=%s, kernel.shape=%s"
                         % (_channels(inputs, data_format), tuple(inputs.shape),
                            tuple(kernel.shape)))
    return depthwise_conv_nd(inputs, kernel, None, strides, padding, dilation_rate,
                             data_format=data_format)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """Depthwise convolution followed by a 1x1 convolution, as
    `keras.ops.separable_conv`.

    Args:
        inputs: `(batch, *spatial, channels)` (or channels-first).
        depthwise_kernel: `(*window, channels, depth_multiplier)`.
        pointwise_kernel: `(*ones, channels * depth_multiplier, filters)`.
        strides, padding, data_format, dilation_rate: as `conv` (of the
            depthwise step).

    Example:

    >>> separable_conv(np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 3)),
    ...                np.ones((1, 1, 6, 4))).shape
    (1, 3, 3, 4)
    """
    inputs, depthwise_kernel, pointwise_kernel = _common(inputs, depthwise_kernel,
                                                         pointwise_kernel)
    rank = _rank_of(inputs, depthwise_kernel, "separable_conv", "depthwise_kernel")
    _rank_of(inputs, pointwise_kernel, "separable_conv", "pointwise_kernel")
    strides, padding, data_format, dilation_rate = _geometry(rank, strides, padding,
                                                             data_format, dilation_rate)
    channels = _channels(inputs, data_format)
    if depthwise_kernel.shape[-2] != channels:
        raise ValueError("separable_conv: depthwise_kernel.shape[-2] must equal the input "
                         "channels %d. Received: depthwise_kernel.shape=%s"
                         % (channels, tuple(depthwise_kernel.shape)))
    mid = channels * depthwise_kernel.shape[-1]
    if tuple(pointwise_kernel.shape[:-1]) != (1,) * rank + (mid,):
        raise ValueError("separable_conv: pointwise_kernel must have shape %s + (filters,). "
                         "Received: pointwise_kernel.shape=%s"
                         % ((1,) * rank + (mid,), tuple(pointwise_kernel.shape)))
    x = to_channels_last(inputs, rank) if data_format == "channels_first" else inputs
    x = depthwise_conv_nd(x, depthwise_kernel, None, strides, padding, dilation_rate)
    y = conv_nd(x, pointwise_kernel, None, (1,) * rank, "valid", (1,) * rank)
    return to_channels_first(y, rank) if data_format == "channels_first" else y


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """Transposed convolution (the gradient of `conv` with respect to its
    input), as `keras.ops.conv_transpose`.

    Each input position `i` adds `inputs[i, c] * kernel[w, f, c]` at output
    position `i * strides + w * dilation_rate`; 'same' crops the result to
    `size * strides`.

    Args:
        inputs: `(batch, *spatial, channels)` (or channels-first).
        kernel: `(*window, filters, channels)`.
        strides, padding, data_format, dilation_rate: as `conv`.
        output_padding: None, or an int or one int per axis, each smaller than
            the stride: extra rows/columns at the end of the output.
            Defaults to `None`.

    Example:

    >>> conv_transpose(np.ones((1, 4, 4, 2)), np.ones((3, 3, 5, 2)), strides=2).shape
    (1, 9, 9, 5)
    """
    inputs, kernel = _common(inputs, kernel)
    rank = _rank_of(inputs, kernel, "conv_transpose")
    strides, padding, data_format, dilation_rate = _geometry(rank, strides, padding,
                                                             data_format, dilation_rate)
    if output_padding is not None:
        output_padding = normalize_tuple(output_padding, rank, "output_padding",
                                         allow_zero=True)
        check_output_padding(output_padding, strides)
    if kernel.shape[-1] != _channels(inputs, data_format):
        raise ValueError("conv_transpose: kernel.shape[-1] must equal the input channels %d. "
                         "Received: inputs.shape=%s, kernel.shape=%s"
                         % (_channels(inputs, data_format), tuple(inputs.shape),
                            tuple(kernel.shape)))
    return conv_transpose_nd(inputs, kernel, None, strides, padding, output_padding,
                             dilation_rate, data_format=data_format)


def check_output_padding(output_padding, strides):
    for i, (o, s) in enumerate(zip(output_padding, strides)):
        if o >= s:
            raise ValueError("`output_padding` must be strictly less than `strides` for all "
                             "dimensions. At dimension %d, `output_padding` is %d but "
                             "`strides` is %d. Received: output_padding=%s, strides=%s"
                             % (i, o, s, tuple(output_padding), tuple(strides)))
