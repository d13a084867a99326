"""Conv1D: the 1-D (temporal) convolution layer."""
from nnlite.layers.convolutional.base_conv import BaseConv


class Conv1D(BaseConv):
    """1-D convolution layer: `activation(conv1d(inputs, kernel) + bias)`.

    `out[b, t, f] = bias[f] + sum_{k, c} in[b, t*s + k*d, c] * kernel[k, c, f]`
    (cross-correlation). `padding="causal"` pads `dilation_rate * (kernel_size
    - 1)` steps on the left only, so `out[t]` never sees inputs after `t`
    (WaveNet-style models).

    Args:
        filters: Positive int, the number of output channels.
        kernel_size: An int (or a 1-tuple), the window length.
        strides: Defaults to `1`.
        padding: `"valid"`, `"same"` or `"causal"`. Defaults to `"valid"`.
        data_format: `"channels_last"` (`(batch, steps, channels)`) or
            `"channels_first"` (`(batch, channels, steps)`). Defaults to
            `"channels_last"`.
        dilation_rate: Defaults to `1`.
        groups: Defaults to `1`.
        activation: Defaults to `None` (linear).
        use_bias: Defaults to `True`.
        kernel_initializer: Defaults to `"glorot_uniform"`.
        bias_initializer: Defaults to `"zeros"`.
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: Defaults to `None`.

    Kernel shape: `(kernel_size, channels // groups, filters)`.

    Input shape: `(batch, steps, channels)` (or channels-first).
    Output shape: `(batch, new_steps, filters)` (or channels-first).

    Example:

    >>> Conv1D(4, 3, padding="causal")(np.ones((2, 10, 3))).shape
    (2, 10, 4)
    """

    _paddings = ("valid", "same", "causal")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=1, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate,
                         groups=groups, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)
