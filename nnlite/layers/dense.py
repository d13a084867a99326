"""Dense: the fully connected layer `activation(x @ kernel + bias)`."""
import numpy as np

from nnlite import _core, constraints, initializers, regularizers
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
        self._cache = None

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
        if x.ndim < 2 or x.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                'Input 0 of layer "%s" is incompatible with the layer: expected axis -1 of '
                "input shape to have value %d, but received input with shape %s"
                % (self.name, self.kernel.shape[0], x.shape))

    def _fusable(self):
        """The C-core activation that can run inside the GEMM's epilogue, if any."""
        name = self._act.c_name
        return name if name is not None and name != "softmax" else None

    def _bias(self):
        return self.bias.value if self.use_bias else None

    def call(self, inputs, training=False):
        self._check_input(inputs)
        x2 = inputs.reshape(-1, inputs.shape[-1])
        fused = self._fusable()
        # one sweep: GEMM, bias and activation per tile, in place
        _, y = _core.dense_forward(x2, self.kernel.value, self._bias(), fused,
                                   self._act.spec[1] if fused else 0.0)
        if fused is None:
            y = self._act.forward(y, inplace=True)
        return y.reshape(inputs.shape[:-1] + (self.units,))

    def forward(self, x, training=False):
        self._check_input(x)
        x2 = x.reshape(-1, x.shape[-1])
        fused = self._fusable()
        if fused is not None and not self._act.is_linear:
            # z (kept for the backward pass) and y = f(z) in the same sweep
            z, y = _core.dense_forward(x2, self.kernel.value, self._bias(), fused,
                                       self._act.spec[1], y=np.empty((len(x2), self.units),
                                                                     dtype=x2.dtype))
        else:
            z, _ = _core.dense_forward(x2, self.kernel.value, self._bias())
            y = self._act.forward(z)
        self._cache = (x.shape, x2, z, y)
        return self._record_activity(y.reshape(x.shape[:-1] + (self.units,)))

    def cached_preactivation(self):
        """The pre-activation `x @ kernel + bias` of the last forward pass."""
        return self._cache[2]

    def backward(self, dy, need_dx=True, from_preactivation=False):
        """Gradients of kernel and bias into `self.grads`; returns d loss / d input.

        With `from_preactivation`, `dy` is already the gradient w.r.t. the
        pre-activation (fused softmax/sigmoid + cross-entropy).
        """
        xshape, x2, z, y = self._cache
        dy2 = np.ascontiguousarray(dy).reshape(-1, self.units)
        act_grad = self._activity_grad()
        if from_preactivation:
            dz = dy2
            if act_grad is not None:   # the output's penalty, taken back through f
                dz = dz + self._act.backward(z, y, np.ascontiguousarray(
                    act_grad.reshape(dz.shape)))
        else:
            if act_grad is not None:
                dy2 = dy2 + act_grad.reshape(dy2.shape)
            dz = self._act.backward(z, y, np.ascontiguousarray(dy2))
        dz = np.ascontiguousarray(dz)
        grads = [_core.gemm(x2, dz, trans_a=True)]
        if self.use_bias:
            grads.append(_core.bias_backward(dz))
        self._set_grads(grads)
        if not need_dx:
            return None
        return _core.gemm(dz, self.kernel.value, trans_b=True).reshape(xshape)

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
