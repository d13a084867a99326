"""SeparableConv2D: a depthwise convolution, then a 1x1 convolution."""
from nnlite import constraints, initializers, regularizers
from nnlite.layers.convolutional.base_conv import BaseConv, positive_int
from nnlite.layers.layer import Layer
from nnlite.ops import convolution as conv_ops


class SeparableConv2D(BaseConv):
    """2-D depthwise-separable convolution layer.

    A depthwise convolution (each input channel with its own
    `depth_multiplier` filters, no bias) followed by a pointwise 1x1
    convolution to `filters` channels, plus bias and activation:
    `activation(conv1x1(depthwise(inputs, depthwise_kernel), pointwise_kernel)
    + bias)`. Both steps run in C; the second one, with the bias and the
    activation fused, is a plain GEMM.

    Args:
        filters: Positive int, the number of output channels.
        kernel_size: An int or 2 ints, the depthwise window.
        strides: An int or 2 ints. Defaults to `(1, 1)`.
        padding: `"valid"` or `"same"`. Defaults to `"valid"`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `"channels_last"`.
        dilation_rate: An int or 2 ints. Defaults to `(1, 1)`.
        depth_multiplier: Defaults to `1`.
        activation: Defaults to `None` (linear).
        use_bias: Defaults to `True`.
        depthwise_initializer, pointwise_initializer: Defaults to
            `"glorot_uniform"`.
        bias_initializer: Defaults to `"zeros"`.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer,
        activity_regularizer, depthwise_constraint, pointwise_constraint,
        bias_constraint: Defaults to `None`.

    Weights: `depthwise_kernel (kh, kw, channels, depth_multiplier)`,
    `pointwise_kernel (1, 1, channels * depth_multiplier, filters)`,
    `bias (filters,)`.

    Example:

    >>> SeparableConv2D(4, 3)(np.ones((1, 5, 5, 3))).shape
    (1, 3, 3, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        Layer.__init__(self, activity_regularizer=activity_regularizer, **kwargs)
        self.rank = 2
        self.groups = 1
        self.filters = positive_int(filters, "filters")
        self.depth_multiplier = positive_int(depth_multiplier, "depth_multiplier")
        self._init_geometry(kernel_size, strides, padding, data_format, dilation_rate)
        self._init_activation_bias(activation, use_bias, bias_initializer, bias_regularizer,
                                   bias_constraint)
        for part, init, reg, con in (
                ("depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint),
                ("pointwise", pointwise_initializer, pointwise_regularizer, pointwise_constraint)):
            setattr(self, part + "_initializer", initializers.get(init))
            setattr(self, part + "_regularizer", regularizers.get(reg))
            setattr(self, part + "_constraint", constraints.get(con))
        self.depthwise_kernel = None
        self.pointwise_kernel = None

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._conv_spatial(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, name="depthwise_kernel",
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            shape=(1, 1, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, name="pointwise_kernel",
            regularizer=self.pointwise_regularizer, constraint=self.pointwise_constraint)
        self._bias_weight(self.filters)
        Layer.build(self, input_shape)

    def call(self, inputs):
        self._check_input(inputs, self.depthwise_kernel.shape[-2])
        name, alpha = self._fused_activation()
        x = inputs
        if self.data_format == "channels_first":
            x = conv_ops.to_channels_last(x, 2)
        x = conv_ops.depthwise_conv_nd(x, self.depthwise_kernel, None, self.strides,
                                       self.padding, self.dilation_rate)
        if self.data_format == "channels_first":
            # the activation runs after the layout is back (softmax is over the last axis)
            y = conv_ops.conv_nd(x, self.pointwise_kernel, self.bias, (1, 1), "valid", (1, 1))
            y = conv_ops.to_channels_first(y, 2)
            if name not in (None, "linear"):
                from nnlite.ops import fused
                y = fused.activation(y, name, alpha)
        else:
            y = conv_ops.conv_nd(x, self.pointwise_kernel, self.bias, (1, 1), "valid", (1, 1),
                                 1, name, alpha)
        return self._finish(y)

    def get_config(self):
        config = self._base_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
        })
        config.update(self._tail_config(("depthwise", "pointwise")))
        return config
