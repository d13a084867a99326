"""BaseConv: what every convolution layer shares (arguments, input checks,
output shapes, config); the arithmetic is `nnlite.ops.convolution`."""
import numpy as np

from nnlite import constraints, initializers, regularizers
from nnlite.layers.activation_ops import ActivationOp
from nnlite.layers.layer import Layer
from nnlite.ops import convolution as conv_ops


def positive_int(value, name):
    """`value` as a strictly positive Python int (Keras's message otherwise)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError("Invalid value for argument `%s`. Expected a strictly positive value. "
                         "Received %s=%r." % (name, name, value))
    return int(value)


class BaseConv(Layer):
    """Abstract N-D convolution layer (1-D and 2-D in nnlite), as Keras's
    `BaseConv`: `activation(conv(inputs, kernel) + bias)`.

    The kernel has shape `(*kernel_size, input_channels // groups, filters)`
    for both data formats; the bias `(filters,)`.

    Args:
        rank: The number of spatial axes (1 or 2).
        filters: Positive int, the number of output channels.
        kernel_size: An int or `rank` ints, the window.
        strides: An int or `rank` ints. Defaults to `1`.
        padding: `"valid"` or `"same"` (and `"causal"` for `Conv1D`),
            case-insensitive. Defaults to `"valid"`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `"channels_last"`.
        dilation_rate: An int or `rank` ints; not with strides > 1.
            Defaults to `1`.
        groups: Positive int dividing both the input channels and `filters`.
            Defaults to `1`.
        activation: Name or function. Defaults to `None` (linear).
        use_bias: Defaults to `True`.
        kernel_initializer: Defaults to `"glorot_uniform"`.
        bias_initializer: Defaults to `"zeros"`.
        kernel_regularizer, bias_regularizer, activity_regularizer: Defaults
            to `None`.
        kernel_constraint, bias_constraint: Defaults to `None`.
    """

    _paddings = ("valid", "same")

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if lora_rank is not None:
            raise NotImplementedError("lora_rank is not supported by nnlite yet")
        self.rank = rank
        self.filters = None if filters is None else positive_int(filters, "filters")
        self.groups = positive_int(groups, "groups")
        self._init_geometry(kernel_size, strides, padding, data_format, dilation_rate)
        if self.filters is not None and self.filters % self.groups:
            raise ValueError("The number of filters must be evenly divisible by the number of "
                             "groups. Received: groups=%d, filters=%d."
                             % (self.groups, self.filters))
        self._init_activation_bias(activation, use_bias, bias_initializer, bias_regularizer,
                                   bias_constraint)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.kernel = None

    # -- shared argument handling ---------------------------------------------
    def _init_geometry(self, kernel_size, strides, padding, data_format, dilation_rate):
        rank = self.rank
        self.kernel_size = conv_ops.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_ops.normalize_tuple(strides, rank, "strides")
        self.dilation_rate = conv_ops.normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = conv_ops.normalize_padding(padding, self._paddings)
        self.data_format = conv_ops.normalize_data_format(data_format)
        conv_ops.check_strides_dilation(self.strides, self.dilation_rate)

    def _init_activation_bias(self, activation, use_bias, bias_initializer, bias_regularizer,
                              bias_constraint):
        self._act = ActivationOp(activation)
        self.activation = self._act.fn
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.bias = None

    @property
    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _spatial(self, shape):
        shape = tuple(shape)
        return shape[2:] if self.data_format == "channels_first" else shape[1:-1]

    def _output_shape(self, input_shape, spatial, channels):
        if self.data_format == "channels_first":
            return (input_shape[0], channels) + tuple(spatial)
        return (input_shape[0],) + tuple(spatial) + (channels,)

    def _check_rank(self, shape):
        if len(shape) != self.rank + 2:
            raise ValueError('Input 0 of layer "%s" is incompatible with the layer: expected '
                             "ndim=%d, found ndim=%d. Full shape received: %s"
                             % (self.name, self.rank + 2, len(shape), tuple(shape)))

    def _input_channels(self, input_shape):
        """The channel count of `input_shape` (checked: rank, defined channels)."""
        self._check_rank(input_shape)
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError("The channel dimension of the inputs of layer %r should be "
                             "defined. The input_shape received is %s, where axis %d (0-based) "
                             "is the channel dimension, which was found to be `None`."
                             % (self.name, tuple(input_shape),
                                self._channel_axis % len(input_shape)))
        return int(channels)

    def _check_input(self, x, channels):
        """The call-time check of a built layer: rank and channel count."""
        shape = tuple(x.shape)
        self._check_rank(shape)
        if shape[self._channel_axis] != channels:
            raise ValueError('Input 0 of layer "%s" is incompatible with the layer: expected '
                             "axis %d of input shape to have value %d, but received input with "
                             "shape %s" % (self.name, self._channel_axis, channels, shape))

    def _conv_spatial(self, input_shape):
        """Output spatial sizes of the forward convolution; an empty output is
        Keras's error."""
        out = [conv_ops.conv_output_length(n, k, s, d, self.padding)
               for n, k, s, d in zip(self._spatial(input_shape), self.kernel_size,
                                     self.strides, self.dilation_rate)]
        if any(o is not None and o <= 0 for o in out):
            raise ValueError("Computed output size would be zero or negative in layer %r. "
                             "Received `inputs shape=%s`, `kernel_size=%s`, "
                             "`dilation_rate=%s`, `strides=%s`, `padding=%s`."
                             % (self.name, tuple(input_shape), self.kernel_size,
                                self.dilation_rate, self.strides, self.padding))
        return out

    def _fused_activation(self):
        """(C-core name, alpha) to pass to the op, or (None, 0.0) when the
        activation is a Python function that the layer applies itself."""
        spec = self._act.spec
        return (None, 0.0) if spec is None else (spec[0], spec[1])

    def _finish(self, y):
        return y if self._act.spec is not None else self.activation(y)

    def _bias_weight(self, size):
        if self.use_bias:
            self.bias = self.add_weight(shape=(size,), initializer=self.bias_initializer,
                                        name="bias", regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None

    # -- Layer API -------------------------------------------------------------
    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError("The number of input channels must be evenly divisible by the "
                             "number of groups. Received groups=%d, but the input has %d "
                             "channels (full input shape is %s)."
                             % (self.groups, channels, tuple(input_shape)))
        self._conv_spatial(input_shape)
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels // self.groups, self.filters),
            initializer=self.kernel_initializer, name="kernel",
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self._bias_weight(self.filters)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self._conv_spatial(input_shape), self.filters)

    def call(self, inputs):
        self._check_input(inputs, self.kernel.shape[-2] * self.groups)
        name, alpha = self._fused_activation()
        y = conv_ops.conv_nd(inputs, self.kernel, self.bias, self.strides, self.padding,
                             self.dilation_rate, self.groups, name, alpha, self.data_format)
        return self._finish(y)

    def get_build_config(self):
        """Keras writes the input shape a convolution was built for."""
        shape = getattr(self, "_build_input_shape", None)
        return None if shape is None else {"input_shape": list(shape)}

    # -- config ------------------------------------------------------------------
    def _base_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return config

    def _tail_config(self, prefix_weights):
        """activation .. constraints, in Keras's order; `prefix_weights` names
        the weights before the bias (`kernel`, or `depthwise` and `pointwise`)."""
        from nnlite.saving.serialization_lib import serialize_activation
        config = {"activation": serialize_activation(self._act.fn), "use_bias": self.use_bias}
        for w in prefix_weights:
            config["%s_initializer" % w] = initializers.serialize(
                getattr(self, "%s_initializer" % w))
        config["bias_initializer"] = initializers.serialize(self.bias_initializer)
        for w in prefix_weights:
            config["%s_regularizer" % w] = regularizers.serialize(
                getattr(self, "%s_regularizer" % w))
        config["bias_regularizer"] = regularizers.serialize(self.bias_regularizer)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        for w in prefix_weights:
            config["%s_constraint" % w] = constraints.serialize(
                getattr(self, "%s_constraint" % w))
        config["bias_constraint"] = constraints.serialize(self.bias_constraint)
        return config

    def get_config(self):
        config = self._base_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
        })
        config.update(self._tail_config(("kernel",)))
        return config
