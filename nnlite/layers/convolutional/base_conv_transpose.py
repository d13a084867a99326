"""BaseConvTranspose: what Conv1DTranspose and Conv2DTranspose share."""
from nnlite.layers.convolutional.base_conv import BaseConv
from nnlite.layers.layer import Layer
from nnlite.ops import convolution as conv_ops


class BaseConvTranspose(BaseConv):
    """Abstract N-D transposed convolution layer (1-D and 2-D), as Keras's
    `BaseConvTranspose`: the gradient of a convolution with respect to its
    input, applied to `inputs`, plus bias and activation.

    Each input position `i` adds `inputs[i, c] * kernel[w, f, c]` at output
    position `i * strides + w * dilation_rate`. Output length per axis, as
    Keras: `"valid"` gives `(n - 1) * s + max(k_e, s)`, `"same"` gives `n * s`
    (k_e the dilated window); with `output_padding` `(n - 1) * s + k_e - 2p
    + output_padding` (p = k_e // 2 for `"same"`, else 0).

    Args:
        rank: 1 or 2.
        filters: Positive int, the number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate, activation,
        use_bias, initializers, regularizers, constraints: as `BaseConv`.
        output_padding: None, or an int or `rank` ints each smaller than the
            stride. Defaults to `None`.

    Kernel shape: `(*kernel_size, filters, input_channels)`.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 output_padding=None, data_format=None, dilation_rate=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(rank=rank, filters=filters, kernel_size=kernel_size, strides=strides,
                         padding=padding, data_format=data_format, dilation_rate=dilation_rate,
                         groups=1, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)
        if output_padding is None:
            self.output_padding = None
        else:
            self.output_padding = conv_ops.normalize_tuple(output_padding, rank,
                                                           "output_padding", allow_zero=True)
            conv_ops.check_output_padding(self.output_padding, self.strides)

    def _transpose_spatial(self, input_shape):
        op = self.output_padding or (None,) * self.rank
        return [conv_ops.conv_transpose_output_length(n, k, s, d, self.padding, o)
                for n, k, s, d, o in zip(self._spatial(input_shape), self.kernel_size,
                                         self.strides, self.dilation_rate, op)]

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, channels),
            initializer=self.kernel_initializer, name="kernel",
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self._bias_weight(self.filters)
        Layer.build(self, input_shape)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self._transpose_spatial(input_shape),
                                  self.filters)

    def call(self, inputs):
        self._check_input(inputs, self.kernel.shape[-1])
        name, alpha = self._fused_activation()
        y = conv_ops.conv_transpose_nd(inputs, self.kernel, self.bias, self.strides,
                                       self.padding, self.output_padding, self.dilation_rate,
                                       name, alpha, self.data_format)
        return self._finish(y)

    def get_config(self):
        config = self._base_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
        })
        config.update(self._tail_config(("kernel",)))
        return config
