"""Conv2D: the 2-D convolution layer."""
from nnlite.layers.convolutional.base_conv import BaseConv


class Conv2D(BaseConv):
    """2-D convolution layer: `activation(conv2d(inputs, kernel) + bias)`.

    `out[b, i, j, f] = bias[f] + sum_{y, x, c} in[b, i*sh + y*dh, j*sw + x*dw, c]
    * kernel[y, x, c, f]` (cross-correlation), each group of
    `filters // groups` filters seeing its own `channels // groups` channels.
    Runs as one C sweep (bias and elementwise activation fused in).

    Args:
        filters: Positive int, the number of output channels.
        kernel_size: An int or 2 ints, the window.
        strides: An int or 2 ints. Defaults to `(1, 1)`.
        padding: `"valid"` or `"same"` (output `ceil(size / stride)`, the
            extra padding at the bottom/right as TensorFlow). Defaults to
            `"valid"`.
        data_format: `"channels_last"` (`(batch, h, w, c)`) or
            `"channels_first"` (`(batch, c, h, w)`). Defaults to
            `"channels_last"`.
        dilation_rate: An int or 2 ints. Defaults to `(1, 1)`.
        groups: Defaults to `1`.
        activation: Defaults to `None` (linear).
        use_bias: Defaults to `True`.
        kernel_initializer: Defaults to `"glorot_uniform"`.
        bias_initializer: Defaults to `"zeros"`.
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: Defaults to `None`.

    Kernel shape: `(kh, kw, channels // groups, filters)`; bias `(filters,)`.

    Input shape: `(batch, h, w, channels)` (or channels-first).
    Output shape: `(batch, new_h, new_w, filters)` (or channels-first).

    Example:

    >>> Conv2D(4, 3, activation="relu")(np.ones((2, 8, 8, 3))).shape
    (2, 6, 6, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=2, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate,
                         groups=groups, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)
