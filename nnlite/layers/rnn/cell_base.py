"""The weights and config shared by the built-in recurrent cells."""
from nnlite import activations, constraints, initializers, ops, regularizers
from nnlite.layers.layer import Layer
from nnlite.layers.rnn.dropout_rnn_cell import DropoutRNNCell, check_rate, check_units


class RecurrentCell(DropoutRNNCell, Layer):
    """A cell with `kernel` (input_dim, gates * units), `recurrent_kernel`
    (units, gates * units) and `bias`, as Keras's SimpleRNNCell, LSTMCell and
    GRUCell hold them. Subclasses set `gates` and compute one step in `call`."""

    gates = 1
    fused_kind = None    # "simple", "lstm" or "gru" on the built-in cells

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        self.units = check_units(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.kernel = self.recurrent_kernel = self.bias = None

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError("The last dimension of the input to %s %r must be defined. "
                             "Received: input_shape=%s" % (type(self).__name__, self.name,
                                                           input_shape))
        width = self.gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, width), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, width),
                                                name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=self._bias_shape(), name="bias",
                                        initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    @property
    def dropout_mask_count(self):
        """Keras's cells with several gates draw one mask per gate once the
        recurrent dropout is on (their `implementation=1`)."""
        return self.gates if self.gates > 1 and self.recurrent_dropout != 0 else None

    def _dropped(self, inputs, h_tm1, training):
        """The step's input and previous state with the cell's dropout masks."""
        if training and 0.0 < self.dropout < 1.0:
            inputs = inputs * self.get_dropout_mask(inputs)
        if training and 0.0 < self.recurrent_dropout < 1.0:
            h_tm1 = h_tm1 * self.get_recurrent_dropout_mask(h_tm1)
        return inputs, h_tm1

    def _gate_parts(self, inputs, h_tm1, training):
        """`(x @ kernel, [h entering gate g])` of one step with the dropout
        masks: one mask for all gates, or one per gate (`dropout_mask_count`),
        the input part then computed gate by gate as Keras does."""
        if self.dropout_mask_count is None:
            inputs, h_tm1 = self._dropped(inputs, h_tm1, training)
            return ops.matmul(inputs, self.kernel), [h_tm1] * self.gates
        u, k = self.units, self.gates
        dm = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rm = self.get_recurrent_dropout_mask(h_tm1) \
            if training and 0.0 < self.recurrent_dropout < 1.0 else None
        x_parts = [ops.matmul(inputs if dm is None else inputs * dm[g],
                              self.kernel[:, g * u:(g + 1) * u]) for g in range(k)]
        hs = [h_tm1 if rm is None else h_tm1 * rm[g] for g in range(k)]
        return ops.concatenate(x_parts, axis=1), hs

    def _recurrent(self, hs, gates):
        """`concat(hs[g] @ U_g for g in gates)`: the recurrent products of the
        given gates (one product when every gate sees the same state)."""
        u = self.units
        lo, hi = gates[0] * u, (gates[-1] + 1) * u
        if all(h is hs[gates[0]] for h in (hs[g] for g in gates)):
            return ops.matmul(hs[gates[0]], self.recurrent_kernel[:, lo:hi])
        return ops.concatenate([ops.matmul(hs[g], self.recurrent_kernel[:, g * u:(g + 1) * u])
                                for g in gates], axis=1)

    def fused_spec(self):
        """What the fused C kernel runs for a whole sequence of this cell:
        `{"cell", "activation", "recurrent_activation"}` (C names), or None
        for a subclass that overrides `call` or an activation the kernel
        lacks (the RNN layer then runs the cell step by step)."""
        from nnlite.ops.recurrent import ACTIVATIONS
        owner = next((c for c in type(self).__mro__ if "fused_kind" in vars(c)), None)
        if self.fused_kind is None or type(self).call is not owner.call:
            return None
        names = []
        for fn in (self.activation, getattr(self, "recurrent_activation", self.activation)):
            spec = getattr(fn, "_nl_spec", None)
            if spec is None or spec[0] not in ACTIVATIONS or spec[1]:
                return None
            names.append(spec[0])
        return {"cell": self.fused_kind, "activation": names[0],
                "recurrent_activation": names[1]}

    def get_initial_state(self, batch_size=None):
        from nnlite import ops
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else \
            [self.state_size]
        return [ops.zeros((batch_size, n), dtype=self.dtype) for n in sizes]

    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_activation
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": serialize_activation(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        })
        return config


def ordered_config(config, first):
    """The config with the base keys, then `first` in Keras's order, then the rest."""
    head = {k: config[k] for k in ("name", "trainable", "dtype") if k in config}
    head.update((k, config[k]) for k in first)
    head.update((k, v) for k, v in config.items() if k not in head)
    return head
