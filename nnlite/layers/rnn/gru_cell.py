"""GRUCell: one step of a gated recurrent unit layer."""
from nnlite import activations, ops
from nnlite.layers.rnn.cell_base import RecurrentCell, ordered_config


class GRUCell(RecurrentCell):
    """One step of `GRU` (Cho 2014), gates in Keras's order z, r, h:
    `z, r = recurrent_activation(x @ W_zr + b_zr + h_prev @ U_zr (+ recurrent bias))`,
    `hh = activation(x @ W_h + b_h + r * (h_prev @ U_h + b_rec_h))` (`reset_after`)
    or `activation(x @ W_h + b_h + (r * h_prev) @ U_h)`, `h = z * h_prev + (1 - z) * hh`.

    Args:
        units: Positive integer, the size of the state.
        activation: Defaults to `"tanh"`.
        recurrent_activation: Defaults to `"sigmoid"`.
        reset_after: Apply the reset gate after the recurrent matrix product
            (Keras's and cuDNN's default, bias of shape (2, 3 * units)).
            Defaults to `True`.
        The other arguments as `SimpleRNNCell`.
    """

    gates = 3
    fused_kind = "gru"

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 reset_after=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=False):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        x, hs = self._gate_parts(inputs, h_prev, training)
        u = self.units
        if self.use_bias:
            x = x + (self.bias[0] if self.reset_after else self.bias)
        if self.reset_after:
            inner = self._recurrent(hs, (0, 1, 2))
            if self.use_bias:
                inner = inner + self.bias[1]
        else:
            inner = self._recurrent(hs, (0, 1))
        z = self.recurrent_activation(x[:, :u] + inner[:, :u])
        r = self.recurrent_activation(x[:, u:2 * u] + inner[:, u:2 * u])
        if self.reset_after:
            rec_h = r * inner[:, 2 * u:]
        else:
            rec_h = ops.matmul(r * hs[2], self.recurrent_kernel[:, 2 * u:])
        hh = self.activation(x[:, 2 * u:] + rec_h)
        h = z * h_prev + (1 - z) * hh
        return h, [h] if isinstance(states, (list, tuple)) else h

    def fused_spec(self):
        spec = super().fused_spec()
        if spec is not None:
            spec["reset_after"] = self.reset_after
        return spec

    def get_config(self):
        from nnlite.saving.serialization_lib import serialize_activation
        config = super().get_config()
        config["recurrent_activation"] = serialize_activation(self.recurrent_activation)
        config["reset_after"] = self.reset_after
        return ordered_config(config, ("units", "activation", "recurrent_activation",
                                       "use_bias"))
