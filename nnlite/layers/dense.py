"""Dense: the fully connected layer `activation(x @ kernel + bias)`."""
import numpy as np

from nnlite import constraints, initializers, regularizers
from nnlite.ops import fused
from nnlite.layers.activation_ops import ActivationOp
from nnlite.layers.layer import Layer
from nnlite.utils.legacy import warn_deprecated

# Keras 2 argument names that Keras 3 rejects, and their Keras 3 names
_LEGACY_ARGS = (("output_dim", "units"), ("init", "kernel_initializer"),
                ("W_regularizer", "kernel_regularizer"), ("b_regularizer", "bias_regularizer"),
                ("W_constraint", "kernel_constraint"), ("b_constraint", "bias_constraint"),
                ("bias", "use_bias"))


class Dense(Layer):
    """Densely connected layer: `output = activation(dot(input, kernel) + bias)`.

    The kernel has shape `(input_dim, units)`; inputs of more than two axes are
    multiplied along their last axis.

    Args:
        units: Positive integer, the output size.
        activation: Name or function. Defaults to `None` (linear).
        use_bias: Defaults to `True`.
        kernel_initializer: Defaults to `"glorot_uniform"`.
        bias_initializer: Defaults to `"zeros"`.
        kernel_regularizer, bias_regularizer: Optional penalties on the
            weights (`"l2"`, `L1(0.001)`, ...). Defaults to `None`.
        activity_regularizer: Optional penalty on the output (divided by the
            batch size). Defaults to `None`.
        kernel_constraint, bias_constraint: Optional constraints the
            optimizer applies after each update. Defaults to `None`.

    Keras 2 names are accepted with a FutureWarning: `output_dim` (units),
    `init` (kernel_initializer), `W_regularizer`, `b_regularizer`,
    `W_constraint`, `b_constraint` and `bias` (use_bias).

    Input shape: `(batch_size, ..., input_dim)`.
    Output shape: `(batch_size, ..., units)`.

    Example:

    >>> layer = Dense(3, activation="relu")
    >>> layer(np.ones((2, 4))).shape
    (2, 3)
    """

    supports_masking = True

    def __init__(self, units=None, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, **kwargs):
        given = {"units": units, "kernel_initializer": kernel_initializer,
                 "kernel_regularizer": kernel_regularizer, "bias_regularizer": bias_regularizer,
                 "kernel_constraint": kernel_constraint, "bias_constraint": bias_constraint,
                 "use_bias": use_bias}
        for old, new in _LEGACY_ARGS:
            if old in kwargs:
                warn_deprecated("Dense(%s=...)" % old, "Dense(%s=...)" % new)
                given[new] = kwargs.pop(old)
        units = given["units"]
        if units is None:
            raise TypeError("Dense.__init__() missing 1 required positional argument: 'units'")
        kernel_initializer = given["kernel_initializer"]
        use_bias = given["use_bias"]
        kwargs.pop("quantization_config", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError("Received an invalid value for `units`, expected a positive "
                             "integer. Received: units=%r" % (units,))
        if lora_rank is not None:
            raise NotImplementedError("lora_rank is not supported by nnlite yet")
        self.units = int(units)
        self._act = ActivationOp(activation)
        self.activation = self._act.fn
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(given["kernel_regularizer"])
        self.bias_regularizer = regularizers.get(given["bias_regularizer"])
        self.kernel_constraint = constraints.get(given["kernel_constraint"])
        self.bias_constraint = constraints.get(given["bias_constraint"])
        self.kernel = None
        self.bias = None

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError("The last dimension of the input to Dense layer %r must be "
                             "defined. Received: input_shape=%s" % (self.name, input_shape))
        self.kernel = self.add_weight(shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        name="bias", regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def _check_input(self, x):
        if len(x.shape) < 2 or x.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                'Input 0 of layer "%s" is incompatible with the layer: expected axis -1 of '
                "input shape to have value %d, but received input with shape %s"
                % (self.name, self.kernel.shape[0], tuple(x.shape)))

    def call(self, inputs):
        self._check_input(inputs)
        bias = self.bias if self.use_bias else None
        spec = self._act.spec
        if spec is None:        # a Python activation, written with ops
            return self.activation(fused.dense(inputs, self.kernel, bias))
        name, alpha = spec
        if name in ("softmax", "sigmoid"):
            # the logits stay reachable, for a cross-entropy taken on them
            return fused.dense_with_logits(inputs, self.kernel, bias, name, alpha)[1]
        return fused.dense(inputs, self.kernel, bias, name, alpha)

    def executor_spec(self):
        """What the compiled executor runs for this layer: `{"kind": "dense",
        "units", "activation" (the C core's name), "alpha", "use_bias"}`, or
        None when it cannot (a Python activation, an activity regularizer, a
        subclass that overrides `call`)."""
        spec = self._act.spec
        cls = type(self)
        if spec is None or self.activity_regularizer is not None or cls.call is not Dense.call \
                or cls.__call__ is not Dense.__call__:
            return None
        return {"kind": "dense", "units": self.units, "activation": spec[0],
                "alpha": float(spec[1]), "use_bias": self.use_bias}

    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_activation
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": serialize_activation(self._act.fn),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        quantization_config = config.pop("quantization_config", None)
        if quantization_config is not None:
            raise NotImplementedError("Quantized Dense layers are not supported by nnlite. "
                                      "Received: quantization_config=%r"
                                      % (quantization_config,))
        return super().from_config(config)
