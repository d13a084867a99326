"""DepthwiseConv2D: each input channel convolved with its own filters."""
from nnlite import constraints, initializers, regularizers
from nnlite.layers.convolutional.base_conv import BaseConv, positive_int
from nnlite.layers.layer import Layer
from nnlite.ops import convolution as conv_ops


class DepthwiseConv2D(BaseConv):
    """2-D depthwise convolution layer.

    Each input channel `c` is convolved with its own `depth_multiplier`
    filters: `out[b, i, j, c * depth_multiplier + m] = bias[c * dm + m] +
    sum_{y, x} in[b, i*sh + y*dh, j*sw + x*dw, c] * kernel[y, x, c, m]`.
    Runs as the C core's own depthwise kernel (bias and activation fused).

    Args:
        kernel_size: An int or 2 ints, the window.
        strides: An int or 2 ints. Defaults to `(1, 1)`.
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        depth_multiplier: Output channels per input channel. Defaults to `1`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `"channels_last"`.
        dilation_rate: An int or 2 ints. Defaults to `(1, 1)`.
        activation: Defaults to `None` (linear).
        use_bias: Defaults to `True`.
        depthwise_initializer: Defaults to `"glorot_uniform"`.
        bias_initializer: Defaults to `"zeros"`.
        depthwise_regularizer, bias_regularizer, activity_regularizer,
        depthwise_constraint, bias_constraint: Defaults to `None`.

    Kernel shape: `(kh, kw, channels, depth_multiplier)`; bias
    `(channels * depth_multiplier,)`.

    Input shape: `(batch, h, w, channels)` (or channels-first).
    Output shape: `(batch, new_h, new_w, channels * depth_multiplier)`.

    Example:

    >>> DepthwiseConv2D(3, depth_multiplier=2)(np.ones((1, 5, 5, 3))).shape
    (1, 3, 3, 6)
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        Layer.__init__(self, activity_regularizer=activity_regularizer, **kwargs)
        self.rank = 2
        self.filters = None
        self.groups = 1
        self.depth_multiplier = positive_int(depth_multiplier, "depth_multiplier")
        self._init_geometry(kernel_size, strides, padding, data_format, dilation_rate)
        self._init_activation_bias(activation, use_bias, bias_initializer, bias_regularizer,
                                   bias_constraint)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.kernel = None

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._conv_spatial(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, name="kernel",
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint)
        self._bias_weight(channels * self.depth_multiplier)
        Layer.build(self, input_shape)

    def compute_output_shape(self, input_shape):
        channels = input_shape[self._channel_axis]
        return self._output_shape(input_shape, self._conv_spatial(input_shape),
                                  None if channels is None else channels * self.depth_multiplier)

    def call(self, inputs):
        self._check_input(inputs, self.kernel.shape[-2])
        name, alpha = self._fused_activation()
        y = conv_ops.depthwise_conv_nd(inputs, self.kernel, self.bias, self.strides,
                                       self.padding, self.dilation_rate, name, alpha,
                                       self.data_format)
        return self._finish(y)

    def get_config(self):
        config = self._base_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
        })
        config.update(self._tail_config(("depthwise",)))
        return config
